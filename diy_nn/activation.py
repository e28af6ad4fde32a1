"""Activation functions: modules without parameters, applied element by element
(or, for the two softmaxes, along the last axis).

Each keeps its last input and output, so that ``backward_delta`` called with the
same input reuses the output instead of computing it again.
"""
import numpy as np

from .dtype import get_default_dtype
from .errors import check_finite
from .module import Module


class Activation(Module):
    """Base class: ``(batch, ...) -> (batch, ...)``, the same shape and dtype.

    A subclass defines ``_function(X)`` (the activation ``f``) and
    ``_derivative(input)`` (``f'``, element by element).
    """

    def __init__(self):
        super().__init__()
        self._cache = (None, None)

    def forward(self, X):
        """``f(X)``, element by element (along the last axis for the softmaxes);
        keeps ``X`` and the output for ``backward_delta``."""
        X = np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(get_default_dtype())
        if X.ndim == 0:
            raise ValueError(
                f"{self!r}: expected an input of shape (batch, ...), got a scalar"
            )
        check_finite(repr(self), X)
        out = self._function(X)
        self._cache = (X, out)
        return out

    def _output(self, input):
        """The forward output for ``input``, from the cache when it is the
        same array."""
        cached_input, out = self._cache
        return out if cached_input is input else self.forward(input)

    def _function(self, X):
        raise NotImplementedError

    def backward_delta(self, input, delta):
        """``delta * f'(input)``, element by element; the shape of ``input``."""
        return delta * self._derivative(input)

    def _derivative(self, input):
        raise NotImplementedError


class TanH(Activation):
    """``tanh(x)``; derivative ``1 - tanh(x)^2``
    (chapter "Non-linear", equations (2) to (4)).
    """

    def _function(self, X):
        return np.tanh(X)

    def _derivative(self, input):
        out = self._output(input)
        return 1 - out * out


class Sigmoid(Activation):
    """``1 / (1 + exp(-x))``; derivative ``s (1 - s)``
    (chapter "Non-linear", equations (5) to (7)).

    Computed from ``exp(-|x|)`` only, which never overflows (equation (8)).
    """

    def _function(self, X):
        # exp of minus |x| never overflows; the two branches are the same function.
        e = np.exp(-np.abs(X))
        return np.where(X >= 0, 1, e) / (1 + e)

    def _derivative(self, input):
        s = self._output(input)
        return s * (1 - s)


class ReLU(Activation):
    """``max(0, x)``; derivative 1 where ``x > 0``, else 0
    (chapter "Multi-class", equation (9))."""

    def _function(self, X):
        return np.maximum(X, 0)

    def _derivative(self, input):
        return (np.asarray(input) > 0).astype(np.asarray(input).dtype)

    def backward_delta(self, input, delta):
        # delta * mask, not np.where: the same numbers (for a finite delta),
        # several times faster.
        return delta * (np.asarray(input) > 0)


class LeakyReLU(Activation):
    """``x`` where ``x > 0``, else ``negative_slope * x``."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"

    def _function(self, X):
        return np.where(X > 0, X, self.negative_slope * X)

    def _derivative(self, input):
        input = np.asarray(input)
        return np.where(input > 0, 1, self.negative_slope).astype(input.dtype)


class ELU(Activation):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"

    def _function(self, X):
        # expm1 of min(x, 0) is exact near 0 and never overflows.
        return np.where(X > 0, X, self.alpha * np.expm1(np.minimum(X, 0)))

    def _derivative(self, input):
        input = np.asarray(input)
        return np.where(
            input > 0, 1, self.alpha * np.exp(np.minimum(input, 0))
        ).astype(input.dtype)


def log_softmax(Z):
    """``z - logsumexp(z)`` along the last axis, stable for logits of any size."""
    shifted = Z - Z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(Z):
    """``exp(z) / sum(exp(z))`` along the last axis, stable for logits of any size."""
    e = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Softmax(Activation):
    """``exp(z) / sum(exp(z))`` along the last axis
    (chapter "Multi-class", equation (1)).

    Its Jacobian is ``diag(s) - s s^T`` (equation (2)).
    """

    def _function(self, X):
        return softmax(X)

    def backward_delta(self, input, delta):
        """``s * (delta - <delta, s>)`` along the last axis, with
        ``s = softmax(input)`` (equation (3)); the shape of ``input``."""
        s = self._output(input)
        return s * (delta - (delta * s).sum(axis=-1, keepdims=True))


class LogSoftmax(Activation):
    """``log(softmax(z))`` along the last axis, by log-sum-exp
    (chapter "Multi-class", equation (5)).

    Its Jacobian is ``I - 1 s^T``, with ``s = softmax(z)``.
    """

    def _function(self, X):
        return log_softmax(X)

    def backward_delta(self, input, delta):
        """``delta - s * sum(delta)`` along the last axis, with
        ``s = softmax(input)`` (equation (6)); the shape of ``input``."""
        s = np.exp(self._output(input))
        return delta - s * delta.sum(axis=-1, keepdims=True)
