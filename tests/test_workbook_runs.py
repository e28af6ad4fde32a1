"""The workbook, run as a student runs it ("Run all"): blank, it goes to the end and
every checker says "not answered yet"; with the library's own code in every
skeleton, every checker passes; with a mistake planted, "Run all" stops at the
failing check with one readable line, a failing assertion in a later cell points
to the check to run, and a cell stopped half-way leaves no half-drawn figure.

Time budget (CI, 2 cores): the notebooks run in two processes at once, each with
its own kernel (one BLAS thread each). The blank workbooks run every cell of
chapters 1-5 (each stops at the first unwritten method, so they are fast) and up to
their last checker cell for the others; the solved workbooks run chapters 1-4 in
full and the others up to their last checker cell (their experiments are the
book's own, which nbval runs already).
"""
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_workbook as workbook  # noqa: E402  (tools/ is not a package)

CHAPTERS = {p.stem: p for p in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))}
BLANK_IN_FULL = {"01_module", "02_linear", "03_nonlinear", "04_sequential",
                 "05_multiclass"}
SOLVED_IN_FULL = {"01_module", "02_linear", "03_nonlinear", "04_sequential"}
WORKERS = int(os.environ.get("DIY_NN_TEST_WORKERS", min(2, os.cpu_count() or 1)))

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _tags(cell):
    return cell.metadata.get("tags", [])


def _text(cell):
    """Everything a code cell showed, as text."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
        elif "data" in out:
            parts.append(str(out.data.get("text/plain", "")))
    return "\n".join(parts)


def _checks(nb):
    return [i for i, c in enumerate(nb.cells) if "workbook-check" in _tags(c)]


# --- the notebooks to run, and how ---------------------------------------------------


def _planted(nb, cell_of, right, wrong):
    """``nb`` with ``right`` replaced by ``wrong`` in the skeleton of ``cell_of``."""
    cell = next(c for c in nb.cells if "workbook-skeleton" in _tags(c)
                and c.metadata["diy_nn_workbook"]["pyobject"] == cell_of)
    assert right in cell.source
    cell.source = cell.source.replace(right, wrong)
    return nb


def _upto(nb, after_source):
    """The index of the first code cell whose source holds ``after_source``."""
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and after_source in c.source)


def _figure_notebook():
    """A skeleton left unwritten, then a cell that draws a figure and needs it,
    then a cell that draws one normally."""
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code(workbook.SETUP),
        code("import matplotlib.pyplot as plt\nimport numpy as np\n"
             "import diy_nn as nn"),
        code("class Linear(nn.Linear):\n    def forward(self, X):\n"
             "        raise NotWritten('Linear.forward', 'The code')\n\n\nuse(Linear)"),
        code("fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\n"
             "ax.set_title('half drawn')\nax.plot(nn.Linear(1, 1)(np.ones((3, 1))))"),
        code("fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0]);"),
    ]
    return nb


def _runs():
    """``{run id: (notebook, index of the last cell to run or None, environment)}``."""
    runs = {}
    for stem, path in CHAPTERS.items():
        blank = workbook.build_notebook(path)
        checks = _checks(blank)
        runs[f"blank-{stem}"] = (blank, None if stem in BLANK_IN_FULL or not checks
                                 else checks[-1], {})
        solved = workbook.build_notebook(path, fill=True)
        checks = _checks(solved)
        runs[f"solved-{stem}"] = (solved, None if stem in SOLVED_IN_FULL or not checks
                                  else checks[-1], {})
    # chapter 2, "Run all" with dL/dX missing its transpose: stops at check(Linear)
    nb = _planted(workbook.build_notebook(CHAPTERS["02_linear"], fill=True), "Linear",
                  'delta @ self._parameters["W"].T', 'delta @ self._parameters["W"]')
    runs["planted-check"] = (nb, _upto(nb, "check(MSELoss)"), {})
    # the same chapter without its check cells, dL/dW a mean instead of a sum: the
    # gradient check below the skeleton fails
    nb = _planted(workbook.build_notebook(CHAPTERS["02_linear"], fill=True), "Linear",
                  'self._gradient["W"] += X.T @ delta',
                  'self._gradient["W"] += X.T @ delta / len(X)')
    nb.cells = [c for c in nb.cells if "workbook-check" not in _tags(c)]
    runs["planted-gradcheck"] = (nb, _upto(nb, "nn.gradcheck(module"), {})
    runs["figure"] = (_figure_notebook(), None, {"MPLBACKEND": None})
    return runs


def _execute(nb_json, upto, env):
    """Run the notebook (its cells up to ``upto``) in a fresh kernel from book/, as
    "Run all" does: it stops at the first cell that ends in an error. Returns the
    executed notebook (JSON) and the index of that cell (None if none)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    nb = nbformat.reads(nb_json, as_version=4)
    if upto is not None:
        nb.cells = nb.cells[:upto + 1]
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "book")}})
    stopped = None
    try:
        client.execute()
    except CellExecutionError:
        stopped = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                        and c.get("execution_count") is not None
                        and i == max(j for j, d in enumerate(nb.cells)
                                     if d.cell_type == "code"
                                     and d.get("execution_count") is not None)), None)
    return nbformat.writes(nb), stopped


@pytest.fixture(scope="module")
def executed(request):
    """Every run this session selected, two at a time in their own processes."""
    wanted = {item.callspec.params["run"] for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")
              and "run" in item.callspec.params}
    runs = _runs()
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        futures = {run: pool.submit(_execute, nbformat.writes(nb), upto, env)
                   for run, (nb, upto, env) in runs.items() if run in wanted}
        results = {run: f.result() for run, f in futures.items()}
    return {run: (nbformat.reads(text, as_version=4), stopped)
            for run, (text, stopped) in results.items()}


# --- blank and solved ----------------------------------------------------------------


@pytest.mark.parametrize("run", [f"blank-{s}" for s in CHAPTERS])
def test_blank_workbook_runs_and_every_checker_says_not_answered(run, executed):
    nb, stopped = executed[run]
    assert stopped is None, _text(nb.cells[stopped])
    checks = [nb.cells[i] for i in _checks(nb)]
    for cell in checks:
        assert "not answered yet" in _text(cell), (cell.source, _text(cell))
    # A cell that needs an unwritten method says which, in one line.
    waiting = [_text(c) for c in nb.cells if "is not written yet: fill in" in _text(c)]
    assert waiting or not checks or run.split("-", 1)[1] not in BLANK_IN_FULL


@pytest.mark.parametrize("run", [f"solved-{s}" for s in CHAPTERS])
def test_solved_workbook_passes_every_checker_and_runs(run, executed):
    nb, stopped = executed[run]
    assert stopped is None, _text(nb.cells[stopped])
    for i in _checks(nb):
        text = _text(nb.cells[i])
        assert text.startswith("✓"), (nb.cells[i].source, text)
    assert not [c for c in nb.cells if "⏸" in _text(c)]


# --- a mistake planted ---------------------------------------------------------------


@pytest.mark.parametrize("run", ["planted-check"])
def test_run_all_stops_at_the_failing_check_with_one_readable_line(run, executed):
    nb, stopped = executed[run]
    assert stopped is not None and nb.cells[stopped].source == "check(Linear)"
    text = _text(nb.cells[stopped])
    lines = text.splitlines()
    assert lines[0] == ("✗ Linear: fails at backward_delta shape (Linear(3, 2) on "
                        "(5, 3))")
    assert "is a matrix transposed?" in text
    assert lines[-1] == ("⛔ Run all stops here: Linear fails its check (above). Fix "
                         "its skeleton, run that cell, then this one again.")
    assert "Traceback" not in text and "AssertionError" not in text
    assert all(c.get("execution_count") is None for c in nb.cells[stopped + 1:]
               if c.cell_type == "code")


@pytest.mark.parametrize("run", ["planted-gradcheck"])
def test_a_failing_gradient_check_points_to_the_check_to_run(run, executed):
    nb, stopped = executed[run]
    assert stopped is not None and "nn.gradcheck(module" in nb.cells[stopped].source
    notice = _text(nb.cells[stopped]).splitlines()[-1]
    assert notice.startswith("✗ gradcheck of Linear(")
    assert "FAILED" in notice and "(line 8: assert result.passed, result)" in notice
    assert notice.endswith("This cell runs your Linear: run check(Linear) for the "
                           "first thing that is wrong.")


@pytest.mark.parametrize("run", ["figure"])
def test_a_cell_stopped_by_an_unwritten_method_leaves_no_half_drawn_figure(
        run, executed):
    nb, stopped = executed[run]
    assert stopped is None
    stopped_cell, next_cell = nb.cells[3], nb.cells[4]
    assert "Linear.forward is not written yet" in _text(stopped_cell)
    assert not any("image/png" in out.get("data", {}) for out in stopped_cell.outputs)
    assert any("image/png" in out.get("data", {}) for out in next_cell.outputs)
