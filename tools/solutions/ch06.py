"""Reference answers for chapter 6, "The auto-encoder" (checkers compare with them)."""
import numpy as np

from diy_nn.module import Loss


class L1Loss(Loss):
    """Absolute error, summed over every axis but the batch axis: ``y`` and
    ``yhat`` of the same shape ``(batch, ...)``.

    ``forward`` gives ``sum |yhat - y|`` per example, shape ``(batch,)``;
    ``backward`` the gradient of the batch mean, ``sign(yhat - y) / batch``
    (0 where ``yhat == y``, as PyTorch).
    """

    def _check(self, y, yhat):
        y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
        if y.shape != yhat.shape:
            raise ValueError(
                f"L1Loss: y and yhat must have the same shape, got {y.shape} "
                f"and {yhat.shape}"
            )
        return y, yhat

    def forward(self, y, yhat):
        y, yhat = self._check(y, yhat)
        return np.abs(yhat - y).reshape(len(yhat), -1).sum(axis=1)

    def backward(self, y, yhat):
        y, yhat = self._check(y, yhat)
        return np.sign(yhat - y) / len(yhat)


def tied_gradient(X, delta, W, b):
    """dL/dW of the one-layer tied auto-encoder ``z = X W + b``,
    ``xhat = z W^T + c``, from ``delta`` = dL/dxhat: both uses of ``W``
    (chapter "The auto-encoder", equation (8))."""
    Z = X @ W + b
    return X.T @ (delta @ W) + delta.T @ Z


def sparse_gradient(Z, lam):
    """The gradient of ``mean_i lam * ||z_i||_1`` with respect to the codes ``Z``."""
    return lam * np.sign(Z) / len(Z)


def pca_error(eigenvalues, k):
    """The smallest mean squared reconstruction error of a linear auto-encoder with
    a code of size ``k``: the sum of the left-out eigenvalues (equation (9))."""
    return float(np.sort(np.asarray(eigenvalues, dtype=float))[::-1][k:].sum())
