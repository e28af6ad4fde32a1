"""Activation functions: modules without parameters, applied element by element
(or, for the two softmaxes, along the last axis).

They keep nothing between ``forward`` and ``backward_delta``: the gradient is
computed from ``input`` and ``delta`` alone (recomputing ``tanh(input)`` costs one
element-wise pass), so an input changed in place after ``forward`` still gets the
right gradient.
"""
import numpy as np

from .errors import as_real_array, check_delta, check_finite, check_nonnegative
from .module import Module


class Activation(Module):
    """Base class: ``(batch, ...) -> (batch, ...)``, the same shape and dtype.

    A subclass defines ``_function(X)`` (the activation ``f``) and
    ``_derivative(input)`` (``f'``, element by element).
    """

    def forward(self, X):
        """``f(X)``, element by element (along the last axis for the softmaxes)."""
        return self._function(self._check(X))

    def _check(self, X):
        X = as_real_array(self, X)
        if X.ndim == 0:
            raise ValueError(
                f"{self!r}: expected an input of shape (batch, ...), got a scalar"
            )
        check_finite(self, X)
        return X

    def _check_backward(self, input, delta):
        """``input`` and ``delta`` as float arrays of one shape: delta is
        dL/doutput, and the output has the input's shape."""
        input = as_real_array(self, input)
        return input, check_delta(self, delta, input.shape, input.shape, finite=False)

    def _function(self, X):
        raise NotImplementedError

    def backward_delta(self, input, delta):
        """``delta * f'(input)``, element by element; the shape of ``input``."""
        input, delta = self._check_backward(input, delta)
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
        out = np.tanh(input)
        return 1 - out * out


class Sigmoid(Activation):
    """``1 / (1 + exp(-x))``; derivative ``s (1 - s)``
    (chapter "Non-linear", equations (5) to (7)).

    Computed from ``exp(-|x|)`` only, which never overflows (equation (8)).
    """

    def _function(self, X):
        return sigmoid(X)

    def _derivative(self, input):
        s = self._function(input)
        return s * (1 - s)


class ReLU(Activation):
    """``max(0, x)``; derivative 1 where ``x > 0``, else 0
    (chapter "Multi-class", equation (9))."""

    def _function(self, X):
        return np.maximum(X, 0)

    def _derivative(self, input):
        return (input > 0).astype(input.dtype)

    def backward_delta(self, input, delta):
        """``delta`` where ``input > 0``, else 0; the shape of ``input``."""
        input, delta = self._check_backward(input, delta)
        # delta * mask, not np.where: the same numbers (delta is finite),
        # several times faster.
        return delta * (input > 0)


class LeakyReLU(Activation):
    """``x`` where ``x > 0``, else ``negative_slope * x``; ``negative_slope`` a
    finite number >= 0."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = check_nonnegative(
            "LeakyReLU", "negative_slope", negative_slope
        )

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"

    def _function(self, X):
        return np.where(X > 0, X, self.negative_slope * X)

    def _derivative(self, input):
        return np.where(input > 0, 1, self.negative_slope).astype(input.dtype)


class ELU(Activation):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``; ``alpha`` a finite
    number >= 0.

    Continuous at 0 for every ``alpha``; its derivative (1 on the right,
    ``alpha`` on the left) is continuous there only for ``alpha = 1``.
    """

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = check_nonnegative("ELU", "alpha", alpha)

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"

    def _function(self, X):
        # expm1 of min(x, 0) is exact near 0 and never overflows.
        return np.where(X > 0, X, self.alpha * np.expm1(np.minimum(X, 0)))

    def _derivative(self, input):
        return np.where(
            input > 0, 1, self.alpha * np.exp(np.minimum(input, 0))
        ).astype(input.dtype)


def sigmoid(Z):
    """``1 / (1 + exp(-z))`` element by element, from ``exp(-|z|)``, which never
    overflows (chapter "Non-linear", equation (8))."""
    # The two branches are the same function: 1 / (1 + e^-z) = e^z / (1 + e^z).
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1, e) / (1 + e)


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
        input, delta = self._check_backward(input, delta)
        s = self._function(input)
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
        input, delta = self._check_backward(input, delta)
        s = softmax(input)
        return delta - s * delta.sum(axis=-1, keepdims=True)
