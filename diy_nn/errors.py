"""The exceptions diy_nn raises, and the checks that raise them.

A shape that does not fit, labels of the wrong kind or NaN in an input give a
``ValueError`` whose message names the module, what it got and what it expects:
a wrong answer computed silently from bad input is the worst kind of bug.
"""
import numpy as np


class NonFiniteInputError(ValueError):
    """A module was given an input that contains NaN."""


class DivergenceError(FloatingPointError):
    """Training produced a NaN or infinite loss or parameter.

    ``history`` holds what was recorded before it happened, when training ran
    through :func:`diy_nn.SGD`.
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def shape_str(shape):
    """``(batch, 3)``-style text for a shape given as a tuple of ints and names."""
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def check_array(name, X, expected, finite=True):
    """Check that ``X`` is an array of the shape ``expected`` and (with
    ``finite``) has no NaN.

    ``expected`` is a tuple with one entry an axis: an int that the size must
    equal, or a string naming a free size (``"batch"``). Returns ``X`` as an array.
    """
    X = np.asarray(X)
    if X.ndim != len(expected) or any(
        isinstance(e, (int, np.integer)) and s != e for s, e in zip(X.shape, expected)
    ):
        raise ValueError(
            f"{name}: expected an input of shape {shape_str(expected)}, "
            f"got {shape_str(X.shape)}"
        )
    if finite:
        check_finite(name, X)
    return X


def check_finite(name, X):
    """Raise :class:`NonFiniteInputError` when ``X`` holds a NaN."""
    # The minimum propagates NaN: one pass, no mask, no overflow, exact. Only
    # when it is NaN do we look element by element for where.
    if X.dtype.kind == "f" and X.size and np.isnan(X.min()):
        where = tuple(int(i) for i in np.argwhere(np.isnan(X))[0])
        raise NonFiniteInputError(
            f"{name}: the input contains NaN (first at index {where}); "
            "expected finite numbers. If this happened during training, the "
            "learning rate is probably too large."
        )
