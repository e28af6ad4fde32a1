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
import numpy as np

from .conv1d import check_sequence, windows
from .dtype import resolve_dtype
from .errors import check_positive_int
from .init import get_rng, init_bias, init_weights
from .module import Module


def out_length_transpose(length, k_size, stride=1):
    """The length a transposed convolution gives: ``(length - 1) * stride + k_size``,
    the length whose ``Conv1D`` output has ``length`` positions (equation (12))."""
    return (length - 1) * stride + k_size


class ConvTranspose1D(Module):
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
        super().__init__()
        name = "ConvTranspose1D"
        self.k_size = check_positive_int(name, "k_size", k_size)
        self.chan_in = check_positive_int(name, "chan_in", chan_in)
        self.chan_out = check_positive_int(name, "chan_out", chan_out)
        self.stride = check_positive_int(name, "stride", stride)
        self.bias = bool(bias)
        dtype = resolve_dtype(dtype)
        rng = get_rng(rng)
        fan_in = self.k_size * self.chan_out
        self._parameters["W"] = init_weights(
            (self.k_size, self.chan_in, self.chan_out), fan_in,
            self.k_size * self.chan_in, init, rng, dtype,
        )
        if self.bias:
            self._parameters["b"] = init_bias(
                (self.chan_out,), fan_in, init, rng, dtype
            )
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def __repr__(self):
        extra = "" if self.stride == 1 else f", stride={self.stride}"
        extra += "" if self.bias else ", bias=False"
        return (f"ConvTranspose1D({self.k_size}, {self.chan_in}, {self.chan_out}"
                f"{extra})")

    def _check(self, X, finite=True):
        X = check_sequence(repr(self), X, 1, self.chan_in, finite)
        W = self._parameters["W"]
        return X if X.dtype == W.dtype else X.astype(W.dtype)

    def _check_delta(self, X, delta):
        delta = np.asarray(delta)
        expected = (X.shape[0], out_length_transpose(X.shape[1], self.k_size,
                                                     self.stride), self.chan_out)
        if delta.shape != expected:
            raise ValueError(
                f"{self!r}: expected delta of shape {expected} for an input of "
                f"shape {X.shape}, got {delta.shape}"
            )
        W = self._parameters["W"]
        return delta if delta.dtype == W.dtype else delta.astype(W.dtype)

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
        out = np.zeros((batch, out_length_transpose(length, k, s), self.chan_out),
                       dtype=W.dtype)
        if s == k:
            # The k output positions of consecutive inputs tile the output.
            out[...] = sent.reshape(batch, -1, self.chan_out)
        else:
            # Each output position adds what it receives from every input:
            # a loop over the k offsets, never over positions.
            for j in range(k):
                out[:, j:j + s * (length - 1) + 1:s] += sent[:, :, j]
        if self.bias:
            out += self._parameters["b"]
        return out

    def backward_update_gradient(self, input, delta):
        """Add dL/dW (equation (14)) and dL/db to ``_gradient``; ``delta`` is
        ``(batch, (length - 1) * stride + k_size, chan_out)``."""
        # forward has looked for NaN in this input already: check the shape only.
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
        delta = self._check_delta(X, delta)
        W = self._parameters["W"]
        seen = windows(delta, self.k_size, self.stride)
        # The adjoint of the adjoint is the convolution: one product of delta's
        # windows with W, each W[j] transposed.
        dX = seen.reshape(-1, self.k_size * self.chan_out) @ W.transpose(
            0, 2, 1).reshape(-1, self.chan_in)
        return dX.reshape(X.shape)
