"""Small data helpers: one-hot labels, mini-batches, and generated toy problems.

The classification generators (``two_gaussians``, ``four_gaussians``,
``checkerboard``) return points ``X`` of shape ``(n, 2)`` (float, default dtype)
and labels ``y`` of shape ``(n,)`` in {0, 1}; ``linear_1d`` returns ``x`` and
``y`` of shape ``(n, 1)``, for regression. All are reproducible from ``rng``.
"""
import numpy as np

from .dtype import get_default_dtype, resolve_dtype
from .errors import (
    as_real_array, check_bool, check_finite, check_nonnegative, check_positive_int,
    check_real,
)
from .init import get_rng


def one_hot(y, num_classes=None, dtype=None):
    """Class indices ``(n,)`` -> one-hot rows ``(n, num_classes)``."""
    y = np.asarray(y)
    if y.dtype.kind not in "iubf":
        as_real_array("one_hot", y, what="y")      # raises, saying what y holds
    check_finite("one_hot", y, "y", hint="")
    if y.ndim != 1:
        raise ValueError(
            f"one_hot: expected class indices of shape (n,), got shape {y.shape}"
        )
    if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
        raise ValueError(
            "one_hot: expected integer class indices, got non-integer values"
        )
    if num_classes is not None:
        num_classes = check_positive_int("one_hot", "num_classes", num_classes)
    elif len(y) == 0:
        raise ValueError("one_hot: give num_classes for an empty y")
    y = y.astype(np.intp)
    num_classes = int(y.max()) + 1 if num_classes is None else num_classes
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"one_hot: expected class indices in 0..{num_classes - 1}, "
            f"got values from {y.min()} to {y.max()}"
        )
    # Any numeric dtype will do for 0 and 1 (None: the default float dtype).
    out = np.zeros((len(y), num_classes),
                   dtype=get_default_dtype() if dtype is None else dtype)
    out[np.arange(len(y)), y] = 1
    return out


def minibatches(X, Y, batch_size, shuffle=True, rng=None):
    """Yield ``(X[idx], Y[idx])`` for consecutive batches of ``batch_size`` indices.

    With ``shuffle``, the order is a fresh permutation each call (from ``rng``).
    The last batch is smaller when ``batch_size`` does not divide ``len(X)``.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    n = len(X)
    batch_size = check_positive_int("minibatches", "batch_size", batch_size)
    shuffle = check_bool("minibatches", "shuffle", shuffle)
    if len(Y) != n:
        raise ValueError(f"minibatches: X has {n} examples but Y has {len(Y)}")
    order = get_rng(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], Y[idx]


def _labelled(X, y, rng, dtype):
    order = rng.permutation(len(y))
    return X[order].astype(resolve_dtype(dtype)), y[order].astype(np.intp)


def linear_1d(n=100, a=3.0, b=4.0, noise=1.0, rng=None, dtype=None):
    """``x`` uniform on [-2, 2], ``y = a x + b + noise * N(0, 1)``: shapes
    ``(n, 1)`` and ``(n, 1)``."""
    n = check_positive_int("linear_1d", "n", n)
    a, b = check_real("linear_1d", "a", a), check_real("linear_1d", "b", b)
    noise = check_nonnegative("linear_1d", "noise", noise)
    rng = get_rng(rng)
    x = rng.uniform(-2, 2, size=(n, 1))
    y = a * x + b + noise * rng.standard_normal((n, 1))
    dtype = resolve_dtype(dtype)
    return x.astype(dtype), y.astype(dtype)


def two_gaussians(n=400, distance=3.0, sigma=1.0, rng=None, dtype=None):
    """Two round Gaussian clouds ``distance`` apart along the diagonal: class 0
    and class 1."""
    n = check_positive_int("two_gaussians", "n", n)
    distance = check_nonnegative("two_gaussians", "distance", distance)
    sigma = check_nonnegative("two_gaussians", "sigma", sigma)
    rng = get_rng(rng)
    centre = np.array([1.0, 1.0]) * distance / (2 * np.sqrt(2))
    half = n // 2
    X = np.concatenate([
        rng.normal(-centre, sigma, (half, 2)), rng.normal(centre, sigma, (n - half, 2)),
    ])
    y = np.r_[np.zeros(half), np.ones(n - half)]
    return _labelled(X, y, rng, dtype)


def four_gaussians(n=400, distance=3.0, sigma=0.6, rng=None, dtype=None):
    """XOR: four Gaussian clouds at (±d/2, ±d/2); class 1 where the two signs differ.

    No straight line separates the classes.
    """
    n = check_positive_int("four_gaussians", "n", n)
    distance = check_nonnegative("four_gaussians", "distance", distance)
    sigma = check_nonnegative("four_gaussians", "sigma", sigma)
    rng = get_rng(rng)
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]])
    which = rng.integers(0, 4, size=n)
    X = signs[which] * distance / 2 + rng.normal(0, sigma, (n, 2))
    y = (which >= 2).astype(float)
    return _labelled(X, y, rng, dtype)


def checkerboard(n=1000, squares=4, rng=None, dtype=None):
    """Points uniform on [-2, 2]^2, labelled by the colour of their square on a
    ``squares`` x ``squares`` board."""
    n = check_positive_int("checkerboard", "n", n)
    squares = check_positive_int("checkerboard", "squares", squares)
    rng = get_rng(rng)
    X = rng.uniform(-2, 2, size=(n, 2))
    cell = np.floor((X + 2) / 4 * squares).astype(int)
    y = (cell.sum(axis=1) % 2).astype(float)
    return _labelled(X, y, rng, dtype)
