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
        return X

    def backward(self, delta, input_gradient=True):
        """Backpropagate ``delta`` = dL/doutput of the last ``forward``.

        Accumulates every module's parameter gradient and returns dL/dinput.
        It uses the inputs ``forward`` kept (the arrays themselves, not copies):
        change one in place in between and call ``forward`` again, or use
        :meth:`backward_update_gradient`, which recomputes them from its input.

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
            last = i == 0 and not input_gradient
            if callable(getattr(m, "backward", None)):
                # A chain inside the chain (a nested Sequential): our forward ran
                # its forward, so it backpropagates from the inputs it kept.
                delta = m.backward(delta, input_gradient=not last)
            else:
                m.backward_update_gradient(X, delta)
                if last:
                    return None
                delta = m.backward_delta(X, delta)
        return None if not input_gradient else delta

    def backward_update_gradient(self, input, delta):
        """Add every module's dL/dparameters, from ``input`` and ``delta``.

        The inner inputs are recomputed from ``input`` (a forward pass), so the
        gradient is right even if ``input`` changed since the last ``forward``.
        Inside another Sequential, :meth:`backward` is used instead, without
        the extra forward pass.
        """
        self.forward(input)
        self.backward(delta, input_gradient=False)

    def backward_delta(self, input, delta):
        """dL/dinput, the shape of ``input``, from ``input`` and ``delta`` (the
        inner inputs recomputed by a forward pass; parameter gradients untouched)."""
        self.forward(input)
        for m, X in zip(reversed(self.modules), reversed(self._inputs)):
            delta = m.backward_delta(X, delta)
        return delta
