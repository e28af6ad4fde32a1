"""The fully connected layer."""
import numpy as np

from .dtype import resolve_dtype
from .errors import check_array, check_positive_int
from .init import check_init, get_rng, init_bias, init_weights
from .module import Module


class Linear(Module):
    """``(batch, input) -> (batch, output)``: ``X @ W + b``
    (chapter "Linear", equation (1)).

    Parameters ``W`` of shape ``(input, output)`` and ``b`` of shape ``(output,)``.

    ``input`` and ``output`` are integers >= 1. ``init`` is ``"default"``
    (uniform on ±1/sqrt(input), as PyTorch), ``"xavier"`` or ``"he"``; ``rng`` a
    seed or ``numpy.random.Generator``; ``dtype`` the parameters' dtype (default:
    :func:`diy_nn.get_default_dtype`). An input of another dtype is converted to
    the parameters' dtype, so the output has it too.
    """

    def __init__(self, input, output, bias=True, init="default", rng=None, dtype=None):
        super().__init__()
        self.input = check_positive_int("Linear", "input", input)
        self.output = check_positive_int("Linear", "output", output)
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"Linear: expected bias True or False, got {bias!r}")
        self.bias = bool(bias)
        check_init("Linear: init", init)
        input, output = self.input, self.output
        dtype = resolve_dtype(dtype)
        # One stream for W and b: an int seed must not restart it for b.
        rng = get_rng(rng)
        self._parameters["W"] = init_weights(
            (input, output), input, output, init, rng, dtype
        )
        if bias:
            self._parameters["b"] = init_bias((output,), input, init, rng, dtype)
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def __repr__(self):
        return (f"Linear({self.input}, {self.output}"
                f"{'' if self.bias else ', bias=False'})")

    def _check(self, X, finite=True):
        X = check_array(repr(self), X, ("batch", self.input), finite)
        W = self._parameters["W"]
        return X if X.dtype == W.dtype else X.astype(W.dtype)

    def forward(self, X):
        """``(batch, input) -> (batch, output)``: ``X @ W + b`` (equation (1))."""
        X = self._check(X)
        out = X @ self._parameters["W"]
        if self.bias:
            out += self._parameters["b"]
        return out

    def backward_update_gradient(self, input, delta):
        """Add ``X^T delta`` to dL/dW and the column sums of ``delta`` to dL/db
        (equation (2)); ``input`` is ``(batch, input)``, ``delta`` ``(batch, output)``.
        """
        # Equation (2): dL/dW = X^T delta, dL/db = sum of delta over the batch.
        # forward has looked for NaN in this input already: check the shape only.
        input = self._check(input, finite=False)
        self._gradient["W"] += input.T @ delta
        if self.bias:
            self._gradient["b"] += delta.sum(axis=0)

    def backward_delta(self, input, delta):
        """dL/dX = ``delta @ W^T``: ``(batch, output) -> (batch, input)``
        (equation (3))."""
        # Equation (3): dL/dX = delta W^T.
        return delta @ self._parameters["W"].T
