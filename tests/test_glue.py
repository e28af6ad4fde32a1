"""diy_nn.book.glue writes what myst-nb's glue writes, so the website pastes it."""
from unittest import mock

import pytest

from diy_nn.book.glue import glue


def _displayed(function, *args, **kwargs):
    with mock.patch("IPython.display.display") as shown:
        function(*args, **kwargs)
    return shown.call_args


@pytest.mark.parametrize("value", [0.9731, 42, "a tie"])
@pytest.mark.parametrize("display", [False, True])
def test_glue_writes_the_same_output_as_myst_nb(value, display):
    myst_nb = pytest.importorskip("myst_nb.ext.glue")
    with mock.patch.object(myst_nb, "ipy_display") as theirs:
        myst_nb.glue("key", value, display=display)
    ours = _displayed(glue, "key", value, display=display)
    assert ours == theirs.call_args


def test_glue_refuses_a_name_that_is_not_a_string():
    with pytest.raises(TypeError, match="glue: expected a non-empty string name"):
        glue(3, 0.5)
