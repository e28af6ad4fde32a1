"""Checks of the loaders' arguments, done before anything is read or downloaded.

Like the checks of :mod:`diy_nn.errors` (which they use), each names the loader
(``owner``) and the argument, says what it got and what it expects, and raises a
``TypeError`` for the wrong kind of value, a ``ValueError`` for a value out of
range.
"""
import math

import numpy as np

from ..errors import _kind, check_int, check_real

#: The largest seed scikit-learn's ``train_test_split`` takes (NumPy's legacy
#: ``RandomState`` seeds are 32-bit).
MAX_SEED = 2**32 - 1


def check_bool(owner, what, value):
    """``value`` as a ``bool``: a Python or NumPy bool only. A string such as
    ``"False"`` is truthy, and 0 or None could be a slip: they are refused."""
    if not isinstance(value, (bool, np.bool_)):
        hint = ""
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            hint = f" (write {value.strip().capitalize()}, without quotes)"
        raise TypeError(
            f"{owner}: expected {what} to be True or False, got {_kind(value)}{hint}"
        )
    return bool(value)


def check_seed(owner, seed):
    """``seed`` as an ``int`` from 0 to 2**32 - 1, or None (a different split at
    every call)."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{owner}: expected seed to be an integer (0 to 2**32 - 1) "
                        f"or None, got {_kind(seed)}")
    seed = check_int(owner, "seed", seed, minimum=0)
    if seed > MAX_SEED:
        raise ValueError(f"{owner}: expected seed <= 2**32 - 1 = {MAX_SEED}, "
                         f"got {seed}")
    return seed


def split_rows(owner, test_size, n, least=1):
    """The number of test rows ``test_size`` asks for out of ``n`` rows.

    ``test_size`` is a fraction in (0, 1), which gives ``ceil(test_size * n)``
    rows (scikit-learn's rule), or an ``int``, a number of rows. Both parts must
    keep at least ``least`` rows: one of each class in a stratified split.
    """
    if isinstance(test_size, (int, np.integer)) and not isinstance(
            test_size, (bool, np.bool_)):
        rows = check_int(owner, "test_size", test_size, minimum=1)
    else:
        try:
            check_real(owner, "test_size", test_size, 0, 1, low_open=True,
                       high_open=True)
        except ValueError as exc:
            raise ValueError(f"{exc} (a fraction of the rows; for a number of rows, "
                             "give an int)") from None
        # In the value's own type: np.float32(0.2) gives 30 of 150 rows, as 0.2 does.
        rows = math.ceil(test_size * n)
    if not least <= rows <= n - least:
        why = (f" (one of each of the {least} classes: the split is stratified)"
               if least > 1 else "")
        raise ValueError(
            f"{owner}: test_size={test_size!r} leaves {rows} of the {n} rows for "
            f"testing and {n - rows} for training; each part needs at least "
            f"{least}{why}. Give a number of test rows from {least} to "
            f"{n - least}, or a fraction that gives as many."
        )
    return rows
