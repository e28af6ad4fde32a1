"""Losses: ``forward(y, yhat)`` gives one value per example, shape ``(batch,)``;
``backward(y, yhat)`` the gradient of their mean with respect to ``yhat``.

The targets ``y`` come first, the network's output ``yhat`` second: the course's
order, the reverse of PyTorch's ``loss(input, target)``. What can be caught
cheaply when the two are swapped (logits as targets, one-hot rows as logits,
labels of the wrong kind) is an error that says so.
"""
import numpy as np

from .activation import log_softmax, sigmoid, softmax
from .errors import as_real_array, check_finite, shape_str
from .module import Loss


SWAP = ("did you swap y and yhat? diy_nn's losses take (y, yhat), targets first, "
        "the course's order (PyTorch's take (input, target), the other way round)")


def _as_float(name, yhat):
    yhat = np.asarray(yhat)
    exact = np.float64 if yhat.dtype.kind in "iub" else None
    yhat = as_real_array(name, yhat, exact, what="yhat")
    if yhat.ndim == 0:
        raise ValueError(f"{name}: expected yhat of shape (batch, ...), got a scalar")
    check_finite(name, yhat, "yhat")
    return yhat


def _targets(name, y):
    """The targets ``y`` as an array of numbers, with no NaN or infinity (a data
    problem, which training would otherwise report as divergence); strings and
    complex numbers are a ``TypeError``."""
    y = np.asarray(y)
    if y.dtype.kind not in "iubf":
        as_real_array(name, y, what="the targets y")    # raises, saying what y holds
    check_finite(name, y, "the targets y", verb="contain", hint="")
    return y


def _is_integral(y):
    return y.dtype.kind in "iub" or np.array_equal(y, np.round(y))


def _shape_hint(y, yhat):
    """Why ``y`` and ``yhat`` may differ in shape, as text ("" when unknown)."""
    if (y.ndim == 1 and yhat.shape == y.shape + (1,)) or (
            yhat.ndim == 1 and y.shape == yhat.shape + (1,)):
        return (" (one is (batch,) and the other (batch, 1): reshape the first with"
                " .reshape(-1, 1); NumPy would otherwise broadcast to (batch, batch))")
    if y.ndim == 1 and yhat.ndim == 2 and len(y) == len(yhat) and _is_integral(y):
        classes = yhat.shape[1]
        return (f" (y looks like class indices and yhat has {classes} columns: for "
                f"classification use CELoss, which takes class indices, or compare "
                f"yhat with one_hot(y, {classes}))")
    if yhat.ndim == 1 and y.ndim == 2 and len(y) == len(yhat):
        return f" ({SWAP})"
    return ""


def _same_shape(name, y, yhat):
    """``y`` and ``yhat`` as arrays of the same shape, or a ValueError that says
    what differs."""
    yhat = _as_float(name, yhat)
    y = _targets(name, y)
    if y.shape != yhat.shape:
        raise ValueError(
            f"{name}: y and yhat must have the same shape, got y {shape_str(y.shape)} "
            f"and yhat {shape_str(yhat.shape)}{_shape_hint(y, yhat)}"
        )
    return y.astype(yhat.dtype, copy=False), yhat


def _check_unit_targets(name, y, yhat):
    """Targets ``y`` in [0, 1], or a ValueError (which suspects a swap when
    ``yhat`` holds 0 and 1 only, as targets do)."""
    if y.size and (y.min() < 0 or y.max() > 1):
        why = ""
        if np.isin(y, (-1, 1)).all():
            why = "; from labels in {-1, +1}, use (y + 1) / 2"
        elif yhat.size and np.isin(yhat, (0, 1)).all():
            why = f"; {SWAP}"
        raise ValueError(
            f"{name}: expected targets y in [0, 1], got values from {y.min():.3g} "
            f"to {y.max():.3g}{why}"
        )


def _check_not_swapped(name, y, yhat):
    """Refuse probabilities ``yhat`` that hold 0 and 1 only when every target in
    ``y`` lies strictly between: targets and predictions look swapped. Two
    reductions when all is well."""
    if (yhat.size and yhat.min() == 0 and yhat.max() == 1
            and np.isin(yhat, (0, 1)).all() and ((y > 0) & (y < 1)).all()):
        raise ValueError(f"{name}: yhat holds 0 and 1 only, like targets, and y "
                         f"only values in between, like predictions; {SWAP}")


def _check_rows(name, y):
    """Targets ``y`` ``(batch, C)`` as one-hot or probability rows: no number
    below 0 (logits there mean y and yhat were swapped)."""
    if y.size and y.min() < 0:
        why = ("labels in {-1, +1} are HingeLoss's; for a cross-entropy, one-hot "
               "rows of 0 and 1: (y + 1) / 2" if np.isin(y, (-1, 1)).all() else SWAP)
        raise ValueError(f"{name}: expected y as one-hot or probability rows "
                         f"(numbers >= 0), got values down to {y.min():.3g}; {why}")


def _class_indices(name, y, batch, classes):
    """Targets ``y`` as class indices ``(batch,)`` in 0..classes-1, as integers,
    or a ValueError that says what is wrong with them."""
    if y.shape != (batch,):
        column = (" (a column of class indices? pass y.ravel())"
                  if y.shape == (batch, 1) else "")
        raise ValueError(
            f"{name}: expected y as class indices of shape ({batch},) or one-hot "
            f"of shape ({batch}, {classes}), got {shape_str(y.shape)}{column}"
        )
    if not _is_integral(y):
        raise ValueError(
            f"{name}: expected integer class indices in y, got non-integer values"
        )
    if len(y) and (y.min() < 0 or y.max() >= classes):
        one = ("; classes counted from 1? use y - 1"
               if y.min() >= 1 and y.max() == classes else "")
        raise ValueError(
            f"{name}: expected class indices in 0..{classes - 1}, got values from "
            f"{y.min():g} to {y.max():g}{one}"
        )
    return y.astype(np.intp)


def _check_signs(name, y, yhat):
    """Labels ``y`` in {-1, +1}, or a ValueError that says how to get them (or
    suspects a swap when ``yhat`` holds -1 and +1 only, as labels do)."""
    bad = (y != 1) & (y != -1)
    if bad.any():
        got = ", ".join(f"{v:.3g}" for v in np.unique(y[bad])[:5])
        why = (SWAP if np.isin(yhat, (-1, 1)).all()
               else "from labels in {0, 1}, use 2 * y - 1")
        raise ValueError(f"{name}: expected labels in {{-1, +1}}, got {got}; {why}")


def _check_logits(name, yhat):
    """Refuse ``yhat`` ``(batch, C)`` that cannot be logits: rows of probabilities
    (a softmax before a loss that applies it itself) or one-hot rows (targets:
    y and yhat swapped). Two reductions when all is well; a batch of one row is
    let through (a row of logits may sum to 1 by chance)."""
    if (yhat.shape[1] < 2 or len(yhat) < 2 or yhat.min() < 0 or yhat.max() > 1):
        return
    sums = yhat.sum(axis=1)
    if np.isin(yhat, (0, 1)).all() and (sums == 1).all():
        raise ValueError(f"{name}: yhat holds one-hot rows, targets rather than "
                         f"logits; {SWAP}")
    if np.allclose(sums, 1, rtol=0, atol=1e-5):
        raise ValueError(
            f"{name}: yhat holds probabilities (each row in [0, 1], summing to 1), "
            f"but {name} takes logits, the scores before any softmax, and applies "
            "the softmax itself: drop the Softmax at the end of the network (and "
            "apply softmax to its output to read probabilities)"
        )


def _per_example(values):
    """Sum over every axis but the batch axis (a batch of none gives none)."""
    return values.sum(axis=tuple(range(1, values.ndim)))


class MSELoss(Loss):
    """Squared error, for regression: ``y`` and ``yhat`` of the same shape
    ``(batch, ...)`` (chapter "Linear", equations (4) and (5))."""

    def forward(self, y, yhat):
        """``||y - yhat||^2`` per example, shape ``(batch,)`` (equation (4))."""
        y, yhat = _same_shape("MSELoss", y, yhat)
        return _per_example((y - yhat) ** 2)

    def backward(self, y, yhat):
        """``2 (yhat - y) / batch``, the gradient of the batch mean (equation (5));
        the shape of ``yhat``."""
        y, yhat = _same_shape("MSELoss", y, yhat)
        return 2 * (yhat - y) / len(yhat)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities ``yhat`` in [0, 1], targets ``y``
    in [0, 1].

    ``y`` and ``yhat`` have the same shape ``(batch, ...)``. Each log is clipped
    at -100 as PyTorch does, so that ``yhat`` of exactly 0 or 1 gives a finite
    loss and a finite gradient (zero where the log is clipped).
    """

    LOG_MIN = -100.0

    def _check(self, y, yhat):
        y, yhat = _same_shape("BCELoss", y, yhat)
        if yhat.min() < 0 or yhat.max() > 1:
            raise ValueError(
                f"BCELoss: expected yhat to be probabilities in [0, 1], "
                f"got values from {yhat.min():.3g} to {yhat.max():.3g} "
                f"(put a Sigmoid before the loss, or use BCEWithLogitsLoss on logits)"
            )
        _check_unit_targets("BCELoss", y, yhat)
        _check_not_swapped("BCELoss", y, yhat)
        return y, yhat

    def forward(self, y, yhat):
        """``-sum(y log(yhat) + (1 - y) log(1 - yhat))`` per example, shape
        ``(batch,)``."""
        y, yhat = self._check(y, yhat)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(yhat), self.LOG_MIN)
            log_q = np.maximum(np.log1p(-yhat), self.LOG_MIN)
        return -_per_example(y * log_p + (1 - y) * log_q)

    def backward(self, y, yhat):
        """``(-y / yhat + (1 - y) / (1 - yhat)) / batch`` (each term 0 where its log
        is clipped); the shape of ``yhat``."""
        y, yhat = self._check(y, yhat)
        q = 1 - yhat
        threshold = np.exp(self.LOG_MIN)
        # Where a log is clipped it is constant, so its derivative is zero.
        d_log_p = np.divide(1, yhat, out=np.zeros_like(yhat), where=yhat > threshold)
        d_log_q = np.divide(1, q, out=np.zeros_like(yhat), where=q > threshold)
        return (-y * d_log_p + (1 - y) * d_log_q) / len(yhat)


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits: ``Sigmoid`` then :class:`BCELoss` fused,
    stable for logits of any size (chapter "Non-linear", equation (12); as
    ``torch.nn.BCEWithLogitsLoss``).

    ``yhat``: logits ``z`` of shape ``(batch, ...)``; ``y``: targets in [0, 1]
    of the same shape. Per element, with ``p = sigmoid(z)``,
    ``-y log p - (1 - y) log(1 - p) = max(z, 0) - y z + log(1 + exp(-|z|))``:
    the exponential of minus ``|z|`` never overflows, and no log of a rounded
    probability is taken, so no clipping is needed.
    """

    def _check(self, y, yhat):
        y, yhat = _same_shape("BCEWithLogitsLoss", y, yhat)
        _check_unit_targets("BCEWithLogitsLoss", y, yhat)
        return y, yhat

    def forward(self, y, yhat):
        """``sum(max(z, 0) - y z + log(1 + exp(-|z|)))`` per example, shape
        ``(batch,)``."""
        y, z = self._check(y, yhat)
        return _per_example(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))

    def backward(self, y, yhat):
        """``(sigmoid(z) - y) / batch``, the gradient of the batch mean; the shape
        of ``yhat``."""
        y, z = self._check(y, yhat)
        return (sigmoid(z) - y) / len(z)


class CELoss(Loss):
    """Cross-entropy on logits (log-softmax fused in, stable for logits of any size).

    ``yhat``: logits ``(batch, C)``. ``y``: class indices ``(batch,)`` in 0..C-1,
    or one-hot (or any probability) rows ``(batch, C)``
    (chapter "Multi-class", equations (4), (5) and (7)).
    """

    def _check(self, y, yhat):
        yhat = _as_float("CELoss", yhat)
        y = _targets("CELoss", y)
        if yhat.ndim != 2:
            raise ValueError(
                f"CELoss: expected logits yhat of shape (batch, classes), "
                f"got {shape_str(yhat.shape)}" + (f"; {SWAP}" if y.ndim == 2 else "")
            )
        _check_logits("CELoss", yhat)
        if y.shape == yhat.shape:
            _check_rows("CELoss", y)
            return y.astype(yhat.dtype, copy=False), yhat
        batch, classes = yhat.shape
        # Class indices stay indices: the one-hot rows are never built.
        return _class_indices("CELoss", y, batch, classes), yhat

    def forward(self, y, yhat):
        """``logsumexp(z) - <y, z>`` per example, for a row ``z`` of logits and its
        one-hot row ``y``; shape ``(batch,)``."""
        targets, logits = self._check(y, yhat)
        log_p = log_softmax(logits)
        if targets.ndim == 1:
            # <y, log p> for a one-hot y: the log-probability of the true class.
            return -log_p[np.arange(len(log_p)), targets]
        return -(targets * log_p).sum(axis=1)

    def backward(self, y, yhat):
        """``(softmax(z) - y) / batch``, with ``y`` as one-hot rows (equation (7));
        the shape of ``yhat``."""
        # Recomputed from yhat, never kept from forward: one exp of a
        # (batch, classes) array, small beside the layers' matrix products.
        targets, logits = self._check(y, yhat)
        p = softmax(logits)
        if targets.ndim == 1:
            # A one-hot y: subtract 1 at the true class of each row.
            p[np.arange(len(p)), targets] -= 1
        else:
            # softmax(z) - y is exact when each row of y sums to 1; the general
            # form keeps soft or unnormalised targets right too.
            p = p * targets.sum(axis=1, keepdims=True) - targets
        p /= len(p)
        return p


class HingeLoss(Loss):
    """Hinge loss on scores ``yhat`` ``(batch, ...)``, with labels ``y`` in {-1, +1}
    of the same shape (chapter "Multi-class", equation (8)).

    With several outputs it is the one-against-all hinge: ``y = 2 * one_hot - 1``.
    """

    def _check(self, y, yhat):
        y, yhat = _same_shape("HingeLoss", y, yhat)
        _check_signs("HingeLoss", y, yhat)
        return y, yhat

    def forward(self, y, yhat):
        """``sum(max(0, 1 - y * yhat))`` per example, shape ``(batch,)``."""
        y, yhat = self._check(y, yhat)
        return _per_example(np.maximum(0, 1 - y * yhat))

    def backward(self, y, yhat):
        """``-y / batch`` where ``y * yhat < 1``, else 0; the shape of ``yhat``."""
        y, yhat = self._check(y, yhat)
        return np.where(y * yhat < 1, -y, 0).astype(yhat.dtype) / len(yhat)
