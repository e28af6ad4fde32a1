"""The chapters, live, the way a student meets them on Binder: in JupyterLab and
in Notebook 7 (the interface Binder's launch button opens), in headless Chromium,
in both editions.

- The **workbook** (``workbook/NN_x.ipynb``, the pen menu's "Workbook on Binder /
  Colab") is the edition a student of the course runs: skeletons to fill in,
  exercises as plain Markdown, no solutions. Run All on its blank skeletons
  prints "not written yet" lines, as it should. It fails on any raw MyST
  (``:::``, ``{eq}``, ``:label:``, a glue role, a label target), on a solution's
  text or code, on raw TeX, on an error.
- The **book** (``book/NN_x.ipynb``, the rocket menu's "Binder: the book") is for
  the reader who wants the finished code. Its exercises are MyST colon fences,
  whose body renders as Markdown in Jupyter: the fence's own lines
  (``:::{exercise} Title``, ``:label: x``, ``:::``) show as written, and are the
  accepted form; a directive shown as a code block (a backtick fence) fails.
  Solution cells, and code cells tagged hide-input or remove-input (set-up,
  checkers, self-checks), must open collapsed.

In every chapter opened, read, then run with Run > Run All Cells, a chapter
fails when the student reads raw TeX (maths no typesetter turned into maths), an
object's repr instead of its output, an error or anything on stderr after Run
All, a widget that does not render, a checker that does not answer wrong then
right (red ✗, green ✓), a self-check that does not answer (wrong in red, right
in green) or whose maths is neither typeset nor Unicode. In the book edition, a
self-check says what it is before it runs (its ``text/plain`` line: a notebook
just opened is untrusted and runs no JavaScript), and chapter 2's widget answers
its slider and its text box.

Known limitations of the book edition (the workbook, the student's route, has
neither): Jupyter's Markdown shows the rest of the book's MyST as written
(``{eq}`...``` roles, equation labels, ``{glue:text}`` roles, ``{literalinclude}``
blocks as code blocks of the listing's path); and Run All un-collapses every
solution (JupyterLab's runCell sets ``inputHidden = false`` on each markdown cell
it runs, and Notebook 7 shares that code), so solutions are checked collapsed
as the notebook opens, not after Run All.

Screenshots of what the student sees, with its text, go to ``_build/live/``.
Run: ``make live`` or ``python -m pytest tests/live`` (about two minutes).
"""
import re
from dataclasses import dataclass

import pytest

import reading
from notebook_page import INTERFACES


@dataclass
class Plan:
    """What the test does in a chapter: the exercise whose checker it answers
    (the variable, a wrong and a right answer, as Python), and whether the
    chapter shows a static_interact widget after Run All."""
    answer: str
    wrong: str
    right: str
    widget: bool


# The two fastest chapters that hold a checker and a self-check; chapter 2 also
# has a widget with a slider and a text box (in the workbook, it waits for the
# student's Linear). The workbook's chapter 2 answers an exercise on paper: the
# book's answer uses eta_housing, which the workbook computes only once the
# student has written Linear.
PLANS = {
    ("book", "01_module"): Plan("answer_count", "[32, 66]", "[32 * 6, 10 * 6 + 6]",
                                widget=False),
    ("workbook", "01_module"): Plan("answer_count", "[32, 66]",
                                    "[32 * 6, 10 * 6 + 6]", widget=False),
    ("book", "02_linear"): Plan("eta_sum", "eta_housing", "eta_housing / len(Xs_tr)",
                                widget=True),
    ("workbook", "02_linear"): Plan("eta_max_expected", "0.636", "2 / (2 * 4 / 3)",
                                    widget=False),
}
CASES = [f"{interface}|{edition}|{chapter}" for edition, chapter in PLANS
         for interface in INTERFACES]


def _cases(test=lambda edition, chapter: True):
    chosen = [case for case in CASES if test(*case.split("|")[1:])]
    return pytest.mark.parametrize("chapter", chosen, indirect=True)


every_case = _cases()
book_cases = _cases(lambda edition, chapter: edition == "book")
workbook_cases = _cases(lambda edition, chapter: edition == "workbook")
widget_cases = _cases(lambda edition, chapter: PLANS[edition, chapter].widget)

def _fail(what, blocks):
    pytest.fail(f"{what}:\n" + "\n".join(blocks), pytrace=False)


def _exercise_cells(cells):
    """The exercises and solutions (MyST directives, or prose that says so)."""
    found = [c for c in cells if c.type == "markdown" and (
        {"exercise", "solution"} & set(c.tags)
        or re.search(r"\{(exercise|solution)\}|^\W*(Exercise|Solution)\b",
                     c.source, re.M))]
    assert found, ("no exercise found: teach _exercise_cells the chapters' new form "
                   "of exercises")
    return found


def _prose_lines(source):
    """The lines of a markdown source that must render as prose: those outside
    code blocks (a directive's body is prose, whatever its fence), long enough
    to be told apart."""
    lines, fences = [], []          # the open fences: "code" or "directive"
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            bare = not stripped.strip("`~")
            if bare and fences:
                fences.pop()
            else:
                fences.append("directive" if "{" in stripped else "code")
            continue
        if re.match(r"^:{3,}|^:[\w-]+:", stripped):
            continue            # a colon fence's own lines
        if "code" not in fences and len(stripped) > 25:
            lines.append(stripped)
    return lines


# --- reading the chapter as opened ---------------------------------------------------

@book_cases
def test_exercises_render_as_markdown(chapter):
    """An exercise, and a solution once it is open, is Markdown in the book
    edition: its body renders as prose and maths, not as a code block holding the
    directive (as the old backtick fences did). Solutions are read after Run All,
    which opens them."""
    cells = _exercise_cells(chapter.as_opened) + chapter.solutions_ran
    blocks = []
    for cell in cells:
        problems = [f"a directive fence shown as a code block: ```{name}"
                    for name in cell.fences]
        problems += reading.code_blocks_holding(cell, _prose_lines(cell.source))
        if problems:
            blocks.append(reading.describe(cell, problems))
    if blocks:
        _fail("exercises or solutions shown as code, not Markdown", blocks)


@every_case
def test_prose_maths_is_typeset(chapter):
    blocks = [reading.describe(c, reading.raw_tex(c.input)) for c in chapter.as_opened
              if c.type == "markdown" and reading.raw_tex(c.input)]
    if blocks:
        _fail("maths left as TeX in the prose", blocks)


@workbook_cases
def test_workbook_shows_no_raw_myst(chapter):
    """The student's edition is plain Markdown: no directive fence (``:::``), no
    option line (``:label:``), no role (``{eq}``), equation label or target."""
    blocks = []
    for cell in chapter.as_opened:
        problems = reading.raw_myst(cell, glue=False) if cell.type == "markdown" else []
        if problems:
            blocks.append(reading.describe(cell, problems))
    if blocks:
        _fail("the workbook shows raw MyST markup", blocks)


@workbook_cases
def test_workbook_shows_numbers_not_glue_roles(chapter):
    """A number the book's prose pastes from an output (``{glue:text}`key```)
    reads as that number in the workbook."""
    blocks = [reading.describe(c, reading.glue_roles(c)) for c in chapter.as_opened
              if c.type == "markdown" and reading.glue_roles(c)]
    if blocks:
        _fail("the workbook shows glue roles instead of numbers", blocks)


def _solution_traces(book):
    """From the book edition's chapter: the prose and code lines of its solutions,
    and the glue keys that only its solutions quote."""
    solutions, prose = [], []       # the markdown of solutions, of the rest
    for cell in book["cells"]:
        source = "".join(cell["source"])
        if "solution" in cell["metadata"].get("tags", []) or "{solution}" in source:
            solutions.append(source)
        elif cell["cell_type"] == "markdown":
            prose.append(source)
    elsewhere = {line.strip() for s in prose for line in s.splitlines()}
    elsewhere |= {line.strip() for cell in book["cells"] if cell["cell_type"] == "code"
                  for line in "".join(cell["source"]).splitlines()}
    lines = [line.strip() for s in solutions for line in s.splitlines()
             if len(line.strip()) > 30 and line.strip() not in elsewhere
             and not re.match(r"^(:{3}|`{3}|:[\w-]+:)", line.strip())]
    keys = set(re.findall(r"\{glue:\w+\}`([^`]+)`", "\n".join(solutions)))
    keys -= set(re.findall(r"\{glue:\w+\}`([^`]+)`", "\n".join(prose)))
    return lines, keys


@workbook_cases
def test_workbook_holds_no_solution(chapter, book_chapter):
    """No solution cell, no solution's text or code anywhere the student reads
    (as opened or after Run All), and no cell that computes the numbers only a
    solution quotes (its code, one click away, is the exercise's answer)."""
    lines, keys = _solution_traces(book_chapter(chapter.chapter))
    assert lines, "the book edition's chapter has no solution to compare with"
    page = chapter.as_opened + chapter.ran
    blocks = []
    for cell in page:
        problems = []
        if "solution" in cell.tags or "{solution}" in cell.source:
            problems.append("a solution cell")
        shown = " ".join(f"{cell.source}\n{cell.text}".split())
        problems += [f"a solution's line: {line[:80]!r}" for line in lines
                     if " ".join(line.split()) in shown]
        glued = set(re.findall(r"glue\(\s*[\"']([^\"']+)", cell.source)) & keys
        if cell.type == "code" and glued:
            problems.append(f"computes what only a solution quotes: {sorted(glued)}")
        if problems:
            blocks.append(reading.describe(cell, sorted(set(problems))))
    if blocks:
        _fail("the workbook holds a solution", blocks)


def _visible_solutions(cells):
    """Blocks of a failure message for the solution cells that are not collapsed
    or whose text shows."""
    solutions = [c for c in cells if "solution" in c.tags]
    assert solutions, "no cell tagged 'solution'"
    blocks = []
    for cell in solutions:
        body = [line for line in cell.source.splitlines()[1:]
                if len(line.strip()) > 20 and "$" not in line]
        shown = [line for line in body if line.strip()[:20] in cell.text]
        if not cell.input_hidden or shown:
            blocks.append(reading.describe(cell, [
                f"the solution is visible: {shown[0].strip()[:80]!r}" if shown
                else "its input is not collapsed"]))
    return blocks


@book_cases
def test_solutions_are_collapsed(chapter):
    """A solution cell opens collapsed: its placeholder shows, its text does not.
    (Run All opens them again: see the module's docstring.)"""
    blocks = _visible_solutions(chapter.as_opened)
    if blocks:
        _fail("a solution is visible", blocks)


@every_case
def test_hidden_code_is_collapsed(chapter):
    """Code tagged hide-input or remove-input (set-up, checkers, self-checks)
    opens collapsed to one line, its output shown."""
    tagged = [c for c in chapter.as_opened
              if c.type == "code" and {"hide-input", "remove-input"} & set(c.tags)]
    assert tagged, "no cell tagged hide-input or remove-input"
    blocks = []
    for cell in tagged:
        lines = cell.source.strip().splitlines()
        last_line_shown = len(lines) > 1 and lines[-1].strip() in cell.input
        if not cell.input_hidden or last_line_shown:
            blocks.append(reading.describe(cell, ["its code is not collapsed"]))
    if blocks:
        _fail("hidden code is shown", blocks)


@book_cases
def test_self_check_says_what_it_is_before_running(chapter):
    """A freshly opened notebook is untrusted: its stored JavaScript does not run,
    and Jupyter shows each output's text/plain. The self-check's says what it is
    and what to do; no output reads as an object's repr."""
    blocks = [reading.describe(c, reading.object_reprs(c.output))
              for c in chapter.as_opened if reading.object_reprs(c.output)]
    quizzes = [c for c in chapter.as_opened if c.type == "code"
               and "self_check(" in c.source]
    assert quizzes, "no self-check in the chapter"
    for quiz in quizzes:
        if not re.search(r"Self-check questions \(\d+\): run this cell", quiz.output):
            blocks.append(reading.describe(quiz, [
                f"the self-check does not say what it is: {quiz.output[:200]!r}"]))
    if blocks:
        _fail("outputs that do not say what they are before running", blocks)


# --- after Run All -------------------------------------------------------------------

# The workbook's notices that stop Run All (a failed check, a failed assertion):
# with blank skeletons, only "⏸ ... is not written yet" and "… not answered yet".
_WORKBOOK_STOP = re.compile(r"\s*(⛔|✗)")


@every_case
def test_run_all_gives_no_error(chapter):
    """Run All runs every code cell; none ends with an error, writes to stderr
    or (in the workbook) stops Run All with a failure notice."""
    blocks = []
    for cell in chapter.ran:
        problems = []
        for output in chapter.notebook.outputs(cell):
            if output["output_type"] == "error":
                problems.append(f"{output['ename']}: {output['evalue'][:200]}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                problems.append(f"stderr: {''.join(output['text']).strip()[:200]!r}")
            elif chapter.edition == "workbook":
                text = "".join(output.get("data", {}).get("text/plain", ""))
                if _WORKBOOK_STOP.match(text):
                    problems.append(f"a notice that stops Run All: {text[:200]!r}")
        if chapter.notebook.execution_count(cell) is None and not problems:
            problems.append("not run")
        if problems:
            blocks.append(reading.describe(cell, problems))
    if blocks:
        _fail(f"Run All in {chapter.interface} (after "
              f"{chapter.notebook.timings['run all']:.0f} s)", blocks)


@every_case
def test_outputs_read_well(chapter):
    """No output is an object's repr, shows raw TeX, or is a widget that failed
    to show."""
    blocks = []
    for cell in chapter.ran:
        problems = (reading.object_reprs(cell.output)
                    + reading.widget_failures(cell.output)
                    + reading.raw_tex(cell.output))
        if problems:
            blocks.append(reading.describe(cell, problems))
    if blocks:
        _fail("outputs that do not read well after Run All", blocks)


@every_case
def test_widgets_render(chapter):
    """Every widget output shows as a widget (tqdm's bars and static_interact)."""
    page = chapter.notebook
    missing = []
    for cell in chapter.ran:
        views = [o for o in page.outputs(cell)
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        if not views:
            continue
        shown = page.node(cell).eval_on_selector_all(
            ".jp-OutputArea-output .jupyter-widgets",
            "nodes => nodes.filter(n => n.checkVisibility()).length")
        if shown == 0:
            missing.append(reading.describe(cell, [
                f"{len(views)} widget output(s), none shown; the cell reads "
                f"{cell.output[:200]!r}"]))
    if missing:
        _fail("widgets that did not render", missing)


# --- playing with the chapter --------------------------------------------------------

SHOWN_IMAGES = """root => Array.from(
        root.querySelectorAll('.diy-nn-static-interact img'))
    .filter(img => img.checkVisibility() && img.getBoundingClientRect().width > 0)
    .map(img => img.src)"""


def _widget(chapter):
    page = chapter.notebook
    cell = page.find("static_interact(")
    node = page.node(cell)
    assert node.query_selector(".diy-nn-static-interact"), (
        f"{cell}: the static_interact widget is not shown; the cell reads "
        f"{page.read(cell).output[:300]!r}")
    return page, cell, node


def _wait_for_new_figure(page, node, before, what, timeout=120):
    try:
        page.page.wait_for_function(
            """([root, before]) => {
                const shown = (%s)(root);
                return shown.length === 1 && !before.includes(shown[0]);
            }""" % SHOWN_IMAGES, arg=[node, before], timeout=timeout * 1000,
            polling=100)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: say what was seen
        pytest.fail(f"{what} did not change the figure within {timeout} s; the widget "
                    f"reads:\n{page.text_of(node)}", pytrace=False)


@widget_cases
def test_slider_changes_the_figure(chapter):
    page, cell, node = _widget(chapter)
    before = node.evaluate(SHOWN_IMAGES)
    assert len(before) == 1, f"the widget shows {len(before)} figures, not one"
    # Drag the handle 40 pixels to the right, as a student does with the mouse.
    handle = node.query_selector(".diy-nn-static-interact [role=slider]")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    page.page.mouse.move(x + 40, y, steps=8)
    page.page.mouse.up()
    _wait_for_new_figure(page, node, before, "dragging the slider to the right")
    chapter.shoot(cell, "widget-after-slider")


@widget_cases
def test_text_box_draws_any_value(chapter):
    """A value between the grid's points, typed in the text box, is drawn by the
    kernel: a new figure replaces the grid's."""
    page, cell, node = _widget(chapter)
    before = node.evaluate(SHOWN_IMAGES)
    box = node.query_selector(".diy-nn-live-only input")
    assert box is not None, "the widget has no text box (live=True)"
    box.fill("0.123")
    box.press("Enter")
    _wait_for_new_figure(page, node, before, "typing 0.123 in the text box")
    status = page.text_of(node)
    assert "could not draw" not in status, status
    chapter.shoot(cell, "widget-after-text-box")


@widget_cases
def test_text_box_label_is_readable(chapter):
    page, cell, node = _widget(chapter)
    cut = node.eval_on_selector_all(
        ".diy-nn-live-only label",
        "labels => labels.filter(l => l.checkVisibility()"
        " && l.scrollWidth > l.clientWidth).map(l => l.textContent)")
    assert not cut, f"labels cut short by their box: {cut}"


@every_case
def test_checker_answers_wrong_then_right(chapter):
    """The student types an answer in the exercise's cell, runs it and the
    checker below it (Shift+Enter twice): a wrong answer gets a red ✗, the
    right one a green ✓."""
    plan = PLANS[chapter.edition, chapter.chapter]
    page = chapter.notebook
    answer = page.find(f"{plan.answer} = None")
    checker = page.cells()[answer.index + 1]
    assert "check_" in checker.source, f"{checker} is not the checker of {answer}"
    for value, mark in ((plan.wrong, "✗"), (plan.right, "✓")):
        page.type_into(answer, f"{plan.answer} = {value}")
        page.run_and_advance(answer)
        page.run_and_advance(checker)
        seen = page.read(checker)
        assert seen.output.startswith(mark), (
            f"answering {plan.answer} = {value}: expected the checker to start with "
            f"{mark}; it reads:\n{seen.output}")
        chapter.shoot(checker, "checker-right" if mark == "✓" else "checker-wrong")


def _rgb(css):
    return [int(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]]


QUIZ = ".diy-nn-quiz"
FEEDBACK = """button => {
    const feedback = button.nextElementSibling;
    return {shown: !feedback.hidden && feedback.checkVisibility(),
            text: feedback.textContent.trim(), verdict: feedback.dataset.verdict,
            state: button.dataset.state || '', color: getComputedStyle(feedback).color};
}"""


def _quiz(chapter):
    page = chapter.notebook
    cell = page.find("self_check(")
    node = page.node(cell)
    assert node.query_selector(QUIZ), (
        f"{cell}: the self-check is not shown; the cell reads "
        f"{page.read(cell).output[:300]!r}")
    return page, cell, node


@every_case
def test_self_check_answers_wrong_in_red_then_right_in_green(chapter):
    """A click on a wrong answer of a choice shows why, in red; a click on the
    right one says "Right", in green."""
    page, cell, node = _quiz(chapter)
    question = node.query_selector(f'{QUIZ} [data-kind="choice"]')
    assert question is not None, "the self-check has no one-answer choice question"
    answers = {}
    for correct in ("false", "true"):
        # A real click, as a student's, on the answer's button.
        button = question.query_selector(f'button[data-correct="{correct}"]')
        assert button is not None, f"no answer with data-correct={correct}"
        button.click()
        page.page.wait_for_function(
            "b => !b.nextElementSibling.hidden", arg=button, timeout=10_000)
        answers[correct] = button.evaluate(FEEDBACK)
    wrong, right = answers["false"], answers["true"]
    red, green = _rgb(wrong["color"]), _rgb(right["color"])
    assert wrong["shown"] and wrong["state"] == "wrong" and red[0] > red[1], wrong
    assert wrong["text"].startswith("Not quite"), wrong
    assert right["shown"] and right["state"] == "right" and green[1] > green[0], right
    assert right["text"].startswith("Right"), right
    chapter.shoot(cell, "self-check")


@every_case
def test_self_check_maths_is_typeset_or_unicode(chapter):
    """The self-check's maths reads as maths with any MathJax or none: typeset
    where MathJax can (``data-math="typeset"``), else Unicode; never TeX."""
    page, cell, node = _quiz(chapter)
    mode = node.eval_on_selector(QUIZ, "quiz => quiz.dataset.math || ''")
    seen = page.read(cell)
    problems = reading.raw_tex(seen.output)
    if mode not in ("typeset", "unicode"):
        problems.append(f"the self-check says its maths is {mode!r}, neither "
                        f"'typeset' nor 'unicode'")
    if problems:
        _fail("the self-check's maths", [reading.describe(seen, problems)])
