"""Self-check questions that answer on the static website, with no kernel.

A thin layer over `jupyterquiz <https://pypi.org/project/jupyterquiz/>`_
(pinned: it uses its renderer functions), which ships its questions and their
JavaScript in the cell's output, so the page answers by itself.
:func:`choice` and :func:`number` build questions;
:func:`self_check` shows them::

    from diy_nn.quiz import choice, number, self_check

    self_check([
        choice("What shape has the gradient of the loss with respect to W?",
               [("(input, output), the shape of W", True,
                 "A gradient has the shape of what it differentiates."),
                ("(batch, output)", False, "That is the shape of delta.")]),
        number("How many parameters has Linear(3, 2)?", 8,
               feedback="W has 3 x 2 = 6 entries and b has 2."),
    ])

Text may hold TeX between ``$...$``; MathJax typesets it on the page.
"""
import hashlib
import html
import json
import random
import re

__all__ = ["choice", "number", "self_check"]

# jupyterquiz's palette with the book's blue; green and red pass WCAG AA on white text.
COLORS = {
    "--jq-multiple-choice-bg": "#2a5d8f",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#e0e0e0e0",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-many-choice-bg": "#2a5d8f",
    "--jq-numeric-bg": "#2a5d8f",
    "--jq-numeric-input-bg": "#c0c0c0",
    "--jq-numeric-input-label": "#101010",
    "--jq-numeric-input-shadow": "#999999",
    "--jq-string-bg": "#2a5d8f",
    "--jq-incorrect-color": "#b3261e",
    "--jq-correct-color": "#1b7a2f",
    "--jq-text-color": "#fafafa",
    "--jq-link-color": "#9abafa",
}


def _text(text):
    """Questions and feedback are HTML: `code` becomes <code>code</code>."""
    return re.sub(r"`([^`]+)`",
                  lambda m: f"<code>{html.escape(m.group(1))}</code>", text)


def choice(question, answers, explain=""):
    """A multiple-choice question.

    ``answers``: ``(text, correct, feedback)`` triples; the feedback says why
    the answer is right or wrong (it shows once the answer is clicked).
    Several correct answers make a "select all that apply" question.
    ``explain`` is added to every feedback.
    """
    if not answers or not any(correct for _, correct, _ in answers):
        raise ValueError("choice: give at least one answer marked correct")
    out = []
    for text, correct, feedback in answers:
        prefix = "Right: " if correct else "Not quite: "
        out.append({"answer": _text(text), "correct": bool(correct),
                    "feedback": _text(prefix + feedback
                                      + (" " + explain if explain else ""))})
    kind = ("many_choice" if sum(bool(c) for _, c, _ in answers) > 1
            else "multiple_choice")
    return {"question": _text(question), "type": kind, "answers": out}


def number(question, value, tolerance=None, feedback="", wrong=(), hint=""):
    """A question whose answer is a number.

    An answer within ``tolerance`` of ``value`` (default: 0.5 % of it, or
    exactly an integer value) is right, and ``feedback`` explains it.
    ``wrong``: ``(value, feedback)`` pairs for the usual mistakes (a forgotten
    bias, the wrong sign), each with its own explanation. ``hint``: the
    feedback for any other answer.
    """
    if tolerance is None:
        tolerance = 0 if float(value).is_integer() else abs(value) * 0.005
    spread = max(tolerance, 1e-12)
    answers = [{"type": "range", "range": [value - spread, value + spread],
                "correct": True, "feedback": _text("Right: " + feedback)}]
    for wrong_value, why in wrong:
        answers.append({"type": "range",
                        "range": [wrong_value - spread, wrong_value + spread],
                        "correct": False, "feedback": _text("Not quite: " + why)})
    answers.append({"type": "default",
                    "feedback": _text(hint or "Not quite: try again.")})
    return {"question": _text(question), "type": "numeric", "answers": answers}


# jupyterquiz typesets its questions with MathJax half a second after it runs, and
# fails ("reading '0'") when MathJax has not started by then (the website loads it
# deferred) or never does. Run the quiz once MathJax is ready, and hand it MathJax
# only when MathJax can typeset (its code reads the name MathJax, bound here).
_WAIT_FOR_MATHJAX = """(function () {
  function run(MathJax) {
%s
  }
  function typesetter() {
    var mj = window.MathJax;
    return mj && mj.version && mj.typeset ? mj : undefined;
  }
  function whenReady() {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(function () { run(typesetter()); });
    } else {
      run(typesetter());
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenReady);
  } else {
    whenReady();
  }
})();
"""


def self_check(questions, shuffle_answers=True):
    """Show the questions: they answer on click, on the website and in Jupyter.

    The element ids are derived from the questions, so re-running the cell
    gives the same output (a clean diff)."""
    from IPython.display import HTML, Javascript, display
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

    digest = hashlib.sha256(json.dumps(questions, sort_keys=True).encode()).hexdigest()
    rng = random.Random(digest)
    div_id = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12))
    prefix, static, url = load_questions_script(questions, div_id)
    div = render_div(div_id, False, shuffle_answers, False, 1_000_000, 800, 10, "left")
    script = build_script(prefix, static, url, div_id, True)
    display(HTML(div + build_styles(div_id, COLORS)))
    display(Javascript(_WAIT_FOR_MATHJAX % script))

