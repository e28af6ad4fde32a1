"""Chapter 6: AutoEncoder (forward, backward, backward_update_gradient,
backward_delta) and TiedLinear."""
import numpy as np

import diy_nn as nn

from . import mutant


@mutant("AutoEncoder", "backward_update_gradient reuses the last forward's input")
def autoencoder_stale_input():
    class AutoEncoder(nn.AutoEncoder):
        def backward_update_gradient(self, input, delta):
            self.backward(delta, input_gradient=False)
    return AutoEncoder


@mutant("AutoEncoder", "backward goes through the encoder first")
def autoencoder_backward_encoder_first():
    class AutoEncoder(nn.AutoEncoder):
        def backward(self, delta, input_gradient=True):
            X, Z = self._forward_state
            dZ = self.encoder.backward(delta)
            return self.decoder.backward(dZ)
    return AutoEncoder


@mutant("AutoEncoder", "backward_delta forgets the encoder")
def autoencoder_delta_decoder_only():
    class AutoEncoder(nn.AutoEncoder):
        def backward_delta(self, input, delta):
            Z = self.encoder.forward(input)
            return self.decoder.backward_delta(Z, delta)
    return AutoEncoder


@mutant("AutoEncoder", "backward returns the code's gradient, not dL/dX")
def autoencoder_backward_returns_dz():
    class AutoEncoder(nn.AutoEncoder):
        def backward(self, delta, input_gradient=True):
            X, Z = self._forward_state
            dZ = self.decoder.backward(delta)
            self.encoder.backward(dZ)
            return dZ
    return AutoEncoder


@mutant("TiedLinear", "backward_update_gradient keeps only the bias gradient")
def tied_keeps_bias_only():
    class TiedLinear(nn.TiedLinear):
        def backward_update_gradient(self, input, delta):
            if self.bias:
                self._gradient["b"] += delta.sum(axis=0)
    return TiedLinear


@mutant("TiedLinear", "dL/dW as X^T delta, the transpose of the tied W's shape")
def tied_transposed_gradient():
    class TiedLinear(nn.TiedLinear):
        def backward_update_gradient(self, input, delta):
            self.linear._gradient["W"] += input.T @ delta
            if self.bias:
                self._gradient["b"] += delta.sum(axis=0)
    return TiedLinear


@mutant("TiedLinear", "the tied W's gradient replaced, not added to")
def tied_assigns():
    class TiedLinear(nn.TiedLinear):
        def backward_update_gradient(self, input, delta):
            self.linear._gradient["W"] = delta.T @ np.asarray(input, dtype=float)
            if self.bias:
                self._gradient["b"] += delta.sum(axis=0)
    return TiedLinear
