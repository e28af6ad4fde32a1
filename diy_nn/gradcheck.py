"""Finite-difference checks of backward passes (float64, central differences).

For a module, a random ``delta`` defines the scalar ``f = sum(forward(X) * delta)``:
its gradient w.r.t. ``X`` must equal ``backward_delta(X, delta)`` and its gradient
w.r.t. each parameter what ``backward_update_gradient`` accumulates.
For a loss, ``f = mean(forward(y, yhat))`` and its gradient must equal
``backward(y, yhat)``.
"""
import copy
import textwrap
from dataclasses import dataclass, field

import numpy as np

from .activation import ELU, LeakyReLU, ReLU
from .autoencoder import AutoEncoder
from .dropout import random_layers
from .errors import as_real_array, check_positive_int, check_rate
from .init import get_rng
from .loss import HingeLoss
from .module import Loss, Module
from .pool import _Pool
from .sequential import Sequential


@dataclass
class GradcheckResult:
    """What :func:`gradcheck` found. True when the check passed; ``print`` it for
    a report.

    Attributes
    ----------
    max_error : float
        The largest relative error over the checked gradients.
    errors : dict[str, float]
        The relative error of each checked gradient: ``"input"`` (from
        ``backward_delta``) and one per parameter (``"W"``, ``"0.b"``, ...), or
        ``"yhat"`` for a loss.
    tolerance : float
        The check passes when ``max_error`` is below it.
    name : str
        The checked module or loss, as its ``repr``.
    notes : list[str]
        When the check failed, what may explain it besides a wrong backward: an
        input at a kink (ReLU at 0, a tie in a max-pool window), where finite
        differences do not measure the derivative.
    passed : bool
        ``max_error < tolerance`` (read-only; also ``bool(result)``).
    """

    max_error: float
    errors: dict = field(default_factory=dict)
    tolerance: float = 1e-6
    name: str = ""
    notes: list = field(default_factory=list)

    @property
    def passed(self):
        return self.max_error < self.tolerance

    def __bool__(self):
        return self.passed

    def report(self):
        """The text that ``print(result)`` shows: one line per checked gradient."""
        head = f"gradcheck of {self.name}: {'passed' if self.passed else 'FAILED'}"
        errors = (f"(largest relative error {self.max_error:.2e},"
                  f" tolerance {self.tolerance:.0e})")
        # A long module name puts the figures on a line of their own: the book's
        # column fits 88 characters.
        fits = len(head.splitlines()[-1]) + 1 + len(errors) <= 88
        lines = [f"{head} {errors}"] if fits else [head, f"  {errors}"]
        for what, err in self.errors.items():
            mark = "ok " if err < self.tolerance else "BAD"
            lines.append(f"  {mark} d/d{what:<8} relative error {err:.2e}")
        lines += [textwrap.fill(note, 88, initial_indent="  note: ",
                                subsequent_indent="    ") for note in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.report()

    def _repr_pretty_(self, p, cycle):
        p.text(self.report())


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def numerical_gradient(f, x, h=1e-6, max_checks=None, rng=None):
    """Central differences of the scalar ``f()`` w.r.t. the array ``x``
    (changed in place, then restored).

    With ``max_checks``, only that many randomly chosen coordinates are
    perturbed; the returned mask says which.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    coords = np.arange(flat.size)
    if max_checks is not None and flat.size > max_checks:
        coords = get_rng(rng).choice(flat.size, size=max_checks, replace=False)
    mask = np.zeros(flat.size, dtype=bool)
    mask[coords] = True
    g = grad.reshape(-1)
    # A loop over coordinates is what finite differences are: one perturbation each.
    for i in coords:
        old = flat[i]
        flat[i] = old + h
        plus = f()
        flat[i] = old - h
        minus = f()
        flat[i] = old
        g[i] = (plus - minus) / (2 * h)
    return grad, mask.reshape(x.shape)


def gradcheck(obj, *inputs, h=1e-6, tolerance=1e-6, max_checks=400, rng=0):
    """Check the gradients of a module or a loss against finite differences, in float64.

    - ``gradcheck(module, X)``: ``backward_delta`` and every parameter gradient.
    - ``gradcheck(loss, y, yhat)``: ``backward``.

    The object is copied and converted to float64 first; the original is not
    touched. Returns a :class:`GradcheckResult` (true when it passed; print it
    for a report).
    """
    if not isinstance(obj, (Module, Loss)):
        raise TypeError(
            f"gradcheck: expected a Module or a Loss to check, got {obj!r} "
            f"({type(obj).__name__})"
        )
    expected = 2 if isinstance(obj, Loss) else 1
    if len(inputs) != expected:
        raise TypeError(
            f"gradcheck: a {'Loss' if expected == 2 else 'Module'} is checked as "
            f"gradcheck({'loss, y, yhat' if expected == 2 else 'module, X'}), "
            f"got {len(inputs)} array(s) after it"
        )
    random = [] if isinstance(obj, Loss) else random_layers(obj)
    if random:
        raise ValueError(
            f"gradcheck: {random[0]!r} is in training mode: its mask is random, drawn "
            "anew at every forward, so finite differences cannot check it. Call "
            "eval() on the module first (Dropout is then the identity), or fix the "
            "mask with set_mask(keep)"
        )
    h = check_rate("gradcheck", "the step h", h)
    tolerance = check_rate("gradcheck", "tolerance", tolerance)
    if max_checks is not None:
        max_checks = check_positive_int("gradcheck", "max_checks", max_checks)
    rng = get_rng(rng)
    if isinstance(obj, Loss):
        y, yhat = inputs
        y = np.asarray(y)
        if y.dtype.kind == "f":
            y = y.astype(np.float64)
        yhat = np.array(as_real_array("gradcheck", yhat, np.float64, "yhat"))
        analytic = obj.backward(y, yhat)
        numeric, mask = numerical_gradient(
            lambda: obj.forward(y, yhat).mean(), yhat, h, max_checks, rng
        )
        err = relative_error(analytic[mask], numeric[mask])
        result = GradcheckResult(err, {"yhat": err}, tolerance, repr(obj))
        if not result.passed and isinstance(obj, HingeLoss):
            near = np.abs(1 - np.asarray(y, dtype=np.float64) * yhat) < KINK * h
            result.notes += _kink_note(obj, "", int(near.sum()), "y * yhat = 1", h)
        return result

    (X,) = inputs
    module = copy.deepcopy(obj).astype(np.float64)
    X = np.array(as_real_array("gradcheck", X, np.float64))
    out = module.forward(X)
    delta = rng.standard_normal(out.shape)

    def f():
        return float((module.forward(X) * delta).sum())

    errors = {}
    module.forward(X)
    analytic = module.backward_delta(X, delta)
    if np.shape(analytic) != X.shape:
        raise ValueError(
            f"gradcheck: {module!r}.backward_delta returned shape "
            f"{np.shape(analytic)}, "
            f"expected the input's shape {X.shape}"
        )
    numeric, mask = numerical_gradient(f, X, h, max_checks, rng)
    errors["input"] = relative_error(analytic[mask], numeric[mask])

    module.zero_grad()
    module.forward(X)
    module.backward_update_gradient(X, delta)
    for name, p, g in list(module.named_parameters()):
        numeric, mask = numerical_gradient(f, p, h, max_checks, rng)
        errors[name] = relative_error(g[mask], numeric[mask])
    result = GradcheckResult(max(errors.values()), errors, tolerance, repr(obj))
    if not result.passed:
        result.notes = kink_notes(module, X, h)
    return result


# An input within KINK * h of a kink may cross it when the finite differences move
# the input by h: the layer's input moves by h times the derivative before it.
KINK = 100


def kink_notes(module, X, h):
    """Sentences naming the layers of ``module`` whose input, for the network
    input ``X``, lies within ``KINK * h`` of a point where the layer has no
    derivative: ReLU and LeakyReLU at 0 (ELU too, unless alpha = 1), and a window
    of a max-pooling whose largest two values tie."""
    notes = []
    for path, layer, inp in _layer_inputs(module, X, ""):
        near, where = 0, ""
        if isinstance(layer, (ReLU, LeakyReLU)) or (
                isinstance(layer, ELU) and layer.alpha != 1):
            near, where = int((np.abs(inp) < KINK * h).sum()), "0"
        elif isinstance(layer, _Pool) and type(layer).__name__.startswith("MaxPool"):
            best = layer._maximum(inp)
            close = sum(v >= best - KINK * h for v in layer._views(inp))
            near, where = int((close > 1).sum()), "a tie (two maxima in one window)"
        notes += _kink_note(layer, path, near, where, h)
    return notes


def _kink_note(layer, path, near, where, h):
    """The note for ``near`` inputs of ``layer`` close to a kink (none for 0)."""
    if not near:
        return []
    at = f" (layer {path})" if path else ""
    inputs = "1 input" if near == 1 else f"{near} inputs"
    return [f"{inputs} of {layer!r}{at} within {KINK * h:.0e} of {where}, where it "
            "has no derivative: finite differences are wrong there, so the failure "
            "may not be a bug. Check again at an input away from it (random normal "
            "numbers rarely land there)."]


def _layer_inputs(module, X, path):
    """``(path, layer, its input)`` for every layer of ``module`` on the input
    ``X``, through Sequential and AutoEncoder containers."""
    if isinstance(module, Sequential):
        module.forward(X)
        for i, (m, inp) in enumerate(zip(module.modules, list(module._inputs))):
            yield from _layer_inputs(m, inp, f"{path}{i}")
    elif isinstance(module, AutoEncoder):
        Z = module.encoder.forward(X)
        yield from _layer_inputs(module.encoder, X, f"{path}encoder.")
        yield from _layer_inputs(module.decoder, Z, f"{path}decoder.")
    else:
        yield path, module, X
