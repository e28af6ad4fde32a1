"""A chain of modules that is itself a module."""
from .dropout import check_recompute
from .module import Module


class Sequential(Module):
    """``Sequential(m1, m2, ...)``: the output of each module is the input of the next.

    It maps the input shape of ``m1`` to the output shape of the last module.
    ``forward`` keeps the input of every module, which the backward pass needs
    (chapter "Sequential", equation (1)); ``predict`` keeps none.
    ``backward(delta)`` then runs both halves of backpropagation in reverse order
    (equations (2) and (3)) and returns dL/dinput. Modules can be appended,
    indexed and iterated over like a list.
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
            what = type(module).__name__
            if isinstance(module, type) and issubclass(module, Module):
                what = (f"the class {module.__name__} itself: pass an instance, "
                        f"{module.__name__}()")
            elif isinstance(module, str):
                what = f"the string {module!r}: pass a module, such as ReLU()"
            elif callable(module):
                name = getattr(module, "__name__", type(module).__name__)
                what = (f"the function {name}: pass a module, such as TanH(), "
                        "which also knows its gradient")
            raise TypeError(f"Sequential: expected a Module, got {what}")
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
        backward pass (except in :meth:`~diy_nn.Module.predict`, which keeps
        nothing)."""
        self._inputs = None  # the last batch's inputs go before the new ones come
        inputs = [] if self.keep_for_backward else None
        for m in self.modules:
            if inputs is not None:
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
                "Sequential.backward: call forward first; backward needs the "
                "inputs of a forward (predict keeps none)"
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
        check_recompute(self, "backward_update_gradient")
        self.forward(input)
        self.backward(delta, input_gradient=False)

    def backward_delta(self, input, delta):
        """dL/dinput, the shape of ``input``, from ``input`` and ``delta`` (the
        inner inputs recomputed by a forward pass; parameter gradients untouched)."""
        check_recompute(self, "backward_delta")
        self.forward(input)
        for m, X in zip(reversed(self.modules), reversed(self._inputs)):
            delta = m.backward_delta(X, delta)
        return delta
