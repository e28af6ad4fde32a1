"""Chapter 7: Conv1D, MaxPool1D, AvgPool1D, Flatten.

The mutants are written as a student writes these modules: a loop over the
``k_size`` offsets of a window, a slice ``j : j + stride * (n_out - 1) + 1 : stride``
for the positions that offset ``j`` meets; each factory switches one mistake on.
"""
import numpy as np

import diy_nn as nn

from . import mutant


def _at(A, j, stride, n_out):
    """The positions ``j + t * stride`` of ``A``, t = 0..n_out-1."""
    return A[:, j:j + stride * (n_out - 1) + 1:stride]


def _conv1d(stride_in_forward=True, stride_in_delta=True, stride_in_gradient=True,
            assign_in_delta=False, bias_sum_axis=(0, 1), flipped=False,
            bias_always=False, assign_gradient=False):
    class Conv1D(nn.Conv1D):
        def _s(self, used):
            return self.stride if used else 1

        def _W(self, j):
            W = self._parameters["W"]
            return W[self.k_size - 1 - j] if flipped else W[j]

        def forward(self, X):
            X = np.asarray(X, dtype=self._parameters["W"].dtype)
            k, s = self.k_size, self._s(stride_in_forward)
            n_out = (X.shape[1] - k) // s + 1
            out = np.zeros((X.shape[0], n_out, self.chan_out), dtype=X.dtype)
            for j in range(k):
                out += _at(X, j, s, n_out) @ self._W(j)
            if self.bias or bias_always:
                out += self._parameters["b"]
            return out

        def backward_update_gradient(self, input, delta):
            k, s = self.k_size, self._s(stride_in_gradient)
            n_out = delta.shape[1]
            d2 = delta.reshape(-1, self.chan_out)
            gW = np.zeros_like(self._gradient["W"])
            for j in range(k):
                rows = _at(np.asarray(input), j, s, n_out).reshape(-1, self.chan_in)
                gW[self.k_size - 1 - j if flipped else j] += rows.T @ d2
            if assign_gradient:
                self._gradient["W"] = gW
            else:
                self._gradient["W"] += gW
            if self.bias:
                self._gradient["b"] += delta.sum(axis=bias_sum_axis)

        def backward_delta(self, input, delta):
            k, s = self.k_size, self._s(stride_in_delta)
            n_out = delta.shape[1]
            dX = np.zeros(np.shape(input))
            for j in range(k):
                part = delta @ self._W(j).T
                if assign_in_delta:
                    _at(dX, j, s, n_out)[...] = part
                else:
                    _at(dX, j, s, n_out)[...] += part
            return dX
    return Conv1D


@mutant("Conv1D", "forward ignores the stride")
def conv1d_stride_forward():
    return _conv1d(stride_in_forward=False)


@mutant("Conv1D", "backward_delta ignores the stride")
def conv1d_stride_delta():
    return _conv1d(stride_in_delta=False)


@mutant("Conv1D", "backward_update_gradient ignores the stride")
def conv1d_stride_gradient():
    return _conv1d(stride_in_gradient=False)


@mutant("Conv1D", "overlapping windows written with = in backward_delta")
def conv1d_assign_delta():
    return _conv1d(assign_in_delta=True)


@mutant("Conv1D", "dL/db summed over the batch only, not the positions")
def conv1d_bias_batch_only():
    return _conv1d(bias_sum_axis=0)


@mutant("Conv1D", "the kernel flipped (a convolution, not a correlation)")
def conv1d_flipped():
    return _conv1d(flipped=True)


@mutant("Conv1D", "forward adds b even with bias=False")
def conv1d_bias_false():
    return _conv1d(bias_always=True)


@mutant("Conv1D", "dL/dW assigned with =, not accumulated")
def conv1d_assign_gradient():
    return _conv1d(assign_gradient=True)


def _maxpool1d(ties="first", assign=False, stride_in_delta=True):
    class MaxPool1D(nn.MaxPool1D):
        def backward_delta(self, input, delta):
            X = np.asarray(input, dtype=float)
            k = self.k_size
            s = self.stride if stride_in_delta else k
            n_out = delta.shape[1]
            views = [_at(X, j, s, n_out) for j in range(k)]
            best = np.max(views, axis=0)
            dX = np.zeros(X.shape)
            free = np.ones(best.shape, dtype=bool)
            order = range(k) if ties != "last" else reversed(range(k))
            for j in order:
                hit = views[j] == best
                if ties != "all":
                    hit &= free
                    free &= ~hit
                if assign:
                    _at(dX, j, s, n_out)[...] = delta * hit
                else:
                    _at(dX, j, s, n_out)[...] += delta * hit
            return dX
    return MaxPool1D


@mutant("MaxPool1D", "a tie sends delta to every maximum of the window")
def maxpool1d_ties_all():
    return _maxpool1d(ties="all")


@mutant("MaxPool1D", "a tie sends delta to the last maximum of the window")
def maxpool1d_ties_last():
    return _maxpool1d(ties="last")


@mutant("MaxPool1D", "overlapping windows written with = in backward_delta")
def maxpool1d_assign():
    return _maxpool1d(assign=True)


@mutant("MaxPool1D", "backward_delta assumes stride = k_size")
def maxpool1d_stride():
    return _maxpool1d(stride_in_delta=False)


def _avgpool1d(divide=True, assign=False, stride_in_forward=True):
    class AvgPool1D(nn.AvgPool1D):
        def forward(self, X):
            X = np.asarray(X, dtype=float)
            k = self.k_size
            s = self.stride if stride_in_forward else k
            n_out = (X.shape[1] - k) // s + 1
            return sum(_at(X, j, s, n_out) for j in range(k)) / k

        def backward_delta(self, input, delta):
            k, s, n_out = self.k_size, self.stride, delta.shape[1]
            dX = np.zeros(np.shape(input))
            share = delta / k if divide else delta
            for j in range(k):
                if assign:
                    _at(dX, j, s, n_out)[...] = share
                else:
                    _at(dX, j, s, n_out)[...] += share
            return dX
    return AvgPool1D


@mutant("AvgPool1D", "backward_delta without the 1 / k_size")
def avgpool1d_no_divide():
    return _avgpool1d(divide=False)


@mutant("AvgPool1D", "overlapping windows written with = in backward_delta")
def avgpool1d_assign():
    return _avgpool1d(assign=True)


@mutant("AvgPool1D", "forward assumes stride = k_size")
def avgpool1d_stride():
    return _avgpool1d(stride_in_forward=False)


@mutant("Flatten", "backward_delta returns delta without reshaping it")
def flatten_no_reshape():
    class Flatten(nn.Flatten):
        def backward_delta(self, input, delta):
            return delta
    return Flatten


@mutant("Flatten", "forward flattens in Fortran order, backward in C order")
def flatten_fortran():
    class Flatten(nn.Flatten):
        def forward(self, X):
            X = np.asarray(X)
            return X.reshape(len(X), -1, order="F")
    return Flatten
