"""The exceptions diy_nn raises, and the checks that raise them.

A shape that does not fit, labels of the wrong kind, NaN or infinity in an input
give a ``ValueError`` (a ``TypeError`` for the wrong kind of value) whose message
names the module, what it got and what it expects: a wrong answer computed
silently from bad input is the worst kind of bug.
"""
import numpy as np

from .dtype import get_default_dtype


class NonFiniteInputError(ValueError):
    """A module or loss was given an array that contains NaN or infinity."""


class DivergenceError(FloatingPointError):
    """Training produced a NaN or infinite loss or parameter.

    ``history`` holds what was recorded before it happened, when training ran
    through :func:`diy_nn.SGD`.
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def label(owner):
    """How a message names ``owner``: a string as it is, a module by its repr.
    (The checks take the module itself and make its repr only to raise.)"""
    return owner if isinstance(owner, str) else repr(owner)


def shape_str(shape):
    """``(batch, 3)``-style text for a shape given as a tuple of ints and names."""
    return "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")


def as_real_array(name, X, dtype=None, what="the input"):
    """``X`` as a NumPy array of real floating-point numbers.

    Integers and booleans become ``dtype`` (the default dtype when None); floats
    of another precision become ``dtype`` when one is given. Complex numbers,
    strings and objects raise a ``TypeError`` naming ``name``: NumPy would drop
    an imaginary part with a mere warning, and fail on strings deep inside.
    """
    X = np.asarray(X)
    kind = X.dtype.kind
    if kind == "f":
        return X if dtype is None or X.dtype == dtype else X.astype(dtype)
    if kind in "iub":
        return X.astype(get_default_dtype() if dtype is None else dtype)
    if kind == "c":
        raise TypeError(
            f"{label(name)}: expected real numbers in {what}, got {X.dtype}; diy_nn "
            "computes with real numbers: pass its real part, .real, or np.abs of it"
        )
    raise TypeError(
        f"{label(name)}: expected numbers in {what}, got dtype {X.dtype}: "
        f"{_dtype_words(X, what)}"
    )


def _dtype_words(X, what):
    kind = X.dtype.kind
    if kind in "US" and what.lower().endswith("y"):
        return ("strings. Class labels? Map them to the integers 0..C-1: "
                "names, y = np.unique(labels, return_inverse=True)")
    if kind in "US":
        return "strings. Numbers read as text? Convert them: X.astype(float)"
    if kind == "O":
        return ("Python objects (rows of unequal lengths? None for a missing "
                "value?); make it an array of numbers, np.asarray(X, dtype=float)")
    return "make it an array of numbers, np.asarray(X, dtype=float)"


def check_array(name, X, expected, finite=True, dtype=None):
    """Check that ``X`` is an array of real numbers of the shape ``expected``
    and (with ``finite``) holds no NaN or infinity.

    ``expected`` is a tuple with one entry an axis: an int that the size must
    equal, or a string naming a free size (``"batch"``). Returns ``X`` as a float
    array (of ``dtype`` when given, see :func:`as_real_array`).
    """
    X = as_real_array(name, X, dtype)
    if X.ndim != len(expected) or any(
        isinstance(e, (int, np.integer)) and s != e for s, e in zip(X.shape, expected)
    ):
        raise ValueError(
            f"{label(name)}: expected an input of shape {shape_str(expected)}, "
            f"got {shape_str(X.shape)}{_shape_words(X.shape, expected)}"
        )
    if finite:
        check_finite(name, X)
    return X


def _shape_words(shape, expected):
    """The likely cause of an input of ``shape`` where ``(batch, width)`` was
    expected, as text ("" when none is clear)."""
    if len(expected) != 2 or not isinstance(expected[1], (int, np.integer)):
        return ""
    width = expected[1]
    if len(shape) == 1 and shape[0] == width:
        return " (a single example? make it a batch of one: X.reshape(1, -1))"
    if len(shape) > 2 and int(np.prod(shape[1:])) == width:
        return (" (images or sequences? flatten each example, X.reshape(len(X), -1), "
                "or put a Flatten() before this layer)")
    if len(shape) == 2 and shape[0] == width and shape[1] != width:
        return " (if the examples are the columns, pass X.T: one example a row)"
    return ""


# Below this many numbers, np.isfinite(X).all() is the quickest look; above it, the
# sum of squares X . X, one pass of BLAS with no temporary array.
_SMALL = 1 << 16


def check_finite(name, X, what="the input", hint=None, verb="contains"):
    """Raise :class:`NonFiniteInputError` when the float array ``X`` holds a NaN,
    +inf or -inf; the message names ``name``, ``what`` and the index of the first,
    then ``hint`` (by default, for a module's input, where such values come
    from)."""
    if X.dtype.kind != "f" or X.size == 0:
        return
    if X.size < _SMALL or not X.flags.c_contiguous:
        if np.isfinite(X).all():
            return
    else:
        # NaN and infinities make X . X NaN or inf; so may a sum of squares that
        # overflows, which the exact look below then clears.
        v = X.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.dot(v, v)):
                return
    bad = ~np.isfinite(X)
    if not bad.any():
        return
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    value = X[where]
    kind = "NaN" if np.isnan(value) else ("+inf" if value > 0 else "-inf")
    if hint is None:
        hint = ("In data, look for a missing value or a division by zero; in "
                "training, a network that diverged: try a smaller learning rate."
                if what == "the input" else "")
    raise NonFiniteInputError(
        f"{label(name)}: {what} {verb} {kind} (first at index {where}); "
        f"expected finite numbers. {hint}".rstrip()
    )


def check_delta(module, delta, expected, input_shape, dtype=None, finite=True):
    """``delta`` = dL/doutput as a float array of the shape ``expected``, the
    module's output shape for an input of shape ``input_shape``, and (with
    ``finite``) free of NaN and infinity.

    Every ``backward_update_gradient`` and ``backward_delta`` calls it before it
    touches a gradient: a delta of another shape would broadcast into a wrong
    gradient without a word. ``backward_update_gradient`` also refuses NaN and
    infinity, so that no parameter gradient accumulates them; ``backward_delta``
    (``finite=False``, one pass fewer) hands them on in its result, where they
    show. ``dtype``: the module's parameter dtype, to which ``delta`` is
    converted.
    """
    delta = as_real_array(module, delta, dtype, what="delta")
    expected = tuple(expected)
    if delta.shape != expected:
        raise ValueError(
            f"{label(module)}: expected delta of shape {shape_str(expected)} "
            f"(dL/doutput, the output's shape for an input of shape "
            f"{shape_str(input_shape)}), got {shape_str(delta.shape)}"
        )
    if finite:
        check_finite(module, delta, what="delta")
    return delta


def too_large(owner, what, shape, dtype, advice):
    """The ``MemoryError`` to raise when an array ``what`` of ``shape`` cannot be
    allocated: it names ``owner``, the memory it would take, and ``advice`` (the
    argument to look at), instead of NumPy's bare "Unable to allocate"."""
    size = float(np.prod(shape, dtype=float)) * np.dtype(dtype).itemsize
    for unit, power in (("TiB", 40), ("GiB", 30), ("MiB", 20)):
        if size >= 2.0 ** power:
            break
    return MemoryError(
        f"{label(owner)}: {what} of shape {shape_str([int(s) for s in shape])} would "
        f"take {size / 2.0 ** power:.3g} {unit}, more memory than there is; {advice}")


def zeros(owner, shape, dtype, what, advice):
    """``np.zeros(shape, dtype)``, or the ``MemoryError`` of :func:`too_large`
    (also for a size NumPy calls "too big")."""
    try:
        return np.zeros(shape, dtype)
    except (MemoryError, ValueError):
        raise too_large(owner, what, shape, dtype, advice) from None


# --- Checks of constructor and function arguments ----------------------------------
# Each returns the value, converted (an int, a float), or raises a TypeError for the
# wrong kind of value and a ValueError for a value out of range. ``owner`` names the
# class or function ("Linear", "SGD"), ``what`` the argument ("input", "batch_size").


def _kind(value):
    return f"{value!r} ({type(value).__name__})"


def check_bool(owner, what, value):
    """``value`` as a ``bool``: True or False (or a NumPy bool), never a string
    such as ``"False"``, which Python counts as true."""
    if not isinstance(value, (bool, np.bool_)):
        hint = ""
        if isinstance(value, str):
            hint = " (a string is always true in Python: write True or False)"
        raise TypeError(
            f"{owner}: expected {what} to be True or False, got {_kind(value)}{hint}"
        )
    return bool(value)


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


def check_sizes(owner, **sizes):
    """The ``sizes`` (``k_size=3, chan_in=1, ...``), each an ``int`` >= 1, as a
    tuple in the order given: one line for a layer's sizes, each checked with
    its own name."""
    return tuple(check_positive_int(owner, what, value)
                 for what, value in sizes.items())


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
