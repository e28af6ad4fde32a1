"""The website, tested the way a reader meets it: every page in headless Chromium,
with no kernel and no network (the CDN assets come from their npm packages).

A page fails when it
- shows raw TeX (MathJax did not typeset an equation),
- logs a JavaScript or console error, or loads an asset the test cannot serve,
- has an image that does not load,
- has a widget that does not render, or a control that does not change the
  page when it is moved (a widget needs diy_nn.book.widgets.static_interact),
- has a self-check (diy_nn.book.quiz) that rejects its own right answer, does not
  give a listed wrong answer its feedback, cannot be answered with the keyboard, or
  has several right answers without saying "Select all that apply",
- has a solution whose title does not open it when clicked,
- stores an output that prints an object's repr (``<Axes: >``) or a failed
  exercise check,
- has an image whose alt text is missing or a file path, or a widget slider that
  announces something else than its readout,
- has a code line wider than its box, or (on a 390-px phone) content that runs
  off the screen without a scrollbar, or an equation or table wider than its box
  without a scroll cue (reader_checks.py holds the reader's checks),
and the site fails when the left or right sidebar toggle does nothing, or a
search result shows raw TeX. Overlapping titles in figures are caught when the
chapters run (diy_nn.book.figcheck, switched on for nbval by .ci/matplotlibrc).

Run: ``make browser`` (builds the site, installs Chromium, playwright and the
npm assets when missing), or ``python -m pytest tests/browser/site_check.py``.
"""
import re

import pytest

from reader_checks import (ALT_TEXT_JS, SLIDERS_JS, STORED_OUTPUTS_JS, WIDE_BOXES_JS,
                           check_quizzes, check_solutions)
from site_pages import pages

PAGES = pages()
PHONE = 390
DESKTOP = 1280

RAW_TEX_JS = r"""() => {
    const problems = [];
    const article = document.querySelector('.bd-article') || document.body;
    article.querySelectorAll('.math').forEach(el => {
        if (!el.querySelector('mjx-container') && !el.closest('mjx-container')) {
            problems.push('equation not typeset: ' + el.textContent.trim().slice(0, 80));
        }
    });
    const skip = 'pre, code, script, style, mjx-container, textarea, input, .highlight';
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
            const parent = node.parentElement;
            return (!parent || parent.closest(skip)) ? NodeFilter.FILTER_REJECT
                                                     : NodeFilter.FILTER_ACCEPT;
        }
    });
    const tex = /\\\(|\\\)|\\\[|\\\]|\$\$|\\(frac|partial|begin|mathbf|mathrm|sum|left|right|theta|eta|delta|sigma|hat)(?![a-z])/;
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent;
        if (tex.test(text)) problems.push('raw TeX: ' + text.trim().slice(0, 100));
    }
    return problems;
}"""

IMAGES_JS = """async () => {
    const images = Array.from(document.querySelectorAll('.bd-article img'));
    images.forEach(img => img.loading = 'eager');
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.filter(img => !(img.complete && img.naturalWidth > 0))
                 .map(img => img.getAttribute('src').slice(0, 100));
}"""

WIDGETS_RENDERED_JS = """() => {
    const scripts = Array.from(document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]'));
    return scripts.map(s => {
        const host = s.parentElement;
        const view = host.querySelector('.jupyter-widgets');
        const text = host.innerText || '';
        return {rendered: !!view && !/Error displaying widget|could not render/i.test(text),
                model: JSON.parse(s.textContent).model_id};
    });
}"""

# The state of a widget the reader sees: its visible images and outputs (not its
# controls, whose readout changes by itself).
FIGURE_STATE_JS = """root => {
    const parts = [];
    const shown = el => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
    root.querySelectorAll('img').forEach(img => {
        if (shown(img)) parts.push(img.src.slice(-80));
    });
    root.querySelectorAll('.widget-output, .jp-OutputArea-output, .widget-html-content')
        .forEach(o => { if (shown(o)) parts.push(o.innerHTML.length + ':' +
                                                 o.innerText.slice(0, 300)); });
    return parts.join('|');
}"""

CODE_OVERFLOW_JS = """() => {
    document.querySelectorAll('.bd-article details').forEach(d => d.open = true);
    const selector = ['.cell_input pre', 'div[class*="highlight-python"] pre',
                      'div[class*="highlight-ipython"] pre'].join(', ');
    return Array.from(document.querySelectorAll('.bd-article ' + selector.split(', ')
                                                .join(', .bd-article ')))
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => {
            const lines = pre.textContent.split('\\n');   // also in a closed dropdown
            const longest = lines.reduce((a, b) => b.length > a.length ? b : a, '');
            return `${pre.scrollWidth - pre.clientWidth} px wider than its box: ` +
                   `"${longest.trim().slice(0, 70)}"`;
        });
}"""

OFF_SCREEN_JS = """() => {
    const width = document.documentElement.clientWidth;
    // A box that scrolls sideways (a code cell, an equation, a table) is fine; the
    // whole article scrolling sideways is not.
    const scrolls = el => {
        for (let a = el.parentElement; a && !a.matches('.bd-article, body'); a = a.parentElement) {
            const s = getComputedStyle(a);
            if (['auto', 'scroll'].includes(s.overflowX) && a.scrollWidth > a.clientWidth) {
                return a.getBoundingClientRect().right <= width + 1;
            }
        }
        return false;
    };
    const out = [];
    document.querySelectorAll(
        '.bd-article dt, .bd-article p, .bd-article table, .bd-article img, ' +
        '.bd-article .math, .bd-article pre, .bd-article .jupyter-widgets, ' +
        '.bd-article h1, .bd-article h2, .bd-article h3')
        .forEach(el => {
            if (el.offsetParent === null) return;
            const r = el.getBoundingClientRect();
            if (r.width <= 1 && r.height <= 1) return;       // for screen readers only
            const style = getComputedStyle(el);
            if (style.display.startsWith('inline')) return;   // no box of its own
            const overflow = style.overflowX;
            const what = `${el.tagName.toLowerCase()} "${el.innerText.trim().slice(0, 60)}"`;
            if (['hidden', 'clip'].includes(overflow) && el.scrollWidth > el.clientWidth + 1) {
                out.push(`${what} is cut by ${el.scrollWidth - el.clientWidth} px`);
                return;
            }
            // Text that does not wrap spills out of its box: measure what it holds.
            const right = overflow === 'visible' ? Math.max(r.right, r.left + el.scrollWidth)
                                                 : r.right;
            if (right > width + 1 && !scrolls(el)) {
                out.push(`${what} runs ${Math.round(right - width)} px off the screen`);
            }
        });
    return out.slice(0, 10);
}"""

TOC_CLIPPED_JS = """() => Array.from(document.querySelectorAll(
        '.bd-sidebar-secondary a, .bd-sidebar-primary a'))
    .filter(a => a.offsetParent !== null && a.scrollWidth > a.clientWidth + 1)
    .map(a => `"${a.innerText.trim()}" is cut (${a.scrollWidth} > ${a.clientWidth} px)`)"""


def _problems(label, items):
    return [f"{label}: {item}" for item in items]


def _wait_for_widgets(page, timeout=10_000):
    page.wait_for_function("""() => {
        const scripts = document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]');
        return Array.from(scripts).every(s => s.parentElement.querySelector('.jupyter-widgets'));
    }""", timeout=timeout)


def _controls(root):
    """The controls of a rendered widget the reader can move."""
    found = []
    for handle in root.query_selector_all(".noUi-handle"):
        if handle.is_visible():
            found.append(("slider", handle))
    for select in root.query_selector_all("select"):
        if select.is_visible():
            found.append(("dropdown", select))
    for button in root.query_selector_all(".widget-toggle-buttons button"):
        if button.is_visible():
            found.append(("toggle button", button))
    for box in root.query_selector_all("input[type=checkbox]"):
        if box.is_visible():
            found.append(("checkbox", box))
    return found


def _move(page, kind, element):
    if kind == "slider":
        before = element.get_attribute("aria-valuenow")
        element.focus()
        page.keyboard.press("ArrowRight")
        if element.get_attribute("aria-valuenow") == before:
            page.keyboard.press("ArrowLeft")
    elif kind == "dropdown":
        options = element.evaluate("s => Array.from(s.options).map(o => o.value)")
        current = element.evaluate("s => s.value")
        others = [o for o in options if o != current]
        if others:
            element.select_option(others[0])
    else:
        element.click()
    page.wait_for_timeout(150)


def check_widgets(page):
    problems = []
    views = page.evaluate(WIDGETS_RENDERED_JS)
    if not views:
        return problems
    try:
        _wait_for_widgets(page)
    except Exception:       # noqa: BLE001 - reported below, view by view
        pass
    views = page.evaluate(WIDGETS_RENDERED_JS)
    problems += [f"widget {v['model']} did not render" for v in views
                 if not v["rendered"]]
    scripts = page.query_selector_all(
        'script[type="application/vnd.jupyter.widget-view+json"]')
    for number, script in enumerate(scripts, 1):
        root = script.evaluate_handle(
            "s => s.parentElement.querySelector('.jupyter-widgets')").as_element()
        if root is None:
            continue
        for kind, control in _controls(root):
            before = root.evaluate(FIGURE_STATE_JS)
            _move(page, kind, control)
            after = root.evaluate(FIGURE_STATE_JS)
            if after == before:
                label = control.evaluate(
                    "e => (e.closest('.widget-inline-hbox, .widget-hbox') || e)"
                    ".innerText.split('\\n')[0]")
                problems.append(f"widget {number}: moving the {kind} {label!r} does "
                                f"not change the page (a widget needs "
                                f"diy_nn.book.widgets.static_interact to answer without a "
                                f"kernel)")
    return problems


@pytest.mark.parametrize("path", PAGES or ["(no site built)"])
def test_page(open_page, path):
    """One load a page: the desktop checks at 1280 px, then the phone's at 390 px."""
    page, log = open_page(path, width=DESKTOP)
    problems = []
    problems += check_widgets(page)
    problems += page.evaluate(SLIDERS_JS)
    problems += check_quizzes(page)
    problems += check_solutions(page)
    problems += page.evaluate(STORED_OUTPUTS_JS)
    problems += page.evaluate(ALT_TEXT_JS)
    problems += _problems("TeX", page.evaluate(RAW_TEX_JS))
    problems += _problems("image not loaded", page.evaluate(IMAGES_JS))
    problems += _problems("code line", page.evaluate(CODE_OVERFLOW_JS))
    problems += _problems("contents", page.evaluate(TOC_CLIPPED_JS))
    # On a phone a box may scroll sideways, showing that it does; nothing else may
    # leave the screen.
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.wait_for_timeout(300)
    problems += _problems(f"at {PHONE} px", page.evaluate(OFF_SCREEN_JS))
    problems += _problems(f"at {PHONE} px", page.evaluate(WIDE_BOXES_JS))
    problems = log.errors + problems
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def _first_chapter():
    chapters = [p for p in PAGES if p != "index.html" and "api" not in p]
    return chapters[0] if chapters else "index.html"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_sidebar_toggles_open_the_chapter_list_and_the_page_contents(open_page, width):
    page, log = open_page(_first_chapter(), width=width)
    state_js = """() => {
        const sidebar = document.querySelector('#pst-primary-sidebar');
        const secondary = document.querySelector('#pst-secondary-sidebar');
        const box = el => el ? JSON.stringify(el.getBoundingClientRect()) +
                               getComputedStyle(el).visibility + el.className : '';
        return [box(sidebar), box(secondary),
                Array.from(document.querySelectorAll('dialog[open]')).map(d => d.id)
                    .join(',')].join('|');
    }"""
    problems = []
    for name in ("primary", "secondary"):
        toggles = [t for t in page.query_selector_all(f".{name}-toggle")
                   if t.is_visible()]
        if not toggles:
            if name == "primary" or width == PHONE:
                problems.append(f"no visible {name} toggle")
            continue
        before = page.evaluate(state_js)
        toggles[0].click()
        page.wait_for_timeout(400)
        after = page.evaluate(state_js)
        if after == before:
            problems.append(f"the {name} sidebar toggle does nothing at {width} px")
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        if page.evaluate("() => document.querySelectorAll('dialog[open]').length"):
            page.evaluate("() => document.querySelectorAll('dialog[open]')"
                          ".forEach(d => d.close())")
    problems = log.errors + problems
    assert not problems, "\n  ".join(problems)


SEARCH_TEX = re.compile(r"\\[(\[]|\$\$|\\(partial|frac|delta|theta|eta|lambda|sigma|"
                        r"mathbf|hat|sum)(?![a-z])")


@pytest.mark.parametrize("query", ["derivative"])
def test_search_results_show_no_raw_tex(open_page, query):
    page, log = open_page(f"search.html?q={query}")
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li').length > 0 || "
        "/did not match|no results/i.test("
        "(document.querySelector('#search-results') || {}).innerText || '')",
        timeout=15_000)
    page.wait_for_timeout(1500)         # snippets are filled in one page at a time
    snippets = page.evaluate(
        "() => Array.from(document.querySelectorAll('#search-results p.context'))"
        ".map(p => p.innerText)")
    raw = [s[:100] for s in snippets if SEARCH_TEX.search(s)]
    problems = log.errors + _problems("search snippet with raw TeX", raw)
    assert snippets, f"searching for {query!r} found nothing"
    assert not problems, "\n  ".join(problems)


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_the_workbook_menu_opens_this_chapters_workbook_on_binder_and_colab(open_page):
    path = _first_chapter()
    chapter = path.rsplit("/", 1)[-1].removesuffix(".html")
    page, log = open_page(path)
    page.click(".dropdown-workbook-buttons > button")
    links = {}
    for kind in ("binder", "colab"):
        link = page.locator(f"a.btn-workbook-{kind}")
        assert link.is_visible(), f"the workbook menu shows no {kind} item"
        links[kind] = link.get_attribute("href")
    notebook = f"workbook/{chapter}.ipynb"
    assert (ROOT / notebook).is_file(), f"{notebook} is not in the repository"
    assert links["binder"].endswith(f"?urlpath=tree/{notebook}"), links["binder"]
    assert links["colab"].endswith(f"/blob/main/{notebook}"), links["colab"]
    assert not log.errors, log.errors


def test_the_introduction_links_the_workbooks_zip(open_page, server):
    page, log = open_page("book/intro.html")
    hrefs = [a.get_attribute("href") for a in page.query_selector_all("a.download")]
    zips = [h for h in hrefs if h and h.endswith(".zip")]
    assert zips, f"the introduction links no zip (downloads: {hrefs})"
    # click it, as a reader does: the browser must download a zip
    with page.expect_download(timeout=15_000) as download:
        page.locator(f'a.download[href="{zips[0]}"]').first.click()
    assert download.value.failure() is None, download.value.failure()
    assert download.value.suggested_filename.endswith(".zip")
    with open(download.value.path(), "rb") as f:
        assert f.read(2) == b"PK", f"{zips[0]} is not a zip"
    assert not log.errors, log.errors
