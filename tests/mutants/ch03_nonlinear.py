"""Chapter 3: TanH, Sigmoid, BCEWithLogitsLoss."""
import numpy as np

import diy_nn as nn

from . import mutant


@mutant("TanH", "the derivative from the input: 1 - x^2 instead of 1 - tanh(x)^2")
def tanh_derivative_from_input():
    class TanH(nn.TanH):
        def _derivative(self, input):
            return 1 - input ** 2
    return TanH


@mutant("TanH", "tanh written with exp(x), which overflows")
def tanh_from_exp():
    class TanH(nn.TanH):
        def _function(self, X):
            return (np.exp(X) - np.exp(-X)) / (np.exp(X) + np.exp(-X))
    return TanH


@mutant("TanH", "the derivative 1 - tanh(x) (the square forgotten)")
def tanh_derivative_no_square():
    class TanH(nn.TanH):
        def _derivative(self, input):
            return 1 - np.tanh(input)
    return TanH


@mutant("Sigmoid", "the derivative from the input: x (1 - x)")
def sigmoid_derivative_from_input():
    class Sigmoid(nn.Sigmoid):
        def _derivative(self, input):
            return input * (1 - input)
    return Sigmoid


@mutant("Sigmoid", "1 / (1 + exp(-x)), which overflows for large negative x")
def sigmoid_unstable():
    class Sigmoid(nn.Sigmoid):
        def _function(self, X):
            return 1 / (1 + np.exp(-X))
    return Sigmoid


@mutant("Sigmoid", "backward_delta returns the derivative without delta")
def sigmoid_no_delta():
    class Sigmoid(nn.Sigmoid):
        def backward_delta(self, input, delta):
            return self._derivative(input)
    return Sigmoid


@mutant("BCEWithLogitsLoss", "log(sigmoid(z)): a log of 0 for large logits")
def bce_logits_naive():
    class BCEWithLogitsLoss(nn.BCEWithLogitsLoss):
        def forward(self, y, yhat):
            p = 1 / (1 + np.exp(-yhat))
            return -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1)
    return BCEWithLogitsLoss


@mutant("BCEWithLogitsLoss", "backward without the 1 / batch of the mean")
def bce_logits_backward_sum():
    class BCEWithLogitsLoss(nn.BCEWithLogitsLoss):
        def backward(self, y, yhat):
            return nn.activation.sigmoid(yhat) - y
    return BCEWithLogitsLoss


@mutant("BCEWithLogitsLoss", "backward with the wrong sign, (y - sigmoid(z))")
def bce_logits_backward_sign():
    class BCEWithLogitsLoss(nn.BCEWithLogitsLoss):
        def backward(self, y, yhat):
            return (y - nn.activation.sigmoid(yhat)) / len(yhat)
    return BCEWithLogitsLoss
