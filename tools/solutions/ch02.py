"""Reference answers for chapter 2, "Linear" (the checkers compare with them)."""
import numpy as np

from diy_nn.linear import Linear
from diy_nn.loss import MSELoss
from diy_nn.module import Loss


class HuberLoss(Loss):
    """Huber loss with threshold ``c``: per example, the sum over the outputs of
    ``r**2 / 2`` where ``|r| <= c`` and ``c * (|r| - c / 2)`` elsewhere,
    ``r = yhat - y``.

    ``y``, ``yhat``: ``(batch, p)``; ``forward`` returns ``(batch,)``; ``backward``
    the gradient of the batch mean, ``clip(r, -c, c) / batch``.
    """

    def __init__(self, c=1.0):
        super().__init__()
        self.c = c

    def _check(self, y, yhat):
        y, yhat = np.asarray(y), np.asarray(yhat)
        if y.shape != yhat.shape:
            raise ValueError(f"HuberLoss: y and yhat must have the same shape, got "
                             f"y {y.shape} and yhat {yhat.shape}")
        return y.astype(yhat.dtype), yhat

    def forward(self, y, yhat):
        y, yhat = self._check(y, yhat)
        r = np.abs(yhat - y)
        values = np.where(r <= self.c, r * r / 2, self.c * (r - self.c / 2))
        return values.reshape(len(values), -1).sum(axis=1)

    def backward(self, y, yhat):
        y, yhat = self._check(y, yhat)
        return np.clip(yhat - y, -self.c, self.c) / len(yhat)


def distance_after(x, y, eta, steps=25, start=(-1.0, -1.0)):
    """Largest ``|theta - theta*|`` after ``steps`` full-batch steps of rate ``eta``
    on the line ``(x, y)``, from ``(w, b) = start`` (in float64)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    model, mse = Linear(1, 1, dtype=np.float64), MSELoss()
    model._parameters["W"][...] = start[0]
    model._parameters["b"][...] = start[1]
    for _ in range(steps):
        model.zero_grad()
        model.backward_update_gradient(x, mse.backward(y, model(x)))
        model.update_parameters(eta)
    X_tilde = np.hstack([x, np.ones_like(x)])
    theta_star = np.linalg.lstsq(X_tilde, y, rcond=None)[0].ravel()
    theta = np.array([model._parameters["W"].item(), model._parameters["b"].item()])
    return np.abs(theta - theta_star).max()


def fastest_rate(x, y, steps=10):
    """The learning rate, on a grid of step 0.01, that brings gradient descent
    closest to the least-squares solution after ``steps`` steps."""
    grid = np.round(np.arange(0.01, 0.64, 0.01), 2)
    distances = [distance_after(x, y, eta, steps) for eta in grid]
    return float(grid[int(np.argmin(distances))])
