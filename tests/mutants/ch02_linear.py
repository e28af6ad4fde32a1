"""Chapter 2: Linear and MSELoss."""
import diy_nn as nn

from . import mutant


@mutant("Linear", "forward adds b even with bias=False")
def linear_forward_ignores_bias_false():
    class Linear(nn.Linear):
        def forward(self, X):
            return X @ self._parameters["W"] + self._parameters["b"]
    return Linear


@mutant("Linear", "backward_update_gradient updates b even with bias=False")
def linear_gradient_ignores_bias_false():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] += input.T @ delta
            self._gradient["b"] += delta.sum(axis=0)
    return Linear


@mutant("Linear", "forward forgets the bias")
def linear_forward_without_bias():
    class Linear(nn.Linear):
        def forward(self, X):
            return X @ self._parameters["W"]
    return Linear


@mutant("Linear", "backward_delta without the transpose of W")
def linear_delta_missing_transpose():
    class Linear(nn.Linear):
        def backward_delta(self, input, delta):
            return delta @ self._parameters["W"]
    return Linear


@mutant("Linear", "dL/dW computed as delta^T X (an extra transpose)")
def linear_gradient_transposed():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] += delta.T @ input
            if self.bias:
                self._gradient["b"] += delta.sum(axis=0)
    return Linear


@mutant("Linear", "gradients assigned with = instead of accumulated with +=")
def linear_gradient_assigned():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] = input.T @ delta
            if self.bias:
                self._gradient["b"] = delta.sum(axis=0)
    return Linear


@mutant("Linear", "dL/db averaged over the batch instead of summed")
def linear_bias_mean():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] += input.T @ delta
            if self.bias:
                self._gradient["b"] += delta.mean(axis=0)
    return Linear


@mutant("Linear", "dL/db summed over the wrong axis")
def linear_bias_wrong_axis():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] += input.T @ delta
            if self.bias:
                self._gradient["b"] += delta.sum(axis=1)
    return Linear


@mutant("Linear", "dL/dW divided by the batch size (a mean, not a sum)")
def linear_weight_mean():
    class Linear(nn.Linear):
        def backward_update_gradient(self, input, delta):
            self._gradient["W"] += input.T @ delta / len(input)
            if self.bias:
                self._gradient["b"] += delta.sum(axis=0)
    return Linear


@mutant("MSELoss", "backward is the gradient of the sum, not of the mean")
def mse_backward_sum():
    class MSELoss(nn.MSELoss):
        def backward(self, y, yhat):
            return 2 * (yhat - y)
    return MSELoss


@mutant("MSELoss", "backward forgets the factor 2")
def mse_backward_no_two():
    class MSELoss(nn.MSELoss):
        def backward(self, y, yhat):
            return (yhat - y) / len(yhat)
    return MSELoss


@mutant("MSELoss", "backward has the wrong sign, (y - yhat)")
def mse_backward_sign():
    class MSELoss(nn.MSELoss):
        def backward(self, y, yhat):
            return 2 * (y - yhat) / len(yhat)
    return MSELoss


@mutant("MSELoss", "backward divides by every entry (y.size), not by the batch")
def mse_backward_size():
    class MSELoss(nn.MSELoss):
        def backward(self, y, yhat):
            return 2 * (yhat - y) / yhat.size
    return MSELoss


@mutant("MSELoss", "forward averages over the outputs instead of summing")
def mse_forward_mean_over_outputs():
    class MSELoss(nn.MSELoss):
        def forward(self, y, yhat):
            return ((y - yhat) ** 2).mean(axis=1)
    return MSELoss


@mutant("MSELoss", "forward returns the mean over the batch already")
def mse_forward_scalar():
    class MSELoss(nn.MSELoss):
        def forward(self, y, yhat):
            return ((y - yhat) ** 2).sum(axis=1).mean()
    return MSELoss
