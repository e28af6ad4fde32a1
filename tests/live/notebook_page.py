"""A chapter open in JupyterLab or Notebook 7, driven as a student drives it.

:class:`LiveNotebook` opens the page, reads what each cell shows, runs every
cell from the Run menu, types into a cell and runs it with Shift+Enter. The
page's model (through ``window.jupyterapp``) only tells it when the notebook is
ready and when the kernel has finished; every action is a click or a key.
"""
import time
from dataclasses import dataclass, field

import page_js

# The two interfaces: the address of a notebook in each. Notebook 7's is the
# one Binder's launch button opens (``?urlpath=tree/<path>``, redirected to
# ``/notebooks/<path>``).
INTERFACES = {
    "JupyterLab": "lab/tree/{path}",
    "Notebook 7": "tree/{path}",
}


@dataclass
class Cell:
    """One cell: its model (``index``, ``type``, ``source``, ``tags``,
    ``input_hidden``) and, once read, what the student sees: ``text`` (the
    whole cell), ``input`` and ``output`` (its two parts), ``fences`` (its
    code blocks whose language is a MyST directive) and ``code`` (the text of a
    markdown cell's code blocks)."""
    index: int
    type: str
    source: str
    tags: list
    input_hidden: bool
    text: str = ""
    input: str = ""
    output: str = ""
    fences: list = field(default_factory=list)
    code: str = ""

    @property
    def first_line(self):
        return self.source.strip().splitlines()[0] if self.source.strip() else ""

    def __str__(self):
        return f"cell {self.index} ({self.type}, {self.first_line[:60]!r})"


class LiveNotebook:
    """A notebook open in ``interface`` ("JupyterLab" or "Notebook 7")."""

    def __init__(self, page, interface, path, log):
        self.page = page
        self.interface = interface
        self.path = path
        self.log = log              # the page's errors (console, JavaScript)
        self.timings = {}

    @classmethod
    def open(cls, context, server, interface, path):
        """Start loading the notebook in a new page; :meth:`wait_ready` waits
        for it (so that several pages load at once)."""
        page = context.new_page()
        log = []
        page.on("pageerror", lambda e: log.append(f"JavaScript error: {e}"))
        page.on("console", lambda m: log.append(f"console error: {m.text}")
                if m.type == "error" else None)
        notebook = cls(page, interface, path, log)
        notebook._start = time.monotonic()
        url = server.url(INTERFACES[interface].format(path=path))
        # JupyterLab: start from an empty workspace, not the previous tabs.
        page.goto(url + ("&reset" if interface == "JupyterLab" else ""))
        return notebook

    def wait_ready(self, timeout=180):
        """Wait until the notebook is shown and its kernel is idle."""
        self.page.wait_for_function(page_js.READY, arg=self.path,
                                    timeout=timeout * 1000, polling=200)
        self.timings["open"] = time.monotonic() - self._start
        return self

    _front = None       # the page in front: the only one Chromium draws

    def front(self):
        """Bring this page to the front: a page behind others gets no animation
        frames, so JupyterLab neither renders nor typesets it."""
        if LiveNotebook._front is not self.page:
            self.page.bring_to_front()
            LiveNotebook._front = self.page
        return self

    # --- reading ------------------------------------------------------------------

    def cells(self):
        return [Cell(c["index"], c["type"], c["source"], c["tags"], c["inputHidden"])
                for c in self.page.evaluate(page_js.CELLS)]

    def read(self, cell):
        """Scroll ``cell`` into view and fill in what the student reads there."""
        seen = self.front().page.evaluate(page_js.READ_CELL, cell.index)
        cell.text, cell.input, cell.output = seen["text"], seen["input"], seen["output"]
        cell.fences, cell.code = seen["fences"], seen["code"]
        return cell

    def read_all(self, kinds=("markdown", "code")):
        start = time.monotonic()
        cells = [self.read(c) for c in self.cells() if c.type in kinds]
        self.timings.setdefault("read", 0)
        self.timings["read"] += time.monotonic() - start
        return cells

    def find(self, words, type="code"):
        """The first cell of ``type`` whose source holds ``words``."""
        for cell in self.cells():
            if cell.type == type and words in cell.source:
                return cell
        raise LookupError(f"no {type} cell with {words!r} in {self.path}")

    def node(self, cell):
        """The cell's element, scrolled into view."""
        return self.front().page.evaluate_handle(page_js.CELL_NODE,
                                                 cell.index).as_element()

    def text_of(self, element):
        """What the student reads in an element of the page."""
        return self.front().page.evaluate(page_js.TEXT_OF, element)

    def outputs(self, cell):
        return self.page.evaluate(page_js.OUTPUTS, cell.index)

    def execution_count(self, cell):
        return self.page.evaluate(
            "i => (%s).content.widgets[i].model.executionCount" % page_js.PANEL,
            cell.index)

    # --- running ------------------------------------------------------------------

    def start_run_all(self):
        """Run > Run All Cells; :meth:`wait_run_all` waits for the end."""
        self.front().page.get_by_role("menuitem", name="Run", exact=True).first.click()
        self.page.locator('li[data-command="runmenu:run-all"]').click()
        # Run All queues every code cell at once: from then on, the page notes
        # the moment when none is queued or running any more.
        self.page.evaluate(page_js.WATCH_RUN_ALL)

    def wait_run_all(self, timeout=600):
        """Wait for the end of Run All; returns the seconds it took."""
        self.page.wait_for_function("() => window.diyNnRunAll.seconds !== null",
                                    timeout=timeout * 1000, polling=250)
        self.timings["run all"] = self.page.evaluate("() => window.diyNnRunAll.seconds")
        return self.timings["run all"]

    def type_into(self, cell, text):
        """Click into the cell's editor, select everything and type ``text``."""
        editor = self.node(cell).query_selector(".jp-InputArea-editor .cm-content")
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.insert_text(text)

    def run_and_advance(self, cell, timeout=120):
        """Shift+Enter (the selected cell is ``cell``); wait until it has run."""
        before = self.execution_count(cell)
        self.front().page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """([i, before]) => {
                const model = (%s).content.widgets[i].model;
                return model.executionState === 'idle' && model.executionCount !== null
                    && model.executionCount !== before;
            }""" % page_js.PANEL, arg=[cell.index, before], timeout=timeout * 1000,
            polling=100)

    def close(self):
        self.page.close()
