"""A chain of modules that is itself a module."""
from .module import Module


class Sequential(Module):
    """``Sequential(m1, m2, ...)``: the output of each module is the input of the next.

    It maps the input shape of ``m1`` to the output shape of the last module.
    ``forward`` keeps the input of every module, which the backward pass needs
    (chapter "Sequential", equation (1)). ``backward(delta)`` then runs both
    halves of backpropagation in reverse order (equations (2) and (3)) and
    returns dL/dinput. Modules can be appended, indexed and iterated over like a list.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        self.modules = []
        for m in modules:
            self.append(m)
        self._inputs = None
        self._last_delta = None

    def append(self, module):
        """Add ``module`` at the end; returns the Sequential, so calls can be
        chained."""
        if not isinstance(module, Module):
            raise TypeError(
                f"Sequential: expected a Module, got {type(module).__name__}"
            )
        self.modules.append(module)
        return self

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Sequential(*self.modules[i])
        return self.modules[i]

    def __len__(self):
        return len(self.modules)

    def __iter__(self):
        return iter(self.modules)

    def __repr__(self):
        # Indent every line of a child's repr, so that nesting shows.
        inner = ",\n".join("  " + repr(m).replace("\n", "\n  ") for m in self.modules)
        return f"Sequential(\n{inner}\n)"

    def children(self):
        return self.modules

    def forward(self, X):
        """The output of the last module; keeps the input of every module for the
        backward pass."""
        inputs = []
        for m in self.modules:
            inputs.append(X)
            X = m.forward(X)
        self._inputs = inputs
        self._last_delta = None
        return X

    def backward(self, delta, input_gradient=True):
        """Backpropagate ``delta`` = dL/doutput of the last ``forward``.

        Accumulates every module's parameter gradient and returns dL/dinput.

        With ``input_gradient=False``, ``backward`` returns None and skips the
        first module's ``backward_delta``, whose result nobody uses in training.
        For a first ``Linear`` layer this skips the product ``delta @ W^T``, half
        of that layer's backward computation.
        """
        if self._inputs is None:
            raise RuntimeError(
                "Sequential.backward: call forward first; backward needs its inputs"
            )
        for i in range(len(self.modules) - 1, -1, -1):
            m, X = self.modules[i], self._inputs[i]
            m.backward_update_gradient(X, delta)
            if i == 0 and not input_gradient:
                return None
            delta = m.backward_delta(X, delta)
        return delta

    def _ensure_forward(self, input):
        # Nested in another Sequential, we are handed our input again: reuse the
        # inputs kept by forward when it is the same array, else recompute them.
        if self._inputs is None or self._inputs[0] is not input:
            self.forward(input)

    def backward_update_gradient(self, input, delta):
        """For a Sequential inside another: run :meth:`backward` from ``delta``,
        which accumulates the parameter gradients of every module, and keep
        dL/dinput for the :meth:`backward_delta` call that follows."""
        self._ensure_forward(input)
        self._last_delta = (delta, self.backward(delta))

    def backward_delta(self, input, delta):
        """dL/dinput, the shape of ``input``: the one :meth:`backward_update_gradient`
        computed for the same ``input`` and ``delta``, else a pass through every
        module's ``backward_delta`` (parameter gradients untouched)."""
        last = self._last_delta
        if last is not None and last[0] is delta and self._inputs[0] is input:
            return last[1]
        self._ensure_forward(input)
        # Only dL/dinput is asked for: leave the parameter gradients alone.
        for m, X in zip(reversed(self.modules), reversed(self._inputs)):
            delta = m.backward_delta(X, delta)
        return delta
