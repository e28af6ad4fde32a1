"""Losses: ``forward(y, yhat)`` gives one value per example, shape ``(batch,)``;
``backward(y, yhat)`` the gradient of their mean with respect to ``yhat``.
"""
import numpy as np

from .activation import log_softmax, sigmoid, softmax
from .errors import NonFiniteInputError, check_finite, shape_str
from .module import Loss


def _as_float(name, yhat):
    yhat = np.asarray(yhat)
    if yhat.dtype.kind != "f":
        yhat = yhat.astype(np.float64)
    if yhat.ndim == 0:
        raise ValueError(f"{name}: expected yhat of shape (batch, ...), got a scalar")
    check_finite(name, yhat)
    return yhat


def _check_targets(name, y):
    """Raise :class:`NonFiniteInputError` when the targets ``y`` hold a NaN (a data
    problem, which training would otherwise report as divergence)."""
    # min propagates NaN: one cheap pass
    if y.dtype.kind == "f" and y.size and np.isnan(y.min()):
        where = tuple(int(i) for i in np.argwhere(np.isnan(y))[0])
        raise NonFiniteInputError(
            f"{name}: the targets y contain NaN (first at index {where}); "
            "expected finite numbers"
        )


def _same_shape(name, y, yhat):
    """``y`` and ``yhat`` as arrays of the same shape, or a ValueError that says
    what differs."""
    yhat = _as_float(name, yhat)
    y = np.asarray(y)
    _check_targets(name, y)
    if y.shape != yhat.shape:
        hint = ""
        if y.shape == yhat.shape[:1] or yhat.shape == y.shape[:1]:
            hint = (" (one is (batch,) and the other (batch, 1): reshape the first with"
                    " .reshape(-1, 1); NumPy would otherwise broadcast to"
                    " (batch, batch))")
        raise ValueError(
            f"{name}: y and yhat must have the same shape, got y {shape_str(y.shape)} "
            f"and yhat {shape_str(yhat.shape)}{hint}"
        )
    return y.astype(yhat.dtype, copy=False), yhat


def _per_example(values):
    """Sum over every axis but the batch axis."""
    return values.reshape(len(values), -1).sum(axis=1)


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
                f"(put a Sigmoid before the loss)"
            )
        if y.min() < 0 or y.max() > 1:
            raise ValueError(
                f"BCELoss: expected targets y in [0, 1], "
                f"got values from {y.min():.3g} to {y.max():.3g}"
            )
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
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(
                f"BCEWithLogitsLoss: expected targets y in [0, 1], "
                f"got values from {y.min():.3g} to {y.max():.3g}"
            )
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
        if yhat.ndim != 2:
            raise ValueError(
                f"CELoss: expected logits yhat of shape (batch, classes), "
                f"got {shape_str(yhat.shape)}"
            )
        y = np.asarray(y)
        _check_targets("CELoss", y)
        batch, classes = yhat.shape
        if y.shape == yhat.shape:
            return y.astype(yhat.dtype, copy=False), yhat
        if y.shape != (batch,):
            raise ValueError(
                f"CELoss: expected y as class indices of shape ({batch},) "
                f"or one-hot of shape ({batch}, {classes}), got {shape_str(y.shape)}"
            )
        if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
            raise ValueError(
                "CELoss: expected integer class indices in y, got non-integer values"
            )
        if len(y) and (y.min() < 0 or y.max() >= classes):
            raise ValueError(
                f"CELoss: expected class indices in 0..{classes - 1}, got values from "
                f"{y.min():g} to {y.max():g}"
            )
        index = y.astype(np.intp)
        one_hot = np.zeros_like(yhat)
        one_hot[np.arange(batch), index] = 1
        return one_hot, yhat

    def forward(self, y, yhat):
        """``logsumexp(z) - <y, z>`` per example, for a row ``z`` of logits and its
        one-hot row ``y``; shape ``(batch,)``."""
        targets, logits = self._check(y, yhat)
        return -(targets * log_softmax(logits)).sum(axis=1)

    def backward(self, y, yhat):
        """``(softmax(z) - y) / batch``, with ``y`` as one-hot rows (equation (7));
        the shape of ``yhat``."""
        # Recomputed from yhat, never kept from forward: one exp of a
        # (batch, classes) array, small beside the layers' matrix products.
        targets, logits = self._check(y, yhat)
        p = softmax(logits)
        # softmax(z) - y is exact when each row of y sums to 1; the general form
        # keeps soft or unnormalised targets right too.
        return (p * targets.sum(axis=1, keepdims=True) - targets) / len(p)


class HingeLoss(Loss):
    """Hinge loss on scores ``yhat`` ``(batch, ...)``, with labels ``y`` in {-1, +1}
    of the same shape (chapter "Multi-class", equation (8)).

    With several outputs it is the one-against-all hinge: ``y = 2 * one_hot - 1``.
    """

    def _check(self, y, yhat):
        y, yhat = _same_shape("HingeLoss", y, yhat)
        bad = (y != 1) & (y != -1)
        if bad.any():
            raise ValueError(
                f"HingeLoss: expected labels in {{-1, +1}}, got {np.unique(y[bad])[:5]}"
                " (from labels in {0, 1}, use 2 * y - 1)"
            )
        return y, yhat

    def forward(self, y, yhat):
        """``sum(max(0, 1 - y * yhat))`` per example, shape ``(batch,)``."""
        y, yhat = self._check(y, yhat)
        return _per_example(np.maximum(0, 1 - y * yhat))

    def backward(self, y, yhat):
        """``-y / batch`` where ``y * yhat < 1``, else 0; the shape of ``yhat``."""
        y, yhat = self._check(y, yhat)
        return np.where(y * yhat < 1, -y, 0).astype(yhat.dtype) / len(yhat)
