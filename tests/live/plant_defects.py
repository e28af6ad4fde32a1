"""Show that the live-notebook test fails on each kind of defect it is meant to catch.

Copies the two chapters the test runs, of both editions (book/ and workbook/),
plants one defect of each kind into the copies (marked PLANTED where the text
allows), runs live_check.py on them with ``--runxfail`` (so that the checks
marked xfail for other owners' pending fixes report too) and says, for every
defect, whether the expected test failed, in the expected edition and chapter,
with the expected words. Not part of `make test` (it takes as long as the test);
run it after changing the test:

    python tests/live/plant_defects.py
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EDITIONS = {"book": ROOT / "book", "workbook": ROOT / "workbook"}

# (what is planted, edition, chapter, how, the test that must fail, words its
# failure holds)
DEFECTS = []


def defect(edition, chapter, test, expected):
    def register(function):
        DEFECTS.append((function.__doc__.strip(), edition, chapter, function, test,
                        expected))
        return function
    return register


def _markdown(source, **metadata):
    return {"cell_type": "markdown", "metadata": metadata, "source": source}


def _code(source):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def _index(cells, words, type="code"):
    return next(i for i, c in enumerate(cells)
                if c["cell_type"] == type and words in "".join(c["source"]))


def _book(chapter):
    return json.loads((EDITIONS["book"] / f"{chapter}.ipynb").read_text())["cells"]


# --- the book edition ----------------------------------------------------------------

@defect("book", "01_module", "test_exercises_render_as_markdown",
        "a directive fence shown as a code block")
def backtick_exercise(cells):
    """an exercise written with a raw backtick fence (the old form: a code block)"""
    cells.insert(_index(cells, "{exercise}", "markdown"), _markdown(
        "```{exercise} The planted exercise (PLANTED)\n:label: ex-planted\n\n"
        "Compute the gradient of the loss with respect to the planted weights.\n```"))


@defect("book", "01_module", "test_prose_maths_is_typeset", "PLANTED")
def raw_tex(cells):
    """TeX outside dollars in the prose"""
    cells.insert(1, _markdown(
        "The ratio \\frac{a}{b} written without dollars (PLANTED)."))


@defect("book", "01_module", "test_solutions_are_collapsed", "a solution is visible")
def visible_solution(cells):
    """a solution that opens expanded"""
    solution = next(c for c in cells if "solution" in c["metadata"].get("tags", []))
    solution["metadata"]["jupyter"]["source_hidden"] = False


@defect("book", "01_module", "test_hidden_code_is_collapsed",
        "its code is not collapsed")
def visible_hidden_code(cells):
    """a hide-input cell that opens expanded"""
    cell = next(c for c in cells if "hide-input" in c["metadata"].get("tags", []))
    cell["metadata"]["jupyter"]["source_hidden"] = False


@defect("book", "01_module", "test_self_check_says_what_it_is_before_running",
        "the self-check does not say what it is")
def quiz_without_text(cells):
    """a self-check output without its text/plain line"""
    quiz = cells[_index(cells, "self_check(")]
    for output in quiz["outputs"]:
        output.get("data", {}).pop("text/plain", None)


@defect("book", "01_module", "test_run_all_gives_no_error", "RuntimeError: PLANTED")
def error_output(cells):
    """a cell that raises (the last one, so that Run All reaches it)"""
    cells.append(_code('raise RuntimeError("PLANTED")'))


@defect("book", "01_module", "test_outputs_read_well", "an object's repr")
def object_repr(cells):
    """an output that is an object's repr"""
    cells.insert(_index(cells, "import numpy"), _code("object()"))


@defect("book", "01_module", "test_widgets_render", "none shown")
def unrendered_widget(cells):
    """a widget output whose model does not exist"""
    cells.insert(_index(cells, "import numpy") + 1, _code(
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.widget-view+json': {\n"
        "    'model_id': 'planted-missing-model', 'version_major': 2,\n"
        "    'version_minor': 0}, 'text/plain': 'PLANTED widget'}, raw=True)"))


SILENT_CHECKER = _code(
    "import diy_nn.book.answers as answers\n"
    "answers.check_answer = lambda *args, **kwargs: None  # PLANTED")


@defect("book", "01_module", "test_checker_answers_wrong_then_right",
        "expected the checker")
def silent_checker(cells):
    """a checker that answers nothing"""
    cells.insert(_index(cells, "import numpy") + 1, copy.deepcopy(SILENT_CHECKER))


# A self-check whose maths is left as TeX: the Unicode form, which shows where no
# MathJax can typeset (JupyterLab, Notebook 7), is the TeX between dollars.
UNTYPESET_QUIZ = _code(
    "import diy_nn.book.quiz as quiz_module\n"
    "quiz_module.to_html = lambda tex, where='': '$' + tex + '$'  # PLANTED")


@defect("book", "02_linear", "test_self_check_maths_is_typeset_or_unicode", "raw TeX")
def untypeset_quiz(cells):
    """a self-check whose maths is not typeset (the Unicode form left as TeX)"""
    cells.insert(_index(cells, "self_check("), copy.deepcopy(UNTYPESET_QUIZ))


@defect("book", "02_linear", "test_slider_changes_the_figure",
        "did not change the figure")
def dead_slider(cells):
    """a widget whose slider is linked to nothing (jslink disabled)"""
    cells.insert(_index(cells, "static_interact("), _code(
        "import ipywidgets\n"
        "ipywidgets.jslink = lambda *args, **kwargs: None  # PLANTED"))


@defect("book", "02_linear", "test_text_box_draws_any_value",
        "did not change the figure")
def dead_text_box(cells):
    """a widget whose text box computes nothing"""
    cells.insert(_index(cells, "static_interact("), _code(
        "from diy_nn.book.widgets import StaticInteract\n"
        "StaticInteract._live_changed = lambda self, change: None  # PLANTED"))


# --- the workbook edition ------------------------------------------------------------

@defect("workbook", "01_module", "test_workbook_shows_no_raw_myst",
        "a directive fence shown as a code block")
def backtick_fence_in_workbook(cells):
    """a raw backtick fence in the workbook"""
    cells.insert(2, _markdown("```{note}\nA PLANTED note.\n```"))


@defect("workbook", "01_module", "test_workbook_shows_no_raw_myst", ":::{hint} PLANTED")
def colon_fence_in_workbook(cells):
    """a raw colon fence, its option and its closing line in the workbook"""
    cells.insert(2, _markdown(":::{hint} PLANTED\n:class: dropdown\n\nA hint.\n:::"))


@defect("workbook", "01_module", "test_workbook_shows_no_raw_myst", "a role")
def eq_role_in_workbook(cells):
    """an {eq} role left in the workbook"""
    cells.insert(2, _markdown("As equation {eq}`eq-planted` shows (PLANTED)."))


@defect("workbook", "01_module", "test_run_all_gives_no_error", "PLANTED")
def error_in_workbook(cells):
    """a cell of the workbook that raises"""
    cells.append(_code('raise RuntimeError("PLANTED")'))


@defect("workbook", "01_module", "test_checker_answers_wrong_then_right",
        "expected the checker")
def silent_checker_in_workbook(cells):
    """a workbook checker that answers nothing"""
    cells.insert(_index(cells, "setup()") + 1, copy.deepcopy(SILENT_CHECKER))


@defect("workbook", "02_linear", "test_workbook_holds_no_solution", "a solution cell")
def solution_in_workbook(cells):
    """a solution of the book left in the workbook"""
    solution = next(c for c in _book("02_linear")
                    if "solution" in c["metadata"].get("tags", []))
    cells.insert(_index(cells, "eta_sum = None") + 2, copy.deepcopy(solution))


@defect("workbook", "02_linear", "test_workbook_holds_no_solution",
        "computes what only a solution quotes")
def solution_glue_in_workbook(cells):
    """a cell that computes the numbers only a solution quotes (its answer)"""
    glue = _code('glue("ch2-fastest", f"{0.4:.2f}")  # PLANTED')
    cells.insert(_index(cells, "eta_fastest = None") + 2, glue)


@defect("workbook", "02_linear", "test_self_check_maths_is_typeset_or_unicode",
        "raw TeX")
def untypeset_quiz_in_workbook(cells):
    """a workbook self-check whose maths is not typeset"""
    cells.insert(_index(cells, "self_check("), copy.deepcopy(UNTYPESET_QUIZ))


def plant(out):
    """Copy the planted chapters of each edition into ``out/<edition>/``."""
    for edition, source in EDITIONS.items():
        (out / edition).mkdir()
        for chapter in sorted({d[2] for d in DEFECTS}):
            notebook = json.loads((source / f"{chapter}.ipynb").read_text())
            cells = copy.deepcopy(notebook["cells"])
            for what, where, which, function, _, _ in DEFECTS:
                if (where, which) == (edition, chapter):
                    before = json.dumps(cells)
                    function(cells)
                    assert json.dumps(cells) != before, f"could not plant {what!r}"
            notebook["cells"] = cells
            (out / edition / f"{chapter}.ipynb").write_text(
                json.dumps(notebook, indent=1))


def failures(junit):
    """{test id: failure text} of the failed tests."""
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        for failure in case.iter("failure"):
            found[case.get("name")] = ((failure.get("message") or "")
                                       + (failure.text or ""))
    return found


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plant(tmp)
        env = dict(os.environ, DIY_NN_LIVE_BOOK=str(tmp / "book"),
                   DIY_NN_LIVE_WORKBOOK=str(tmp / "workbook"),
                   DIY_NN_LIVE_OUT=str(tmp / "out"))
        junit = tmp / "junit.xml"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
             "--runxfail", "--tb=line", f"--junitxml={junit}", str(HERE)],
            env=env, capture_output=True, text=True, cwd=ROOT)
        if not junit.exists():
            print(run.stdout[-3000:] + run.stderr[-3000:])
            return 1
        failed = failures(junit)
    results = []
    for what, edition, chapter, _, test, expected in DEFECTS:
        hits = [name for name, text in failed.items()
                if name.startswith(test + "[") and f"|{edition}|{chapter}]" in name
                and expected in text]
        where = ", ".join(h[len(test):] for h in hits) or "-"
        verdict = "caught" if hits else "MISSED"
        results.append((bool(hits), f"{verdict}: {what} ({edition} {chapter}; {test} "
                                    f"says '{expected}' in {where})"))
    caught = sum(found for found, _ in results)
    if caught < len(DEFECTS):
        print("the failures were:")
        for name, text in failed.items():
            print(f"--- {name}\n{text[-1500:]}")
    print("\n".join(line for _, line in results))
    print(f"{caught} of {len(DEFECTS)} planted defects caught; live_check exit code "
          f"{run.returncode}")
    return 0 if caught == len(DEFECTS) else 1


if __name__ == "__main__":
    sys.exit(main())
