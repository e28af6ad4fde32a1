"""Fixtures of the live-notebook test (live_check.py): one Jupyter server for
JupyterLab and Notebook 7, headless Chromium, and the chapters of both editions
(the book and the student's workbook) opened and run.

Run it with ``make live`` or ``python -m pytest tests/live``. ``pytest tests``
(the unit tests) does not collect it: its file is named ``live_check.py``, and
this conftest collects it only when ``tests/live`` (or the file) is named on
the command line.

Environment: ``DIY_NN_LIVE_BOOK`` and ``DIY_NN_LIVE_WORKBOOK`` (folders of
chapters to test instead of ``book/`` and ``workbook/``, for plant_defects.py),
``DIY_NN_LIVE_OUT`` (where the screenshots and the text the student reads go;
default ``_build/live``), ``CHROMIUM``.
"""
import atexit
import json
import os
import re
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from live_server import JupyterServer
from notebook_page import INTERFACES, LiveNotebook

# The browser test's helper finds Chromium for both tests.
sys.path.insert(0, str(Path(__file__).parent.parent / "browser"))
from chromium import launched_chromium  # noqa: E402

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
BOOK = Path(os.environ.get("DIY_NN_LIVE_BOOK", ROOT / "book"))
WORKBOOK = Path(os.environ.get("DIY_NN_LIVE_WORKBOOK", ROOT / "workbook"))
# The two editions of a chapter: the book (finished code, MyST for the website)
# and the workbook (skeletons to fill in, plain Markdown), which students run.
EDITIONS = {"book": BOOK, "workbook": WORKBOOK}
OUT = Path(os.environ.get("DIY_NN_LIVE_OUT", ROOT / "_build" / "live"))
VIEWPORT = {"width": 1280, "height": 900}


def _asked_for(config):
    """The paths named on the command line that are tests/live or inside it."""
    paths = [Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
             for arg in config.args]
    return [p for p in paths if p == HERE or HERE in p.parents]


def pytest_collect_file(file_path, parent):
    # A file named on the command line is collected by pytest itself.
    asked = _asked_for(parent.config)
    if file_path.name == "live_check.py" and asked and file_path not in asked:
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture(scope="session")
def browser():
    yield from launched_chromium("make live")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The Jupyter server, with a copy of both editions for each interface
    (so that the two interfaces never share a file or a kernel)."""
    try:
        import jupyterlab  # noqa: F401
        import notebook  # noqa: F401
    except ImportError as err:
        pytest.fail(f"{err.name} is not installed: pip install -r "
                    f"requirements-test.txt (`make live` does it)", pytrace=False)
    env = dict(os.environ)
    shared_data = ROOT.parent / "shared" / "data"
    if "DIY_NN_DATA" not in env and shared_data.is_dir():
        env["DIY_NN_DATA"] = str(shared_data)       # as .ci/run sets it
    # The kernels share 2 cores with the browser: one BLAS thread each.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    jupyter = JupyterServer(tmp_path_factory.mktemp("jupyter"), env=env)
    # The server runs in its own session: stop it (and its kernels) however
    # pytest ends, SIGTERM included.
    atexit.register(jupyter.stop)
    previous = signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    start = time.monotonic()
    jupyter.start()
    jupyter.start_seconds = time.monotonic() - start
    for interface in INTERFACES:
        for edition, source in EDITIONS.items():
            folder = jupyter.notebooks / slug(interface) / edition
            folder.mkdir(parents=True)
            for chapter in source.glob("*.ipynb"):
                shutil.copy(chapter, folder)
    yield jupyter
    jupyter.stop()
    signal.signal(signal.SIGTERM, previous)


@dataclass
class LiveChapter:
    """A chapter of one edition open in one interface: ``notebook`` (the page),
    ``as_opened`` (every cell as the student reads it before running anything),
    ``ran`` (every code cell after Run All) and ``solutions_ran`` (the solution
    cells after Run All, which un-collapses them)."""
    interface: str
    edition: str
    chapter: str
    notebook: LiveNotebook
    out: Path
    as_opened: list = None
    ran: list = None
    solutions_ran: list = None

    def shoot(self, cell, name):
        """A PNG of the cell (scrolled into view) and the text the student reads
        there, under OUT/<interface>-<chapter>/."""
        self.out.mkdir(parents=True, exist_ok=True)
        self.notebook.node(cell).screenshot(path=str(self.out / f"{name}.png"))
        cell = self.notebook.read(cell)
        with open(self.out / "what-the-student-reads.txt", "a") as f:
            f.write(f"=== {name}: {cell} ===\n{cell.text}\n\n")
        return cell

    def shoot_first(self, cells, test, name):
        found = next((c for c in cells if test(c)), None)
        if found is not None:
            self.shoot(found, name)


def _is_exercise(cell):
    return cell.type == "markdown" and "{exercise}" in cell.source


def _is_solution(cell):
    return "solution" in cell.tags


def _is_quiz(cell):
    return cell.type == "code" and "self_check(" in cell.source


def _is_widget(cell):
    return cell.type == "code" and "static_interact(" in cell.source


def _open_all(context, server, keys):
    """Open every chapter at once, read each as opened, then Run All in all of
    them at once (the kernels share the cores while the browser waits)."""
    chapters = {}
    for key in keys:
        interface, edition, chapter = key.split("|")
        path = f"{slug(interface)}/{edition}/{chapter}.ipynb"
        out = OUT / f"{slug(interface)}-{edition}-{chapter}"
        shutil.rmtree(out, ignore_errors=True)
        notebook = LiveNotebook.open(context, server, interface, path)
        chapters[key] = LiveChapter(interface, edition, chapter, notebook, out)
    for live in chapters.values():
        live.notebook.wait_ready()
        live.as_opened = live.notebook.read_all()
        live.shoot_first(live.as_opened, _is_exercise, "exercise")
        live.shoot_first(live.as_opened, _is_solution, "solution-as-opened")
        live.shoot_first(live.as_opened, _is_quiz, "self-check-as-opened")
    for live in chapters.values():
        live.notebook.start_run_all()
    for live in chapters.values():
        live.notebook.wait_run_all()
        live.ran = live.notebook.read_all(kinds=("code",))
        page = live.notebook
        live.solutions_ran = [page.read(c) for c in page.cells() if _is_solution(c)]
        live.shoot_first(live.solutions_ran, _is_solution, "solution-after-run-all")
        live.shoot_first(live.ran, _is_widget, "widget-after-run-all")
    return chapters


@pytest.fixture(scope="session")
def open_chapter(request, browser, server):
    """open_chapter("JupyterLab|book|02_linear") -> LiveChapter. The first call
    opens, reads and runs every chapter the session's tests ask for."""
    context = browser.new_context(viewport=VIEWPORT)
    keys = sorted({item.callspec.params["chapter"] for item in request.session.items
                   if "chapter" in getattr(getattr(item, "callspec", None),
                                           "params", {})})
    opened = {}
    start = time.monotonic()

    def _open(key):
        if not opened:
            opened.update(_open_all(context, server, keys))
            opened["setup seconds"] = time.monotonic() - start
        return opened[key]

    yield _open
    context.close()
    OUT.mkdir(parents=True, exist_ok=True)
    timings = {"server start": server.start_seconds,
               "open, read and run every chapter": opened.get("setup seconds", 0),
               **{key: live.notebook.timings for key, live in opened.items()
                  if isinstance(live, LiveChapter)}}
    rounded = json.loads(json.dumps(timings), parse_float=lambda v: round(float(v), 1))
    (OUT / "timings.json").write_text(json.dumps(rounded, indent=1))


@pytest.fixture(scope="session")
def book_chapter():
    """book_chapter("02_linear") -> that chapter of the book edition, as JSON: the
    file the workbook is built from (its solutions, for the workbook's checks)."""
    return lambda name: json.loads((BOOK / f"{name}.ipynb").read_text())


@pytest.fixture
def chapter(request, open_chapter):
    return open_chapter(request.param)
