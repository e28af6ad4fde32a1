"""The auto-encoder: an encoder and a decoder, trained to give back their input.

``AutoEncoder(encoder, decoder)`` is a module whose output is
``decoder(encoder(X))`` (chapter "The auto-encoder", equation (1)). With
``tied=True`` each ``Linear`` layer of the decoder is replaced by a
:class:`TiedLinear` that uses the transpose of the mirror ``Linear`` layer of the
encoder: one shared array, whose gradient sums both uses (equation (8)).
"""
import numpy as np

from .activation import Activation, Sigmoid
from .dropout import Dropout, check_recompute
from .errors import (
    as_real_array, check_array, check_bool, check_delta, check_finite, shape_str,
)
from .linear import Linear
from .module import Module
from .sequential import Sequential


class TiedLinear(Module):
    """``(batch, linear.out_features) -> (batch, linear.in_features)``: ``X @ W^T
    + b``, where ``W`` is the weight of ``linear``, another ``Linear`` layer
    (chapter "The auto-encoder", equation (7)).

    ``W`` is not a parameter of this layer: it is read from ``linear`` at every
    call, and its gradient, ``delta^T X`` of shape ``(linear.in_features,
    linear.out_features)``, is added to ``linear``'s gradient of ``W``, which so
    sums both uses (equation (8)). The bias ``b``, shape ``(linear.in_features,)``,
    is this layer's own parameter; ``bias=False`` leaves it out. ``b`` starts at
    zero, or at ``b`` when given (an array of that shape).
    """

    def __init__(self, linear, bias=True, b=None):
        super().__init__()
        if not isinstance(linear, Linear):
            raise TypeError(
                f"TiedLinear: expected the Linear layer to tie to, "
                f"got {type(linear).__name__}"
            )
        self.linear = linear
        self.in_features, self.out_features = linear.out_features, linear.in_features
        self.bias = check_bool("TiedLinear", "bias", bias)
        W = linear._parameters["W"]
        if self.bias:
            self._parameters["b"] = (np.zeros(W.shape[0], dtype=W.dtype) if b is None
                                     else self._check_bias(b, W.dtype))
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def _check_bias(self, b, dtype):
        b = as_real_array("TiedLinear", b, dtype, what="b")
        if b.shape != (self.out_features,):
            raise ValueError(
                f"TiedLinear: expected a bias of shape ({self.out_features},), "
                f"got {shape_str(b.shape)}"
            )
        check_finite("TiedLinear", b, "b", hint="")
        return b.copy()

    def __repr__(self):
        return (f"TiedLinear({self.in_features}, {self.out_features}"
                f"{'' if self.bias else ', bias=False'}; "
                f"W: the transpose of {self.linear!r})")

    def _W(self):
        return self.linear._parameters["W"]

    def _check(self, X, finite=True):
        return check_array(f"TiedLinear({self.in_features}, {self.out_features})", X,
                           ("batch", self.in_features), finite, self._W().dtype)

    def _check_delta(self, X, delta, finite=True):
        return check_delta(self, delta, (len(X), self.out_features), X.shape,
                           self._W().dtype, finite)

    def forward(self, X):
        """``(batch, input) -> (batch, output)``: ``X @ W^T + b`` (equation (7))."""
        X = self._check(X)
        out = X @ self._W().T
        if self.bias:
            out += self._parameters["b"]
        return out

    def backward_update_gradient(self, input, delta):
        """Add ``delta^T X`` to the tied layer's gradient of ``W`` and the column
        sums of ``delta`` to this layer's gradient of ``b`` (equation (8))."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta)
        # Equation (8): d(X W^T)/dW gives (X^T delta)^T = delta^T X, the shape of W.
        self.linear._gradient["W"] += delta.T @ X
        if self.bias:
            self._gradient["b"] += delta.sum(axis=0)

    def backward_delta(self, input, delta):
        """dL/dX = ``delta @ W``: ``(batch, output) -> (batch, input)``."""
        X = self._check(input, finite=False)
        delta = self._check_delta(X, delta, finite=False)
        return delta @ self._W()


# Modules that keep the width of their input: the widths of a chain made of these
# and of Linear layers can be read before any data is seen.
_SAME_WIDTH = (Activation, Dropout)


def _widths(module):
    """``(input width, output width)`` of a chain of Linear, TiedLinear and
    element-wise layers, or None when it holds another kind of module."""
    if isinstance(module, (Linear, TiedLinear)):
        return module.in_features, module.out_features
    if isinstance(module, _SAME_WIDTH):
        return "any", "any"
    if isinstance(module, Sequential):
        first = last = "any"
        for m in module:
            w = _widths(m)
            if w is None:
                return None
            if w[0] != "any":
                if last != "any" and last != w[0]:
                    return None     # the chain itself is broken: forward will say
                if first == "any":
                    first = w[0]
                last = w[1]
        return first, last
    return None


def _linear_slots(module):
    """Every Linear layer of ``module`` in forward order, as ``(container,
    index)`` pairs (``(None, None)`` when ``module`` itself is the layer)."""
    if isinstance(module, Linear):
        return [(None, None)]
    slots = []
    if isinstance(module, Sequential):
        for i, m in enumerate(module.modules):
            if isinstance(m, Linear):
                slots.append((module, i))
            else:
                slots.extend(s for s in _linear_slots(m) if s[0] is not None)
    return slots


def _layer(root, slot):
    container, i = slot
    return root if container is None else container.modules[i]


def _backprop(module, input, delta, input_gradient=True):
    """Accumulate ``module``'s parameter gradients from its last forward (whose
    input was ``input``) and ``delta``; return dL/dinput (None when
    ``input_gradient`` is False)."""
    if callable(getattr(module, "backward", None)):
        # Its backward runs each layer's two gradients from the inputs its
        # forward kept: one pass, no forward computed again.
        return module.backward(delta, input_gradient=input_gradient)
    module.backward_update_gradient(input, delta)
    return module.backward_delta(input, delta) if input_gradient else None


class AutoEncoder(Module):
    """``AutoEncoder(encoder, decoder, tied=False)``: the module
    ``X -> decoder(encoder(X))`` (chapter "The auto-encoder", equation (1)).

    ``encoder`` maps ``(batch, d)`` to the code ``(batch, k)``, ``decoder``
    maps the code back to ``(batch, d)``; both are modules, usually
    :class:`~diy_nn.Sequential`. The decoder ends with the layer whose output is
    compared with ``X``: a ``Linear`` (logits) for
    :class:`~diy_nn.BCEWithLogitsLoss`, or a ``Sigmoid`` for
    :class:`~diy_nn.BCELoss` and :class:`~diy_nn.MSELoss` on pixels in [0, 1].

    ``encode(X)`` gives the code, ``decode(Z)`` the decoder's output; with
    ``probabilities=True`` ``decode`` applies a sigmoid to it, which turns the
    logits of a decoder trained with ``BCEWithLogitsLoss`` into pixels.

    ``tied=True`` ties the weights: the ``j``-th ``Linear`` layer of the decoder
    (in forward order) is replaced, in the decoder itself, by a
    :class:`TiedLinear` on the transpose of the ``j``-th last ``Linear`` layer of
    the encoder, so that ``Linear(256, 64)-...-Linear(64, 10)`` ties to
    ``Linear(10, 64)-...-Linear(64, 256)``, layer by mirror layer. Each decoder
    layer keeps its bias; its own ``W`` is dropped. Both must have the same
    number of ``Linear`` layers, of transposed shapes, else ``ValueError``.

    A code width that the decoder does not take, or a decoder whose output
    width differs from the encoder's input width, is a ``ValueError`` at
    construction when the widths can be read from ``Linear`` layers, else at
    the first forward.

    ``backward(delta)`` backpropagates through the last :meth:`forward` (as
    :meth:`Sequential.backward <diy_nn.Sequential.backward>` does) and returns
    dL/dX; ``backward_update_gradient(input, delta)`` and ``backward_delta(input,
    delta)`` recompute the forward from ``input`` (the ``Module`` contract).
    """

    def __init__(self, encoder, decoder, tied=False):
        super().__init__()
        for name, m in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(m, Module):
                what = type(m).__name__
                if isinstance(m, type) and issubclass(m, Module):
                    what = f"the class {m.__name__} itself: pass an instance"
                raise TypeError(
                    f"AutoEncoder: expected the {name} to be a Module, got {what}"
                )
        if encoder is decoder:
            raise ValueError("AutoEncoder: the encoder and the decoder must be "
                             "two different modules")
        self.encoder, self.decoder = encoder, decoder
        self.tied = check_bool("AutoEncoder", "tied", tied)
        self._check_widths()
        if self.tied:
            self._tie()
        self._forward_state = None

    # --- construction -----------------------------------------------------------

    def _check_widths(self):
        enc, dec = _widths(self.encoder), _widths(self.decoder)
        if enc is None or dec is None:
            return      # other kinds of modules: forward checks the shapes
        (d_in, k_enc), (k_dec, d_out) = enc, dec
        if "any" not in (k_enc, k_dec) and k_enc != k_dec:
            raise ValueError(
                f"AutoEncoder: the encoder gives a code of width {k_enc} but the "
                f"decoder expects an input of width {k_dec}"
            )
        if "any" not in (d_in, d_out) and d_in != d_out:
            raise ValueError(
                f"AutoEncoder: the decoder's output has width {d_out} but the "
                f"encoder's input has width {d_in}; a reconstruction must have "
                f"the input's width"
            )

    def _tie(self):
        enc_slots = _linear_slots(self.encoder)
        dec_slots = _linear_slots(self.decoder)
        if len(enc_slots) != len(dec_slots) or not enc_slots:
            raise ValueError(
                f"AutoEncoder(tied=True): the encoder has {len(enc_slots)} Linear "
                f"layers and the decoder {len(dec_slots)}; tying needs the same "
                f"number (at least one), paired in mirror order"
            )
        pairs = list(zip(reversed(enc_slots), dec_slots))
        for j, (e_slot, d_slot) in enumerate(pairs):
            e, d = _layer(self.encoder, e_slot), _layer(self.decoder, d_slot)
            if (d.in_features, d.out_features) != (e.out_features, e.in_features):
                raise ValueError(
                    f"AutoEncoder(tied=True): decoder Linear layer {j} is {d!r}, "
                    f"but the encoder layer it mirrors is {e!r}; tying needs "
                    f"Linear({e.out_features}, {e.in_features})"
                )
        for e_slot, d_slot in pairs:
            e, d = _layer(self.encoder, e_slot), _layer(self.decoder, d_slot)
            b = d._parameters["b"].astype(e._parameters["W"].dtype) if d.bias else None
            tied = TiedLinear(e, bias=d.bias, b=b)
            container, i = d_slot
            if container is None:
                self.decoder = tied
            else:
                container.modules[i] = tied

    # --- the module -------------------------------------------------------------

    def __repr__(self):
        def indent(m):
            return repr(m).replace("\n", "\n  ")
        tied = ",\n  tied=True" if self.tied else ""
        return (f"AutoEncoder(\n  encoder={indent(self.encoder)},\n"
                f"  decoder={indent(self.decoder)}{tied}\n)")

    def children(self):
        return (self.encoder, self.decoder)

    def named_parameters(self, prefix=""):
        """Yield (name, parameter, gradient) triples, named ``encoder.0.W``,
        ``decoder.2.b``...; a tied ``W`` appears once, under the encoder."""
        yield from self.encoder.named_parameters(prefix + "encoder.")
        yield from self.decoder.named_parameters(prefix + "decoder.")

    def encode(self, X):
        """The code of ``X``: ``(batch, d) -> (batch, k)``."""
        self._forward_state = None      # backward needs a forward after this
        return self.encoder.forward(X)

    def decode(self, Z, probabilities=False):
        """The decoder's output for the code ``Z``: ``(batch, k) -> (batch, d)``.

        ``probabilities=True`` applies the sigmoid ``1 / (1 + exp(-x))`` to it:
        the pixels in [0, 1] of a decoder that ends with a ``Linear`` layer
        trained with ``BCEWithLogitsLoss``.
        """
        self._forward_state = None
        probabilities = check_bool("AutoEncoder.decode", "probabilities", probabilities)
        out = self._decode_checked(Z)
        if probabilities:
            out = Sigmoid()._function(out)
        return out

    def _decode_checked(self, Z):
        try:
            return self.decoder.forward(Z)
        except ValueError as e:
            raise ValueError(
                f"AutoEncoder: the decoder does not take a code of shape "
                f"{shape_str(getattr(Z, 'shape', ()))}: {e}"
            ) from e

    def forward(self, X):
        """``decoder(encoder(X))``: ``(batch, d) -> (batch, d)`` (equation (1)).
        Keeps ``X`` and the code for :meth:`backward` (``predict`` keeps none)."""
        Z = self.encoder.forward(X)
        out = self._decode_checked(Z)
        if out.shape != np.shape(X):
            raise ValueError(
                f"AutoEncoder: the decoder's output has shape {shape_str(out.shape)} "
                f"but the input has shape {shape_str(np.shape(X))}; a reconstruction "
                f"must have the input's shape"
            )
        self._forward_state = (X, Z) if self.keep_for_backward else None
        return out

    def backward(self, delta, input_gradient=True):
        """Backpropagate ``delta`` = dL/doutput of the last :meth:`forward`
        through the decoder, then the encoder (equations (2) and (3)).

        Accumulates every parameter gradient and returns dL/dX (None with
        ``input_gradient=False``, which skips the encoder's first input gradient).
        """
        if self._forward_state is None:
            raise RuntimeError(
                "AutoEncoder.backward: call forward first (encode, decode and "
                "predict do not count); backward needs the input and the code of "
                "a forward"
            )
        X, Z = self._forward_state
        dZ = _backprop(self.decoder, Z, delta)
        return _backprop(self.encoder, X, dZ, input_gradient)

    def backward_update_gradient(self, input, delta):
        """Add the gradients of every parameter, from ``input`` and ``delta``
        (the forward is computed again from ``input``)."""
        check_recompute(self, "backward_update_gradient")
        self.forward(input)
        self.backward(delta, input_gradient=False)

    def backward_delta(self, input, delta):
        """dL/dinput, the shape of ``input``; the parameter gradients are left
        untouched."""
        check_recompute(self, "backward_delta")
        Z = self.encoder.forward(input)
        self._forward_state = None
        self._decode_checked(Z)
        # Through the decoder, then the encoder, with each layer's input gradient
        # alone (chapter "Sequential", equation (3)).
        dZ = self.decoder.backward_delta(Z, delta)
        return self.encoder.backward_delta(input, dZ)
