"""Reference answers for chapter 5, "Multi-class" (the checkers compare with them)."""
import numpy as np

from diy_nn.activation import LeakyReLU
from diy_nn.linear import Linear
from diy_nn.module import Loss


class NLLLoss(Loss):
    """Negative log-likelihood on log-probabilities: per example
    ``-sum_k y_k logp_k``, for ``logp`` of shape ``(batch, C)`` (the output of
    ``LogSoftmax``) and one-hot (or probability) rows ``y`` of the same shape.

    ``backward`` returns ``-y / batch``, the gradient of the batch mean.
    ``LogSoftmax`` followed by ``NLLLoss`` computes what ``CELoss`` computes.
    """

    def _check(self, y, logp):
        y, logp = np.asarray(y), np.asarray(logp)
        if y.shape != logp.shape or logp.ndim != 2:
            raise ValueError(
                f"NLLLoss: expected y and logp of the same shape (batch, classes), "
                f"got y {y.shape} and logp {logp.shape}"
            )
        return y.astype(logp.dtype), logp

    def forward(self, y, yhat):
        y, logp = self._check(y, yhat)
        return -(y * logp).sum(axis=1)

    def backward(self, y, yhat):
        y, logp = self._check(y, yhat)
        return -y / len(logp)


def mse_softmax_gradient(s, y):
    """d ||s - y||^2 / dz for one example with probabilities ``s = softmax(z)`` and
    target ``y``: equation (3) of chapter 5 with ``delta = 2 (s - y)``."""
    s, y = np.asarray(s, dtype=np.float64), np.asarray(y, dtype=np.float64)
    delta = 2 * (s - y)
    return s * (delta - (delta * s).sum())


def final_std_ratio(gain, slope=0.3, depth=20, width=256, seed=0):
    """std of the last pre-activation over the first's, through ``depth`` layers
    Linear(width, width) (weights normal with std ``gain / sqrt(width)``, no bias)
    with ``LeakyReLU(slope)`` between them, on a standard normal batch."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2000, width))
    stds = []
    for _ in range(depth):
        layer = Linear(width, width, bias=False, rng=rng, dtype=np.float64)
        layer._parameters["W"][...] = rng.normal(0, gain / np.sqrt(width),
                                                 (width, width))
        Z = layer(X)
        stds.append(Z.std())
        X = LeakyReLU(slope)(Z)
    return stds[-1] / stds[0]


def leaky_gain(slope=0.3):
    """The gain that keeps the variance through LeakyReLU(slope) layers:
    ``sqrt(2 / (1 + slope^2))`` (He's derivation with E[x^2] = (1 + a^2) Var(z) / 2)."""
    return float(np.sqrt(2 / (1 + slope**2)))
