"""What every chapter notebook must respect so that it reads well everywhere: on the
website, in JupyterLab and Notebook 7 (Binder), and in Colab."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>exercise|solution)\}", re.M)
HIDDEN_TAGS = {"hide-input", "remove-input"}


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_and_solutions_use_colon_fences(path):
    """Jupyter and Colab show a backtick fence as a raw code block; a colon fence
    reads as Markdown there, and sphinx-exercise builds it on the website."""
    fenced = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "markdown"
              and any(m.group("fence").startswith("`")
                      for m in DIRECTIVE.finditer(_source(c)))]
    assert not fenced, f"cells {fenced} fence an exercise or solution with backticks"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_solution_is_alone_in_its_cell_and_collapsed(path):
    wrong = []
    for i, cell in enumerate(_cells(path)):
        found = [m.group("name") for m in DIRECTIVE.finditer(_source(cell))]
        if "solution" not in found:
            continue
        meta = cell.get("metadata", {})
        if found != ["solution"] or not _source(cell).startswith(":::{solution}"):
            wrong.append(f"cell {i} holds more than one solution")
        if not meta.get("jupyter", {}).get("source_hidden"):
            wrong.append(f"cell {i} is not collapsed (jupyter.source_hidden)")
        if "solution" not in meta.get("tags", []):
            wrong.append(f"cell {i} is not tagged 'solution'")
    assert not wrong, wrong


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_closing_fence_follows_a_blank_line(path):
    """Without the blank line, Jupyter's Markdown glues ':::' to the last paragraph."""
    wrong = [i for i, c in enumerate(_cells(path)) if DIRECTIVE.search(_source(c))
             and not _source(c).rstrip().endswith("\n\n:::")]
    assert not wrong, f"cells {wrong}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_hidden_on_the_website_is_collapsed_in_jupyter(path):
    """hide-input and remove-input act on the website only; JupyterLab and
    Notebook 7 collapse a cell with jupyter.source_hidden."""
    wrong = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "code"
             and HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))
             and not c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert not wrong, f"cells {wrong} are hidden on the website but not in Jupyter"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_stored_output_prints_an_objects_repr(path):
    """`<Axes: >` or `<Figure size ...>` above a figure: end the cell with `;`."""
    wrong = []
    for i, cell in enumerate(_cells(path)):
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(
                out.get("data", {}).get("text/plain", ""))
            if (re.search(r"<(Axes|matplotlib\.)|array\(\[\[?<Axes|<Figure size", text)
                    and "image/png" not in out.get("data", {})):
                wrong.append(i)
    assert not wrong, f"cells {wrong} print an object's repr"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_code_cell_stores_its_outputs_and_no_error(path):
    code = [(i, c) for i, c in enumerate(_cells(path))
            if c["cell_type"] == "code" and _source(c).strip()]
    unrun = [i for i, c in code if c.get("execution_count") is None]
    errors = [i for i, c in code
              if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert not unrun, f"cells {unrun} were not executed"
    assert not errors, f"cells {errors} store an error"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_cell_stores_execution_timestamps(path):
    """Timestamps change at every run and make every cell differ in git
    (`make notebooks` executes with record_timing off)."""
    wrong = [i for i, c in enumerate(_cells(path)) if "execution" in c["metadata"]]
    assert not wrong, f"cells {wrong}: re-execute with `make notebooks`"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_a_reader_sees_fits_88_columns(path):
    """The website's code box holds 88 columns at 1280 px; a longer line is cut (the
    browser test measures it, this finds it in a second)."""
    hidden = {"remove-input", "remove-cell"}
    long = [(cell.get("id"), len(line)) for cell in _cells(path)
            if cell["cell_type"] == "code"
            and not hidden & set(cell["metadata"].get("tags", []))
            for line in "".join(cell["source"]).splitlines() if len(line) > 88]
    assert not long, f"code lines longer than 88 columns (cell, length): {long}"
