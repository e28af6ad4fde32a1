"""Chapter 5: the softmaxes, CELoss, HingeLoss, ReLU, LeakyReLU, ELU, Dropout."""
import numpy as np

import diy_nn as nn
from diy_nn.activation import softmax as _softmax

from . import mutant


@mutant("softmax", "no max-subtraction: exp overflows on large logits")
def softmax_no_max():
    def softmax(Z):
        e = np.exp(Z)
        return e / e.sum(axis=-1, keepdims=True)
    return softmax


@mutant("softmax", "normalised over the batch axis instead of each row")
def softmax_wrong_axis():
    def softmax(Z):
        e = np.exp(Z - Z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)
    return softmax


@mutant("log_softmax", "log(softmax(z)): a log of 0 for large logits")
def log_softmax_naive():
    def log_softmax(Z):
        e = np.exp(Z - Z.max(axis=-1, keepdims=True))
        return np.log(e / e.sum(axis=-1, keepdims=True))
    return log_softmax


@mutant("Softmax", "backward_delta with the diagonal of the Jacobian only, s (1 - s)")
def softmax_diagonal_only():
    class Softmax(nn.Softmax):
        def backward_delta(self, input, delta):
            s = _softmax(np.asarray(input))
            return delta * s * (1 - s)
    return Softmax


@mutant("Softmax", "forward without max-subtraction")
def softmax_module_no_max():
    class Softmax(nn.Softmax):
        def _function(self, X):
            e = np.exp(X)
            return e / e.sum(axis=-1, keepdims=True)
    return Softmax


@mutant("LogSoftmax", "backward_delta forgets the sum of delta: delta - s")
def logsoftmax_no_sum():
    class LogSoftmax(nn.LogSoftmax):
        def backward_delta(self, input, delta):
            return delta - _softmax(np.asarray(input))
    return LogSoftmax


@mutant("LogSoftmax", "forward as log(softmax(z))")
def logsoftmax_naive():
    class LogSoftmax(nn.LogSoftmax):
        def _function(self, X):
            return np.log(_softmax(X))
    return LogSoftmax


@mutant("CELoss", "backward without the 1 / batch of the mean")
def ce_backward_sum():
    class CELoss(nn.CELoss):
        def backward(self, y, yhat):
            targets, logits = self._check(y, yhat)
            return _softmax(logits) - targets
    return CELoss


@mutant("CELoss", "forward as -log(softmax(z)), which overflows")
def ce_forward_naive():
    class CELoss(nn.CELoss):
        def forward(self, y, yhat):
            targets, logits = self._check(y, yhat)
            e = np.exp(logits)
            return -(targets * np.log(e / e.sum(axis=1, keepdims=True))).sum(axis=1)
    return CELoss


@mutant("CELoss", "class indices used as they are, never made one-hot")
def ce_indices_only():
    class CELoss(nn.CELoss):
        def forward(self, y, yhat):
            yhat = np.asarray(yhat, dtype=float)
            z = yhat - yhat.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=1))
            return lse - z[np.arange(len(z)), np.asarray(y).astype(int)]

        def backward(self, y, yhat):
            p = _softmax(np.asarray(yhat, dtype=float))
            p[np.arange(len(p)), np.asarray(y).astype(int)] -= 1
            return p / len(p)
    return CELoss


@mutant("HingeLoss", "backward -y everywhere, the margin condition forgotten")
def hinge_no_condition():
    class HingeLoss(nn.HingeLoss):
        def backward(self, y, yhat):
            y, yhat = self._check(y, yhat)
            return -y / len(yhat)
    return HingeLoss


@mutant("HingeLoss", "forward max(0, 1 - yhat), the label forgotten")
def hinge_no_label():
    class HingeLoss(nn.HingeLoss):
        def forward(self, y, yhat):
            y, yhat = self._check(y, yhat)
            return np.maximum(0, 1 - yhat).sum(axis=1)
    return HingeLoss


@mutant("ReLU", "backward_delta returns the mask without delta")
def relu_no_delta():
    class ReLU(nn.ReLU):
        def backward_delta(self, input, delta):
            return (np.asarray(input) > 0).astype(float)
    return ReLU


@mutant("ReLU", "forward sets the negative inputs to 0 in place")
def relu_in_place():
    class ReLU(nn.ReLU):
        def _function(self, X):
            X[X < 0] = 0
            return X
    return ReLU


@mutant("LeakyReLU", "the slope hard-coded to 0.01")
def leaky_hard_coded():
    class LeakyReLU(nn.LeakyReLU):
        def _function(self, X):
            return np.where(X > 0, X, 0.01 * X)

        def _derivative(self, input):
            return np.where(np.asarray(input) > 0, 1.0, 0.01)
    return LeakyReLU


@mutant("LeakyReLU", "the derivative of ReLU: 0 on the left")
def leaky_zero_left():
    class LeakyReLU(nn.LeakyReLU):
        def _derivative(self, input):
            return (np.asarray(input) > 0).astype(float)
    return LeakyReLU


@mutant("ELU", "the derivative alpha exp(x) on both sides")
def elu_derivative_everywhere():
    class ELU(nn.ELU):
        def _derivative(self, input):
            return self.alpha * np.exp(np.minimum(input, 0))
    return ELU


@mutant("ELU", "alpha hard-coded to 1")
def elu_alpha_one():
    class ELU(nn.ELU):
        def _function(self, X):
            return np.where(X > 0, X, np.expm1(np.minimum(X, 0)))

        def _derivative(self, input):
            return np.where(input > 0, 1.0, np.exp(np.minimum(input, 0)))
    return ELU


def _dropout(scale=True, keep_with_p=False, new_mask_in_backward=False,
             drop_in_eval=False):
    class Dropout(nn.Dropout):
        def forward(self, X):
            X = np.asarray(X, dtype=float)
            if not self.training and not drop_in_eval:
                return X
            rng = np.random.default_rng() if self._rng is None else self._rng
            draw = rng.random(X.shape)
            keep = draw < self.p if keep_with_p else draw >= self.p
            self.mask = keep / (1 - self.p) if scale else keep * 1.0
            return X * self.mask

        def backward_delta(self, input, delta):
            if new_mask_in_backward:
                self.forward(input)
            return delta * self.mask
    return Dropout


@mutant("Dropout", "no 1 / (1 - p) on the kept units")
def dropout_no_scale():
    return _dropout(scale=False)


@mutant("Dropout", "keeps a unit with probability p instead of 1 - p")
def dropout_keeps_p():
    return _dropout(keep_with_p=True)


@mutant("Dropout", "backward_delta draws a new mask")
def dropout_new_mask():
    return _dropout(new_mask_in_backward=True)


@mutant("Dropout", "still drops in evaluation mode")
def dropout_in_eval():
    return _dropout(drop_in_eval=True)
