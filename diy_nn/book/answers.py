"""The exercises' answer key, and :func:`check_answer`, the checker a chapter's
exercise cell calls: ``check_answer("ex-linear-huber", HuberLoss)``.

A checker cell names what is checked (the exercise's label and the student's
answer), never the answer: the expected values live in ``answer_key.json``,
data computed from the reference solutions by ``tools/build_answer_key.py``.
The solutions themselves are not in the package. An entry is one of:

- ``value``: the expected number or array, with its relative tolerance;
- ``module`` / ``loss``: the reference's outputs and gradients at fixed inputs
  (``ModuleRecord``, ``LossRecord`` of diy_nn.book.exercises), one record per
  configuration;
- ``function``: fixed arguments and the reference's result;
- ``rule``: the parameters after a few steps of the reference update rule on a
  fixed problem (:func:`rule_steps`).

An answer that depends on the chapter's own data (its arrays, its trained
network) is stored with a fingerprint of those ``inputs``; the cell passes them
(``inputs=(x, y)``) and the checker says so when they differ, instead of
comparing with an answer made for other data. In the book itself (not the
workbook), a stale key is an error, so that re-executing the chapters in CI
finds it.
"""
import functools
import json
import os
from importlib import resources

import numpy as np

from .exercises import (
    CheckResult, Config, LossRecord, ModuleRecord, _error, _finish, _label,
    _not_answered_result, check_configs, check_loss, check_module, check_value,
)

__all__ = ["check_answer", "AnswerKeyError", "fingerprint", "rule_steps"]

KEY_FILE = "answer_key.json"
RECORD_ENV = "DIY_NN_ANSWER_KEY_RECORD"     # set by tools/build_answer_key.py


class AnswerKeyError(LookupError):
    """The answer key has no entry for an exercise, or was computed for other
    inputs than the chapter's."""


@functools.lru_cache(maxsize=None)
def answer_key():
    """``{exercise: entry}``, read once from the package's ``answer_key.json``."""
    text = resources.files(__package__).joinpath(KEY_FILE).read_text()
    return json.loads(text)["answers"]


def fingerprint(inputs):
    """A few numbers that tell arrays apart: for each input its shape, sum, norm
    and a fixed projection (float64)."""
    prints = []
    for value in inputs:
        a = np.asarray(value, dtype=np.float64)
        flat = a.ravel()
        weights = np.cos(0.7 * np.arange(flat.size))
        prints.append({"shape": list(a.shape), "sum": float(flat.sum()),
                       "norm": float(np.sqrt(flat @ flat)),
                       "projection": float(flat @ weights)})
    return prints


def _same_inputs(stored, now, rtol):
    if len(stored) != len(now):
        return False
    for a, b in zip(stored, now):
        if a["shape"] != b["shape"]:
            return False
        scale = max(abs(a["norm"]), 1e-12)
        for k in ("sum", "norm", "projection"):
            if abs(a[k] - b[k]) > rtol * scale + 1e-12:
                return False
    return True


def rule_steps(rule, steps=5, lr=0.01):
    """The parameters of a seeded ``Linear(3, 2)`` (float64) after ``steps``
    steps of the update rule ``rule`` on a fixed regression batch (MSE): what a
    ``rule`` entry of the key stores."""
    from ..linear import Linear
    from ..loss import MSELoss

    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    net, loss = Linear(3, 2, rng=0, dtype=np.float64), MSELoss()
    for _ in range(steps):
        net.zero_grad()
        net.backward_update_gradient(X, loss.backward(Y, net(X)))
        rule.update(net, lr)
    return np.concatenate([p.ravel() for p, _ in net.parameters()])


def _in_workbook():
    import sys
    workbook = sys.modules.get("diy_nn.book.workbook")
    return bool(workbook and workbook._state.get("stop_on_failure"))


def _record(exercise, answer, inputs):
    """Recording mode (tools/build_answer_key.py): compute the entry from the
    recipe in the chapter's own kernel and append it to the record file."""
    import answer_recipes       # tools/, on the path of the recording kernel

    from .workbook import _user_namespace
    entry = answer_recipes.RECIPES[exercise].in_chapter(_user_namespace())
    if inputs is not None:
        entry["inputs"] = fingerprint(inputs)
    with open(os.environ[RECORD_ENV], "a") as f:
        f.write(json.dumps({"exercise": exercise, "entry": entry}) + "\n")


def check_answer(exercise, answer, inputs=None):
    """Check the student's ``answer`` to ``exercise`` (the exercise's label, such
    as ``"ex-linear-huber"``) against the answer key; shows the answer and returns
    a :class:`~diy_nn.book.exercises.CheckResult`.

    ``answer`` is a number or an array for a ``value`` entry (``None`` until
    answered), the class (or an instance) for a ``module`` or ``loss`` entry, the
    function for a ``function`` entry, the update rule (class or instance) for a
    ``rule`` entry. ``inputs``: the chapter's arrays the answer depends on, when
    the key says so.
    """
    if not isinstance(exercise, str):
        raise TypeError(f"check_answer: expected the exercise's label as a string, "
                        f"such as check_answer('ex-linear-huber', HuberLoss), got "
                        f"{exercise!r:.60}")
    if os.environ.get(RECORD_ENV) and _needs_chapter(exercise):
        return _record(exercise, answer, inputs)
    key = answer_key()
    if exercise not in key:
        near = sorted(k for k in key if k.split("-")[:2] == exercise.split("-")[:2])
        raise AnswerKeyError(
            f"check_answer: the answer key has no exercise {exercise!r}"
            + (f"; this chapter's are {near}" if near else "")
            + ". Rebuild the key with tools/build_answer_key.py after adding an "
              "exercise.")
    entry = key[exercise]
    title = entry.get("name") or exercise
    if "inputs" in entry:
        if inputs is None:
            raise TypeError(f"check_answer({exercise!r}, ...): this exercise depends "
                            f"on the chapter's data: pass inputs=(...) as the "
                            f"chapter's checker cell does")
        if not _same_inputs(entry["inputs"], fingerprint(inputs),
                            entry.get("inputs_rtol", 1e-6)):
            message = (f"the answer key of {exercise} was computed from the "
                       f"chapter's own data, and this notebook's differ: run the "
                       f"chapter from the top (its cells in order) and check again")
            if not _in_workbook() and _unanswered(entry, answer):
                raise AnswerKeyError(
                    f"{message}. (In the book: the chapter changed; rebuild the key "
                    f"with `python tools/build_answer_key.py`.)")
            result = CheckResult(title, total=1)
            result.add(title, False, message)
            return _finish(result)
    kind = entry["kind"]
    if kind == "value":
        return check_value(answer, np.asarray(entry["expected"], dtype=np.float64),
                           rtol=entry.get("rtol", 1e-6), name=title)
    if kind == "module":
        return _finish(_check_records(answer, entry, title, module=True))
    if kind == "loss":
        return _finish(_check_records(answer, entry, title, module=False))
    if kind == "function":
        return _check_function(answer, entry, title)
    if kind == "rule":
        return _check_rule(answer, entry, title)
    raise AnswerKeyError(f"check_answer: unknown kind {kind!r} for {exercise!r}")


def _needs_chapter(exercise):
    try:
        import answer_recipes
    except ImportError:
        return False
    recipe = answer_recipes.RECIPES.get(exercise)
    return recipe is not None and recipe.needs_chapter


def _unanswered(entry, answer):
    return entry["kind"] == "value" and (answer is None or answer is Ellipsis)


def _check_records(student, entry, title, module):
    """The student's module or loss against each stored record, in order (the
    answer is shown once, by the caller)."""
    if student is None or isinstance(student, (str, int, float)):
        raise TypeError(f"check_answer: expected your {title} (the class), got "
                        f"{student!r:.60}")
    configs = []
    for record in entry["records"]:
        def run(st, record=record):
            if module:
                rec = ModuleRecord.from_dict(record["record"])
                return check_module(st, rec, gradcheck=record.get("gradcheck", True))
            rec = LossRecord.from_dict(record["record"])
            return check_loss(st, rec, gradcheck=record.get("gradcheck", True))
        configs.append(Config(record["label"], run, record.get("feature", ""),
                              record.get("hint", "")))
    from . import exercises
    finish = exercises._finish
    exercises._finish = lambda result: result       # each configuration unshown
    try:
        return check_configs(student, configs, title=_label(student))
    finally:
        exercises._finish = finish


def _check_function(student, entry, title):
    if not callable(student):
        raise TypeError(f"check_answer: expected your function, got {student!r:.60}")
    args = [np.asarray(a, dtype=np.float64) if isinstance(a, list) else a
            for a in entry["args"]]
    try:
        got = student(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    except NotImplementedError as exc:
        return _finish(_not_answered_result(title, str(exc)))
    except Exception as exc:        # noqa: BLE001 - a checker never raises
        result = CheckResult(title, total=1)
        result.add(title, False, _error(getattr(student, "__name__", "it"), exc))
        return _finish(result)
    return check_value(got, np.asarray(entry["expected"], dtype=np.float64),
                       rtol=entry.get("rtol", 1e-6), name=title)


def _check_rule(student, entry, title):
    try:
        rule = student() if isinstance(student, type) else student
        got = rule_steps(rule, **entry.get("steps", {}))
    except NotImplementedError as exc:
        return _finish(_not_answered_result(title, str(exc)))
    except Exception as exc:        # noqa: BLE001
        result = CheckResult(title, total=1)
        result.add(title, False, _error("update", exc))
        return _finish(result)
    return check_value(got, np.asarray(entry["expected"], dtype=np.float64),
                       rtol=entry.get("rtol", 1e-6), name=title)
