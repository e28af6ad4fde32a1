"""The base of the poolings: ``MaxPool1D``, ``AvgPool1D`` (sequences) and
``MaxPool2D``, ``AvgPool2D`` (images).

A pooling summarises each window of each channel by one number, with no
parameter. The four share their arguments, their checks and the views of the
input by offset; each subclass says how many axes it pools (``dims``) and what
it computes (chapters "Convolution in one dimension" and "Going further").
"""
import numpy as np

from .errors import check_delta, check_positive_int
from .module import Module
from .windows import check_windowed, offset_views, out_size


class _Pool(Module):
    """``(batch, *sizes, chan) -> (batch, *outs, chan)``, each channel on its own,
    with ``out = (size - k_size) // stride + 1`` along each of the ``dims`` axes
    between the batch and the channels: ``(batch, length, chan)`` for ``dims = 1``,
    ``(batch, h, w, chan)`` for ``dims = 2``.

    ``k_size`` and ``stride`` are integers >= 1; ``stride`` defaults to
    ``k_size`` (windows side by side), as in PyTorch.
    """

    dims = 1

    def __init__(self, k_size, stride=None):
        super().__init__()
        name = type(self).__name__
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.stride = self.k_size if stride is None else check_positive_int(
            name, "stride", stride)

    def __repr__(self):
        return f"{type(self).__name__}({self.k_size}, {self.stride})"

    def _check(self, X, finite=True):
        return check_windowed(self, X, self.dims, self.k_size, finite=finite)

    def _check_delta(self, X, delta, finite=True):
        outs = [out_size(size, self.k_size, self.stride) for size in X.shape[1:-1]]
        return check_delta(self, delta, (X.shape[0], *outs, X.shape[-1]), X.shape,
                           finite=finite)

    def _views(self, A):
        """The views of ``A`` by offset of the window (see
        :func:`~diy_nn.windows.offset_views`): ``k_size`` of them for a sequence,
        ``k_size**2`` for an image."""
        return offset_views(A, self.k_size, self.stride)

    def _maximum(self, X):
        """The maximum of each window: element-wise maxima of the views, one
        loop step per offset, which beats a reduction over the short window axes
        (equation (9))."""
        views = self._views(X)
        out = views[0].copy()
        for v in views[1:]:
            np.maximum(out, v, out=out)
        return out

    def _mean(self, X):
        """The mean of each window: the sum of the views over the offsets,
        divided by their number (equation (11))."""
        views = self._views(X)
        out = views[0].copy()
        for v in views[1:]:
            out += v
        out /= out.dtype.type(len(views))
        return out


def pool_gradient_array(X, delta, k_size, stride):
    """The array for a pooling's dL/dX: zeros, or left uninitialised when the
    windows tile every position (``stride == k_size`` and each pooled axis a
    multiple of ``k_size``), since a backward pass then writes each position
    once."""
    dtype = np.result_type(X.dtype, delta.dtype)
    tiled = stride == k_size and all(size % k_size == 0 for size in X.shape[1:-1])
    return np.empty(X.shape, dtype) if tiled else np.zeros(X.shape, dtype)
