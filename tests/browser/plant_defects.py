"""Show that the website test fails on each kind of defect it is meant to catch.

Copies a built site, plants one defect of each kind into it (each in its own page,
or in the script every page loads), runs site_check.py on the copy and reports,
for every defect, whether the test failed with the expected message. Not part of
`make test` (it takes as long as the test itself); run it after changing the test:

    python tests/browser/plant_defects.py [_build/html]

The overlapping-titles check runs when the chapters execute (nbval with
.ci/matplotlibrc); its planted defect is tests/test_widgets.py's crowded figure.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent

# (what is planted, page, how, the words the failure must contain)
DEFECTS = []


def defect(page, expected):
    def register(function):
        DEFECTS.append((" ".join(function.__doc__.split()), page, function, expected))
        return function
    return register


@defect("book/01_module.html", "equation not typeset")
def raw_tex(html):
    """raw TeX: MathJax does not load"""
    return re.sub(r'<script[^>]*mathjax@[^>]*></script>', "", html)


@defect("book/intro.html", "JavaScript error")
def js_error(html):
    """a JavaScript error"""
    return html.replace("</body>", "<script>notDefinedAnywhere();</script></body>")


@defect("book/datasets.html", "image not loaded")
def broken_image(html):
    """an image that does not load"""
    return html.replace('<article class="bd-article">',
                        '<article class="bd-article"><img src="_images/missing.png" '
                        'alt="missing">', 1)


def _edit_widget_state(html, edit):
    start = html.index('<script type="application/vnd.jupyter.widget-state+json">')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    state = json.loads(html[start:end])
    edit(state["state"])
    return html[:start] + json.dumps(state) + html[end:]


@defect("book/02_linear.html", "does not change the page")
def dead_widget(html):
    """a widget whose control does not change the page (its links removed)"""
    def unlink(models):
        for key in [k for k, m in models.items() if m["model_name"] == "LinkModel"]:
            del models[key]
    return _edit_widget_state(html, unlink)


@defect("book/05_multiclass.html", "did not render")
def unrendered_widget(html):
    """a widget that does not render (its state is missing)"""
    return _edit_widget_state(html, lambda models: models.clear())


def _replace_all(html, old, new):
    assert old in html, f"nothing to plant: {old!r} is not in the page"
    return html.replace(old, new)


@defect("book/03_nonlinear.html", "no feedback")
def silent_quiz(html):
    """a self-check whose answers give no feedback"""
    return _replace_all(html, "show(button.nextElementSibling, true);", "")


@defect("book/06_autoencoder.html", "is not accepted")
def quiz_rejects_its_own_answer(html):
    """a self-check that rejects its own integer answer (a half-open range, as
    jupyterquiz had: 34048 not in [34048, 34048))"""
    return _replace_all(html,
                        "Math.abs(x - value) <= tolerance + 1e-9 * Math.max(1, "
                        "Math.abs(value))", "Math.abs(x - value) < tolerance")


@defect("book/02_linear.html", "does not get its feedback")
def wrong_answer_gets_the_hint(html):
    """a listed wrong answer answered with the hint, not its own feedback"""
    return _replace_all(html, 'verdict("wrong", function (f) {',
                        'verdict("unlisted", function (f) {')


@defect("book/04_sequential.html", 'does not say "Select all that apply"')
def select_all_unsaid(html):
    """a question with several right answers that does not say so"""
    return _replace_all(html, "Select all that apply.", "")


@defect("book/05_multiclass.html", "Tab does not reach")
def quiz_out_of_tab_reach(html):
    """quiz answers the keyboard cannot reach (tabindex=-1)"""
    return _replace_all(html, 'class=\\"diy-nn-quiz-answer\\"',
                        'tabindex=\\"-1\\" class=\\"diy-nn-quiz-answer\\"')


@defect("book/01_module.html", "prints an object's repr")
def stored_repr(html):
    """a stored output that prints an object's repr (<Axes: >)"""
    return html.replace('<article class="bd-article">',
                        '<article class="bd-article"><div class="cell_output docutils '
                        'container"><div class="output text_plain"><pre>'
                        'array([&lt;Axes: &gt;, &lt;Axes: &gt;], dtype=object)'
                        '</pre></div></div>', 1)


@defect("book/03_nonlinear.html", "a stored exercise check failed")
def stored_failed_check(html):
    """a stored exercise check that failed (a stale output)"""
    return html.replace('<article class="bd-article">',
                        '<article class="bd-article"><div class="cell_output">'
                        '<div class="diy-nn-check"><div>✗ Scale against Scale: check 2 '
                        'of 9 failed (forward runs)</div></div></div>', 1)


@defect("book/datasets.html", "older diy_nn.book.quiz")
def stale_quiz(html):
    """a self-check stored by the old quiz (jupyterquiz): a chapter not re-run"""
    return html.replace('<article class="bd-article">',
                        '<article class="bd-article"><div id="abc" '
                        'data-shufflequestions="False"></div>', 1)


@defect("book/07_convolution.html", "alt text is a file path")
def alt_text_path(html):
    """a figure whose alt text is its file path (docutils' default)"""
    out = re.sub(r'(<img alt=")Figure[^"]*', r"\g<1>../_images/planted.png", html,
                 count=1)
    assert out != html, "no figure with alt text to plant the path in"
    return out


@defect("book/08_going_further.html", "has no alt text")
def widget_image_without_alt(html):
    """widget images with no alt text"""
    def strip_alt(models):
        for model in models.values():
            if model["model_name"] == "HTMLModel" and "<img" in model["state"]["value"]:
                model["state"]["value"] = re.sub(r' alt="[^"]*"', "",
                                                 model["state"]["value"])
    return _edit_widget_state(html, strip_alt)


@defect("book/04_sequential.html", "wider than its box")
def long_code_line(html):
    """a code line wider than its box"""
    line = "x = " + " + ".join(["1"] * 40) + "  # 166 characters\n"
    return re.sub(r'(<div class="cell_input[^>]*>\s*<div class="highlight[^>]*>'
                  r'<div class="highlight"><pre>)', r"\g<1>" + line, html, count=1)


@defect("book/api.html", "off the screen")
def off_screen_on_a_phone(html):
    """content that runs off a phone's screen"""
    return html.replace('<article class="bd-article">',
                        '<article class="bd-article"><p style="white-space: nowrap">'
                        + "an unbreakable line of text " * 8 + "</p>", 1)


def _without_section(script, number):
    start = script.index(f"/* {number}.")
    end = script.find(f"/* {number + 1}.")
    return script[:start] + (script[end:] if end >= 0 else "")


@defect("_static/diy_nn_site.js", "toggle does nothing")
def dead_toggles(script):
    """the sidebar toggles do nothing (the theme's bug, its fix removed)"""
    return _without_section(script, 2)


@defect("_static/diy_nn_site.js", "search snippet with raw TeX")
def raw_tex_in_search(script):
    """raw TeX in search results (the snippet fix removed)"""
    return _without_section(script, 3)


@defect("_static/diy_nn_site.js", "clicking its title goes to")
def solution_link_jumps(script):
    """a solution's title link that jumps away (sphinx-togglebutton's bug, its fix
    removed)"""
    return _without_section(script, 4)


@defect("_static/diy_nn_site.js", "with no scroll cue")
def wide_equation_without_cue(script):
    """equations and tables cut on a phone with no scroll cue (the cue removed)"""
    return _without_section(script, 5)


@defect("_static/diy_nn_site.js", "a slider announces")
def slider_announces_its_index(script):
    """sliders that announce a grid index, not their value (the fix removed)"""
    return _without_section(script, 6)


def _page_failure(output, page):
    """The lines of test_page's failure for ``page`` ("E   AssertionError: page:")."""
    lines, inside = [], False
    for line in output.splitlines():
        if "AssertionError:" in line:
            inside = line.rstrip().endswith(f"{page}:")
        elif line.startswith("E       assert"):
            inside = False
        if inside:
            lines.append(line)
    return "\n".join(lines)


def main():
    default = HERE.parent.parent / "_build" / "html"
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "html"
        shutil.copytree(site, copy)
        script = copy / "_static" / "diy_nn_site.js"
        text = script.read_text()
        for what, page, plant, _ in DEFECTS:
            target = copy / page
            if target == script:
                text = plant(text)
                continue
            before = target.read_text()
            after = plant(before)
            assert after != before, f"could not plant {what!r} in {page}"
            target.write_text(after)
        script.write_text(text)
        env = dict(os.environ, DIY_NN_SITE=str(copy))
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
             "--tb=short", str(HERE / "site_check.py")],
            env=env, capture_output=True, text=True, cwd=HERE)
    # The failure messages only ("E   ..." lines), not the test's source.
    output = "\n".join(line for line in (run.stdout + run.stderr).splitlines()
                       if line.startswith("E "))
    caught = 0
    for what, page, _, expected in DEFECTS:
        # A defect planted in a page must fail that page (test_page's message starts
        # with its path), not merely appear somewhere: the site may hold a real one.
        where = (output if page.startswith("_static/")
                 else _page_failure(output, page))
        found = expected in where
        caught += found
        print(f"{'caught' if found else 'MISSED'}: {what} ({page}: '{expected}')")
    if caught < len(DEFECTS):
        print("the test said:\n" + output[-5000:])
    print(f"{caught} of {len(DEFECTS)} planted defects caught; "
          f"site_check exit code {run.returncode}")
    return 0 if caught == len(DEFECTS) else 1


if __name__ == "__main__":
    sys.exit(main())
