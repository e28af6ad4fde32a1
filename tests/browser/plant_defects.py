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
        DEFECTS.append((function.__doc__.strip(), page, function, expected))
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


@defect("book/03_nonlinear.html", "gives no feedback")
def silent_quiz(html):
    """a self-check that gives no feedback"""
    return html.replace("fb.innerHTML =", "fb.dataset.unused =")


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


@defect("_static/diy_nn_site.js", "toggle does nothing")
def dead_toggles(script):
    """the sidebar toggles do nothing (the theme's bug, its fix removed)"""
    start = script.index("/* 2. sphinx-book-theme")
    end = script.index("/* 3.")
    return script[:start] + script[end:]


@defect("_static/diy_nn_site.js", "search snippet with raw TeX")
def raw_tex_in_search(script):
    """raw TeX in search results (the snippet fix removed)"""
    return script[:script.index("/* 3.")]


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
        found = expected in output
        caught += found
        print(f"{'caught' if found else 'MISSED'}: {what} ({page}: '{expected}')")
    if caught < len(DEFECTS):
        print("the test said:\n" + output[-5000:])
    print(f"{caught} of {len(DEFECTS)} planted defects caught; "
          f"site_check exit code {run.returncode}")
    return 0 if caught == len(DEFECTS) else 1


if __name__ == "__main__":
    sys.exit(main())
