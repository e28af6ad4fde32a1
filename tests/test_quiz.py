"""diy_nn.book.quiz (the self-checks) and diy_nn.book.tex (their maths without MathJax).

What the page does with a quiz (a click answers, every quiz accepts its own right
answer) is checked on the built site by tests/browser/site_check.py.
"""
import math
import re

import numpy as np
import pytest

from diy_nn.book.quiz import choice, number, quiz_html, quiz_script, self_check
from diy_nn.book.tex import split_math, to_html, to_text

TWO = [("a", True, "because."), ("b", False, "no.")]


# --- choice -------------------------------------------------------------------------

def test_choice_marks_the_correct_answer_and_explains_each():
    q = choice("Which?", TWO)
    assert q["kind"] == "choice"
    assert [a["correct"] for a in q["answers"]] == [True, False]
    assert q["answers"][0]["feedback"] == "Right: because."
    assert q["answers"][1]["feedback"] == "Not quite: no."


def test_choice_with_two_correct_answers_says_select_all_that_apply():
    q = choice("Which?", [("a", True, "x"), ("b", True, "y"), ("c", False, "z")])
    assert q["kind"] == "many"
    _, page = quiz_html([q])
    assert "Select all that apply." in page
    _, page = quiz_html([choice("Which?", TWO)])
    assert "Select all that apply." not in page


@pytest.mark.parametrize("answers, words", [
    ([("a", False, "x"), ("b", False, "y")], "no answer is marked correct"),
    ([("a", "False", "x"), ("b", True, "y")], r"answers\[0\] \('a'\): correct must be "
                                              r"True or False, got str 'False'"),
    ([("a", 1, "x"), ("b", False, "y")], r".*correct must be True or False, got int 1"),
    ([("a", True), ("b", False, "y")],
     r"answers\[0\] must be a \(text, correct, feedback\) triple"),
    ([("a", True, "x")], "give at least two answers"),
    (3, "answers must be a list of"),
    ([("a", True, "x"), ("a", False, "y")], "the answer 'a' is given twice"),
    ([("a", True, 3), ("b", False, "y")], r"answers\[0\] feedback must be a string"),
    ([("", True, "x"), ("b", False, "y")], r"answers\[0\] text is empty"),
])
def test_a_malformed_choice_is_an_error_naming_the_argument(answers, words):
    with pytest.raises((TypeError, ValueError), match="choice: " + words):
        choice("Which?", answers)


def test_choice_accepts_numpy_booleans():
    q = choice("Which?", [("a", np.bool_(True), "x"), ("b", np.bool_(False), "y")])
    assert [a["correct"] for a in q["answers"]] == [True, False]


def test_a_question_that_is_not_text_is_an_error():
    with pytest.raises(TypeError, match="choice: question must be a string"):
        choice(3, TWO)


# --- number -------------------------------------------------------------------------

def test_number_keeps_the_value_tolerance_and_feedback_of_each_mistake():
    q = number("How many?", 8, feedback="6 + 2.", wrong=[(6, "the bias.")],
               hint="count W and b.")
    assert q["kind"] == "number" and q["value"] == 8 and q["tolerance"] == 0
    assert q["feedback"] == "Right: 6 + 2."
    assert q["wrong"] == [{"value": 6, "feedback": "Not quite: the bias."}]
    assert q["hint"] == "Not quite. Hint: count W and b."


def test_the_default_tolerance_is_exact_for_an_integer_and_half_a_percent_otherwise():
    assert number("?", 34048)["tolerance"] == 0
    assert number("?", 0.25)["tolerance"] == pytest.approx(0.00125)


def _accepted(q, x):
    """The page's rule (quiz.js `near`), written again: what a reader's x gets."""
    def near(x, v, tol):
        return abs(x - v) <= tol + 1e-9 * max(1.0, abs(v))
    if near(x, q["value"], q["tolerance"]):
        return "right"
    for w in q["wrong"]:
        if near(x, w["value"], q["tolerance"]):
            return w["feedback"]
    return "hint"


@pytest.mark.parametrize("value", [34048, 0, -3, 10 ** 9, 0.5, -0.213, 1e-8,
                                   float(np.exp(2) / (np.exp(2) + 2) - 1)])
def test_every_number_question_accepts_its_own_answer_as_typed(value):
    q = number("?", value)
    typed = float(repr(q["value"]))              # what the reader types, read back
    assert _accepted(q, typed) == "right"


def test_the_page_uses_the_rule_the_tests_use():
    script = quiz_script([number("?", 1)])
    assert "tolerance + 1e-9 * Math.max(1, Math.abs(value))" in script


@pytest.mark.parametrize("kwargs, words", [
    ({"value": math.nan}, "value is nan; no reader can type it"),
    ({"value": math.inf}, "value is inf"),
    ({"value": "3"}, "value must be a number .* got str '3'"),
    ({"value": True}, "value must be a number"),
    ({"value": 1, "tolerance": -0.1}, "tolerance must be >= 0"),
    ({"value": 1, "tolerance": math.nan}, "tolerance is nan"),
    ({"value": 8, "wrong": [(8, "same")]},
     "the wrong answer 8 would be accepted as right"),
    ({"value": 0.5, "wrong": [(0.501, "close")]},
     "the wrong answer 0.501 would be accepted as right"),
    ({"value": 8, "wrong": [(6, "a"), (6, "b")]},
     "the wrong answers 6 and 6 are the same"),
    ({"value": 8, "wrong": [6]}, r"wrong\[0\] must be a \(value, feedback\) pair"),
    ({"value": 8, "wrong": [(math.nan, "x")]}, r"wrong\[0\] value is nan"),
    ({"value": 8, "wrong": 6}, "wrong must be a list of"),
])
def test_a_malformed_number_question_is_an_error_naming_the_argument(kwargs, words):
    with pytest.raises((TypeError, ValueError), match="number: " + words):
        number("How many?", **kwargs)


# --- the page -----------------------------------------------------------------------

def test_the_page_has_a_stable_class_and_data_attribute_per_question():
    questions = [choice("Which?", TWO), number("How many?", 8, wrong=[(6, "x")])]
    quiz_id, page = quiz_html(questions)
    assert f'data-quiz="{quiz_id}"' in page
    assert re.findall(r'data-question="(\d)" data-kind="(\w+)"', page) == [
        ("1", "choice"), ("2", "number")]
    assert page.count('class="diy-nn-quiz-answer"') == 2
    assert 'data-correct="true"' in page and 'data-correct="false"' in page
    assert 'data-value="8" data-tolerance="0.0"' in page
    assert 'data-verdict="wrong" data-value="6"' in page


def test_answers_are_buttons_a_keyboard_reaches():
    _, page = quiz_html([choice("Which?", TWO)])
    assert re.findall(r"<button type=\"button\" class=\"diy-nn-quiz-answer\"", page)
    assert "aria-pressed" in page and 'role="status"' in page


def test_the_answers_are_shuffled_the_same_way_on_every_run():
    answers = [(str(i), i == 0, "x") for i in range(6)]
    first = quiz_html([choice("Which?", answers)])
    assert quiz_html([choice("Which?", answers)]) == first
    order = re.findall(r'data-answer="(\d)"', first[1])
    assert order != sorted(order)               # the right answer is not always first
    kept = re.findall(r'data-answer="(\d)"',
                      quiz_html([choice("Which?", answers)], shuffle_answers=False)[1])
    assert kept == sorted(kept)


def test_maths_is_shown_as_unicode_with_the_tex_kept_for_mathjax():
    _, page = quiz_html([choice(r"Is $\eta < 2/\lambda_1$?", TWO)])
    assert 'data-tex="\\eta &lt; 2/\\lambda_1"' in page
    assert "<i>η</i> &lt; 2/<i>λ</i><sub>1</sub>" in page
    assert "$" not in page


def test_code_between_backticks_and_html_characters_are_shown_as_text():
    _, page = quiz_html([choice("Is `a < b` & <b>c</b>?", TWO)])
    assert "<code>a &lt; b</code> &amp; &lt;b&gt;c&lt;/b&gt;?" in page


def test_unknown_tex_is_an_error_when_the_question_is_made():
    with pytest.raises(ValueError, match=r"choice: question: \\oint is not in the "
                                         r"book's TeX"):
        choice(r"What is $\oint f$?", TWO)


def test_self_check_shows_one_output_with_a_plain_text_line(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw=False: shown.append((obj, raw)))
    questions = [choice("Which?", TWO), number("How many?", 8)]
    self_check(questions)
    (bundle, raw), = shown
    assert raw and set(bundle) == {"application/javascript", "text/plain"}
    assert bundle["text/plain"].startswith("Self-check questions (2): run this cell")
    script = bundle["application/javascript"]
    assert "diy-nn-quiz" in script and "Which?" in script
    assert "</" not in script.replace("<\\/", "")   # cannot close the page's <script>
    self_check(questions)
    assert shown[1][0] == bundle                        # the same on a re-run


def test_self_check_refuses_what_choice_and_number_did_not_make():
    with pytest.raises(TypeError, match=r"questions\[0\] is not a question"):
        self_check([("Which?", TWO)])
    with pytest.raises(TypeError, match="self_check: questions must be a list"):
        self_check(choice("Which?", TWO))
    with pytest.raises(ValueError, match="at least one question"):
        self_check([])


# --- tex: the maths without MathJax -------------------------------------------------

@pytest.mark.parametrize("tex, text", [
    (r"\eta < 2/\lambda_1 = 2/4", "η < 2/λ₁ = 2/4"),
    (r"\delta^{k-1}", "δᵏ⁻¹"),
    (r"2/\lambda_{\min}", "2/λₘᵢₙ"),
    (r"\partial \ell / \partial z", "∂ℓ/∂z"),
    (r"\hat m / (\sqrt{\hat v} + \epsilon)", "m̂/(√v̂ + ϵ)"),
    (r"10^{-8}", "10⁻⁸"),
    (r"\sqrt{2/512} = 0.0625", "√(2/512) = 0.0625"),
    (r"\lfloor (100 - 4) / 3 \rfloor + 1", "⌊(100 − 4)/3⌋ + 1"),
    (r"A^\top A", "AᵀA"),
    (r"\frac{\partial L}{\partial W}", "∂L/∂W"),
    (r"\mathrm{softmax}(z) - y", "softmax(z) − y"),
    (r"z = (2, 0, 0)", "z = (2, 0, 0)"),
    (r"\beta_1^t", "β₁ᵗ"),
])
def test_tex_becomes_readable_unicode(tex, text):
    assert to_text(tex) == text


def test_tex_becomes_html_with_italic_letters_and_sub_and_superscripts():
    assert to_html(r"\hat y_i^2") == "<i>y\u0302</i><sub><i>i</i></sub><sup>2</sup>"
    assert to_html(r"\mathbf{g}") == "<b>g</b>"
    assert to_html(r"x < y") == "<i>x</i> &lt; <i>y</i>"


@pytest.mark.parametrize("tex, words", [
    (r"\foo", r"\\foo is not in the book's TeX"),
    (r"x^", "nothing after it"),
    (r"{x", "never closed"),
    (r"x}", "unmatched"),
])
def test_tex_it_cannot_write_is_an_error_that_names_it(tex, words):
    with pytest.raises(ValueError, match=words):
        to_text(tex)


def test_split_math_cuts_text_at_its_dollar_spans():
    assert split_math(r"a $x$ b \$ c") == [(False, "a "), (True, "x"),
                                           (False, r" b \$ c")]
    with pytest.raises(ValueError, match="without its closing"):
        split_math("a $x")
