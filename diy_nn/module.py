"""The two abstractions of the book: :class:`Module` and :class:`Loss`.

A network is a chain of modules. Each module owes two gradients in the
backward pass (chapter "The module", equations (3) and (4)):

- w.r.t. its parameters, accumulated into ``_gradient`` by
  :meth:`Module.backward_update_gradient`;
- w.r.t. its input, returned by :meth:`Module.backward_delta`, which the
  module before it receives as its ``delta``.
"""
from .dtype import resolve_dtype
from .errors import check_bool, check_nonnegative


class Module:
    """A differentiable function with (optionally) parameters.

    Attributes
    ----------
    _parameters : dict[str, ndarray]
        The parameters by name (``"W"``, ``"b"``); empty for modules without.
    _gradient : dict[str, ndarray]
        dL/dparameter, same names and shapes, accumulated until :meth:`zero_grad`.
    training : bool
        True in training mode, False in evaluation mode (see :meth:`eval`).
    keep_for_backward : bool
        Whether a forward pass keeps what a backward pass needs (the inputs of a
        :class:`~diy_nn.Sequential`): True, except while :meth:`predict` runs.
    """

    keep_for_backward = True

    def __init__(self):
        self._parameters = {}
        self._gradient = {}
        self.training = True

    def __call__(self, X):
        return self.forward(X)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def forward(self, X):
        """Compute the output of the module for the batch ``X``."""
        raise NotImplementedError(f"{type(self).__name__}.forward is not written yet")

    def backward_update_gradient(self, input, delta):
        """Add dL/dparameters, from the module's ``input`` and ``delta`` = dL/doutput,
        into ``_gradient``.

        Modules without parameters have nothing to add.
        """

    def backward_delta(self, input, delta):
        """Return dL/dinput (the shape of ``input``) from ``input`` and
        ``delta`` = dL/doutput."""
        raise NotImplementedError(
            f"{type(self).__name__}.backward_delta is not written yet"
        )

    def children(self):
        """The modules this one is made of (none for a single layer)."""
        return ()

    def zero_grad(self):
        """Set every accumulated gradient back to zero."""
        for g in self._gradient.values():
            g.fill(0)  # in place; twice as fast as g[...] = 0
        for child in self.children():
            child.zero_grad()

    def update_parameters(self, gradient_step=1e-3):
        """One step of gradient descent: ``p -= gradient_step * grad`` for every
        parameter; ``gradient_step`` (the learning rate) is a finite number >= 0."""
        gradient_step = check_nonnegative(
            f"{type(self).__name__}.update_parameters", "gradient_step", gradient_step)
        for p, g in self.parameters():
            p -= gradient_step * g

    def parameters(self):
        """Yield the (parameter, gradient) pairs of this module and of its children."""
        for name, p in self._parameters.items():
            yield p, self._gradient[name]
        for child in self.children():
            yield from child.parameters()

    def named_parameters(self, prefix=""):
        """Yield (name, parameter, gradient) triples; children's names are
        prefixed by their index."""
        for name, p in self._parameters.items():
            yield prefix + name, p, self._gradient[name]
        for i, child in enumerate(self.children()):
            yield from child.named_parameters(f"{prefix}{i}.")

    def num_parameters(self):
        """The number of scalar parameters."""
        return sum(p.size for p, _ in self.parameters())

    def astype(self, dtype):
        """Convert parameters and gradients to ``dtype`` in place;
        returns the module."""
        dtype = resolve_dtype(dtype, f"{type(self).__name__}.astype")
        for name in self._parameters:
            self._parameters[name] = self._parameters[name].astype(dtype, copy=False)
            self._gradient[name] = self._gradient[name].astype(dtype, copy=False)
        for child in self.children():
            child.astype(dtype)
        return self

    def train(self, mode=True):
        """Switch to training mode (or evaluation mode with ``mode=False``);
        returns the module."""
        self.training = check_bool(f"{type(self).__name__}.train", "mode", mode)
        for child in self.children():
            child.train(mode)
        return self

    def predict(self, X):
        """The output for ``X`` in evaluation mode, keeping nothing for a backward
        pass: each layer's output is freed once the next layer has used it, so a
        network can predict a whole test set in one call. The mode (training or
        evaluation) is restored afterwards."""
        was_training, keep = self.training, Module.keep_for_backward
        self.eval()
        Module.keep_for_backward = False
        try:
            return self.forward(X)
        finally:
            Module.keep_for_backward = keep
            self.train(was_training)

    def eval(self):
        """Switch to evaluation mode (dropout off, for example); returns the module."""
        return self.train(False)


class Loss:
    """A loss compares targets ``y`` with predictions ``yhat``, both batch first,
    called as ``loss(y, yhat)``: targets first, the course's order (PyTorch's
    losses take ``(input, target)``, the other way round).

    ``forward(y, yhat)`` returns one loss per example, shape ``(batch,)``.
    ``backward(y, yhat)`` returns the gradient of the batch mean
    ``forward(y, yhat).mean()`` with respect to ``yhat`` (shape of ``yhat``):
    dividing by the batch size keeps the learning rate independent of it.
    """

    def __call__(self, y, yhat):
        return self.forward(y, yhat)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def forward(self, y, yhat):
        """The loss of each example: shape ``(batch,)``."""
        raise NotImplementedError(f"{type(self).__name__}.forward is not written yet")

    def backward(self, y, yhat):
        """d mean(forward(y, yhat)) / d yhat, the shape of ``yhat``."""
        raise NotImplementedError(f"{type(self).__name__}.backward is not written yet")
