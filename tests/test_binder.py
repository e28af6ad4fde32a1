"""What a reader who launches a chapter gets: Binder's environment (binder/) and
the repository address the launch buttons, Colab's first cell and the README use."""
import ast
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BINDER = ROOT / "binder"
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))

# import name -> the package that provides it
PROVIDERS = {"numpy": "numpy", "sklearn": "scikit-learn", "matplotlib": "matplotlib",
             "ipywidgets": "ipywidgets", "tqdm": "tqdm",
             "pooch": "pooch", "IPython": "ipykernel", "diy_nn": "-e .",
             "umap": "umap-learn"}
NOT_FOR_BINDER = {"torch", "pytest", "nbval", "jupyter-book", "playwright", "nbconvert",
                  "sphinx-exercise"}


def requirements(path):
    """{package: pin} of a requirements file ('-e .' maps to itself)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def test_binder_pins_python():
    assert re.fullmatch(r"python-3\.\d+\n?", (BINDER / "runtime.txt").read_text())


def test_binder_installs_the_repository_pins_and_nothing_for_tests_or_the_book():
    binder, full = requirements(BINDER / "requirements.txt"), requirements(
        ROOT / "requirements.txt")
    for name, pin in binder.items():
        assert name in full and full[name] == pin, f"{name}=={pin} differs from ../"
    assert not NOT_FOR_BINDER & set(binder)


def _imports(source):
    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_import_of_a_chapter_is_installed_by_binder(notebook):
    binder = requirements(BINDER / "requirements.txt")
    cells = json.loads(notebook.read_text())["cells"]
    imports = set().union(*(_imports("".join(c["source"])) for c in cells
                            if c["cell_type"] == "code"))
    stdlib = set(sys.stdlib_module_names)
    missing = sorted(name for name in imports - stdlib
                     if PROVIDERS.get(name, name).lower() not in binder)
    assert not missing, (f"{notebook.name} imports {missing}, which Binder does not "
                         f"install")


def _repository():
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)",
                      (ROOT / "_config.yml").read_text(), re.M)
    return match.group(1).rstrip("/")


def test_the_repository_address_is_the_one_of_config_yml_everywhere():
    """_config.yml's repository.url is the one place to change it; the launch
    buttons read it, and every copy (Colab's first cell, the README, the
    introduction, the workbook) must say the same."""
    url = _repository()
    files = [*NOTEBOOKS, *(ROOT / "book").glob("*.md"), ROOT / "README.md",
             *(ROOT / "tools").glob("*.py")]
    pattern = re.compile(r"https://github\.com/[\w.-]+/diy_nn\b")
    wrong = sorted({(path.name, found) for path in files if path.exists()
                    for found in pattern.findall(path.read_text()) if found != url})
    assert not wrong, f"not {url}: {wrong}"
