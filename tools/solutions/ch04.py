"""Reference answers for chapter 4, "Sequential" (the checkers compare with them)."""
import numpy as np

from diy_nn.data import linear_1d
from diy_nn.errors import DivergenceError
from diy_nn.linear import Linear
from diy_nn.loss import MSELoss
from diy_nn.optim import SGD


class RMSprop:
    """RMSprop (Hinton, 2012), PyTorch's convention without momentum:
    ``s = rho s + (1 - rho) g^2``, ``p -= eps g / (sqrt(s) + stabiliser)``, with
    ``eps`` the learning rate (the library's names).

    An update rule for :class:`diy_nn.Optim`: ``update(net, eps)`` changes the
    parameters of ``net`` from their gradients; ``s`` (one array a parameter)
    starts at zero and is kept between calls.
    """

    def __init__(self, rho=0.99, stabiliser=1e-8):
        self.rho, self.stabiliser = rho, stabiliser
        self._s = None

    def update(self, net, eps):
        pairs = list(net.parameters())
        if self._s is None:
            self._s = [np.zeros_like(p) for p, _ in pairs]
        for (p, g), s in zip(pairs, self._s):
            s *= self.rho
            s += (1 - self.rho) * g * g
            p -= eps * g / (np.sqrt(s) + self.stabiliser)


def converges(eps, rule="momentum", epochs=300):
    """True when full-batch training of Linear(1, 1) on the line data of chapter 4
    (``linear_1d(n=100, rng=0)``) with ``rule`` at learning rate ``eps`` does not
    diverge within ``epochs`` epochs."""
    X, Y = linear_1d(n=100, rng=0)
    try:
        SGD(Linear(1, 1, rng=0), MSELoss(), X, Y, batch_size=len(X), epochs=epochs,
            eps=eps, rule=rule, progress=False)
    except DivergenceError:
        return False
    return True


def momentum_limit(mu=0.9):
    """Heavy-ball momentum on a quadratic converges iff 0 < eta lambda < 2 (1 + mu):
    the limit ``2 (1 + mu) / lambda_1`` for the line data of chapter 4."""
    X, _ = linear_1d(n=100, rng=0)
    X_tilde = np.c_[X, np.ones(len(X))].astype(np.float64)
    lambda_1 = np.linalg.eigvalsh(2 / len(X) * X_tilde.T @ X_tilde).max()
    return 2 * (1 + mu) / lambda_1
