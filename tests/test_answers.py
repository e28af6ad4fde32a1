"""The exercises' answer key: checker cells name what they check, never the answer;
the key is data, up to date with its recipes; no solution ships with the package."""
import ast
import importlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from diy_nn.book import answers
from diy_nn.book.answers import AnswerKeyError, check_answer

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
WORKBOOK = sorted((ROOT / "workbook").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))

import answer_recipes  # noqa: E402  (tools/ is not a package)
import build_answer_key  # noqa: E402
from solutions import ch02, ch04, ch05, ch06  # noqa: E402

KEY = answers.answer_key()
CHECKER = re.compile(r"\bcheck_(answer|value|loss|module)\s*\(")


def _code_cells(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"]


def _calls(source, name):
    try:
        tree = ast.parse("\n".join("pass" if line.lstrip().startswith(("%", "!"))
                                   else line for line in source.splitlines()))
    except SyntaxError:
        return []
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", getattr(n.func, "attr", None)) == name]


def _used_exercises():
    used = {}
    for path in CHAPTERS:
        for source in _code_cells(path):
            for call in _calls(source, "check_answer"):
                used[call.args[0].value] = path.stem
    return used


# --- the cells ------------------------------------------------------------------


def test_every_exercise_a_chapter_checks_is_in_the_key_and_every_key_entry_is_used():
    used = _used_exercises()
    assert set(used) == set(KEY) == set(answer_recipes.RECIPES)


def test_exercise_names_are_the_labels_of_the_chapters_exercises():
    labels = set()
    for path in CHAPTERS:
        labels |= set(re.findall(r":label: (ex-[\w-]+)", path.read_text()))
    assert {name.split(":")[0] for name in KEY} <= labels


@pytest.mark.parametrize("path", CHAPTERS + WORKBOOK,
                         ids=[f"{p.parent.name}/{p.stem}" for p in CHAPTERS + WORKBOOK])
def test_no_checker_cell_holds_an_answer_or_imports_a_solution(path):
    """A checker names the exercise and the student's answer; an expected value
    it compares with (check_value's second argument) holds no number typed in."""
    wrong = []
    for source in _code_cells(path):
        if "solutions" in source:
            wrong.append(source)
        if not CHECKER.search(source):
            continue
        for call in _calls(source, "check_answer"):
            if not (isinstance(call.args[0], ast.Constant)
                    and all(isinstance(a, (ast.Name, ast.Attribute))
                            for a in call.args[1:])):
                wrong.append(ast.unparse(call))
        for call in _calls(source, "check_value"):
            expected = call.args[1] if len(call.args) > 1 else None
            numbers = [n for n in ast.walk(expected) if isinstance(n, ast.Constant)
                       and isinstance(n.value, (int, float))] if expected else []
            if numbers:
                wrong.append(ast.unparse(call))
    assert not wrong, wrong


def test_the_solutions_are_not_in_the_package():
    with pytest.raises(ImportError):
        importlib.import_module("diy_nn.book.solutions")
    package = "\n".join(p.read_text() for p in (ROOT / "diy_nn").rglob("*.py"))
    for name in ("class HuberLoss", "def fastest_rate", "class NLLLoss",
                 "def tied_gradient", "class Upsample2D", "class RMSprop"):
        assert name not in package
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "solutions" not in re.search(r"packages = \[.*\]", pyproject).group(0)
    assert re.search(r'"diy_nn\.book" = \[[^]]*"answer_key\.json"', pyproject)


# --- the key ----------------------------------------------------------------------


def _same(a, b):
    """Equal, numbers to 1e-12 (a matrix product may round differently)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        try:
            x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):     # not one array: compare item by item
            return (isinstance(b, list) and len(a) == len(b)
                    and all(_same(p, q) for p, q in zip(a, b)))
        return x.shape == y.shape and np.allclose(x, y, rtol=1e-12, atol=1e-15)
    if isinstance(a, float):
        return np.isclose(a, b, rtol=1e-12, atol=1e-15)
    return a == b


def test_the_key_is_what_its_recipes_give():
    """The entries computed without a chapter, computed again: the key is up to
    date (the chapters' own entries are checked as the chapters run: their
    inputs' fingerprint)."""
    fresh = build_answer_key.direct_entries()
    stale = sorted(name for name, entry in fresh.items()
                   if not _same(entry, KEY[name]))
    assert not stale, (f"{stale}: the answer key is out of date; run "
                       f"`python tools/build_answer_key.py --direct`")


def _exercise_text(label):
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            source = "".join(cell["source"])
            if f":label: {label}" in source:
                start = source.index(f":label: {label}")
                return source[start:source.index("\n:::", start)]
    return ""


def test_the_numbers_an_answer_rests_on_are_in_its_exercise():
    missing = [(name, m) for name, recipe in answer_recipes.RECIPES.items()
               for m in recipe.mentions if m not in _exercise_text(name.split(":")[0])]
    assert not missing, (f"{missing}: an exercise's numbers changed; change its "
                         f"recipe in tools/answer_recipes.py and rebuild the key")


def test_every_chapter_entry_records_the_fingerprint_of_its_inputs():
    for name, recipe in answer_recipes.RECIPES.items():
        assert ("inputs" in KEY[name]) == recipe.needs_chapter, name


# --- check_answer -----------------------------------------------------------------


def test_a_right_value_passes_and_a_wrong_one_fails(capsys):
    assert check_answer("ex-linear-sum", 0.3 / 13210)
    assert not check_answer("ex-linear-sum", 0.3 * 13210)
    assert check_answer("ex-linear-sum", None).not_answered


@pytest.mark.parametrize("name, right", [
    ("ex-linear-huber", ch02.HuberLoss), ("ex-mc-nll", ch05.NLLLoss),
    ("ex-ae-l1", ch06.L1Loss), ("ex-seq-rmsprop", ch04.RMSprop),
    ("ex-ae-sparse", ch06.sparse_gradient), ("ex-ae-tied-grad", ch06.tied_gradient),
])
def test_the_reference_solution_passes_its_own_key(name, right, capsys):
    assert check_answer(name, right).passed


def test_every_module_entry_passes_with_its_reference_and_fails_without_it(capsys):
    from solutions import ch01, ch03, ch07, ch08
    for name, right in [("ex-module-scale", ch01.Scale),
                        ("ex-nl-softplus", ch03.Softplus),
                        ("ex-conv-gap", ch07.GlobalAvgPool1D),
                        ("ex-conv-padded", ch07.PaddedConv1D),
                        ("ex-gf-gap", ch08.GlobalAvgPool2D),
                        ("ex-gf-upsample", ch08.Upsample2D)]:
        assert check_answer(name, right).passed, name

        class Zero(right):
            def backward_delta(self, input, delta):
                return np.zeros(np.shape(input))
        assert not check_answer(name, Zero).passed, name


def test_an_unstable_softplus_fails_at_the_large_inputs(capsys):
    from solutions import ch03

    class Naive(ch03.Softplus):
        def forward(self, X):
            return np.log(1 + np.exp(X))

    with np.errstate(over="ignore"):
        result = check_answer("ex-nl-softplus", Naive)
    assert not result.passed
    assert "-1000, 0 and 1000" in result.first_failure[0]


def test_an_unwritten_module_is_not_answered_yet(capsys):
    from diy_nn import Module

    class Scale(Module):
        def __init__(self, d):
            super().__init__()
            self._parameters["s"] = np.ones(d)
            self._gradient["s"] = np.zeros(d)

        def forward(self, X):
            raise NotImplementedError("write Scale.forward")

    assert check_answer("ex-module-scale", Scale).not_answered


def test_inputs_other_than_the_chapters_raise_in_the_book_and_say_so_answered(capsys):
    x = np.zeros((100, 1))
    with pytest.raises(AnswerKeyError, match="rebuild the key"):
        check_answer("ex-linear-fastest", None, inputs=(x, x))
    result = check_answer("ex-linear-fastest", 0.4, inputs=(x, x))
    assert not result.passed and "run the chapter from the top" in result.report()


def test_check_answer_names_what_it_expected():
    with pytest.raises(TypeError, match="the exercise's label as a string"):
        check_answer(3, 0.5)
    with pytest.raises(AnswerKeyError, match="no exercise 'ex-linear-summ'.*"
                                             "ex-linear-sum"):
        check_answer("ex-linear-summ", 0.5)
    with pytest.raises(TypeError, match="pass inputs="):
        check_answer("ex-linear-fastest", 0.4)
    with pytest.raises(TypeError, match="the class"):
        check_answer("ex-linear-huber", "HuberLoss")
