"""Reference answers for chapter 1, "The module" (the checkers compare with them)."""
import numpy as np

from diy_nn.module import Module


class Scale(Module):
    """``z = x * s``: feature ``j`` of every example times its own learnable ``s[j]``.

    ``(n, d) -> (n, d)``; one parameter ``"s"`` of shape ``(d,)``.
    """

    def __init__(self, d):
        super().__init__()
        # not all ones, so that a forward that forgets s is caught
        self._parameters["s"] = np.random.default_rng(0).uniform(0.5, 1.5, d)
        self._gradient["s"] = np.zeros(d)

    def forward(self, X):
        return X * self._parameters["s"]

    def backward_update_gradient(self, input, delta):
        # chapter "The module", equation (3): a sum over the batch, added
        self._gradient["s"] += (delta * input).sum(axis=0)

    def backward_delta(self, input, delta):
        # equation (4): one term, dz_ij / dx_ij = s_j
        return delta * self._parameters["s"]


def finite_difference_errors(mean_loss, W, index, exact, exponents=range(-1, -13, -1)):
    """``{h: |central difference with step h - exact|}`` for ``h = 10**e``.

    ``mean_loss()`` computes the loss; ``W[index]`` is perturbed in place and
    restored.
    """
    errors = {}
    old = W[index]
    for e in exponents:
        h = 10.0 ** e
        W[index] = old + h
        plus = mean_loss()
        W[index] = old - h
        minus = mean_loss()
        W[index] = old
        errors[h] = abs((plus - minus) / (2 * h) - exact)
    return errors


def best_step(mean_loss, W, index, exact):
    """The power of ten ``h`` whose central difference is closest to ``exact``."""
    errors = finite_difference_errors(mean_loss, W, index, exact)
    return min(errors, key=errors.get)
