"""Flatten: the bridge from a convolution's feature maps to a ``Linear`` layer."""
import numpy as np

from .dtype import get_default_dtype
from .errors import check_finite
from .module import Module


class Flatten(Module):
    """``(batch, ...) -> (batch, product of the other sizes)``
    (chapter "Convolution in one dimension", equation (12)).

    A reshape, in C order: for ``(batch, length, chan)`` the channels of the
    first position come first. No parameters; the gradient w.r.t. the input is
    ``delta`` reshaped back to the input's shape.
    """

    def forward(self, X):
        """``(batch, ...) -> (batch, product)``: ``X.reshape(len(X), -1)``."""
        X = np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(get_default_dtype())
        if X.ndim < 2:
            raise ValueError(
                f"{self!r}: expected an input of shape (batch, ...) with at "
                f"least 2 axes, got {X.shape}"
            )
        check_finite(repr(self), X)
        return X.reshape(X.shape[0], -1)

    def backward_delta(self, input, delta):
        """``delta`` reshaped to the shape of ``input`` (equation (12))."""
        input_shape = np.shape(input)
        delta = np.asarray(delta)
        if delta.shape != (input_shape[0], int(np.prod(input_shape[1:]))):
            raise ValueError(
                f"{self!r}: expected delta of shape "
                f"({input_shape[0]}, {int(np.prod(input_shape[1:]))}), "
                f"got {delta.shape}"
            )
        return delta.reshape(input_shape)
