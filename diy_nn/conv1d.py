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

from .convolution import _Convolution
from .init import make_parameters
from .pool import _Pool, pool_gradient_array
from .windows import check_windowed, offset_views, out_size, windows


def out_length(length, k_size, stride):
    """The number of windows of ``k_size`` positions, ``stride`` apart, in a
    sequence of ``length`` positions: ``(length - k_size) // stride + 1``
    (chapter "Convolution in one dimension", equation (2))."""
    return out_size(length, k_size, stride)


def check_sequence(name, X, k_size, chan=None, finite=True, dtype=None):
    """Check that ``X`` is ``(batch, length >= k_size, chan)``; returns it as a
    float array (see :func:`~diy_nn.windows.check_windowed`). ``chan`` None
    accepts any number of channels."""
    return check_windowed(name, X, 1, k_size, chan, finite=finite, dtype=dtype)


class Conv1D(_Convolution):
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
        super().__init__(k_size, chan_in, chan_out, stride, bias=bias)
        self._parameters, self._gradient = make_parameters(
            "Conv1D", W=(k_size, chan_in, chan_out),
            b=(chan_out,) if self.bias else None, init=init, rng=rng, dtype=dtype)

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
        # forward has looked for NaN and infinity in this input: check the shape.
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
        delta = self._check_delta(X, delta, finite=False)
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
        for j, positions in enumerate(offset_views(dX, self.k_size, self.stride)):
            positions += per_window[:, :, j]
        return dX


class MaxPool1D(_Pool):
    """``(batch, length, chan) -> (batch, (length - k_size) // stride + 1, chan)``:
    the maximum of each window, channel by channel (equation (9)).

    ``stride`` defaults to ``k_size``, as in PyTorch. The gradient goes to the
    position of the maximum (equation (10)); when a window holds the maximum
    more than once, all of it goes to the first, as PyTorch does.
    """

    dims = 1

    def forward(self, X):
        """The maximum of each window (equation (9))."""
        return self._maximum(self._check(X))

    def backward_delta(self, input, delta):
        """dL/dX: ``delta`` of each window to the first position of its maximum,
        zero elsewhere (equation (10)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        dX = pool_gradient_array(X, delta, self.k_size, self.stride)
        views, d_views = self._views(X), self._views(dX)
        # Windows that do not overlap (stride >= k_size) write each position
        # once, straight into dX: no temporary array of X's size.
        apart = self.stride >= self.k_size
        if self.k_size == 2 and apart:
            # Two offsets: the first takes delta where it holds the maximum
            # (ties included), the second the rest.
            first = np.greater_equal(views[0], views[1])
            np.multiply(delta, first, out=d_views[0])
            np.subtract(delta, d_views[0], out=d_views[1])
            return dX
        # Recompute each window's maximum, then hand delta to the first offset
        # that holds it: `free` marks the windows not served yet, so a tie sends
        # it all to the first.
        best = self._maximum(X)
        free = np.ones(best.shape, dtype=bool)
        hit = np.empty(best.shape, dtype=bool)
        share = None if apart else np.empty(best.shape, dtype=dX.dtype)
        for v, dv in zip(views, d_views):
            np.equal(v, best, out=hit)
            hit &= free
            free ^= hit  # hit lies within free: this clears the windows served
            # A product by the mask: much faster than np.where.
            if apart:
                np.multiply(delta, hit, out=dv)
            else:
                np.multiply(delta, hit, out=share)
                dv += share
        return dX


class AvgPool1D(_Pool):
    """``(batch, length, chan) -> (batch, (length - k_size) // stride + 1, chan)``:
    the mean of each window, channel by channel (equation (11)).

    ``stride`` defaults to ``k_size``, as in PyTorch. Every position of a window
    receives ``delta / k_size`` from it (equation (11)).
    """

    dims = 1

    def forward(self, X):
        """The mean of each window (equation (11))."""
        return self._mean(self._check(X))

    def backward_delta(self, input, delta):
        """dL/dX: each window spreads ``delta / k_size`` over its positions
        (equation (11)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        dX = np.zeros(X.shape, dtype=np.result_type(X.dtype, delta.dtype))
        share = delta / dX.dtype.type(self.k_size)
        for dv in self._views(dX):
            dv += share
        return dX
