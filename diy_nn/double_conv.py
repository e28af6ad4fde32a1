"""Horizontal and vertical convolutions of an image: ``DoubleConv1D``.

The course's reports called it ``DoubleConv1D``: two one-dimensional
convolutions of an image, one along its rows and one along its columns, added
together. It is built from two ``Conv1D`` of chapter "Convolution in one
dimension", and it equals one ``Conv2D`` whose kernel is a cross: zero but for
its middle row and its middle column (chapter "Going further", equation (16)).
"""
import numpy as np

from .conv1d import Conv1D
from .conv2d import pad
from .convolution import _Convolution
from .dtype import resolve_dtype
from .init import check_init, get_rng
from .windows import offset_views


class DoubleConv1D(_Convolution):
    """``(batch, h, w, chan_in) -> (batch, h_out, w_out, chan_out)``, with
    ``h_out = (h + 2 padding - k_size) // stride + 1`` and ``w_out`` alike, as
    for ``Conv2D``: a horizontal and a vertical convolution, added.

    With ``Xp`` the input padded with ``padding`` zeros on every side, ``s`` the
    stride and ``c = (k_size - 1) // 2`` the middle of the kernel (equation (16))::

        out[n, y, x] = sum_j Xp[n, y s + c, x s + j] @ Wh[j]      (along a row)
                     + sum_i Xp[n, y s + i, x s + c] @ Wv[i]      (along a column)
                     + b

    The horizontal convolution, a ``1 x k_size`` kernel ``Wh``, reads row
    ``y s + c``: the middle row of the ``k_size x k_size`` window that a
    ``Conv2D`` would read at ``(y, x)``; the vertical one, a ``k_size x 1``
    kernel ``Wv``, reads its middle column. So both give the same ``h_out x
    w_out`` outputs, and their sum is a ``Conv2D`` whose kernel is ``Wh`` on its
    middle row plus ``Wv`` on its middle column, zero elsewhere (equation (16)):
    ``2 k_size`` weights per channel pair instead of ``k_size**2``.

    It holds two :class:`~diy_nn.Conv1D` modules, its children: ``horizontal``
    (``W`` = ``Wh``, shape ``(k_size, chan_in, chan_out)``, and the bias ``b``)
    and ``vertical`` (``W`` = ``Wv``, same shape, no bias: one bias is enough).
    Each row it reads is a sequence for ``horizontal``, each column it reads
    one for ``vertical``. ``init``, ``rng`` and ``dtype`` are handed to both (fan-in
    ``k_size * chan_in`` each).
    """

    dims = 2

    def __init__(self, k_size, chan_in, chan_out, stride=1, padding=0, bias=True,
                 init="default", rng=None, dtype=None):
        super().__init__(k_size, chan_in, chan_out, stride, padding, bias)
        # Checked here, so that an error names DoubleConv1D, not a Conv1D in it.
        check_init("DoubleConv1D: init", init)
        dtype = resolve_dtype(dtype, "DoubleConv1D: dtype")
        # One stream for both: an int seed must not give Wv the values of Wh.
        rng = get_rng(rng)
        try:
            self.horizontal = Conv1D(k_size, chan_in, chan_out, stride=stride,
                                     bias=self.bias, init=init, rng=rng, dtype=dtype)
            self.vertical = Conv1D(k_size, chan_in, chan_out, stride=stride,
                                   bias=False, init=init, rng=rng, dtype=dtype)
        except MemoryError as e:
            raise MemoryError(f"DoubleConv1D: {e}") from None

    def children(self):
        return (self.horizontal, self.vertical)

    def _dtype(self):
        return self.horizontal._parameters["W"].dtype

    def _middles(self, A):
        """The middle row and the middle column of every window of the padded
        image ``A`` ``(batch, hp, wp, chan)``: row ``y s + c`` as ``(batch, h_out,
        wp * chan)``, column ``x s + c`` as ``(batch * hp, w_out, chan)``, with
        ``c = (k_size - 1) // 2``. Views (of a copy if ``A`` is not contiguous),
        writeable when ``A`` is."""
        batch, hp, wp, chan = A.shape
        c = (self.k_size - 1) // 2
        rows = offset_views(A.reshape(batch, hp, wp * chan), self.k_size, self.stride)
        columns = offset_views(A.reshape(batch * hp, wp, chan), self.k_size,
                               self.stride)
        return rows[c], columns[c]

    def _sequences(self, X):
        """The padded input ``X`` as the two batches of sequences the two
        ``Conv1D`` read, and the output size ``(h_out, w_out)``.

        ``rows``: the rows ``y s + c`` of the padded image, ``(batch * h_out, wp,
        chan_in)``; ``columns``: its columns ``x s + c``, ``(batch * w_out, hp,
        chan_in)``. Both are copies: reshaping a strided view copies it.
        """
        Xp = pad(X, self.padding, self)
        batch, hp, wp, chan = Xp.shape
        rows, columns = self._middles(Xp)
        h_out, w_out = rows.shape[1], columns.shape[1]
        columns = columns.reshape(batch, hp, w_out, chan).transpose(0, 2, 1, 3)
        return (rows.reshape(-1, wp, chan), columns.reshape(-1, hp, chan),
                (h_out, w_out))

    def _split_delta(self, delta, h_out, w_out):
        """``delta`` ``(batch, h_out, w_out, chan_out)`` as each ``Conv1D`` sees it:
        ``(batch * h_out, w_out, chan_out)`` and ``(batch * w_out, h_out,
        chan_out)``."""
        return (delta.reshape(-1, w_out, self.chan_out),
                delta.transpose(0, 2, 1, 3).reshape(-1, h_out, self.chan_out))

    def forward(self, X):
        """``(batch, h, w, chan_in) -> (batch, h_out, w_out, chan_out)``: the
        horizontal convolution of the rows plus the vertical convolution of the
        columns (equation (16))."""
        X = self._check(X)
        batch = X.shape[0]
        rows, columns, (h_out, w_out) = self._sequences(X)
        out = self.horizontal.forward(rows).reshape(batch, h_out, w_out, -1)
        # The vertical convolution runs down the columns: its output is
        # (batch, w_out, h_out), transposed back before the sum.
        out += self.vertical.forward(columns).reshape(
            batch, w_out, h_out, -1).transpose(0, 2, 1, 3)
        return out

    def backward_update_gradient(self, input, delta):
        """Add dL/dWh, dL/db and dL/dWv to the two ``Conv1D``'s ``_gradient``: each
        is the ``Conv1D`` gradient of its sequences with its share of ``delta``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        rows, columns, (h_out, w_out) = self._sequences(X)
        d_rows, d_columns = self._split_delta(delta, h_out, w_out)
        self.horizontal.backward_update_gradient(rows, d_rows)
        self.vertical.backward_update_gradient(columns, d_columns)

    def backward_delta(self, input, delta):
        """dL/dX, the shape of ``input``: each ``Conv1D``'s input gradient, put
        back on the rows and the columns it read, then the padding cropped off."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        rows, columns, (h_out, w_out) = self._sequences(X)
        d_rows, d_columns = self._split_delta(delta, h_out, w_out)
        batch, h, w, chan = X.shape
        p = self.padding
        dXp = np.zeros((batch, h + 2 * p, w + 2 * p, chan), dtype=rows.dtype)
        to_rows, to_columns = self._middles(dXp)
        to_rows += self.horizontal.backward_delta(rows, d_rows).reshape(
            to_rows.shape)
        to_columns += self.vertical.backward_delta(columns, d_columns).reshape(
            batch, w_out, h + 2 * p, chan).transpose(0, 2, 1, 3).reshape(
            to_columns.shape)
        return dXp[:, p:p + h, p:p + w] if p else dXp
