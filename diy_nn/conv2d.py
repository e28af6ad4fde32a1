"""Convolution and pooling of images: ``Conv2D``, ``MaxPool2D``, ``AvgPool2D``.

Images are channels-last, ``(batch, h, w, chan)``, as in the course. Every
module works on all examples and positions at once: strided views of the input
(no copy), matrix products, and at most a loop over the ``k_size * k_size``
offsets inside a window (chapter "Going further").

``Conv2D`` is written as the equations of the chapter: a sum over the offsets of
the kernel, one matrix product each. Its fast path, one product of the whole
window matrix (im2col) when that matrix fits in memory, is three helpers below
the class: :func:`im2col_forward`, :func:`im2col_weight_gradient` and
:func:`im2col_input_shares`.

A module keeps nothing between ``forward`` and ``backward``: the gradients are
computed from ``(input, delta)`` and the parameters alone, so an input changed
in place after the forward cannot give a wrong gradient.
"""
import numpy as np

from .convolution import _Convolution
from .errors import zeros
from .init import make_parameters
from .pool import _Pool, pool_gradient_array
from .windows import check_windowed, offset_views, out_size, windows

# A window matrix (im2col) larger than this many bytes, and larger than the
# output, is not built: the convolution then loops over the kernel offsets
# instead, one product each, so that memory stays a few times the output's
# whatever the batch size. 128 MiB holds the windows of a batch of 128 images
# of 28 x 28 x 32.
COLUMNS_BYTES = 128 * 2**20


def check_image(name, X, k_size, chan=None, padding=0, finite=True, dtype=None):
    """Check that ``X`` is ``(batch, h, w, chan)`` with ``h + 2 padding`` and
    ``w + 2 padding`` at least ``k_size``; returns it as a float array (see
    :func:`~diy_nn.windows.check_windowed`). ``chan`` None accepts any number of
    channels."""
    return check_windowed(name, X, 2, k_size, chan, padding, finite, dtype)


def pad(X, padding, owner="pad"):
    """``X`` with ``padding`` zeros on each side of its two image axes (a copy),
    or ``X`` itself for ``padding=0``. ``owner`` names the layer in errors."""
    if padding == 0:
        return X
    batch, h, w, chan = X.shape
    out = zeros(owner, (batch, h + 2 * padding, w + 2 * padding, chan), X.dtype,
                "the padded input", f"is padding={padding} what you meant?")
    out[:, padding:padding + h, padding:padding + w] = X
    return out


class Conv2D(_Convolution):
    """``(batch, h, w, chan_in) -> (batch, h_out, w_out, chan_out)`` with
    ``h_out = (h + 2 padding - k_size) // stride + 1`` (and ``w_out`` alike):
    a cross-correlation of the image with ``k_size x k_size`` filters, plus a
    bias (chapter "Going further", equation (1)).

    Parameters ``W`` of shape ``(k_size, k_size, chan_in, chan_out)`` and ``b``
    of shape ``(chan_out,)``. ``padding`` zeros are added on every side first,
    as PyTorch's ``padding``. ``init``, ``rng`` and ``dtype`` as for
    :class:`~diy_nn.Linear`, with fan-in ``k_size * k_size * chan_in``: ``"default"``
    is PyTorch's uniform on ±1/sqrt(k_size * k_size * chan_in). An input of
    another dtype is converted to the parameters' dtype.

    Each method first tries its fast path, a helper beside the class (the
    window matrix, when it fits in memory); the code below it is the equation.
    """

    dims = 2

    def __init__(self, k_size, chan_in, chan_out, stride=1, padding=0, bias=True,
                 init="default", rng=None, dtype=None):
        super().__init__(k_size, chan_in, chan_out, stride, padding, bias)
        self._parameters, self._gradient = make_parameters(
            "Conv2D", W=(k_size, k_size, chan_in, chan_out),
            b=(chan_out,) if self.bias else None, init=init, rng=rng, dtype=dtype)

    def forward(self, X):
        """``(batch, h, w, chan_in) -> (batch, h_out, w_out, chan_out)``:
        ``out[n, y, x] = sum_{i, j} Xp[n, y s + i, x s + j] @ W[i, j] + b``, with
        ``Xp`` the padded input and ``s`` the stride (equation (3))."""
        X = self._check(X)
        W = self._parameters["W"]
        Xp = pad(X, self.padding, self)
        out = im2col_forward(Xp, W, self.stride)
        if out is None:
            # Equation (4): for each offset (i, j), the pixels it meets times W[i, j].
            views = offset_views(Xp, self.k_size, self.stride)
            out = np.zeros(views[0].shape[:3] + (self.chan_out,), dtype=W.dtype)
            flat = out.reshape(-1, self.chan_out)
            for X_ij, W_ij in zip(views, W.reshape(-1, self.chan_in, self.chan_out)):
                flat += X_ij.reshape(-1, self.chan_in) @ W_ij
        if self.bias:
            out += self._parameters["b"]
        return out

    def backward_update_gradient(self, input, delta):
        """Add dL/dW (equation (5)) and dL/db (equation (6)) to ``_gradient``;
        ``delta`` is ``(batch, h_out, w_out, chan_out)``."""
        # forward has looked for NaN and infinity in this input: check the shape.
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        d2 = delta.reshape(-1, self.chan_out)
        Xp = pad(X, self.padding, self)
        gW = im2col_weight_gradient(Xp, d2, self.k_size, self.stride)
        if gW is None:
            # Equation (5): dL/dW[i, j] = X^(i,j)^T delta, offset by offset.
            gW = np.stack([X_ij.reshape(-1, self.chan_in).T @ d2 for X_ij
                           in offset_views(Xp, self.k_size, self.stride)])
        self._gradient["W"] += gW.reshape(self._parameters["W"].shape)
        if self.bias:
            # Equation (6): dL/db = the sum of delta over examples and positions.
            # A product with a vector of ones: BLAS sums the rows several
            # times faster than d2.sum(axis=0).
            self._gradient["b"] += np.ones(len(d2), dtype=d2.dtype) @ d2

    def backward_delta(self, input, delta):
        """dL/dX, the shape of ``input`` (equation (7)):
        ``dXp[n, y s + i, x s + j] += delta[n, y, x] @ W[i, j]^T`` for every
        offset ``(i, j)``, then the padding cropped off."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        batch, h, w, _ = X.shape
        p = self.padding
        W = self._parameters["W"].reshape(-1, self.chan_in, self.chan_out)
        dXp = np.zeros((batch, h + 2 * p, w + 2 * p, self.chan_in), dtype=W.dtype)
        shares = im2col_input_shares(delta, W)
        d2 = delta.reshape(-1, self.chan_out)
        # Equation (7): each offset (i, j) of every window sends delta W[i, j]^T
        # back to the pixels it met; a loop over the offsets, not the pixels.
        for o, dX_ij in enumerate(offset_views(dXp, self.k_size, self.stride)):
            if shares is None:
                dX_ij += (d2 @ W[o].T).reshape(dX_ij.shape)
            else:
                dX_ij += shares[:, :, :, o]
        return dXp[:, p:p + h, p:p + w] if p else dXp


# --- The fast path of Conv2D: the window matrix (im2col) -----------------------------

def fits_window_matrix(n_rows, width, chan_out, itemsize):
    """Whether a window matrix ``(n_rows, width)`` is small enough to build: at
    most :data:`COLUMNS_BYTES`, or no larger than the output ``(n_rows,
    chan_out)``."""
    return n_rows * width * itemsize <= COLUMNS_BYTES or width <= chan_out


def window_matrix(Xp, k_size, stride):
    """The window matrix ``(batch * h_out * w_out, k_size * k_size * chan_in)`` of
    the padded input ``Xp``: one row a window, its columns in the order of
    ``W.reshape(-1, chan_out)``'s rows (im2col, a copy)."""
    chan_in = Xp.shape[3]
    if chan_in > 2:
        return windows(Xp, k_size, stride).reshape(-1, k_size * k_size * chan_in)
    # With one or two channels, the copy above moves a few numbers at a time.
    # Build the transpose instead, one offset at a time, each a copy of whole
    # image rows: six times faster for one channel. BLAS takes the transposed
    # matrix as it is.
    views = offset_views(Xp, k_size, stride)
    columns = np.empty((len(views), chan_in) + views[0].shape[:3], Xp.dtype)
    for o, view in enumerate(views):
        columns[o] = view.transpose(3, 0, 1, 2)
    return columns.reshape(len(views) * chan_in, -1).T


def im2col_forward(Xp, W, stride):
    """``Conv2D``'s output before the bias, ``(batch, h_out, w_out, chan_out)``,
    as one product of the window matrix of ``Xp`` with ``W``; None when that
    matrix would not fit (:func:`fits_window_matrix`)."""
    k, _, chan_in, chan_out = W.shape
    h_out, w_out = (out_size(size, k, stride) for size in Xp.shape[1:3])
    n_rows = Xp.shape[0] * h_out * w_out
    if not fits_window_matrix(n_rows, k * k * chan_in, chan_out, Xp.itemsize):
        return None
    out = window_matrix(Xp, k, stride) @ W.reshape(-1, chan_out)
    return out.reshape(Xp.shape[0], h_out, w_out, chan_out)


def im2col_weight_gradient(Xp, d2, k_size, stride):
    """dL/dW of equation (5) for every offset at once, ``(k_size * k_size *
    chan_in, chan_out)``: the window matrix of ``Xp`` transposed times ``d2``,
    delta as ``(rows, chan_out)``; None when the matrix would not fit."""
    width = k_size * k_size * Xp.shape[3]
    if not fits_window_matrix(len(d2), width, d2.shape[1], Xp.itemsize):
        return None
    return window_matrix(Xp, k_size, stride).T @ d2


def im2col_input_shares(delta, W):
    """What each window sends back to each of its offsets, ``delta[n, y, x] @
    W[o]^T``, as one product: ``(batch, h_out, w_out, k_size * k_size,
    chan_in)``, with ``W`` as ``(k_size * k_size, chan_in, chan_out)``. None
    with four channels in or more, where a product per offset adds faster
    (contiguous rows of ``w_out * chan_in`` numbers), or when it would not fit."""
    offsets, chan_in, chan_out = W.shape
    rows = delta.size // chan_out
    if chan_in >= 4 or not fits_window_matrix(rows, offsets * chan_in, chan_out,
                                              delta.itemsize):
        return None
    shares = delta.reshape(-1, chan_out) @ W.reshape(-1, chan_out).T
    return shares.reshape(delta.shape[:3] + (offsets, chan_in))


class MaxPool2D(_Pool):
    """``(batch, h, w, chan) -> (batch, (h - k_size) // stride + 1,
    (w - k_size) // stride + 1, chan)``: the maximum of each ``k_size x k_size``
    window, channel by channel (chapter "Going further", equation (9)).

    ``stride`` defaults to ``k_size``, as in PyTorch. The gradient goes to the
    position of the maximum (equation (10)). Ties: when a window holds its
    maximum more than once, all of the gradient goes to the first in row-major
    order (smallest row, then smallest column), as PyTorch does.
    """

    dims = 2

    def forward(self, X):
        """The maximum of each window (equation (9))."""
        return self._maximum(self._check(X))

    def _maximum(self, X):
        if self.stride == self.k_size:
            # Tiling windows: the maximum over the rows of each block, then over
            # its columns; 2 (k - 1) element-wise maxima instead of k * k - 1.
            blocks = tiles(X, self.k_size)
            rows = blocks[:, :, 0].copy()
            for i in range(1, self.k_size):
                np.maximum(rows, blocks[:, :, i], out=rows)
            out = rows[:, :, :, 0].copy()
            for j in range(1, self.k_size):
                np.maximum(out, rows[:, :, :, j], out=out)
            return out
        return super()._maximum(X)

    def backward_delta(self, input, delta):
        """dL/dX: ``delta`` of each window to the first position of its maximum,
        zero elsewhere (equation (10)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        # Recompute each window's maximum, then hand delta to the first offset
        # that holds it: `free` marks the windows not served yet.
        best = self._maximum(X)
        dX = pool_gradient_array(X, delta, self.k_size, self.stride)
        if self.stride == self.k_size:
            # Tiling windows: one mask of the maxima over the whole image...
            k = self.k_size
            blocks, d_blocks = tiles(X, k), tiles(dX, k)
            hit = blocks == best[:, :, None, :, None]
            # ...then keep only the first maximum of each window, when a window
            # holds its maximum twice (one hit a window otherwise: a quick count;
            # after a ReLU, windows of zeros make ties common).
            if np.count_nonzero(hit) > best.size:
                # `free` marks the windows not served by an earlier offset.
                free = ~hit[:, :, 0, :, 0]
                for o in range(1, k * k - 1):
                    h = hit[:, :, o // k, :, o % k]
                    h &= free
                    free ^= h  # h lies within free: this clears the windows served
                hit[:, :, k - 1, :, k - 1] &= free
            np.multiply(hit, delta[:, :, None, :, None], out=d_blocks)
            return dX
        free = np.ones(best.shape, dtype=bool)
        hit = np.empty(best.shape, dtype=bool)
        share = np.empty(best.shape, dtype=dX.dtype)
        for v, dv in zip(self._views(X), self._views(dX)):
            np.equal(v, best, out=hit)
            hit &= free
            free ^= hit
            # A product by the mask: much faster than np.where on large arrays.
            np.multiply(delta, hit, out=share)
            dv += share
        return dX


class AvgPool2D(_Pool):
    """``(batch, h, w, chan) -> (batch, (h - k_size) // stride + 1,
    (w - k_size) // stride + 1, chan)``: the mean of each ``k_size x k_size``
    window, channel by channel (chapter "Going further", equation (11)).

    ``stride`` defaults to ``k_size``, as in PyTorch. Every pixel of a window
    receives ``delta / k_size**2`` from it.
    """

    dims = 2

    def forward(self, X):
        """The mean of each window (equation (11))."""
        X = self._check(X)
        if self.stride != self.k_size:
            return self._mean(X)
        # Tiling windows: sums over the rows of each tile, then its columns.
        out = tiles(X, self.k_size).sum(axis=2).sum(axis=3)
        out /= out.dtype.type(self.k_size ** 2)
        return out

    def backward_delta(self, input, delta):
        """dL/dX: each window spreads ``delta / k_size**2`` over its pixels
        (equation (11)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        dX = pool_gradient_array(X, delta, self.k_size, self.stride)
        share = delta / dX.dtype.type(self.k_size ** 2)
        if self.stride == self.k_size:
            tiles(dX, self.k_size)[...] = share[:, :, None, :, None]
            return dX
        for dv in self._views(dX):
            dv += share
        return dX


# --- The fast path of the poolings: windows that tile the image ----------------------

def tiles(A, k_size):
    """When ``stride == k_size`` the windows tile the image: the view ``(batch,
    h_out, k_size, w_out, k_size, chan)`` of the pixels they cover,
    ``tiles[n, y, i, x, j] = A[n, y k + i, x k + j]``: the windows, with the axes
    in the image's order, so that a reduction over axis 2 then 3 runs over
    contiguous rows. No copy; writeable when ``A`` is."""
    view = windows(A, k_size, k_size, writeable=A.flags.writeable)
    return view.transpose(0, 1, 3, 2, 4, 5)
