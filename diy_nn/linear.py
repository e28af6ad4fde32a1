"""The fully connected layer."""
from .errors import check_array, check_bool, check_delta, check_sizes
from .init import make_parameters
from .module import Module


class Linear(Module):
    """``(batch, input) -> (batch, output)``: ``X @ W + b``
    (chapter "Linear", equation (1)).

    Parameters ``W`` of shape ``(input, output)`` and ``b`` of shape ``(output,)``.

    ``input`` and ``output`` are integers >= 1, the sizes of an input and an
    output row, kept as ``in_features`` and ``out_features``. ``bias`` is True or
    False. ``init`` is ``"default"`` (uniform on ±1/sqrt(input), as PyTorch),
    ``"xavier"``, ``"he"`` or ``"zeros"``; ``rng`` a seed or
    ``numpy.random.Generator``; ``dtype`` the parameters' floating dtype (default:
    :func:`diy_nn.get_default_dtype`). An input of another dtype is converted to
    the parameters' dtype, so the output has it too.
    """

    def __init__(self, input, output, bias=True, init="default", rng=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = check_sizes(
            "Linear", input=input, output=output)
        self.bias = check_bool("Linear", "bias", bias)
        self._parameters, self._gradient = make_parameters(
            "Linear", W=(input, output), b=(output,) if self.bias else None,
            init=init, rng=rng, dtype=dtype)

    def __repr__(self):
        return (f"Linear({self.in_features}, {self.out_features}"
                f"{'' if self.bias else ', bias=False'})")

    def _check(self, X, finite=True):
        return check_array(self, X, ("batch", self.in_features), finite,
                           self._parameters["W"].dtype)

    def _check_delta(self, X, delta, finite=True):
        return check_delta(self, delta, (len(X), self.out_features), X.shape,
                           self._parameters["W"].dtype, finite)

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
        # forward has looked for NaN and infinity in this input: check the shape.
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        # Equation (2): dL/dW = X^T delta, dL/db = sum of delta over the batch.
        self._gradient["W"] += X.T @ delta
        if self.bias:
            self._gradient["b"] += delta.sum(axis=0)

    def backward_delta(self, input, delta):
        """dL/dX = ``delta @ W^T``: ``(batch, output) -> (batch, input)``
        (equation (3))."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        # Equation (3): dL/dX = delta W^T.
        return delta @ self._parameters["W"].T
