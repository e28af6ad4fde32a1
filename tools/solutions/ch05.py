"""Reference answers for chapter 5, "Multi-class" (the checkers compare with them)."""
import numpy as np

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


def leaky_gain(slope=0.3):
    """The gain that keeps the variance through LeakyReLU(slope) layers:
    ``sqrt(2 / (1 + slope^2))`` (He's derivation with E[x^2] = (1 + a^2) Var(z) / 2)."""
    return float(np.sqrt(2 / (1 + slope**2)))
