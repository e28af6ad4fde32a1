"""The transposed convolution ``ConvTranspose1D``: the adjoint of ``Conv1D``.

Where ``Conv1D`` gathers ``k_size`` positions into one, ``ConvTranspose1D``
spreads one position over ``k_size``: each input position adds ``X[n, t] @ W[j]``
to output position ``t * stride + j``. Its forward is exactly what ``Conv1D``'s
``backward_delta`` computes, which is why it grows a sequence back (chapter
"Going further", equations (12) to (15)).

Sequences are channels-last, ``(batch, length, chan)``. Nothing is kept between
``forward`` and ``backward``: the gradients come from ``(input, delta)`` and the
parameters alone.
"""
from .convolution import _Convolution
from .errors import zeros
from .init import make_parameters
from .windows import check_windowed, offset_views, windows


def out_length_transpose(length, k_size, stride=1):
    """The length a transposed convolution gives: ``(length - 1) * stride + k_size``,
    the length whose ``Conv1D`` output has ``length`` positions (equation (12))."""
    return (length - 1) * stride + k_size


class ConvTranspose1D(_Convolution):
    """``(batch, length, chan_in) -> (batch, (length - 1) * stride + k_size,
    chan_out)``: ``out[n, t * stride + j] += X[n, t] @ W[j]`` for every input
    position ``t`` and offset ``j``, plus a bias (equation (13)).

    Parameters ``W`` of shape ``(k_size, chan_in, chan_out)`` and ``b`` of shape
    ``(chan_out,)``. Without the bias, it is the adjoint of
    ``Conv1D(k_size, chan_out, chan_in, stride)`` with weights
    ``W.transpose(0, 2, 1)``: its forward is that convolution's
    ``backward_delta``. PyTorch's ``conv_transpose1d`` with the weight
    ``W.permute(1, 2, 0)`` computes the same.

    ``init``, ``rng`` and ``dtype`` as for :class:`~diy_nn.Linear`. ``"default"`` is
    PyTorch's: uniform on ±1/sqrt(chan_out * k_size) (PyTorch counts the fan-in
    of a transposed convolution on its weight's second axis). An input of
    another dtype is converted to the parameters' dtype.
    """

    def __init__(self, k_size, chan_in, chan_out, stride=1, bias=True,
                 init="default", rng=None, dtype=None):
        super().__init__(k_size, chan_in, chan_out, stride, bias=bias)
        # PyTorch counts the fan-in of a transposed convolution on the second
        # axis of its weight, (chan_in, chan_out, k_size): k_size * chan_out.
        self._parameters, self._gradient = make_parameters(
            "ConvTranspose1D", W=(k_size, chan_in, chan_out),
            b=(chan_out,) if self.bias else None, fan_in=k_size * chan_out,
            fan_out=k_size * chan_in, init=init, rng=rng, dtype=dtype)

    def _check(self, X, finite=True):
        # Any length will do: each position is spread over k_size outputs.
        return check_windowed(self, X, 1, 1, self.chan_in, finite=finite,
                              dtype=self._dtype())

    def _out_size(self, size):
        return out_length_transpose(size, self.k_size, self.stride)

    def forward(self, X):
        """``(batch, length, chan_in) -> (batch, (length - 1) * stride + k_size,
        chan_out)`` (equation (13))."""
        X = self._check(X)
        batch, length, _ = X.shape
        k, s = self.k_size, self.stride
        W = self._parameters["W"]
        # One product gives what every input position sends to each of its k
        # output positions: (batch, length, k_size, chan_out).
        sent = (X.reshape(-1, self.chan_in)
                @ W.transpose(1, 0, 2).reshape(self.chan_in, -1)).reshape(
            batch, length, k, self.chan_out)
        out = zeros(self, (batch, out_length_transpose(length, k, s), self.chan_out),
                    W.dtype, "the output", f"is stride={s} what you meant?")
        if s == k:
            # The k output positions of consecutive inputs tile the output.
            out[...] = sent.reshape(batch, -1, self.chan_out)
        else:
            # Each output position adds what it receives from every input:
            # a loop over the k offsets, never over positions.
            for j, positions in enumerate(offset_views(out, k, s)):
                positions += sent[:, :, j]
        if self.bias:
            out += self._parameters["b"]
        return out

    def backward_update_gradient(self, input, delta):
        """Add dL/dW (equation (14)) and dL/db to ``_gradient``; ``delta`` is
        ``(batch, (length - 1) * stride + k_size, chan_out)``."""
        # forward has looked for NaN and infinity in this input: check the shape.
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        # Equation (14): dL/dW[j, c, d] = sum_{n, t} X[n, t, c] delta[n, t s + j, d]:
        # the windows of delta, the very ones a Conv1D of delta would see.
        seen = windows(delta, self.k_size, self.stride)      # (batch, length, k, d)
        gW = X.reshape(-1, self.chan_in).T @ seen.reshape(-1, self.k_size *
                                                          self.chan_out)
        self._gradient["W"] += gW.reshape(
            self.chan_in, self.k_size, self.chan_out).transpose(1, 0, 2)
        if self.bias:
            self._gradient["b"] += delta.sum(axis=(0, 1))

    def backward_delta(self, input, delta):
        """dL/dX, the shape of ``input`` (equation (15)): ``dX[n, t] = sum_j
        delta[n, t * stride + j] @ W[j]^T``, a ``Conv1D`` of ``delta``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        W = self._parameters["W"]
        seen = windows(delta, self.k_size, self.stride)
        # The adjoint of the adjoint is the convolution: one product of delta's
        # windows with W, each W[j] transposed.
        dX = seen.reshape(-1, self.k_size * self.chan_out) @ W.transpose(
            0, 2, 1).reshape(-1, self.chan_in)
        return dX.reshape(X.shape)
