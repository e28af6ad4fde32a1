"""Reference answers for chapter 7, "Convolution in one dimension" (the checkers
compare with them)."""
import numpy as np

from diy_nn.conv1d import Conv1D, check_sequence
from diy_nn.module import Module


def out_length_padded(length, k_size, stride=1, padding=0):
    """Output length of a convolution with ``padding`` zeros on each side:
    ``(length + 2 * padding - k_size) // stride + 1``."""
    return (length + 2 * padding - k_size) // stride + 1


def conv1d_input_gradient(W, delta, length, stride=1):
    """dL/dX of a one-channel convolution, written as loops: ``W`` ``(k,)``,
    ``delta`` ``(n_out,)`` -> ``(length,)``; every window adds ``delta[t] * W``
    to the positions it covers."""
    W, delta = np.asarray(W, dtype=float), np.asarray(delta, dtype=float)
    dX = np.zeros(length)
    for t, d in enumerate(delta):
        dX[t * stride:t * stride + len(W)] += d * W
    return dX


class GlobalAvgPool1D(Module):
    """``(batch, length, chan) -> (batch, chan)``: the mean over all positions.

    dL/dX spreads ``delta / length`` over every position.
    """

    def forward(self, X):
        X = check_sequence(repr(self), X, 1)
        return X.mean(axis=1)

    def backward_delta(self, input, delta):
        input = np.asarray(input)
        delta = np.asarray(delta)
        length = input.shape[1]
        return np.broadcast_to(delta[:, None, :] / length, input.shape).copy()


class PaddedConv1D(Conv1D):
    """``Conv1D`` with ``padding`` zeros added at both ends of every sequence:
    ``(batch, length, chan_in) -> (batch, (length + 2 padding - k) // stride + 1,
    chan_out)``.

    Forward pads and convolves; the gradients are those of the padded input,
    and dL/dX drops the ``padding`` positions at each end.
    """

    def __init__(self, k_size, chan_in, chan_out, stride=1, padding=0, **kwargs):
        super().__init__(k_size, chan_in, chan_out, stride, **kwargs)
        # Not `self.padding`: Conv1D's own checks read that name, and here the
        # convolution itself sees the padded sequence (no padding of its own).
        self.zeros = int(padding)

    def __repr__(self):
        return super().__repr__()[:-1] + f", padding={self.zeros})"

    def _pad(self, X):
        X = np.asarray(X)
        p = self.zeros
        return np.pad(X, ((0, 0), (p, p), (0, 0))) if p else X

    def forward(self, X):
        return super().forward(self._pad(X))

    def backward_update_gradient(self, input, delta):
        super().backward_update_gradient(self._pad(input), delta)

    def backward_delta(self, input, delta):
        dX = super().backward_delta(self._pad(input), delta)
        p = self.zeros
        return dX[:, p:dX.shape[1] - p] if p else dX
