"""The base of the convolutions: ``Conv1D``, ``ConvTranspose1D`` (sequences),
``Conv2D`` and ``DoubleConv1D`` (images).

They take the same arguments, the course's order ``(k_size, chan_in, chan_out)``
(not PyTorch's ``(in_channels, out_channels, kernel_size)``), then ``stride``,
``padding`` where it applies, and ``bias``; the base checks and keeps them, and
shows them in the module's ``repr``. Each subclass makes its own parameters.
"""
from .errors import check_bool, check_delta, check_nonnegative_int, check_sizes
from .module import Module
from .windows import check_windowed, out_size


class _Convolution(Module):
    """Keeps ``k_size``, ``chan_in``, ``chan_out`` and ``stride`` (integers >= 1),
    ``padding`` (an integer >= 0: zeros added on each side) and ``bias`` (True or
    False), each checked, with errors that name the subclass; checks the input,
    ``(batch, length, chan_in)`` for ``dims = 1`` or ``(batch, h, w, chan_in)``
    for ``dims = 2``, and delta, ``(batch, *out, chan_out)`` with ``out`` given
    by :meth:`_out_size` along each axis."""

    dims = 1

    def __init__(self, k_size, chan_in, chan_out, stride=1, padding=0, bias=True):
        super().__init__()
        name = type(self).__name__
        self.k_size, self.chan_in, self.chan_out, self.stride = check_sizes(
            name, k_size=k_size, chan_in=chan_in, chan_out=chan_out, stride=stride)
        self.padding = check_nonnegative_int(name, "padding", padding)
        self.bias = check_bool(name, "bias", bias)

    def __repr__(self):
        extra = "" if self.stride == 1 else f", stride={self.stride}"
        extra += "" if self.padding == 0 else f", padding={self.padding}"
        extra += "" if self.bias else ", bias=False"
        return (f"{type(self).__name__}({self.k_size}, {self.chan_in}, "
                f"{self.chan_out}{extra})")

    def _check(self, X, finite=True):
        return check_windowed(self, X, self.dims, self.k_size, self.chan_in,
                              self.padding, finite, self._dtype())

    def _check_delta(self, X, delta, finite=True):
        sizes = [self._out_size(size) for size in X.shape[1:-1]]
        return check_delta(self, delta, (len(X), *sizes, self.chan_out), X.shape,
                           self._dtype(), finite)

    def _out_size(self, size):
        """The output size along an axis of ``size`` positions (equation (2))."""
        return out_size(size, self.k_size, self.stride, self.padding)

    def _dtype(self):
        """The dtype of the parameters, which inputs and deltas are converted to."""
        return self._parameters["W"].dtype
