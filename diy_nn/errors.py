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


# --- Checks of constructor and function arguments ----------------------------------
# Each returns the value, converted (an int, a float), or raises a TypeError for the
# wrong kind of value and a ValueError for a value out of range. ``owner`` names the
# class or function ("Linear", "SGD"), ``what`` the argument ("input", "batch_size").


def _kind(value):
    return f"{value!r} ({type(value).__name__})"


def check_int(owner, what, value, minimum=None):
    """``value`` as an ``int`` (a Python or NumPy integer, not a bool or a float),
    at least ``minimum`` when one is given."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        hint = " (use // to divide sizes)" if isinstance(value, float) else ""
        raise TypeError(
            f"{owner}: expected {what} to be an integer, got {_kind(value)}{hint}"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{owner}: expected {what} >= {minimum}, got {value}")
    return value


def check_positive_int(owner, what, value):
    """``value`` as an ``int`` >= 1: a size, a count, a number of epochs."""
    return check_int(owner, what, value, minimum=1)


def check_nonnegative_int(owner, what, value):
    """``value`` as an ``int`` >= 0."""
    return check_int(owner, what, value, minimum=0)


def check_real(owner, what, value, low=None, high=None, low_open=False,
               high_open=False):
    """``value`` as a finite ``float`` (a Python or NumPy number, not a bool or a
    string) in the interval from ``low`` to ``high``; ``low_open`` and
    ``high_open`` exclude the ends."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"{owner}: expected {what} to be a real number, got {_kind(value)}"
        )
    value = float(value)
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if not np.isfinite(value) or below or above:
        lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
        raise ValueError(f"{owner}: expected {what} in {lo}, {hi}, got {value!r}")
    return value


def check_rate(owner, what, value):
    """``value`` as a finite ``float`` > 0: a learning rate, a step, a tolerance."""
    return check_real(owner, what, value, low=0, low_open=True)


def check_nonnegative(owner, what, value):
    """``value`` as a finite ``float`` >= 0: a weight decay, a slope, a noise level."""
    return check_real(owner, what, value, low=0)


def check_probability(owner, what, value, one=False):
    """``value`` as a ``float`` in [0, 1) (or [0, 1] with ``one``): a drop
    probability, a momentum, Adam's betas."""
    return check_real(owner, what, value, low=0, high=1, high_open=not one)
