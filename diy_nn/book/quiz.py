"""Self-check questions that answer by themselves: on the static website (no
kernel), in JupyterLab, Notebook 7, the classic notebook and Colab.

:func:`choice` and :func:`number` build questions; :func:`self_check` shows
them::

    from diy_nn.book.quiz import choice, number, self_check

    self_check([
        choice("What shape has the gradient of the loss with respect to W?",
               [("(input, output), the shape of W", True,
                 "a gradient has the shape of what it differentiates."),
                ("(batch, output)", False, "that is the shape of delta.")]),
        number("How many parameters has `Linear(3, 2)`?", 8,
               feedback="W has 3 x 2 = 6 entries and b has 2.",
               wrong=[(6, "the bias b is a parameter too.")]),
    ])

Text may hold `code` between backticks and TeX between ``$...$``
(:mod:`diy_nn.book.tex`). The output is one JavaScript output that draws the
questions (the answers are checked in the browser) with a ``text/plain`` line
for where JavaScript does not run (an untrusted notebook, before it is run).
Where MathJax can typeset (the website, the classic notebook) the maths is
typeset; elsewhere (JupyterLab's MathJax is not reachable from an output;
Colab has none) it is shown as Unicode and HTML: ``λ<sub>1</sub>``.

The page elements carry stable classes and ``data-`` attributes for tests:
``div.diy-nn-quiz[data-quiz]`` holds ``div.diy-nn-quiz-question[data-question]
[data-kind=choice|many|number]``; a choice's answers are
``button.diy-nn-quiz-answer[data-correct]``, each followed by its
``div.diy-nn-quiz-feedback``; a number question has ``input.diy-nn-quiz-input
[data-value][data-tolerance]`` and one ``div.diy-nn-quiz-feedback[data-verdict=
right|wrong|hint|invalid]`` per verdict (a wrong answer's with its ``data-value``).
"""
import hashlib
import html
import json
import math
import numbers
import random
import re
from pathlib import Path

from .tex import split_math, to_html

__all__ = ["choice", "number", "self_check"]

HERE = Path(__file__).parent
INTRO = ("Click an answer, or type a number and press Enter: each answer says why "
         "it is right or wrong.")
PLAIN = ("Self-check questions ({n}): run this cell to show them "
         "(they need JavaScript, which a notebook runs once it is trusted).")
MANY = "Select all that apply."
INVALID = "Type a number, such as 0.5, −2, 1e-3 or 3/4."


# --- checking what the chapters pass -----------------------------------------------

def _text(function, name, value, empty=False):
    if not isinstance(value, str):
        raise TypeError(f"{function}: {name} must be a string (text with `code` and "
                        f"$TeX$), got {type(value).__name__} {value!r}")
    if not empty and not value.strip():
        raise ValueError(f"{function}: {name} is empty; write the text the reader sees")
    _render(value, f"{function}: {name}")    # a TeX error shows now, not on the page
    return value


def _real(function, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{function}: {name} must be a number (int or float), got "
                        f"{type(value).__name__} {value!r}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{function}: {name} is {value!r}; no reader can type it: "
                         f"give a finite number")
    return value


def _near(x, value, tolerance):
    """``x`` is accepted for ``value``: the rule the page's script uses, with a
    margin for the rounding of the typed decimal (34048 must be 34048)."""
    return abs(x - value) <= tolerance + 1e-9 * max(1.0, abs(value))


# --- the questions ------------------------------------------------------------------

def choice(question, answers, explain=""):
    """A question with buttons to click.

    ``answers``: a list of ``(text, correct, feedback)`` triples, ``correct``
    being ``True`` or ``False``; the feedback says why the answer is right or
    wrong (it shows once the answer is clicked). With one correct answer the
    reader picks one; with several, the question says "Select all that apply"
    and counts the right answers found. ``explain`` is added to every feedback.
    """
    _text("choice", "question", question)
    _text("choice", "explain", explain, empty=True)
    if isinstance(answers, (str, bytes)) or not hasattr(answers, "__iter__"):
        raise TypeError(f"choice: answers must be a list of (text, correct, feedback) "
                        f"triples, got {type(answers).__name__} {answers!r}")
    answers = list(answers)
    if len(answers) < 2:
        raise ValueError(f"choice: give at least two answers to choose from, got "
                         f"{len(answers)}")
    out, seen = [], set()
    for i, answer in enumerate(answers):
        if not isinstance(answer, (tuple, list)) or len(answer) != 3:
            raise TypeError(f"choice: answers[{i}] must be a (text, correct, feedback) "
                            f"triple, got {answer!r}")
        text, correct, feedback = answer
        _text("choice", f"answers[{i}] text", text)
        numpy_bool = (type(correct).__module__ == "numpy"
                      and type(correct).__name__ in ("bool", "bool_"))
        if not isinstance(correct, bool) and not numpy_bool:
            raise TypeError(f"choice: answers[{i}] ({text!r}): correct must be True or "
                            f"False, got {type(correct).__name__} {correct!r}")
        _text("choice", f"answers[{i}] feedback", feedback)
        if text in seen:
            raise ValueError(f"choice: the answer {text!r} is given twice")
        seen.add(text)
        prefix = "Right: " if correct else "Not quite: "
        out.append({"text": text, "correct": bool(correct),
                    "feedback": prefix + feedback + (" " + explain if explain else "")})
    right = sum(a["correct"] for a in out)
    if right == 0:
        raise ValueError("choice: no answer is marked correct (True); mark the right "
                         "one, or every right one for a select-all question")
    return {"kind": "many" if right > 1 else "choice", "question": question,
            "answers": out}


def number(question, value, tolerance=None, feedback="", wrong=(), hint=""):
    """A question whose answer is a number the reader types.

    An answer within ``tolerance`` of ``value`` is right (default: exactly an
    integer ``value``, or within 0.5 % of any other), and ``feedback`` explains
    it. ``wrong``: ``(value, feedback)`` pairs for the usual mistakes (a
    forgotten bias, the wrong sign), each recognised within the same tolerance
    and answered with its own explanation. ``hint``: the answer to any other
    number. The reader may type ``34048``, ``34 048``, ``-0.5``, ``1e-3`` or
    ``3/4``.
    """
    _text("number", "question", question)
    _real("number", "value", value)
    if tolerance is None:
        tolerance = 0 if float(value).is_integer() else abs(value) * 0.005
    _real("number", "tolerance", tolerance)
    if tolerance < 0:
        raise ValueError(f"number: tolerance must be >= 0 (how far from {value} an "
                         f"answer may be), got {tolerance}")
    _text("number", "feedback", feedback, empty=True)
    _text("number", "hint", hint, empty=True)
    if isinstance(wrong, (str, bytes)) or not hasattr(wrong, "__iter__"):
        raise TypeError(f"number: wrong must be a list of (value, feedback) pairs, got "
                        f"{type(wrong).__name__} {wrong!r}")
    wrongs = []
    for i, pair in enumerate(wrong):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"number: wrong[{i}] must be a (value, feedback) pair, got "
                            f"{pair!r}")
        wrong_value, why = pair
        _real("number", f"wrong[{i}] value", wrong_value)
        _text("number", f"wrong[{i}] feedback", why)
        if _near(wrong_value, value, tolerance):
            raise ValueError(f"number: the wrong answer {wrong_value} would be "
                             f"accepted as right ({value} ± {tolerance:g}); remove it "
                             f"or narrow the tolerance")
        for earlier in wrongs:
            if _near(wrong_value, earlier["value"], tolerance):
                raise ValueError(f"number: the wrong answers {earlier['value']} and "
                                 f"{wrong_value} are the same within the tolerance "
                                 f"{tolerance:g}")
        wrongs.append({"value": _plain_number(wrong_value),
                       "feedback": "Not quite: " + why})
    return {"kind": "number", "question": question, "value": _plain_number(value),
            "tolerance": float(tolerance),
            "feedback": "Right: " + (feedback or f"{value}."),
            "wrong": wrongs,
            "hint": "Not quite. " + (f"Hint: {hint}" if hint else "Try again.")}


def _plain_number(value):
    """An int or a float (not a NumPy scalar), for JSON."""
    return int(value) if isinstance(value, numbers.Integral) else float(value)


# --- the page -----------------------------------------------------------------------

def _render(text, where="quiz"):
    """HTML of a question's text: `code`, and $TeX$ as a span that holds the
    Unicode form and, in ``data-tex``, the TeX for MathJax."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append(f'<span class="diy-nn-quiz-math mathjax_process" '
                       f'data-tex="{html.escape(part)}">{to_html(part, where)}</span>')
        else:
            out.append(re.sub(r"`([^`]+)`", r"<code>\1</code>",
                              html.escape(part, quote=False)))
    return "".join(out)


def _choice_html(q, qid, rng, shuffle):
    answers = list(enumerate(q["answers"]))
    if shuffle:
        rng.shuffle(answers)
    rows = []
    for i, answer in answers:
        fid = f"{qid}-f{i}"
        verdict = "right" if answer["correct"] else "wrong"
        rows.append(
            f'<div class="diy-nn-quiz-row">'
            f'<button type="button" class="diy-nn-quiz-answer" data-answer="{i}" '
            f'data-correct="{str(answer["correct"]).lower()}" aria-pressed="false" '
            f'aria-describedby="{fid}">{_render(answer["text"])}</button>'
            f'<div class="diy-nn-quiz-feedback" id="{fid}" data-verdict="{verdict}" '
            f'hidden>{_render(answer["feedback"])}</div></div>')
    many = (f'<p class="diy-nn-quiz-instruction">{MANY}</p>'
            if q["kind"] == "many" else "")
    # One right answer: its feedback says "Right" or "Not quite", and the status
    # line says it again for a screen reader only; several: it counts, for all.
    hidden = "" if q["kind"] == "many" else " diy-nn-quiz-sr"
    return (f'{many}<div class="diy-nn-quiz-answers">{"".join(rows)}</div>'
            f'<p class="diy-nn-quiz-status{hidden}" role="status" '
            f'aria-live="polite"></p>')


def _number_html(q, qid):
    feedbacks = [("right", None, q["feedback"])]
    feedbacks += [("wrong", w["value"], w["feedback"]) for w in q["wrong"]]
    feedbacks += [("hint", None, q["hint"]), ("invalid", None, INVALID)]
    divs = "".join(
        f'<div class="diy-nn-quiz-feedback" data-verdict="{verdict}"'
        + (f' data-value="{value!r}"' if value is not None else "")
        + f' hidden>{_render(text)}</div>'
        for verdict, value, text in feedbacks)
    return (f'<div class="diy-nn-quiz-entry">'
            f'<label for="{qid}-in">Your answer:</label> '
            f'<input type="text" inputmode="decimal" autocomplete="off" '
            f'spellcheck="false" class="diy-nn-quiz-input" id="{qid}-in" '
            f'data-value="{q["value"]!r}" data-tolerance="{q["tolerance"]!r}"> '
            f'<button type="button" class="diy-nn-quiz-check">Check</button></div>'
            f'<div class="diy-nn-quiz-feedbacks" role="status" aria-live="polite">'
            f'{divs}</div>')


def _check_questions(questions):
    if isinstance(questions, dict) or not isinstance(questions, (list, tuple)):
        raise TypeError(f"self_check: questions must be a list of questions made by "
                        f"choice(...) and number(...), got {type(questions).__name__}")
    if not questions:
        raise ValueError("self_check: give at least one question")
    for i, q in enumerate(questions):
        if not isinstance(q, dict) or q.get("kind") not in ("choice", "many", "number"):
            raise TypeError(f"self_check: questions[{i}] is not a question made by "
                            f"choice(...) or number(...): {q!r:.80}")


def quiz_html(questions, shuffle_answers=True):
    """The HTML of the questions (what :func:`self_check` shows, before its
    script makes the buttons answer). Ids and the order of the answers are
    derived from the questions, so a re-run gives the same output."""
    _check_questions(questions)
    digest = hashlib.sha256(json.dumps(questions, sort_keys=True).encode()).hexdigest()
    quiz_id = "q" + digest[:10]
    rng = random.Random(digest)
    parts = [f'<div class="diy-nn-quiz" id="diy-nn-quiz-{quiz_id}" '
             f'data-quiz="{quiz_id}" data-questions="{len(questions)}">'
             f'<p class="diy-nn-quiz-intro">{INTRO}</p>']
    for n, q in enumerate(questions, 1):
        qid = f"{quiz_id}-{n}"
        body = (_number_html(q, qid) if q["kind"] == "number"
                else _choice_html(q, qid, rng, shuffle_answers))
        parts.append(
            f'<div class="diy-nn-quiz-question" data-question="{n}" '
            f'data-kind="{q["kind"]}" role="group" aria-labelledby="{qid}-text">'
            f'<p class="diy-nn-quiz-text" id="{qid}-text">'
            f'<span class="diy-nn-quiz-n">{n}.</span> {_render(q["question"])}</p>'
            f'{body}</div>')
    parts.append("</div>")
    return quiz_id, "".join(parts)


def _js_string(text):
    # Inside a <script> on the website: no "</" may close it early.
    return json.dumps(text).replace("</", "<\\/")


def quiz_script(questions, shuffle_answers=True):
    """The JavaScript that draws the questions where it runs and makes them answer."""
    quiz_id, body = quiz_html(questions, shuffle_answers)
    program = (HERE / "quiz.js").read_text()
    css = (HERE / "quiz.css").read_text()
    arguments = ", ".join([_js_string(quiz_id), _js_string(body), _js_string(css),
                           "document.currentScript",
                           'typeof element === "undefined" ? null : element'])
    return f"({program.strip().rstrip(';')})({arguments});\n"


def self_check(questions, shuffle_answers=True):
    """Show the questions; they answer on click, on the website and in Jupyter.

    One output: JavaScript that draws them (answers checked in the browser),
    and a plain-text line for a front end that does not run it. The answers of
    a choice are shuffled, the same way on every run (``shuffle_answers=False``
    keeps the order given)."""
    from IPython.display import display

    script = quiz_script(questions, shuffle_answers)
    display({"application/javascript": script,
             "text/plain": PLAIN.format(n=len(questions))}, raw=True)
