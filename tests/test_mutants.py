"""The workbook's checkers catch the mistakes students make.

``tests/mutants/`` holds the catalogue: for every skeleton of the workbook, the
mistakes students really make (accumulate or assign, a missing or an extra
transpose, a sum or a mean over the batch, the bias gradient over the wrong axis,
the derivative from the input instead of the output, a softmax without the
max-subtraction, dropout without 1/(1-p), a stride or a padding ignored, ties
sent to every maximum, overlapping windows written with =, a pooling without
its 1/k, a tied layer that keeps one gradient of two, bias=False ignored...),
each a small change to the library's class. Every mutant must fail ``check``,
and the library's own class must pass it.
"""
import sys
from pathlib import Path

import pytest

import diy_nn.book.workbook as runtime

import mutants

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = mutants.load()

# Mutants that the checkers let through, each with why: a score of at least 95 %
# must remain (test_the_checkers_catch_at_least_95_percent).
SURVIVORS = {}


def _check(target, obj):
    name, _, library = target.rpartition(".")[::-1] if "." in target else (
        target, None, None)
    return runtime.check(obj, library) if library else runtime.check(obj)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_a_mistake_fails_its_check(mutant, capsys):
    result = _check(mutant.target, mutant.make())
    if mutant.id in SURVIVORS:
        pytest.xfail(SURVIVORS[mutant.id])
    assert not result.passed and not result.not_answered, result.report()
    name, _, message = result.first_failure
    assert "the checker itself failed" not in message, message


@pytest.mark.parametrize("target", sorted({m.target for m in MUTANTS}))
def test_the_librarys_own_class_passes(target, capsys):
    name = target.split(".")[-1]
    library = target.rsplit(".", 1)[0] if "." in target else None
    reference = runtime.original(name, library)
    own = type(name, (reference,), {}) if isinstance(reference, type) else reference
    result = runtime.check(own, library) if library else runtime.check(own)
    assert result.passed, result.report()


def test_the_catalogue_has_at_least_40_mutants_and_the_checkers_catch_95_percent(
        capsys):
    assert len(MUTANTS) >= 40
    caught = sum(not _check(m.target, m.make()).passed for m in MUTANTS)
    assert caught / len(MUTANTS) >= 0.95, f"{caught} of {len(MUTANTS)} caught"


def test_every_skeleton_of_the_workbook_has_mutants():
    sys.path.insert(0, str(ROOT / "tools"))
    import build_workbook

    targets = {m.target.split(".")[-1] for m in MUTANTS}
    missing = []
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        nb = build_workbook.build_notebook(path)
        for pyobject, _ in nb.metadata["diy_nn_workbook"]["exercises"]:
            name = pyobject.split(".")[0]
            if name not in targets:
                missing.append(f"{path.stem}: {name}")
    assert not missing, f"no mutant in tests/mutants/ for {missing}"
