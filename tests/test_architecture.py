"""The two rooms: the library a student builds imports NumPy and the standard library
alone; the book's machinery (``diy_nn.book``) and the data sets (``diy_nn.datasets``)
sit on top of it, and the library never imports them."""
import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "diy_nn"
CORE = sorted(PACKAGE.glob("*.py"))

# The one import beyond NumPy: SGD draws a progress bar with tqdm when it is
# installed, and trains without one when it is not (an ImportError is caught).
OPTIONAL = {"tqdm"}


def _imports(path):
    """(module, line) of every import in the file, at any depth; relative
    imports as ``.name``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = "." * node.level + (node.module or "")
                if node.module is None:         # from . import x
                    for alias in node.names:
                        yield base + alias.name, node.lineno
                else:
                    yield base, node.lineno
            else:
                yield node.module, node.lineno


def test_the_core_is_the_flat_folder_of_the_library():
    names = {p.stem for p in CORE}
    assert {"module", "linear", "activation", "loss", "sequential", "optim",
            "gradcheck"} <= names
    assert not names & {"exercises", "workbook", "widgets", "quiz", "plot",
                        "figcheck", "solutions", "datasets"}


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_imports_numpy_and_the_standard_library_only(path):
    allowed = set(sys.stdlib_module_names) | {"numpy"} | OPTIONAL
    wrong = []
    for module, line in _imports(path):
        if module.startswith("."):
            top = module.lstrip(".").split(".")[0]
            if module.startswith("..") or top in ("book", "datasets"):
                wrong.append(f"line {line}: {module}")
        elif module.split(".")[0] not in allowed:
            wrong.append(f"line {line}: {module}")
    assert not wrong, f"diy_nn/{path.name} imports beyond NumPy: {wrong}"


def test_the_optional_import_is_guarded():
    source = (PACKAGE / "optim.py").read_text()
    tree = ast.parse(source)
    guarded = [
        node for node in ast.walk(tree) if isinstance(node, ast.Try)
        and any(isinstance(h.type, ast.Name) and h.type.id == "ImportError"
                for h in node.handlers)
        and any(isinstance(n, ast.ImportFrom) and n.module.startswith("tqdm")
                for n in ast.walk(node))
    ]
    assert guarded, "optim.py must import tqdm inside try/except ImportError"


def test_importing_the_library_loads_no_book_machinery():
    import subprocess

    code = ("import sys, diy_nn; bad = [m for m in ('matplotlib', 'IPython', "
            "'ipywidgets', 'pooch', 'sklearn', 'diy_nn.book', 'diy_nn.datasets', "
            "'tqdm') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"
