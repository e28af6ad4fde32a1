"""Convolution and pooling of images: ``Conv2D``, ``MaxPool2D``, ``AvgPool2D``.

Images are channels-last, ``(batch, h, w, chan)``, as in the course. Every
module works on all examples and positions at once: strided views of the input
(no copy), matrix products, and at most a loop over the ``k_size * k_size``
offsets inside a window (chapter "Going further").

A module keeps nothing between ``forward`` and ``backward``: the gradients are
computed from ``(input, delta)`` and the parameters alone, so an input changed
in place after the forward cannot give a wrong gradient.
"""
import numpy as np

from .dtype import get_default_dtype, resolve_dtype
from .errors import check_finite, check_nonnegative_int, check_positive_int
from .init import get_rng, init_bias, init_weights
from .module import Module

# A window matrix (im2col) larger than this many bytes, and larger than the
# output, is not built: the convolution then loops over the kernel offsets
# instead, one product each, so that memory stays a few times the output's
# whatever the batch size. 128 MiB holds the windows of a batch of 128 images
# of 28 x 28 x 32.
COLUMNS_BYTES = 128 * 2**20


def out_size(size, k_size, stride=1, padding=0):
    """The number of windows of ``k_size`` pixels, ``stride`` apart, along an
    axis of ``size`` pixels padded with ``padding`` zeros on each side:
    ``(size + 2 padding - k_size) // stride + 1``
    (chapter "Going further", equation (2))."""
    return (size + 2 * padding - k_size) // stride + 1


def check_image(name, X, k_size, chan=None, padding=0, finite=True):
    """Check that ``X`` is ``(batch, h, w, chan)`` with ``h + 2 padding`` and
    ``w + 2 padding`` at least ``k_size``; returns it as an array (integers
    become the default float type).

    ``chan`` None accepts any number of channels. The ``ValueError`` names the
    module, the shape it got and the shape it expects.
    """
    X = np.asarray(X)
    if X.dtype.kind != "f":
        X = X.astype(get_default_dtype())
    least = k_size - 2 * padding
    c = "chan" if chan is None else chan
    expected = (f"(batch, h >= {least}, w >= {least}, {c})" if least > 1
                else f"(batch, h, w, {c})")
    small = X.ndim == 4 and min(X.shape[1:3]) < least
    if X.ndim != 4 or small or (chan is not None and X.shape[3] != chan):
        why = ""
        if X.ndim == 3:
            why = (" (a 3-D array: add a channel axis, X[..., None], for one "
                   "channel)")
        elif small:
            why = f" (an image smaller than the kernel, {k_size} x {k_size}"
            why += f", with padding {padding})" if padding else ")"
        elif X.ndim == 4:
            why = f" ({X.shape[3]} channels instead of {chan})"
        raise ValueError(f"{name}: expected an input of shape {expected}, "
                         f"got {tuple(X.shape)}{why}")
    if finite:
        check_finite(name, X)
    return X


def _check_delta(module, X, delta, chan):
    """``delta`` as an array of the output's shape for the input ``X``, or a
    ValueError naming ``module``."""
    delta = np.asarray(delta)
    p = getattr(module, "padding", 0)
    expected = (X.shape[0], out_size(X.shape[1], module.k_size, module.stride, p),
                out_size(X.shape[2], module.k_size, module.stride, p), chan)
    if delta.shape != expected:
        raise ValueError(
            f"{module!r}: expected delta of shape {expected} for an input of "
            f"shape {X.shape}, got {delta.shape}"
        )
    return delta


def windows(X, k_size, stride=1):
    """The view ``(batch, h_out, w_out, k_size, k_size, chan)`` of every window
    of ``X`` ``(batch, h, w, chan)``:
    ``windows(X)[n, y, x, i, j] = X[n, y * stride + i, x * stride + j]``
    (equation (1)). No copy: the view shares ``X``'s memory."""
    batch, h, w, chan = X.shape
    h_out, w_out = out_size(h, k_size, stride), out_size(w, k_size, stride)
    s0, s1, s2, s3 = X.strides
    return np.lib.stride_tricks.as_strided(
        X, shape=(batch, h_out, w_out, k_size, k_size, chan),
        strides=(s0, stride * s1, stride * s2, s1, s2, s3), writeable=False,
    )


def offset_view(A, i, j, stride, h_out, w_out):
    """``A[:, y * stride + i, x * stride + j]`` for every output position
    ``(y, x)``: the pixels that offset ``(i, j)`` of the kernel meets, as a
    strided view ``(batch, h_out, w_out, chan)``."""
    return A[:, i:i + stride * (h_out - 1) + 1:stride,
             j:j + stride * (w_out - 1) + 1:stride]


def pad(X, padding):
    """``X`` with ``padding`` zeros on each side of its two image axes (a copy),
    or ``X`` itself for ``padding=0``."""
    if padding == 0:
        return X
    batch, h, w, chan = X.shape
    out = np.zeros((batch, h + 2 * padding, w + 2 * padding, chan), dtype=X.dtype)
    out[:, padding:padding + h, padding:padding + w] = X
    return out


class Conv2D(Module):
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
    """

    def __init__(self, k_size, chan_in, chan_out, stride=1, padding=0, bias=True,
                 init="default", rng=None, dtype=None):
        super().__init__()
        name = "Conv2D"
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.chan_in = check_positive_int(name, "chan_in", chan_in)
        self.chan_out = check_positive_int(name, "chan_out", chan_out)
        self.stride = check_positive_int(name, "stride", stride)
        self.padding = check_nonnegative_int(name, "padding", padding)
        self.bias = bool(bias)
        dtype = resolve_dtype(dtype)
        rng = get_rng(rng)
        k = self.k_size
        fan_in = k * k * self.chan_in
        self._parameters["W"] = init_weights(
            (k, k, self.chan_in, self.chan_out), fan_in, k * k * self.chan_out,
            init, rng, dtype,
        )
        if self.bias:
            self._parameters["b"] = init_bias(
                (self.chan_out,), fan_in, init, rng, dtype
            )
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def __repr__(self):
        extra = "" if self.stride == 1 else f", stride={self.stride}"
        extra += "" if self.padding == 0 else f", padding={self.padding}"
        extra += "" if self.bias else ", bias=False"
        return f"Conv2D({self.k_size}, {self.chan_in}, {self.chan_out}{extra})"

    def _check(self, X, finite=True):
        X = check_image(repr(self), X, self.k_size, self.chan_in, self.padding,
                        finite)
        W = self._parameters["W"]
        return X if X.dtype == W.dtype else X.astype(W.dtype)

    def _check_delta(self, X, delta):
        delta = _check_delta(self, X, delta, self.chan_out)
        W = self._parameters["W"]
        return delta if delta.dtype == W.dtype else delta.astype(W.dtype)

    def _use_columns(self, n_rows, itemsize):
        """Whether the window matrix ``(n_rows, k_size * k_size * chan_in)`` is
        small enough to build: at most COLUMNS_BYTES, or no larger than the
        output ``(n_rows, chan_out)``."""
        width = self.k_size ** 2 * self.chan_in
        return (n_rows * width * itemsize <= COLUMNS_BYTES
                or width <= self.chan_out)

    def _columns(self, Xp, h_out, w_out):
        """The window matrix ``(batch * h_out * w_out, k_size * k_size *
        chan_in)`` of the padded input ``Xp``: one row a window, its columns in
        the order of ``W.reshape(-1, chan_out)``'s rows (im2col, a copy)."""
        if self.chan_in > 2:
            return windows(Xp, self.k_size, self.stride).reshape(
                -1, self.k_size ** 2 * self.chan_in)
        # With one or two channels, the copy above moves a few numbers at a
        # time. Build the transpose instead, one offset at a time, each a copy
        # of whole image rows: six times faster for one channel. BLAS takes
        # the transposed matrix as it is.
        k = self.k_size
        batch = Xp.shape[0]
        columns = np.empty((k, k, self.chan_in, batch, h_out, w_out), Xp.dtype)
        for i in range(k):
            for j in range(k):
                view = offset_view(Xp, i, j, self.stride, h_out, w_out)
                columns[i, j] = view.transpose(3, 0, 1, 2)
        return columns.reshape(k * k * self.chan_in, -1).T

    def _offsets(self, Xp, h_out, w_out):
        """The ``k_size * k_size`` offsets ``(i, j)`` and the view of the padded
        input ``Xp`` each meets, flattened to ``(rows, chan_in)`` (a copy)."""
        for i in range(self.k_size):
            for j in range(self.k_size):
                view = offset_view(Xp, i, j, self.stride, h_out, w_out)
                yield i, j, view.reshape(-1, self.chan_in)

    def forward(self, X):
        """``(batch, h, w, chan_in) -> (batch, h_out, w_out, chan_out)``:
        ``out[n, y, x] = sum_{i, j} Xp[n, y s + i, x s + j] @ W[i, j] + b``, with
        ``Xp`` the padded input and ``s`` the stride (equation (3))."""
        X = self._check(X)
        W = self._parameters["W"]
        Xp = pad(X, self.padding)
        batch, hp, wp, _ = Xp.shape
        h_out = out_size(hp, self.k_size, self.stride)
        w_out = out_size(wp, self.k_size, self.stride)
        n_rows = batch * h_out * w_out
        if self._use_columns(n_rows, X.itemsize):
            # im2col: one row a window, the whole convolution one product.
            out = self._columns(Xp, h_out, w_out) @ W.reshape(-1, self.chan_out)
        else:
            # A sum over the kernel offsets of products (equation (3)).
            out = np.zeros((n_rows, self.chan_out), dtype=W.dtype)
            for i, j, rows in self._offsets(Xp, h_out, w_out):
                out += rows @ W[i, j]
        if self.bias:
            out += self._parameters["b"]
        return out.reshape(batch, h_out, w_out, self.chan_out)

    def backward_update_gradient(self, input, delta):
        """Add dL/dW (equation (5)) and dL/db (equation (6)) to ``_gradient``;
        ``delta`` is ``(batch, h_out, w_out, chan_out)``."""
        # forward has looked for NaN in this input already: check the shape only.
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        d2 = delta.reshape(-1, self.chan_out)
        Xp = pad(X, self.padding)
        h_out, w_out = delta.shape[1:3]
        gW = self._gradient["W"]
        if self._use_columns(len(d2), X.itemsize):
            # Equation (5), every (i, j, c) at once: the window matrix
            # transposed times delta.
            columns = self._columns(Xp, h_out, w_out)
            gW += (columns.T @ d2).reshape(gW.shape)
        else:
            for i, j, rows in self._offsets(Xp, h_out, w_out):
                gW[i, j] += rows.T @ d2
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
        delta = self._check_delta(X, delta)
        batch, h, w, _ = X.shape
        h_out, w_out = delta.shape[1:3]
        p, k, s = self.padding, self.k_size, self.stride
        W = self._parameters["W"]
        d2 = delta.reshape(-1, self.chan_out)
        dXp = np.zeros((batch, h + 2 * p, w + 2 * p, self.chan_in), dtype=W.dtype)
        if self.chan_in < 4 and self._use_columns(len(d2), X.itemsize):
            # One product gives what every window position receives. (With
            # more channels, the loop below is faster: its additions run over
            # contiguous rows of w_out * chan_in numbers.)
            per_window = (d2 @ W.reshape(-1, self.chan_out).T).reshape(
                batch, h_out, w_out, k, k, self.chan_in)
            for i in range(k):
                for j in range(k):
                    offset_view(dXp, i, j, s, h_out, w_out)[...] += \
                        per_window[:, :, :, i, j]
        else:
            for i in range(k):
                for j in range(k):
                    offset_view(dXp, i, j, s, h_out, w_out)[...] += (
                        d2 @ W[i, j].T).reshape(batch, h_out, w_out, self.chan_in)
        return dXp[:, p:p + h, p:p + w] if p else dXp


class _Pool2D(Module):
    """Base class of the poolings: ``(batch, h, w, chan) -> (batch,
    (h - k_size) // stride + 1, (w - k_size) // stride + 1, chan)``, each
    channel on its own."""

    def __init__(self, k_size, stride=None):
        super().__init__()
        name = type(self).__name__
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.stride = self.k_size if stride is None else check_positive_int(
            name, "stride", stride)

    def __repr__(self):
        return f"{type(self).__name__}({self.k_size}, {self.stride})"

    def _check(self, X, finite=True):
        return check_image(repr(self), X, self.k_size, None, 0, finite)

    def _out_shape(self, X):
        k, s = self.k_size, self.stride
        return (X.shape[0], out_size(X.shape[1], k, s), out_size(X.shape[2], k, s),
                X.shape[3])

    def _views(self, X):
        """The ``k_size * k_size`` strided views ``X[:, y s + i, x s + j]``, one
        for each offset ``(i, j)`` in row-major order."""
        _, h_out, w_out, _ = self._out_shape(X)
        k, s = self.k_size, self.stride
        return [offset_view(X, i, j, s, h_out, w_out)
                for i in range(k) for j in range(k)]

    def _blocks(self, X):
        """When ``stride == k_size`` the windows tile the image: the view
        ``(batch, h_out, k_size, w_out, k_size, chan)`` of the pixels they cover,
        ``blocks[n, y, i, x, j] = X[n, y k + i, x k + j]``. No copy."""
        batch, h_out, w_out, chan = self._out_shape(X)
        k = self.k_size
        s0, s1, s2, s3 = X.strides
        return np.lib.stride_tricks.as_strided(
            X, shape=(batch, h_out, k, w_out, k, chan),
            strides=(s0, k * s1, s1, k * s2, s2, s3), writeable=X.flags.writeable,
        )

    def _gradient_array(self, X, delta):
        """The array for dL/dX: zeros, or left uninitialised when the windows
        tile the whole image, since the tiling path then writes every pixel."""
        dtype = np.result_type(X.dtype, delta.dtype)
        k = self.k_size
        tiled = (self.stride == k and X.shape[1] % k == 0 and X.shape[2] % k == 0)
        return np.empty(X.shape, dtype) if tiled else np.zeros(X.shape, dtype)


class MaxPool2D(_Pool2D):
    """``(batch, h, w, chan) -> (batch, (h - k_size) // stride + 1,
    (w - k_size) // stride + 1, chan)``: the maximum of each ``k_size x k_size``
    window, channel by channel (chapter "Going further", equation (9)).

    ``stride`` defaults to ``k_size``, as in PyTorch. The gradient goes to the
    position of the maximum (equation (10)). Ties: when a window holds its
    maximum more than once, all of the gradient goes to the first in row-major
    order (smallest row, then smallest column), as PyTorch does.
    """

    def __init__(self, k_size, stride=None):
        super().__init__(k_size, stride)

    def forward(self, X):
        """The maximum of each window (equation (9))."""
        return self._maximum(self._check(X))

    def _maximum(self, X):
        if self.stride == self.k_size:
            # Tiling windows: the maximum over the rows of each block, then over
            # its columns; 2 (k - 1) element-wise maxima instead of k * k - 1.
            blocks = self._blocks(X)
            rows = blocks[:, :, 0].copy()
            for i in range(1, self.k_size):
                np.maximum(rows, blocks[:, :, i], out=rows)
            out = rows[:, :, :, 0].copy()
            for j in range(1, self.k_size):
                np.maximum(out, rows[:, :, :, j], out=out)
            return out
        # A loop over the k*k offsets: element-wise maxima of strided views,
        # which beats a reduction over the short window axes.
        views = self._views(X)
        out = views[0].copy()
        for v in views[1:]:
            np.maximum(out, v, out=out)
        return out

    def backward_delta(self, input, delta):
        """dL/dX: ``delta`` of each window to the first position of its maximum,
        zero elsewhere (equation (10)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = _check_delta(self, X, delta, X.shape[3])
        # Recompute each window's maximum, then hand delta to the first offset
        # that holds it: `free` marks the windows not served yet.
        best = self._maximum(X)
        dX = self._gradient_array(X, delta)
        free = np.ones(best.shape, dtype=bool)
        if self.stride == self.k_size:
            # Tiling windows: one mask of the maxima over the whole image...
            blocks, d_blocks = self._blocks(X), self._blocks(dX)
            hit = blocks == best[:, :, None, :, None]
            # ...then keep only the first maximum of each window, when a window
            # holds its maximum twice (one hit a window otherwise: a quick count).
            ties = np.count_nonzero(hit) > best.size
            for i in range(self.k_size if ties else 0):
                for j in range(self.k_size):
                    h = hit[:, :, i, :, j]
                    h &= free
                    free ^= h  # h lies within free: this clears the windows served
            np.multiply(hit, delta[:, :, None, :, None], out=d_blocks)
            return dX
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


class AvgPool2D(_Pool2D):
    """``(batch, h, w, chan) -> (batch, (h - k_size) // stride + 1,
    (w - k_size) // stride + 1, chan)``: the mean of each ``k_size x k_size``
    window, channel by channel (chapter "Going further", equation (11)).

    ``stride`` defaults to ``k_size``, as in PyTorch. Every pixel of a window
    receives ``delta / k_size**2`` from it.
    """

    def __init__(self, k_size, stride=None):
        super().__init__(k_size, stride)

    def forward(self, X):
        """The mean of each window (equation (11))."""
        X = self._check(X)
        if self.stride == self.k_size:
            out = self._blocks(X).sum(axis=2).sum(axis=3)
        else:
            views = self._views(X)
            out = views[0].copy()
            for v in views[1:]:
                out += v
        out /= out.dtype.type(self.k_size ** 2)
        return out

    def backward_delta(self, input, delta):
        """dL/dX: each window spreads ``delta / k_size**2`` over its pixels
        (equation (11)); the shape of ``input``."""
        X = self._check(input, finite=False)
        delta = _check_delta(self, X, delta, X.shape[3])
        dX = self._gradient_array(X, delta)
        share = delta / dX.dtype.type(self.k_size ** 2)
        if self.stride == self.k_size:
            self._blocks(dX)[...] = share[:, :, None, :, None]
            return dX
        for dv in self._views(dX):
            dv += share
        return dX
