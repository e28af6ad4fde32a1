"""Flatten: the bridge from a convolution's feature maps to a ``Linear`` layer."""
import numpy as np

from .errors import as_real_array, check_delta, check_finite, check_int
from .module import Module


class Flatten(Module):
    """``(batch, ...) -> (batch, product of the other sizes)``
    (chapter "Convolution in one dimension", equation (12)).

    A reshape, in C order: for ``(batch, length, chan)`` the channels of the
    first position come first. No parameters; the gradient w.r.t. the input is
    ``delta`` reshaped back to the input's shape. ``start_dim`` is 1, the only
    value: the batch axis is kept (PyTorch's ``Flatten(start_dim=1)``, its default).
    """

    def __init__(self, start_dim=1):
        super().__init__()
        if check_int("Flatten", "start_dim", start_dim) != 1:
            raise ValueError(
                f"Flatten: expected start_dim=1 (keep the batch axis, flatten the "
                f"others), got {start_dim}; for another reshape, call X.reshape"
            )

    def _check(self, X, finite=True):
        X = as_real_array(self, X)
        if X.ndim < 2:
            raise ValueError(
                f"{self!r}: expected an input of shape (batch, ...) with at "
                f"least 2 axes, got {X.shape}"
            )
        if finite:
            check_finite(self, X)
        return X

    def forward(self, X):
        """``(batch, ...) -> (batch, product)``: ``X.reshape(len(X), -1)``."""
        X = self._check(X)
        return X.reshape(X.shape[0], -1)

    def backward_delta(self, input, delta):
        """``delta`` reshaped to the shape of ``input`` (equation (12))."""
        shape = self._check(input, finite=False).shape
        delta = check_delta(self, delta, (shape[0], int(np.prod(shape[1:]))), shape,
                            finite=False)
        return delta.reshape(shape)
