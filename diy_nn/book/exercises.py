"""Checkers for the exercises: compare the student's code with the library's.

- :func:`check_module` runs a student's module (a class or an instance) next
  to the reference module, on the same parameters and input, and checks in
  order: forward runs, its shape and values, ``backward_delta``'s shape and
  values, the parameter gradients, a gradient check, and that gradients
  accumulate. It stops at the first failure and says what was expected, with a hint.
- :func:`check_loss` does the same for a loss; :func:`check_value` for a number.

A checker never raises: an exception in the student's code (``NotImplementedError``
for a skeleton not filled in yet) becomes the message of the failing check.
In a notebook the answer is a small coloured box (HTML); elsewhere it is
printed as plain text. Each checker also returns a :class:`CheckResult`,
true when every check passed.

This module sits on top of the core and imports IPython only to display.
"""
import contextlib
import copy
import html
import os
import re
import sys
import traceback

import numpy as np

from ..gradcheck import gradcheck

__all__ = ["CheckResult", "check_module", "check_loss", "check_value"]

RTOL = 1e-6     # values are compared in float64
ATOL = 1e-9


class CheckResult:
    """What a checker found.

    ``checks``: the checks that ran, in order, as ``(name, ok, message)``; they
    stop at the first failure (``first_failure``). ``total``: how many checks
    there are in all. ``passed`` (and ``bool(result)``): every check passed.
    ``report()`` is the plain-text answer, ``html()`` the notebook's box.
    """

    def __init__(self, title, total, plan=()):
        self.title = title
        self.total = total
        self.checks = []
        self.not_answered = False
        # What the checker checks, in order, as readable sentences: shown while
        # the exercise is not answered yet (a skeleton raising NotImplementedError).
        self.plan = list(plan)
        self._shown_in = None
        # check_configs: the configuration that failed (its feature names it)
        self.failed_config = None

    def add(self, name, ok, message=""):
        self.checks.append((name, bool(ok), message))
        return ok

    @property
    def first_failure(self):
        """``(name, ok, message)`` of the first failing check, or None."""
        return next((c for c in self.checks if not c[1]), None)

    @property
    def passed(self):
        return len(self.checks) == self.total and self.first_failure is None

    def __bool__(self):
        return self.passed

    def __repr__(self):
        failure = self.first_failure
        if failure is None:
            return (f"CheckResult({self.title!r}: {len(self.checks)} of {self.total} "
                    f"checks passed)")
        return f"CheckResult({self.title!r}: failed at {failure[0]!r}: {failure[2]})"

    def summary(self):
        """One line: passed, or which check failed."""
        if self.not_answered:
            return f"… {self.title}: not answered yet"
        if self.passed:
            if self.total > 1:
                return f"✓ {self.title}: all {self.total} checks passed"
            return f"✓ {self.title}: correct"
        name = self.first_failure[0]
        if self.failed_config is not None:
            check = name.split(",")[0]
            if self.failed_config.first:
                return (f"✗ {self.title}: fails at {check} "
                        f"({self.failed_config.label})")
            what = self.failed_config.feature or self.failed_config.label
            return f"✗ {self.title}: fails with {what}, at {check}"
        if self.total > 1:
            return (f"✗ {self.title}: check {len(self.checks)} of {self.total} "
                    f"failed ({name})")
        return f"✗ {self.title}: not yet"

    def _pending(self):
        """While not answered: what to do, and what the checker will check."""
        lines = [self.checks[-1][2] + ": write it, then run this cell again."
                 if self.plan else self.checks[-1][2]]
        if self.plan:
            lines.append("This checker runs, in order:")
            lines += [f"{i}. {step}" for i, step in enumerate(self.plan, 1)]
        return lines

    def report(self):
        """The plain-text answer: the summary, then each check that ran."""
        lines = [self.summary()]
        if self.not_answered:
            lines += ["  " + line for line in self._pending()]
            return "\n".join(lines)
        for name, ok, message in self.checks:
            if ok:
                lines.append(f"  ✓ {name}" + (f": {message}" if message else ""))
            else:
                lines.append(f"  ✗ {name}: {message}")
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    def html(self):
        """The answer as a coloured box: green when passed, red with the first
        failure."""
        if self.not_answered:
            colour, background = "#8a6d00", "#fff8e1"
        elif self.passed:
            colour, background = "#2e7d32", "#e8f5e9"
        else:
            colour, background = "#c62828", "#ffebee"
        items = []
        for name, ok, message in self.checks:
            mark = "✓" if ok else "✗"
            text = (f"<b>{html.escape(name)}</b>"
                    + (f": {html.escape(message)}" if message else ""))
            items.append(
                f'<li style="list-style:none;margin:0.15em 0">{mark} {text}</li>'
            )
        if self.not_answered:
            items = [f'<li style="list-style:none;margin:0.15em 0">{html.escape(line)}'
                     f'</li>' for line in self._pending()]
        return (
            f'<div class="diy-nn-check" style="border:1px solid {colour};'
            f'border-left:6px solid {colour};'
            f'background:{background};color:#1a1a1a;padding:0.5em 0.9em;margin:0.3em 0;'
            f'border-radius:4px;font-family:sans-serif;font-size:0.95em">'
            f'<div style="color:{colour};font-weight:bold">'
            f'{html.escape(self.summary())}</div>'
            f'<ul style="margin:0.3em 0 0 0;padding-left:0.3em">'
            f'{"".join(items)}</ul></div>'
        )

    # --- display ---------------------------------------------------------------

    def show(self):
        """Show the answer: an HTML box in a notebook, plain text elsewhere."""
        shell = _ipython_shell()
        self._shown_in = getattr(shell, "execution_count", None)
        if shell is None or "Terminal" in type(shell).__name__:
            print(self.report())
            return
        from IPython.display import display
        display({"text/html": self.html(), "text/plain": self.report()}, raw=True)

    def _ipython_display_(self):
        # The checker already showed its answer in this cell; the cell's last
        # expression (the returned result) must not show it a second time.
        # In a later cell, evaluating the result shows it again.
        shell = _ipython_shell()
        if shell is not None and self._shown_in is not None \
                and self._shown_in == getattr(shell, "execution_count", None):
            return
        self.show()


def _ipython_shell():
    """The running IPython shell (notebook kernel or terminal), or None in plain
    Python."""
    if "IPython" not in sys.modules:     # never imported: not in IPython at all
        return None
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


# --- helpers ------------------------------------------------------------------------

def _shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def _fmt(x):
    return f"{x:.6g}"


def _error(method, exc):
    """A short message for an exception raised in the student's ``method``."""
    if isinstance(exc, NotImplementedError):
        return f"{method} is not written yet"
    text = f"{method} raised {type(exc).__name__}: {exc}"
    if len(text) > 300:
        text = text[:297] + "..."
    where = _student_line(exc)
    text += f" (at {where})" if where else ""
    return text + _exception_hint(exc)


def _shapes_in(text):
    """The shapes NumPy names in an error message, ``[(3, 2), (2, 3)]``."""
    shapes = []
    for inner in re.findall(r"\(([\d, ]*)\)", text):
        parts = [p for p in inner.replace(" ", "").split(",") if p]
        if parts and all(p.isdigit() for p in parts):
            shapes.append(tuple(int(p) for p in parts))
    return shapes


def _exception_hint(exc):
    """What an exception most likely means in a student's module: NumPy's words
    for a shape that does not fit, a missing parameter, an overflow."""
    message = str(exc)
    if isinstance(exc, ValueError) and ("matmul" in message
                                        or "not aligned" in message):
        # A matrix product whose shapes do not fit: most often a missing .T
        return ". The shapes of a matrix product do not fit: is a matrix transposed?"
    if isinstance(exc, ValueError) and ("could not be broadcast" in message
                                        or "non-broadcastable" in message):
        shapes = _shapes_in(message)
        if any(a != b and a == b[::-1] for a in shapes for b in shapes):
            return (". Two arrays have transposed shapes: is a matrix transposed "
                    "(X.T @ delta, not delta.T @ X)?")
        if len({len(s) for s in shapes}) > 1 or any(
                s and s[0] != t[0] for s in shapes for t in shapes if s and t):
            return (". The shapes do not fit: is a sum taken over the wrong axes? (A "
                    "bias gradient sums delta over every axis but the last: the "
                    "examples, and the positions of a convolution.)")
        return ". The shapes do not fit: check the shape of every array in that line."
    if isinstance(exc, KeyError) and exc.args and exc.args[0] in ("b", "W"):
        name = exc.args[0]
        return (f". There is no parameter {name!r} here: with bias=False a module has "
                f"no 'b'; use it only when self.bias is true." if name == "b" else
                f". There is no parameter {name!r} in _parameters.")
    if isinstance(exc, FloatingPointError):
        return ". A number overflowed, or a log of 0 was taken, on large inputs."
    return ""


def _student_line(exc):
    """``line N: code`` of the innermost frame outside NumPy and diy_nn, if any."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # diy_nn/
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = frame.filename
        if (os.path.abspath(name).startswith(here) or "site-packages" in name
                or "numpy" in name):
            continue
        return (f"line {frame.lineno}: {frame.line.strip()}" if frame.line
                else f"line {frame.lineno}")
    return ""


def _call(result, check, method, function, *args):
    """``function(*args)``; on an exception, record ``check`` as failed and return
    None."""
    try:
        return True, function(*args)
    except Exception as exc:        # noqa: BLE001 - a checker never raises
        result.add(check, False, _error(method, exc))
        return False, None


def _as_array(value):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _largest_difference(got, expected):
    """``largest difference d at index i (got g, expected e)``."""
    diff = np.abs(got - expected)
    diff = np.where(np.isnan(diff), np.inf, diff)
    i = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    index = f" at index {tuple(int(k) for k in i)}" if diff.ndim else ""
    return (f"largest difference {_fmt(float(diff[i]))}{index} "
            f"(got {_fmt(float(got[i]))}, expected {_fmt(float(expected[i]))})")


def _close(got, expected, rtol=RTOL, atol=ATOL):
    return (got.shape == expected.shape
            and np.allclose(got, expected, rtol=rtol, atol=atol))


def _factor(got, expected):
    """The c with ``got == c * expected`` when there is one (c != 1), else None."""
    norm = float(np.sum(expected * expected))
    if norm == 0 or not np.all(np.isfinite(got)):
        return None
    c = float(np.sum(got * expected)) / norm
    if abs(c - 1) > 1e-6 and _close(got, c * expected, rtol=1e-6, atol=1e-9):
        return c
    return None


def _factor_hint(c, batch, what, known=None):
    """A hint for a result off by a constant factor ``c``; ``known``: ``{factor:
    text}``, the factors one module's mistakes give."""
    if c is None:
        return ""
    for factor, text in (known or {}).items():
        if abs(c - factor) < 1e-6 * max(1.0, abs(factor)):
            return f" It is {_fmt(c)} times the right value: {text}"
    if abs(c) < 1e-12:
        return f" It is zero: {what} is never computed."
    if abs(c + 1) < 1e-6:
        return " It has the wrong sign."
    if batch and batch > 1 and abs(c * batch - 1) < 1e-6:
        return (f" It is {batch} (the batch size) times too small: did you take a "
                f"mean over the batch where a sum is needed?")
    if batch and batch > 1 and abs(c - batch) < 1e-6:
        return (f" It is {batch} (the batch size) times too large: did you sum where "
                f"the gradient of a mean is needed (divide by the batch size)?")
    return f" It is off by a constant factor {_fmt(c)}."


def _instance(obj, args, kwargs):
    """An instance from a class (constructed) or an instance (deep-copied, so it
    is not changed)."""
    if isinstance(obj, type):
        return obj(*args, **kwargs)
    try:
        return copy.deepcopy(obj)
    except Exception:  # noqa: BLE001 - an object that cannot be copied is used as is
        return obj


@contextlib.contextmanager
def _seeded(rng):
    """Run a constructor with the package's generator seeded from ``rng``, then
    restore it."""
    from .. import init

    saved = init._rng
    init._rng = np.random.default_rng(rng.integers(2**63))
    try:
        yield
    finally:
        init._rng = saved


def _label(obj):
    return obj.__name__ if isinstance(obj, type) else type(obj).__name__


def _to_float64(module):
    """Convert the module's parameters and gradients to float64 (as
    ``Module.astype``)."""
    if hasattr(module, "astype"):
        module.astype(np.float64)
    return module


def _not_answered_result(title, message):
    """A result that says "not answered yet" with ``message``'s first part."""
    result = CheckResult(title, total=1)
    result.not_answered = True
    result.add(title, False, message.split(":")[0])
    return result


def _finish(result):
    failure = result.first_failure
    if failure is not None and failure[2].endswith(" is not written yet"):
        result.not_answered = True
    result.show()
    return result


def _module_plan(has_parameters, gradcheck=True):
    """What check_module checks, in order, for a module with or without
    parameters."""
    plan = ["forward runs on a random batch, without changing its input",
            "forward's output has the library module's shape",
            "and its values",
            "backward_delta returns dL/dX with the input's shape (after a forward "
            "on another input: a gradient depends on its own arguments)",
            "and the library's values"]
    if has_parameters:
        plan.insert(0, "your module has the library's parameters (names and shapes); "
                       "they are copied into it")
        plan.append("backward_update_gradient gives the library's dL/dW and dL/db")
    if gradcheck:
        plan.append("a gradient check: finite differences agree with your gradients")
    if has_parameters:
        plan.append("gradients add up over two calls; zero_grad resets them")
    return plan


LOSS_PLAN = ["forward runs", "forward returns one loss per example, shape (batch,)",
             "with the library's values",
             "backward runs", "backward returns dL/dyhat with yhat's shape",
             "with the library's values (the gradient of the batch mean)",
             "a gradient check: finite differences of mean(forward) agree with "
             "backward"]


# --- check_module -------------------------------------------------------------------

class ModuleRecord:
    """What the reference module gives on one input, the answer a checker compares
    with: the constructor's arguments, the input ``X``, the ``delta`` drawn for
    it, the output, dL/dX, the parameters and their gradients (float64).

    :func:`record_module` makes one from a module; :meth:`to_dict` and
    :meth:`from_dict` store it as data (the answer key of the exercises).
    """

    def __init__(self, init_args, init_kwargs, X, delta, out, dX, params, grads):
        self.init_args = init_args if callable(init_args) else tuple(init_args)
        self.init_kwargs = dict(init_kwargs or {})
        self.X, self.delta, self.out, self.dX = X, delta, out, dX
        self.params, self.grads = params, grads

    def to_dict(self):
        def arrays(d):
            return {k: _tolist(v) for k, v in d.items()}
        return {"init_args": list(self.init_args), "init_kwargs": self.init_kwargs,
                "X": _tolist(self.X), "delta": _tolist(self.delta),
                "out": _tolist(self.out), "dX": _tolist(self.dX),
                "params": arrays(self.params), "grads": arrays(self.grads)}

    @classmethod
    def from_dict(cls, d):
        def arrays(e):
            return {k: np.asarray(v, dtype=np.float64) for k, v in e.items()}
        return cls(d["init_args"], d["init_kwargs"],
                   *(np.asarray(d[k], dtype=np.float64)
                     for k in ("X", "delta", "out", "dX")),
                   arrays(d["params"]), arrays(d["grads"]))


def _args(init_args):
    """The constructor's arguments; a function gives new ones at each call (modules
    given as arguments, say, so that the student's and the reference's differ)."""
    return init_args() if callable(init_args) else init_args


def _tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def record_module(reference, input_shape=None, init_args=(), init_kwargs=None, rng=0,
                  X=None):
    """The ``ModuleRecord`` of ``reference`` (a class, built with
    ``init_args`` and ``init_kwargs``, or an instance, copied) on a random input of
    ``input_shape`` (or on ``X``), in float64, seeded by ``rng``."""
    from ..init import get_rng

    rng = get_rng(rng)
    init_kwargs = init_kwargs or {}
    with _seeded(rng):      # the same reference, hence the same messages, on every run
        ref = _to_float64(_instance(reference, _args(init_args), init_kwargs))
    X = (rng.standard_normal(input_shape) if X is None
         else np.array(X, dtype=np.float64))
    out = np.asarray(ref.forward(X.copy()), dtype=np.float64)
    delta = rng.standard_normal(out.shape)
    dX = np.asarray(ref.backward_delta(X.copy(), delta.copy()), dtype=np.float64)
    params = {name: np.array(p, dtype=np.float64)
              for name, (p, _) in _named(ref).items()}
    grads = {}
    if params:
        ref.zero_grad()
        ref.forward(X.copy())
        ref.backward_update_gradient(X.copy(), delta.copy())
        grads = {name: np.array(g, dtype=np.float64)
                 for name, (_, g) in _named(ref).items()}
    return ModuleRecord(init_args if isinstance(reference, type) else (),
                        init_kwargs if isinstance(reference, type) else {},
                        X, delta, out, dX, params, grads)


def check_module(student, reference, input_shape=None, init_args=(), init_kwargs=None,
                 rng=0, X=None, gradcheck=True, hints=None):
    """Check the student's module against the library's ``reference``.

    ``student`` and ``reference`` are classes (built with ``init_args`` and
    ``init_kwargs``) or instances (copied; the originals are not changed);
    ``reference`` may also be a ``ModuleRecord`` (the answer key's).
    The reference's parameters are copied into the student's, then both run
    in float64 on a random input of ``input_shape`` (or on ``X``; seeded by
    ``rng``). Checks, in order, stopping at the first failure: the parameters,
    forward runs, its shape, its values, ``backward_delta``'s shape and values,
    the parameter gradients, :func:`diy_nn.gradcheck` (unless ``gradcheck`` is
    False), and that ``backward_update_gradient`` accumulates (two calls give
    twice the gradient; ``zero_grad`` resets it). The backward methods are called
    after a forward on *another* input: a gradient depends on ``(input, delta)``
    and the parameters alone. ``hints``: ``{"factors": {c: text}, "diagnose":
    [(method, f(X, delta), text)]}``, names for the mistakes of one module (a
    result ``c`` times the right one; a result equal to ``f(X, delta)``).
    Returns a :class:`CheckResult`; never raises.
    """
    _expect_module_arguments(student, reference, input_shape, X)
    result = CheckResult(_label(student), total=6)
    try:
        _check_module(result, student, reference, input_shape, init_args,
                      init_kwargs or {}, rng, X, gradcheck, hints or {})
    except Exception as exc:        # noqa: BLE001 - a bug here must not hide the answer
        result.add("checker", False,
                   f"the checker itself failed: {type(exc).__name__}: {exc}")
    return _finish(result)


def _check_module(result, student, reference, input_shape, init_args, init_kwargs, rng,
                  X, run_gradcheck, hints):
    from ..init import get_rng

    rng = get_rng(rng)
    if isinstance(reference, ModuleRecord):
        record = reference
        init_args, init_kwargs = record.init_args, record.init_kwargs
    else:
        record = record_module(reference, input_shape, init_args, init_kwargs, rng, X)
    X, delta, ref_out, ref_delta = record.X, record.delta, record.out, record.dX
    ref_params, ref_grads = record.params, record.grads
    batch = X.shape[0] if X.ndim else 0
    # parameters, forward runs, shape, values, backward_delta shape, values, [grads],
    # [gradcheck], [accumulate]
    result.total = 5 + bool(run_gradcheck) + (3 if ref_params else 0)
    result.plan = _module_plan(bool(ref_params), run_gradcheck)

    name = "creating your module"
    try:
        with _seeded(rng):
            mod = _instance(student, _args(init_args), init_kwargs)
    except Exception as exc:        # noqa: BLE001
        result.add(name, False, _error("__init__", exc))
        return
    # The backward methods run after a forward on another input: what they
    # return must follow from their own arguments.
    X_other = rng.standard_normal(X.shape)

    # 1. The parameters: the reference's, copied in.
    if ref_params:
        if not _copy_parameters(result, mod, ref_params):
            return

    # 2. forward runs.
    X_in = X.copy()
    ok, out = _call(result, "forward runs", "forward", mod.forward, X_in)
    if not ok:
        return
    if out is None:
        result.add("forward runs", False,
                   "forward returned None: did you forget the return?")
        return
    out_dtype = getattr(out, "dtype", None)
    out = _as_array(out)
    if out is None:
        result.add("forward runs", False, "forward did not return an array of numbers")
        return
    if not np.array_equal(X_in, X):
        result.add("forward runs", False,
                   "forward changed its input X in place: compute a new array "
                   "(out = ...) instead")
        return
    result.add("forward runs", True)

    # 3. forward's shape.
    if out.shape != ref_out.shape:
        hint = ""
        if out.shape == ref_out.shape[::-1] and out.ndim == 2:
            hint = " Is a matrix transposed?"
        elif out.ndim == 0:
            hint = " forward must keep the batch axis: one output per example."
        result.add("forward shape", False,
                   f"forward returned shape {_shape(out.shape)}, "
                   f"expected {_shape(ref_out.shape)}.{hint}")
        return
    result.add("forward shape", True, _shape(out.shape))

    # 4. forward's values.
    if not _close(out, ref_out):
        message = f"forward gives wrong values: {_largest_difference(out, ref_out)}."
        message += _forward_hint(out, ref_out, ref_params)
        message += _diagnosis(hints, "forward", out, X, delta)
        if out_dtype == np.float32 and _close(out, ref_out, rtol=1e-4, atol=1e-6):
            message += (" Your forward returns float32 for a float64 input: keep the "
                        "dtype of the input (and of the parameters).")
        result.add("forward values", False, message)
        return
    result.add("forward values", True)

    # 5. backward_delta's shape (after a forward on another input).
    if not _call(result, "backward_delta shape", "forward", mod.forward,
                 X_other.copy())[0]:
        return
    ok, got = _call(result, "backward_delta shape", "backward_delta",
                    mod.backward_delta, X.copy(), delta.copy())
    if not ok:
        return
    got = _as_array(got) if got is not None else None
    if got is None:
        result.add("backward_delta shape", False,
                   "backward_delta returned None (or no array): "
                   "did you forget the return?")
        return
    if got.shape != X.shape:
        hint = (" Is a matrix transposed?"
                if got.shape == X.shape[::-1] and got.ndim == 2 else "")
        result.add("backward_delta shape", False,
                   f"backward_delta returned shape {_shape(got.shape)}, "
                   f"expected the input's shape {_shape(X.shape)}.{hint}")
        return
    result.add("backward_delta shape", True, _shape(got.shape))

    # 6. backward_delta's values.
    if not _close(got, ref_delta):
        message = (f"backward_delta gives wrong values: "
                   f"{_largest_difference(got, ref_delta)}.")
        if _after_own_forward_right(mod, X, delta, ref_delta):
            message += _STALE.format(method="backward_delta")
        else:
            message += _factor_hint(_factor(got, ref_delta), 0, "dL/dX",
                                    hints.get("factors"))
            if (ref_delta.ndim == 2 and ref_delta.shape[0] == ref_delta.shape[1]
                    and _close(got, ref_delta.T)):
                message += " Is a matrix transposed?"
            elif (not ref_params and got.shape == delta.shape
                  and _close(got * delta, ref_delta)):
                message += (" It is the derivative alone: multiply it by delta "
                            "(the chain rule).")
            message += _diagnosis(hints, "backward_delta", got, X, delta)
        result.add("backward_delta values", False, message)
        return
    result.add("backward_delta values", True)

    # 7. The parameter gradients (after a forward on another input).
    if ref_params:
        if not _check_gradients(result, mod, X, X_other, delta, ref_grads, batch,
                                hints):
            return

    # 8. gradcheck.
    if run_gradcheck:
        try:
            gc = gradcheck(mod, X)
        except Exception as exc:        # noqa: BLE001
            result.add("gradcheck", False, _error("gradcheck", exc))
            return
        if not gc.passed:
            worst = max(gc.errors, key=gc.errors.get)
            message = (f"finite differences disagree with your gradient d/d{worst}: "
                       f"relative error {gc.max_error:.2e} "
                       f"(tolerance {gc.tolerance:.0e})")
            if out_dtype == np.float32:
                message += (". Your forward returns float32 for a float64 input: keep "
                            "the dtype of the input (finite differences need float64)")
            result.add("gradcheck", False, message)
            return
        result.add("gradcheck", True, f"largest relative error {gc.max_error:.1e}")

    # 9. The gradients accumulate; zero_grad resets them.
    if ref_params:
        _check_accumulation(result, mod, X, delta, ref_grads)


def _expect_module_arguments(student, reference, input_shape, X):
    """TypeError naming what check_module expected, for arguments it cannot use."""
    for role, obj in (("student", student), ("reference", reference)):
        if obj is None or isinstance(obj, (str, int, float)):
            raise TypeError(
                f"check_module: expected the {role} module as a class (such as "
                f"check_module(MyLinear, nn.Linear, (5, 3), init_args=(3, 2))) or an "
                f"instance, got {obj!r:.60}")
    if isinstance(reference, ModuleRecord) or X is not None:
        return
    if (not isinstance(input_shape, (tuple, list)) or not input_shape
            or not all(isinstance(n, (int, np.integer)) and n > 0
                       for n in input_shape)):
        raise TypeError(f"check_module: expected input_shape as a tuple of positive "
                        f"ints, batch first, such as (5, 3); got {input_shape!r}")


_STALE = (" It is right when {method} follows a forward on the same input, wrong "
          "after a forward on another one: it uses what the last forward kept (its "
          "input or output) instead of its argument input. A gradient depends on "
          "(input, delta) and the parameters alone: compute it from input.")


def _after_own_forward_right(mod, X, delta, ref_delta):
    """Whether backward_delta is right right after a forward on ``X`` itself."""
    try:
        mod.forward(X.copy())
        again = _as_array(mod.backward_delta(X.copy(), delta.copy()))
    except Exception:           # noqa: BLE001
        return False
    return again is not None and _close(again, ref_delta)


def _diagnosis(hints, method, got, X, delta):
    """The text of the first known mistake of ``method`` that gives ``got``."""
    for where, wrong, text in hints.get("diagnose", ()):
        if where != method:
            continue
        try:
            with np.errstate(all="ignore"):
                expected_wrong = np.asarray(wrong(X.copy(), delta.copy()),
                                            dtype=np.float64)
        except Exception:       # noqa: BLE001
            continue
        if expected_wrong.shape == got.shape and _close(got, expected_wrong):
            return " " + text
    return ""


def _named(module):
    """``{name: (parameter, gradient)}`` of a module and of its children
    (``"0.W"``, ...)."""
    if hasattr(module, "named_parameters"):
        return {name: (p, g) for name, p, g in module.named_parameters()}
    params, grads = module._parameters, module._gradient
    return {name: (p, grads[name]) for name, p in params.items()}


def _copy_parameters(result, mod, ref_params):
    """Copy the reference's parameters into the student's module (float64)."""
    check = "parameters"
    expected = ", ".join(f"{k} {_shape(v.shape)}" for k, v in ref_params.items())
    params = getattr(mod, "_parameters", None)
    grads = getattr(mod, "_gradient", None)
    if not isinstance(params, dict) or not isinstance(grads, dict):
        result.add(check, False, "your module has no _parameters or _gradient dict: "
                   "did you call super().__init__() first in __init__?")
        return False
    for name in params:
        if name not in grads:
            result.add(check, False,
                       f"your module has no gradient {name!r} in _gradient: create it "
                       f"in __init__ with np.zeros_like(self._parameters[{name!r}])")
            return False
    try:
        # float64 for the comparisons; Module.astype keeps arrays that are float64
        # already.
        _to_float64(mod)
        named = _named(mod)
    except KeyError as exc:
        result.add(check, False,
                   f"a module inside yours has no gradient {exc} in _gradient")
        return False
    except Exception as exc:        # noqa: BLE001
        result.add(check, False, _error("named_parameters", exc))
        return False
    for name, p in ref_params.items():
        if name not in named:
            have = f" (it has {', '.join(map(repr, named))})" if named else ""
            where = " in _parameters" if "." not in name else ""
            result.add(check, False,
                       f"your module has no parameter {name!r}{where}{have}; "
                       f"expected {expected}")
            return False
        shape = np.shape(named[name][0])
        if shape != p.shape:
            hint = " Is it transposed?" if shape == p.shape[::-1] else ""
            result.add(check, False,
                       f"parameter {name!r} has shape {_shape(shape)}, expected "
                       f"{_shape(p.shape)}.{hint}")
            return False
        grad_shape = np.shape(named[name][1])
        if grad_shape != p.shape:
            result.add(check, False,
                       f"the gradient of {name!r} has shape {_shape(grad_shape)}, "
                       f"expected the parameter's shape {_shape(p.shape)}")
            return False
    extra = [k for k in named if k not in ref_params]
    if extra:
        result.add(check, False,
                   f"your module has parameters the reference does not have: "
                   f"{', '.join(map(repr, extra))}; expected {expected}")
        return False
    for name, p in ref_params.items():
        # In place when the student's arrays are float64 already, so that an
        # alias such as ``self.W = self._parameters["W"]`` still sees the values.
        param, grad = named[name]
        if "." not in name and not (isinstance(param, np.ndarray)
                                    and param.dtype == np.float64):
            params[name] = np.array(p, dtype=np.float64)
        else:
            param[...] = p
        if "." not in name and not (isinstance(grad, np.ndarray)
                                    and grad.dtype == np.float64):
            grads[name] = np.zeros(p.shape, dtype=np.float64)
        else:
            grad[...] = 0
    result.add(check, True, f"{expected}, copied from the reference")
    return True


def _forward_hint(out, ref_out, ref_params):
    if "b" in ref_params:
        b = np.asarray(ref_params["b"], dtype=np.float64)
        try:
            if _close(out, ref_out - b):
                return " Did you forget to add the bias b?"
        except ValueError:
            pass
    if _close(out, -ref_out):
        return " It has the wrong sign."
    return ""


def _check_gradients(result, mod, X, X_other, delta, ref_grads, batch, hints):
    check = "parameter gradients"
    rows = delta.size // delta.shape[-1] if delta.ndim else 0
    # After a forward on another input: the gradient must follow from
    # backward_update_gradient's own arguments.
    got_all = _gradients_after(result, check, mod, X_other, X, delta)
    if got_all is None:
        return False
    for name, expected in ref_grads.items():
        got = got_all.get(name)
        label = f"dL/d{name}"
        if got is None or got.shape != expected.shape:
            shape = "missing" if got is None else f"shape {_shape(got.shape)}"
            hint = ""
            if (got is not None and got.ndim == expected.ndim + 1
                    and got.shape[1:] == expected.shape):
                hint = f" Did you forget the sum over the batch in {label}?"
            elif (got is not None and got.ndim == 2
                  and got.shape == expected.shape[::-1]):
                hint = " Is a matrix transposed?"
            result.add(check, False,
                       f"{label} has {shape}, expected {_shape(expected.shape)}.{hint}")
            return False
        if not _close(got, expected):
            message = f"{label} is wrong: {_largest_difference(got, expected)}."
            c = _factor(got, expected)
            again = _gradients_after(CheckResult("", 1), check, mod, X, X, delta)
            if again is not None and name in again and _close(again[name], expected):
                message += _STALE.format(method="backward_update_gradient")
            elif (c is not None and batch > 1 and abs(c * batch - 1) < 1e-6
                    and expected.ndim == 1):
                message += (f" Did you forget the sum over the batch in {label}? "
                            f"(it is {batch} times too small)")
            elif c is not None and abs(c) < 1e-12:
                message += (f" It is still zero: backward_update_gradient must add "
                            f"{label} into self._gradient[{name!r}].")
            elif (c is not None and rows > batch and abs(c * rows - 1) < 1e-6):
                message += (f" It is {rows} times too small, the number of examples "
                            f"times positions: a mean where {label} sums over them?")
            else:
                message += _factor_hint(c, batch, label, hints.get("factors"))
            result.add(check, False, message)
            return False
    result.add(check, True, ", ".join(f"dL/d{k}" for k in ref_grads))
    return True


def _gradients_after(result, check, mod, X_forward, X, delta):
    """``{name: gradient}`` after zero_grad, forward(X_forward) and
    backward_update_gradient(X, delta); None (and a failed check) on an error."""
    try:
        mod.zero_grad()
    except Exception as exc:        # noqa: BLE001
        result.add(check, False, _error("zero_grad", exc))
        return None
    if not _call(result, check, "forward", mod.forward, X_forward.copy())[0]:
        return None
    if not _call(result, check, "backward_update_gradient",
                 mod.backward_update_gradient, X.copy(), delta.copy())[0]:
        return None
    try:
        named = _named(mod)
    except Exception as exc:        # noqa: BLE001
        result.add(check, False, _error("named_parameters", exc))
        return None
    return {name: _as_array(g) for name, (_, g) in named.items()}


def _check_accumulation(result, mod, X, delta, ref_grads):
    check = "gradients accumulate"
    try:
        mod.zero_grad()
        mod.forward(X.copy())
        mod.backward_update_gradient(X.copy(), delta.copy())
        mod.backward_update_gradient(X.copy(), delta.copy())
    except Exception as exc:        # noqa: BLE001
        result.add(check, False, _error("backward_update_gradient", exc))
        return
    named = _named(mod)
    for name, expected in ref_grads.items():
        got = _as_array(named[name][1])
        if not _close(got, 2 * expected):
            message = (f"after two calls of backward_update_gradient, dL/d{name} "
                       f"should be twice the gradient (they add up until zero_grad): ")
            if _close(got, expected):
                message += (f"it equals one gradient; add into "
                            f"self._gradient[{name!r}] with +=, do not replace it")
            else:
                message += _largest_difference(got, 2 * expected)
            result.add(check, False, message)
            return
    try:
        mod.zero_grad()
    except Exception as exc:        # noqa: BLE001
        result.add(check, False, _error("zero_grad", exc))
        return
    named = _named(mod)
    for name in ref_grads:
        if np.any(np.asarray(named[name][1]) != 0):
            result.add(check, False, f"zero_grad did not set dL/d{name} back to zero")
            return
    result.add(check, True, "two calls add up; zero_grad resets")


# --- check_loss ---------------------------------------------------------------------

class LossRecord:
    """What the reference loss gives on ``(y, yhat)``: its forward (one value per
    example) and backward (float64); stored as data by :meth:`to_dict`."""

    def __init__(self, y, yhat, forward, backward):
        self.y, self.yhat, self.forward, self.backward = y, yhat, forward, backward

    def to_dict(self):
        return {"y": self.y.tolist(), "y_dtype": self.y.dtype.str,
                **{k: _tolist(getattr(self, k))
                   for k in ("yhat", "forward", "backward")}}

    @classmethod
    def from_dict(cls, d):
        return cls(np.asarray(d["y"], dtype=d["y_dtype"]),
                   *(np.asarray(d[k], dtype=np.float64)
                     for k in ("yhat", "forward", "backward")))


def _loss_inputs(y, yhat):
    y = np.asarray(y)
    if y.dtype.kind == "f":
        y = y.astype(np.float64)
    return y, np.asarray(yhat, dtype=np.float64)


def record_loss(reference, y, yhat):
    """The ``LossRecord`` of ``reference`` (a class or an instance) on
    ``(y, yhat)``."""
    y, yhat = _loss_inputs(y, yhat)
    ref = _instance(reference, (), {})
    return LossRecord(y, yhat,
                      np.asarray(ref.forward(y.copy(), yhat.copy()), dtype=np.float64),
                      np.asarray(ref.backward(y.copy(), yhat.copy()), dtype=np.float64))


def check_loss(student, reference, y=None, yhat=None, gradcheck=True):
    """Check the student's loss against the library's ``reference`` on ``(y, yhat)``.

    ``student`` and ``reference``: classes (built without arguments) or instances;
    ``reference`` may be a ``LossRecord`` (then ``y`` and ``yhat`` are its).
    Checks, in order: forward runs, returns one loss per example (shape
    ``(batch,)``) with the reference's values; backward runs, has ``yhat``'s
    shape and the reference's values (the gradient of the batch mean); and
    :func:`diy_nn.gradcheck` (unless ``gradcheck`` is False). Returns a
    :class:`CheckResult`; never raises.
    """
    if not isinstance(reference, LossRecord) and (y is None or yhat is None):
        raise TypeError("check_loss: expected y and yhat, the targets and the "
                        "predictions to check on: check_loss(MyLoss, nn.MSELoss, y, "
                        "yhat)")
    for role, obj in (("student", student), ("reference", reference)):
        if obj is None or isinstance(obj, (str, int, float)):
            raise TypeError(f"check_loss: expected the {role} loss as a class or an "
                            f"instance, got {obj!r:.60}")
    plan = LOSS_PLAN if gradcheck else LOSS_PLAN[:-1]
    result = CheckResult(_label(student), total=len(plan), plan=plan)
    try:
        record = (reference if isinstance(reference, LossRecord)
                  else record_loss(reference, y, yhat))
        _check_loss(result, student, record, gradcheck)
    except Exception as exc:        # noqa: BLE001
        result.add("checker", False,
                   f"the checker itself failed: {type(exc).__name__}: {exc}")
    return _finish(result)


def _check_loss(result, student, record, run_gradcheck):
    y, yhat = record.y, record.yhat
    ref_forward, ref_backward = record.forward, record.backward
    batch = len(yhat)
    per_example = int(np.prod(yhat.shape[1:])) if yhat.ndim > 1 else 1
    means = {} if per_example == 1 else {1 / per_example: (
        f"a mean over the {per_example} entries of each example where the loss sums "
        f"them? (the batch mean divides by the batch size only)")}
    try:
        loss = _instance(student, (), {})
    except Exception as exc:        # noqa: BLE001
        result.add("creating your loss", False, _error("__init__", exc))
        return

    ok, out = _call(result, "forward runs", "forward", loss.forward, y.copy(),
                    yhat.copy())
    if not ok:
        return
    out = _as_array(out) if out is not None else None
    if out is None:
        result.add("forward runs", False,
                   "forward returned None (or no array): did you forget the return?")
        return
    result.add("forward runs", True)
    if out.shape != ref_forward.shape:
        hint = ""
        if out.ndim == 0:
            hint = (" forward returns one loss per example: did you take the mean "
                    "(or the sum) over the batch already?")
        elif out.shape == yhat.shape:
            hint = " Sum over every axis but the batch axis."
        result.add("forward shape", False,
                   f"forward returned shape {_shape(out.shape)}, "
                   f"expected {_shape(ref_forward.shape)}.{hint}")
        return
    result.add("forward shape", True, _shape(out.shape))
    if not _close(out, ref_forward):
        message = (f"forward gives wrong values: "
                   f"{_largest_difference(out, ref_forward)}.")
        message += _factor_hint(_factor(out, ref_forward), batch, "the loss", means)
        result.add("forward values", False, message)
        return
    result.add("forward values", True)

    ok, grad = _call(result, "backward runs", "backward", loss.backward, y.copy(),
                     yhat.copy())
    if not ok:
        return
    grad = _as_array(grad) if grad is not None else None
    if grad is None:
        result.add("backward runs", False,
                   "backward returned None (or no array): did you forget the return?")
        return
    result.add("backward runs", True)
    if grad.shape != yhat.shape:
        result.add("backward shape", False,
                   f"backward returned shape {_shape(grad.shape)}, "
                   f"expected yhat's shape {_shape(yhat.shape)}")
        return
    result.add("backward shape", True, _shape(grad.shape))
    if not _close(grad, ref_backward):
        message = (f"backward gives wrong values: "
                   f"{_largest_difference(grad, ref_backward)}.")
        c = _factor(grad, ref_backward)
        if c is not None and batch > 1 and abs(c - batch) < 1e-6:
            message += (f" It is {batch} (the batch size) times too large: "
                        f"backward is the gradient of the batch mean, so divide by the "
                        f"batch size.")
        else:
            message += _factor_hint(c, batch, "the gradient", means)
        result.add("backward values", False, message)
        return
    result.add("backward values", True)

    if not run_gradcheck:
        return
    try:
        gc = gradcheck(loss, y, yhat)
    except Exception as exc:        # noqa: BLE001
        result.add("gradcheck", False, _error("gradcheck", exc))
        return
    if not gc.passed:
        result.add("gradcheck", False,
                   f"finite differences of mean(forward) disagree with backward: "
                   f"relative error {gc.max_error:.2e} (tolerance {gc.tolerance:.0e})")
        return
    result.add("gradcheck", True, f"largest relative error {gc.max_error:.1e}")


# --- several configurations ---------------------------------------------------------

class Config:
    """One configuration a checker tries: ``label`` names it (the constructor and
    the input), ``feature`` what it adds to the first one ("stride=2"), ``hint``
    what a failure here most likely means, with ``{method}`` for the method that
    failed; ``run(student)`` returns a :class:`CheckResult` (not shown)."""

    def __init__(self, label, run, feature="", hint=""):
        self.label, self.run, self.feature, self.hint = label, run, feature, hint
        self.first = False


_METHOD_OF_CHECK = {
    "forward runs": "forward", "forward shape": "forward", "forward values": "forward",
    "backward_delta shape": "backward_delta", "backward_delta values": "backward_delta",
    "parameter gradients": "backward_update_gradient",
    "gradients accumulate": "backward_update_gradient",
    "gradcheck": "the backward methods", "parameters": "__init__",
    "backward runs": "backward", "backward shape": "backward",
    "backward values": "backward",
}


def check_configs(student, configs, title=None):
    """Run ``configs`` (``Config``) in order on ``student`` and stop at the
    first that fails: the answer lists the configurations that passed, then the
    first failure, with what the failing configuration adds and its hint.
    Returns the (unshown) :class:`CheckResult`."""
    title = title or _label(student)
    result = CheckResult(title, total=len(configs))
    for i, config in enumerate(configs):
        sub = config.run(student)
        failure = sub.first_failure
        if failure is not None and failure[2].endswith("is not written yet"):
            sub.not_answered = True
        if sub.not_answered or (i == 0 and len(configs) == 1):
            if len(configs) > 1:
                sub.plan = sub.plan + [
                    "then the same with: " + "; ".join(c.feature or c.label
                                                        for c in configs[1:])]
            return sub
        if sub.passed:
            result.add(config.label, True, f"all {sub.total} checks passed"
                       if sub.total > 1 else "passed")
            continue
        name, _, message = sub.first_failure
        if i and config.hint:
            method = _METHOD_OF_CHECK.get(name, name)
            first = configs[0].feature or configs[0].label
            message += (f" (It passes with {first}, fails with {config.feature}: "
                        f"{config.hint.format(method=method)})")
        result.add(f"{name}, {config.label}", False, message)
        config.first = i == 0
        result.failed_config = config
        result.step = (len(sub.checks), sub.total)
        return result
    return result


# --- check_value --------------------------------------------------------------------

def check_value(answer, expected, rtol=RTOL, name=""):
    """Check a numerical ``answer`` (a number or an array) against ``expected``.

    Equal when ``|answer - expected| <= rtol * |expected|`` (plus 1e-12) everywhere.
    ``None`` or ``...`` as the answer means "not answered yet". Returns a
    :class:`CheckResult`; never raises.
    """
    title = f"Answer {name}" if name else "Answer"
    result = CheckResult(title, total=1)
    check = name or "value"
    try:
        _check_value(result, check, answer, expected, rtol)
    except Exception as exc:        # noqa: BLE001
        result.add(check, False,
                   f"the checker itself failed: {type(exc).__name__}: {exc}")
    return _finish(result)


def _check_value(result, check, answer, expected, rtol):
    if answer is None or answer is Ellipsis:
        result.not_answered = True
        result.add(check, False,
                   "put your answer in place of None (or ...) and run this cell again")
        return
    expected = np.asarray(expected, dtype=np.float64)
    got = _as_array(answer)
    if got is None or got.dtype.kind not in "fiub":
        result.add(check, False,
                   f"expected a number, got {type(answer).__name__} {answer!r:.60}")
        return
    if got.shape != expected.shape:
        if got.size == expected.size == 1:
            got = got.reshape(expected.shape)
        else:
            result.add(check, False, f"expected shape {_shape(expected.shape)}, "
                       f"got {_shape(got.shape)}")
            return
    if np.allclose(got, expected, rtol=rtol, atol=1e-12):
        result.add(check, True, _fmt(float(got)) if got.ndim == 0 else "")
        return
    if got.ndim == 0:
        diff = abs(float(got) - float(expected))
        message = (f"{_fmt(float(got))} is not the expected value "
                   f"(difference {_fmt(diff)})")
    else:
        message = f"not the expected values: {_largest_difference(got, expected)}"
    if np.allclose(got, -expected, rtol=rtol, atol=1e-12):
        message += "; check the sign"
    elif float(np.max(np.abs(got - expected)
                      / np.maximum(np.abs(expected), 1e-300))) < 1e-3:
        message += "; close: keep more digits (compute it, do not round)"
    result.add(check, False, message)
