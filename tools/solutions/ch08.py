"""Reference answers for chapter 8, "Going further" (the checkers compare with them)."""
import numpy as np

from diy_nn.conv2d import check_image, out_size
from diy_nn.module import Module


def conv2d_output_shape(h, w, k_size, chan_out, stride=1, padding=0):
    """``(h_out, w_out, chan_out)`` of a ``Conv2D`` on ``h x w`` images
    (chapter "Going further", equation (2))."""
    return (out_size(h, k_size, stride, padding), out_size(w, k_size, stride, padding),
            chan_out)


def receptive_field(layers):
    """The side of the square of input pixels one output of a stack sees.

    ``layers`` is a list of ``(k_size, stride)`` pairs, first layer first (a
    convolution or a pooling alike). Each layer widens the field by
    ``(k_size - 1)`` times the distance, in input pixels, between two of its
    input positions (the product of the strides before it).
    """
    field, jump = 1, 1
    for k, s in layers:
        field += (k - 1) * jump
        jump *= s
    return field


def conv_net_parameters(channels=(16, 32), hidden=128, side=28, k_size=3, classes=10):
    """Parameters of the chapter's ``cnn``: 3x3 convolutions with padding 1, each
    followed by a 2x2 pooling, then Linear(side'^2 c, hidden) and
    Linear(hidden, classes)."""
    total, c_in = 0, 1
    for c in channels:
        total += k_size * k_size * c_in * c + c
        c_in, side = c, side // 2
    return total + side * side * c_in * hidden + hidden + hidden * classes + classes


class GlobalAvgPool2D(Module):
    """``(batch, h, w, chan) -> (batch, chan)``: the mean of each channel over
    the whole image.

    dL/dX spreads ``delta / (h w)`` over every pixel of its channel.
    """

    def forward(self, X):
        X = check_image(repr(self), X, 1)
        return X.mean(axis=(1, 2))

    def backward_delta(self, input, delta):
        X = check_image(repr(self), input, 1, finite=False)
        h, w = X.shape[1:3]
        delta = np.asarray(delta)
        if delta.shape != (X.shape[0], X.shape[3]):
            raise ValueError(f"{self!r}: expected delta of shape "
                             f"{(X.shape[0], X.shape[3])}, got {delta.shape}")
        out = np.empty(X.shape, dtype=np.result_type(X.dtype, delta.dtype))
        out[...] = (delta / (h * w))[:, None, None, :]
        return out


class Upsample2D(Module):
    """``(batch, h, w, chan) -> (batch, factor h, factor w, chan)``: nearest
    neighbour, each pixel repeated into a ``factor x factor`` block.

    dL/dX sums ``delta`` over each block.
    """

    def __init__(self, factor=2):
        super().__init__()
        self.factor = int(factor)

    def __repr__(self):
        return f"Upsample2D({self.factor})"

    def forward(self, X):
        X = check_image(repr(self), X, 1)
        f = self.factor
        return X.repeat(f, axis=1).repeat(f, axis=2)

    def backward_delta(self, input, delta):
        X = check_image(repr(self), input, 1, finite=False)
        n, h, w, c = X.shape
        f = self.factor
        return np.asarray(delta).reshape(n, h, f, w, f, c).sum(axis=(2, 4))
