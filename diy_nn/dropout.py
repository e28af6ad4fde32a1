"""Dropout: a regulariser that switches units off at random while training.

Inverted dropout (chapter "Multi-class", equation (10)), as PyTorch does it: in
training mode each input is kept with probability ``1 - p`` and scaled by
``1 / (1 - p)``, so its expected value is unchanged; in evaluation mode
(``module.eval()``) the module is the identity and nothing needs rescaling.
"""
import numpy as np

from .dtype import get_default_dtype
from .errors import check_finite, check_probability
from .init import get_rng
from .module import Module


class Dropout(Module):
    """``(batch, ...) -> (batch, ...)``: ``X * mask`` in training mode, ``X`` in
    evaluation mode.

    Each entry of ``mask`` is ``1 / (1 - p)`` with probability ``1 - p`` and 0
    otherwise, drawn afresh at every ``forward``. The gradient w.r.t. the input is
    ``delta * mask``, with the mask of the last ``forward``.

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

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def set_mask(self, keep):
        """Use ``keep`` (booleans, True = kept) in every ``forward`` until
        ``set_mask(None)``."""
        if keep is None:
            self._fixed, self.mask = False, None
            return self
        keep = np.asarray(keep, dtype=bool)
        self.mask = keep / (1 - self.p)
        self._fixed = True
        return self

    def forward(self, X):
        """``X * mask`` with a new random mask (or the one :meth:`set_mask` fixed)
        in training mode, ``X`` itself in evaluation mode; the shape of ``X``."""
        X = np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(get_default_dtype())
        check_finite(repr(self), X)
        if not self.training or self.p == 0:
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
        return X * self.mask.astype(X.dtype, copy=False)

    def backward_delta(self, input, delta):
        """``delta * mask``, with the mask of the last ``forward`` (``delta`` itself
        in evaluation mode); the shape of ``input``."""
        if not self.training or self.p == 0:
            return delta
        if self.mask is None or self.mask.shape != np.shape(input):
            raise RuntimeError(
                f"{self!r}.backward_delta: call forward on this input first"
            )
        return delta * self.mask.astype(np.asarray(delta).dtype, copy=False)
