"""Dropout: a regulariser that switches units off at random while training.

Inverted dropout (chapter "Multi-class", equation (10)), as PyTorch does it: in
training mode each input is kept with probability ``1 - p`` and scaled by
``1 / (1 - p)``, so its expected value is unchanged; in evaluation mode
(``module.eval()``) the module is the identity and nothing needs rescaling.

The mask is random, so the gradient is that of one forward pass: the mask that
this forward applied to this input. ``backward_delta`` checks that its input is
the input of the last forward (by value, not by identity) and refuses otherwise.
"""
import numpy as np

from .errors import as_real_array, check_delta, check_finite, check_probability
from .init import get_rng
from .module import Module


class Dropout(Module):
    """``(batch, ...) -> (batch, ...)``: ``X * mask`` in training mode, ``X`` in
    evaluation mode.

    Each entry of ``mask`` is ``1 / (1 - p)`` with probability ``1 - p`` and 0
    otherwise, drawn afresh at every ``forward``. The gradient w.r.t. the input is
    ``delta * mask`` with the mask of the last ``forward``, whose input
    ``backward_delta`` must be given (the same values); after a forward in
    evaluation mode, ``delta`` itself.

    ``p`` is the probability of dropping a unit, in [0, 1). ``rng``: a seed or
    ``numpy.random.Generator`` for the masks (None: the package's generator, see
    :func:`diy_nn.manual_seed`). :meth:`set_mask` fixes the mask, for a gradient check.
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        self.p = check_probability("Dropout", "the drop probability p", p)
        # An int seed becomes one generator here, so that successive masks differ.
        self._rng = None if rng is None else get_rng(rng)
        self.mask = None
        self._fixed = False
        # What the last forward did: None (no forward yet), "identity", or a copy
        # of the input it multiplied by self.mask.
        self._last = None

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def set_mask(self, keep):
        """Use ``keep`` (booleans, True = kept) in every ``forward`` in training
        mode until ``set_mask(None)``."""
        self._last = None
        if keep is None:
            self._fixed, self.mask = False, None
            return self
        keep = np.asarray(keep, dtype=bool)
        self.mask = keep / (1 - self.p)
        self._fixed = True
        return self

    def _random(self):
        """Whether ``forward`` draws a new mask at every call now."""
        return self.training and self.p > 0 and not self._fixed

    def _check(self, X):
        X = as_real_array(self, X)
        check_finite(self, X)
        return X

    def forward(self, X):
        """``X * mask`` with a new random mask (or the one :meth:`set_mask` fixed)
        in training mode, ``X`` itself in evaluation mode; the shape of ``X``."""
        X = self._check(X)
        if not self.training or self.p == 0:
            self._last = "identity"
            return X
        if self._fixed:
            if self.mask.shape != X.shape:
                raise ValueError(
                    f"{self!r}: the fixed mask has shape {self.mask.shape}, "
                    f"the input {X.shape}"
                )
        else:
            keep = get_rng(self._rng).random(X.shape) >= self.p
            self.mask = (keep / (1 - self.p)).astype(X.dtype)
        self._last = X.copy()
        return X * self.mask.astype(X.dtype, copy=False)

    def backward_delta(self, input, delta):
        """``delta * mask``, with the mask the last ``forward`` applied to
        ``input`` (``delta`` itself when that forward ran in evaluation mode); the
        shape of ``input``."""
        input = as_real_array(self, input)
        delta = check_delta(self, delta, input.shape, input.shape, finite=False)
        mask = self._checked_mask(input)
        return delta if mask is None else delta * mask.astype(delta.dtype, copy=False)

    def _checked_mask(self, input):
        """The mask the last forward applied to ``input`` (None: the identity), or
        a ValueError when ``input`` is not what that forward was given."""
        last = self._last
        if self.p == 0 or (isinstance(last, str) and last == "identity"):
            return None
        if last is None:
            if not self.training:
                return None
            if self._fixed:
                return self.mask
            raise ValueError(
                f"{self!r}.backward_delta: no forward in training mode to take the "
                "mask from; call forward on this input first (or net.eval(), or "
                "set_mask for a fixed mask)"
            )
        if self._fixed and input.shape == self.mask.shape:
            return self.mask
        if input.shape != last.shape or not np.array_equal(input, last):
            raise ValueError(
                f"{self!r}.backward_delta: the input is not the one the last forward "
                "was given (the mask belongs to that forward); call forward on "
                "this input first, then backward_delta on the same values"
            )
        return self.mask


def random_layers(module):
    """The :class:`Dropout` layers in ``module`` (itself included, at any depth)
    that draw a new mask at every forward: in training mode, ``p > 0``, no fixed
    mask. A gradient that runs the forward again cannot be the one of an
    earlier forward through them."""
    found = [module] if isinstance(module, Dropout) and module._random() else []
    for child in module.children():
        found += random_layers(child)
    return found


def check_recompute(module, method):
    """Refuse, naming ``module`` and its ``method``, to run the forward pass again
    when a Dropout layer in it would draw new masks: the gradient would not be
    that of the last forward."""
    drop = random_layers(module)
    if drop:
        raise RuntimeError(
            f"{type(module).__name__}.{method} runs the forward pass again from its "
            f"input, and {drop[0]!r} in training mode would draw a new mask: the "
            "gradient would not be that of your last forward. Call backward(delta) "
            "after forward(X) instead (it uses that forward's masks), or eval() first"
        )
