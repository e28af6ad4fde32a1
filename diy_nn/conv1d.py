"""Convolution and pooling along one axis: ``Conv1D``, ``MaxPool1D``, ``AvgPool1D``.

Sequences are channels-last, ``(batch, length, chan)``, as in the course. Every
module works on all examples and positions at once: a window view of the input
(no copy) and one matrix product, with at most a loop over the ``k_size``
offsets inside a window (chapter "Convolution in one dimension").

A module keeps nothing between ``forward`` and ``backward``: the gradients are
computed from ``(input, delta)`` and the parameters alone, so an input changed
in place after the forward cannot give a wrong gradient.
"""
import numpy as np

from .dtype import get_default_dtype, resolve_dtype
from .errors import check_finite, check_positive_int
from .init import get_rng, init_bias, init_weights
from .module import Module


def out_length(length, k_size, stride):
    """The number of windows of ``k_size`` positions, ``stride`` apart, in a
    sequence of ``length`` positions: ``(length - k_size) // stride + 1``
    (chapter "Convolution in one dimension", equation (2))."""
    return (length - k_size) // stride + 1


def check_sequence(name, X, k_size, chan=None, finite=True):
    """Check that ``X`` is ``(batch, length >= k_size, chan)``; returns it as an
    array (integers become the default float type).

    ``chan`` None accepts any number of channels. The ``ValueError`` names the
    module, the shape it got and the shape it expects.
    """
    X = np.asarray(X)
    if X.dtype.kind != "f":
        X = X.astype(get_default_dtype())
    c = "chan" if chan is None else chan
    expected = f"(batch, length >= {k_size}, {c})"
    if X.ndim != 3 or X.shape[1] < k_size or (chan is not None and X.shape[2] != chan):
        why = ""
        if X.ndim == 2:
            why = (" (a 2-D array: add a channel axis, X[:, :, None], for one "
                   "channel)")
        elif X.ndim == 3 and X.shape[1] < k_size:
            why = f" (a sequence shorter than the kernel, {k_size})"
        elif X.ndim == 3:
            why = f" ({X.shape[2]} channels instead of {chan})"
        raise ValueError(f"{name}: expected an input of shape {expected}, "
                         f"got {tuple(X.shape)}{why}")
    if finite:
        check_finite(name, X)
    return X


def windows(X, k_size, stride):
    """The view ``(batch, out_length, k_size, chan)`` of every window of ``X``
    ``(batch, length, chan)``: ``windows(X)[n, t, j] = X[n, t * stride + j]``
    (equation (1)). No copy: the view shares ``X``'s memory."""
    batch, length, chan = X.shape
    n_out = out_length(length, k_size, stride)
    s0, s1, s2 = X.strides
    return np.lib.stride_tricks.as_strided(
        X, shape=(batch, n_out, k_size, chan), strides=(s0, stride * s1, s1, s2),
        writeable=False,
    )


def _offset(A, j, stride, n_out):
    """``A[:, j + stride * t]`` for t in 0..n_out-1: the positions that offset
    ``j`` of the kernel meets, one per output position."""
    return A[:, j:j + stride * (n_out - 1) + 1:stride]


class Conv1D(Module):
    """``(batch, length, chan_in) -> (batch, (length - k_size) // stride + 1,
    chan_out)``: a cross-correlation of every channel with ``k_size``-long
    filters, plus a bias (chapter "Convolution in one dimension", equations (1)
    to (4)).

    Parameters ``W`` of shape ``(k_size, chan_in, chan_out)`` and ``b`` of shape
    ``(chan_out,)``. ``init``, ``rng`` and ``dtype`` as for :class:`Linear`, with
    fan-in ``k_size * chan_in``: ``"default"`` is PyTorch's uniform on
    ±1/sqrt(k_size * chan_in). An input of another dtype is converted to the
    parameters' dtype.
    """

    def __init__(self, k_size, chan_in, chan_out, stride=1, bias=True,
                 init="default", rng=None, dtype=None):
        super().__init__()
        name = "Conv1D"
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.chan_in = check_positive_int(name, "chan_in", chan_in)
        self.chan_out = check_positive_int(name, "chan_out", chan_out)
        self.stride = check_positive_int(name, "stride", stride)
        self.bias = bool(bias)
        dtype = resolve_dtype(dtype)
        rng = get_rng(rng)
        fan_in = self.k_size * self.chan_in
        self._parameters["W"] = init_weights(
            (self.k_size, self.chan_in, self.chan_out), fan_in,
            self.k_size * self.chan_out, init, rng, dtype,
        )
        if self.bias:
            self._parameters["b"] = init_bias(
                (self.chan_out,), fan_in, init, rng, dtype
            )
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def __repr__(self):
        extra = "" if self.stride == 1 else f", stride={self.stride}"
        extra += "" if self.bias else ", bias=False"
        return f"Conv1D({self.k_size}, {self.chan_in}, {self.chan_out}{extra})"

    def _check(self, X, finite=True):
        X = check_sequence(repr(self), X, self.k_size, self.chan_in, finite)
        W = self._parameters["W"]
        return X if X.dtype == W.dtype else X.astype(W.dtype)

    def _columns(self, X):
        """The windows of ``X`` as a matrix ``(batch * out_length, k_size *
        chan_in)``: one row a window, so that the convolution is one product."""
        win = windows(X, self.k_size, self.stride)
        # reshape copies the windows (im2col): the product then runs in BLAS.
        return win.reshape(-1, self.k_size * self.chan_in)

    def forward(self, X):
        """``(batch, length, chan_in) -> (batch, out_length, chan_out)``:
        ``out[n, t] = sum_j X[n, t * stride + j] @ W[j] + b`` (equation (3)),
        computed as one product of the windows' matrix with W (equation (4))."""
        X = self._check(X)
        W = self._parameters["W"]
        n_out = out_length(X.shape[1], self.k_size, self.stride)
        out = self._columns(X) @ W.reshape(-1, self.chan_out)
        if self.bias:
            out += self._parameters["b"]
        return out.reshape(X.shape[0], n_out, self.chan_out)

    def backward_update_gradient(self, input, delta):
        """Add dL/dW (equation (5)) and dL/db (equation (6)) to ``_gradient``;
        ``delta`` is ``(batch, out_length, chan_out)``."""
        # forward has looked for NaN in this input already: check the shape only.
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        d2 = delta.reshape(-1, self.chan_out)
        # Equation (5): dL/dW[j, c, d] = sum_{n, t} X[n, t s + j, c] delta[n, t, d],
        # every (j, c) at once: the windows' matrix transposed times delta.
        self._gradient["W"] += (self._columns(X).T @ d2).reshape(
            self._parameters["W"].shape
        )
        if self.bias:
            # Equation (6): dL/db = the sum of delta over examples and positions,
            # as a product with a vector of ones: BLAS beats sum(axis=0) here.
            self._gradient["b"] += np.ones(len(d2), dtype=d2.dtype) @ d2

    def backward_delta(self, input, delta):
        """dL/dX, the shape of ``input`` (equation (7)):
        ``dX[n, t * stride + j] += delta[n, t] @ W[j]^T`` for every offset ``j``.

        Equation (8) writes the same sum as a full correlation of ``delta`` with
        the flipped filters."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        batch, length, _ = X.shape
        n_out = delta.shape[1]
        W = self._parameters["W"]
        # One product gives what every window position receives,
        # (batch, n_out, k_size, chan_in); equation (7).
        per_window = (delta.reshape(-1, self.chan_out)
                      @ W.reshape(-1, self.chan_out).T).reshape(
            batch, n_out, self.k_size, self.chan_in)
        dX = np.zeros(X.shape, dtype=per_window.dtype)
        if self.stride == self.k_size:
            # Windows tile the sequence: the sum has one term per position.
            dX[:, :n_out * self.k_size] = per_window.reshape(batch, -1, self.chan_in)
            return dX
        # Then each position adds what it got from every window that covers it:
        # a loop over the k_size offsets, never over positions (equation (7)).
        for j in range(self.k_size):
            _offset(dX, j, self.stride, n_out)[...] += per_window[:, :, j]
        return dX

    def _check_delta(self, X, delta):
        delta = np.asarray(delta)
        expected = (X.shape[0], out_length(X.shape[1], self.k_size, self.stride),
                    self.chan_out)
        if delta.shape != expected:
            raise ValueError(
                f"{self!r}: expected delta of shape {expected} for an input of "
                f"shape {X.shape}, got {delta.shape}"
            )
        W = self._parameters["W"]
        return delta if delta.dtype == W.dtype else delta.astype(W.dtype)


class _Pool1D(Module):
    """Base class of the poolings: ``(batch, length, chan) -> (batch,
    (length - k_size) // stride + 1, chan)``, each channel on its own."""

    def __init__(self, k_size, stride=None):
        super().__init__()
        name = type(self).__name__
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.stride = self.k_size if stride is None else check_positive_int(
            name, "stride", stride)

    def __repr__(self):
        return f"{type(self).__name__}({self.k_size}, {self.stride})"

    def _check(self, X, finite=True):
        return check_sequence(repr(self), X, self.k_size, None, finite)

    def _check_delta(self, X, delta):
        delta = np.asarray(delta)
        expected = (X.shape[0], out_length(X.shape[1], self.k_size, self.stride),
                    X.shape[2])
        if delta.shape != expected:
            raise ValueError(
                f"{self!r}: expected delta of shape {expected} for an input of "
                f"shape {X.shape}, got {delta.shape}"
            )
        return delta

    def _offsets(self, X):
        """The k_size strided views ``X[:, t * stride + j]``, one for each ``j``."""
        n_out = out_length(X.shape[1], self.k_size, self.stride)
        return [_offset(X, j, self.stride, n_out) for j in range(self.k_size)]


class MaxPool1D(_Pool1D):
    """``(batch, length, chan) -> (batch, (length - k_size) // stride + 1, chan)``:
    the maximum of each window, channel by channel (equation (9)).

    ``stride`` defaults to ``k_size``, as in PyTorch. The gradient goes to the
    position of the maximum (equation (10)); when a window holds the maximum
    more than once, all of it goes to the first, as PyTorch does.
    """

    def __init__(self, k_size, stride=None):
        super().__init__(k_size, stride)

    def forward(self, X):
        """The maximum of each window (equation (9))."""
        X = self._check(X)
        # A loop over the k_size offsets: element-wise maxima of strided views,
        # which beats a reduction over the short window axis.
        views = self._offsets(X)
        out = views[0].copy()
        for v in views[1:]:
            np.maximum(out, v, out=out)
        return out

    def backward_delta(self, input, delta):
        """dL/dX: ``delta`` of each window to the first position of its maximum,
        zero elsewhere (equation (10)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        views = self._offsets(X)
        # Recompute each window's maximum, then hand delta out offset by offset:
        # the first offset that holds the maximum takes what remains of delta
        # and leaves zero to the later ones, so a tie sends it all to the first.
        best = views[0].copy()
        for v in views[1:]:
            np.maximum(best, v, out=best)
        dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, delta.dtype))
        remaining = delta.astype(dX.dtype, copy=True)
        n_out = delta.shape[1]
        for j, v in enumerate(views):
            taken = remaining * (v == best)
            _offset(dX, j, self.stride, n_out)[...] += taken
            if j + 1 < self.k_size:
                remaining -= taken
        return dX


class AvgPool1D(_Pool1D):
    """``(batch, length, chan) -> (batch, (length - k_size) // stride + 1, chan)``:
    the mean of each window, channel by channel (equation (11)).

    ``stride`` defaults to ``k_size``, as in PyTorch. Every position of a window
    receives ``delta / k_size`` from it (equation (11)).
    """

    def __init__(self, k_size, stride=None):
        super().__init__(k_size, stride)

    def forward(self, X):
        """The mean of each window (equation (11))."""
        X = self._check(X)
        views = self._offsets(X)
        out = views[0].copy()
        for v in views[1:]:
            out += v
        out /= self.k_size
        return out

    def backward_delta(self, input, delta):
        """dL/dX: each window spreads ``delta / k_size`` over its positions
        (equation (11)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, delta.dtype))
        share = delta / dX.dtype.type(self.k_size)
        n_out = delta.shape[1]
        for j in range(self.k_size):
            _offset(dX, j, self.stride, n_out)[...] += share
        return dX
