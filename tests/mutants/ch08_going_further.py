"""Chapter 8: Conv2D, MaxPool2D, AvgPool2D, ConvTranspose1D, DoubleConv1D.

Written as a student writes them: a loop over the ``k_size x k_size`` offsets,
each a strided view of the (padded) image; each factory switches one mistake on.
"""
import numpy as np

import diy_nn as nn

from . import mutant


def _at(A, i, j, stride, h_out, w_out):
    return A[:, i:i + stride * (h_out - 1) + 1:stride,
             j:j + stride * (w_out - 1) + 1:stride]


def _pad(X, p):
    return np.pad(X, ((0, 0), (p, p), (p, p), (0, 0))) if p else X


def _conv2d(pad_forward=True, crop_delta=True, stride_in_delta=True,
            swap_offsets=False, bias_mean=False, pad_gradient=True):
    class Conv2D(nn.Conv2D):
        def _W(self, i, j):
            W = self._parameters["W"]
            return W[j, i] if swap_offsets else W[i, j]

        def forward(self, X):
            X = np.asarray(X, dtype=float)
            k, s = self.k_size, self.stride
            Xp = _pad(X, self.padding if pad_forward else 0)
            h_out = (Xp.shape[1] - k) // s + 1
            w_out = (Xp.shape[2] - k) // s + 1
            out = np.zeros((X.shape[0], h_out, w_out, self.chan_out))
            for i in range(k):
                for j in range(k):
                    out += _at(Xp, i, j, s, h_out, w_out) @ self._W(i, j)
            if self.bias:
                out += self._parameters["b"]
            return out

        def backward_update_gradient(self, input, delta):
            k, s = self.k_size, self.stride
            Xp = _pad(np.asarray(input, dtype=float),
                      self.padding if pad_gradient else 0)
            _, h_out, w_out, _ = delta.shape
            d2 = delta.reshape(-1, self.chan_out)
            for i in range(k):
                for j in range(k):
                    rows = _at(Xp, i, j, s, h_out, w_out).reshape(-1, self.chan_in)
                    self._gradient["W"][(j, i) if swap_offsets else (i, j)] += \
                        rows.T @ d2
            if self.bias:
                self._gradient["b"] += (d2.mean(axis=0) if bias_mean
                                        else d2.sum(axis=0))

        def backward_delta(self, input, delta):
            X = np.asarray(input, dtype=float)
            k, p = self.k_size, self.padding
            s = self.stride if stride_in_delta else 1
            _, h_out, w_out, _ = delta.shape
            dXp = np.zeros(_pad(X, p).shape)
            for i in range(k):
                for j in range(k):
                    _at(dXp, i, j, s, h_out, w_out)[...] += delta @ self._W(i, j).T
            if p and crop_delta:
                return dXp[:, p:-p, p:-p]
            return dXp
    return Conv2D


@mutant("Conv2D", "forward ignores the padding")
def conv2d_pad_forward():
    return _conv2d(pad_forward=False)


@mutant("Conv2D", "backward_delta does not crop the padding off")
def conv2d_no_crop():
    return _conv2d(crop_delta=False)


@mutant("Conv2D", "backward_delta ignores the stride")
def conv2d_stride_delta():
    return _conv2d(stride_in_delta=False)


@mutant("Conv2D", "the kernel's row and column offsets swapped")
def conv2d_swapped():
    return _conv2d(swap_offsets=True)


@mutant("Conv2D", "dL/db averaged over examples and positions")
def conv2d_bias_mean():
    return _conv2d(bias_mean=True)


@mutant("Conv2D", "backward_update_gradient forgets the padding")
def conv2d_pad_gradient():
    return _conv2d(pad_gradient=False)


def _pool2d(cls, kind, ties="first", assign=False, stride=True, divide="k2"):
    class Pool(cls):
        def backward_delta(self, input, delta):
            X = np.asarray(input, dtype=float)
            k = self.k_size
            s = self.stride if stride else k
            _, h_out, w_out, _ = delta.shape
            offsets = [(i, j) for i in range(k) for j in range(k)]
            views = [_at(X, i, j, s, h_out, w_out) for i, j in offsets]
            dX = np.zeros(X.shape)
            if kind == "max":
                best = np.max(views, axis=0)
                free = np.ones(best.shape, dtype=bool)
                shares = []
                for v in views:
                    hit = v == best
                    if ties == "first":
                        hit &= free
                        free &= ~hit
                    shares.append(delta * hit)
            else:
                area = k * k if divide == "k2" else k
                shares = [delta / area] * len(offsets)
            for (i, j), share in zip(offsets, shares):
                if assign:
                    _at(dX, i, j, s, h_out, w_out)[...] = share
                else:
                    _at(dX, i, j, s, h_out, w_out)[...] += share
            return dX
    Pool.__name__ = Pool.__qualname__ = cls.__name__
    return Pool


@mutant("MaxPool2D", "a tie sends delta to every maximum of the window")
def maxpool2d_ties_all():
    return _pool2d(nn.MaxPool2D, "max", ties="all")


@mutant("MaxPool2D", "overlapping windows written with = in backward_delta")
def maxpool2d_assign():
    return _pool2d(nn.MaxPool2D, "max", assign=True)


@mutant("MaxPool2D", "backward_delta assumes stride = k_size")
def maxpool2d_stride():
    return _pool2d(nn.MaxPool2D, "max", stride=False)


@mutant("AvgPool2D", "backward_delta divides by k_size, not k_size^2")
def avgpool2d_divide_k():
    return _pool2d(nn.AvgPool2D, "avg", divide="k")


@mutant("AvgPool2D", "overlapping windows written with = in backward_delta")
def avgpool2d_assign():
    return _pool2d(nn.AvgPool2D, "avg", assign=True)


@mutant("AvgPool2D", "backward_delta assumes stride = k_size")
def avgpool2d_stride():
    return _pool2d(nn.AvgPool2D, "avg", stride=False)


def _conv_transpose(stride_in_forward=True, assign=False, stride_in_delta=True):
    class ConvTranspose1D(nn.ConvTranspose1D):
        def forward(self, X):
            X = np.asarray(X, dtype=float)
            k = self.k_size
            s = self.stride if stride_in_forward else 1
            n, length, _ = X.shape
            out = np.zeros((n, (length - 1) * s + k, self.chan_out))
            for j in range(k):
                part = X @ self._parameters["W"][j]
                if assign:
                    out[:, j:j + s * (length - 1) + 1:s] = part
                else:
                    out[:, j:j + s * (length - 1) + 1:s] += part
            if self.bias:
                out += self._parameters["b"]
            return out

        def backward_delta(self, input, delta):
            k = self.k_size
            s = self.stride if stride_in_delta else 1
            length = np.shape(input)[1]
            dX = np.zeros(np.shape(input))
            for j in range(k):
                dX += delta[:, j:j + s * (length - 1) + 1:s] @ \
                    self._parameters["W"][j].T
            return dX
    return ConvTranspose1D


@mutant("ConvTranspose1D", "forward ignores the stride")
def conv_transpose_stride_forward():
    return _conv_transpose(stride_in_forward=False)


@mutant("ConvTranspose1D", "overlapping outputs written with = in forward")
def conv_transpose_assign():
    return _conv_transpose(assign=True)


@mutant("ConvTranspose1D", "backward_delta ignores the stride")
def conv_transpose_stride_delta():
    return _conv_transpose(stride_in_delta=False)


def _double(vertical=True, pad=True, vertical_delta=True):
    class DoubleConv1D(nn.DoubleConv1D):
        def forward(self, X):
            X = np.asarray(X, dtype=float)
            p = self.padding if pad else 0
            Xp = _pad(X, p)
            n, hp, wp, chan = Xp.shape
            k, s, c = self.k_size, self.stride, (self.k_size - 1) // 2
            h_out, w_out = (hp - k) // s + 1, (wp - k) // s + 1
            rows = Xp[:, c:c + s * (h_out - 1) + 1:s].reshape(-1, wp, chan)
            out = self.horizontal.forward(rows).reshape(n, h_out, w_out, -1)
            if vertical:
                cols = Xp[:, :, c:c + s * (w_out - 1) + 1:s]
                cols = cols.transpose(0, 2, 1, 3).reshape(-1, hp, chan)
                out = out + self.vertical.forward(cols).reshape(
                    n, w_out, h_out, -1).transpose(0, 2, 1, 3)
            return out

        def backward_delta(self, input, delta):
            full = super().backward_delta(input, delta)
            if vertical_delta:
                return full
            # only the horizontal convolution's part
            saved = self.vertical._parameters["W"].copy()
            self.vertical._parameters["W"][...] = 0
            try:
                return super().backward_delta(input, delta)
            finally:
                self.vertical._parameters["W"][...] = saved
    return DoubleConv1D


@mutant("DoubleConv1D", "forward forgets the vertical convolution")
def double_no_vertical():
    return _double(vertical=False)


@mutant("DoubleConv1D", "forward ignores the padding")
def double_no_padding():
    return _double(pad=False)


@mutant("DoubleConv1D", "backward_delta forgets the vertical convolution's part")
def double_delta_horizontal_only():
    return _double(vertical_delta=False)
