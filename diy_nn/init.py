"""Random initialisation of parameters, reproducible from a seed.

Every module that draws random numbers takes ``rng``: None (the package's
generator, see :func:`manual_seed`), an int seed, or a ``numpy.random.Generator``.
"""
import numpy as np

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reseed the package's generator, so that what follows is reproducible."""
    global _rng
    _rng = np.random.default_rng(seed)


def get_rng(rng=None):
    """A ``numpy.random.Generator`` from None, an int seed or a Generator."""
    if rng is None:
        return _rng
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def init_weights(shape, fan_in, fan_out, init="default", rng=None, dtype=np.float32):
    """Draw a weight array of ``shape``.

    - ``"default"``: uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)], PyTorch's default
      for ``nn.Linear`` and ``nn.Conv1d``;
    - ``"xavier"`` (Glorot): uniform on [-a, a], a = sqrt(6 / (fan_in + fan_out)),
      for tanh and sigmoid;
    - ``"he"`` (Kaiming): normal with standard deviation sqrt(2 / fan_in), for ReLU;
    - ``"zeros"``: all zeros (a bad idea for hidden layers: every unit stays the same).
    """
    rng = get_rng(rng)
    if init == "default":
        bound = 1.0 / np.sqrt(fan_in)
        w = rng.uniform(-bound, bound, size=shape)
    elif init == "xavier":
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-bound, bound, size=shape)
    elif init == "he":
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
    elif init == "zeros":
        w = np.zeros(shape)
    else:
        raise ValueError(
            f"init: expected one of 'default', 'xavier', 'he', 'zeros', got {init!r}"
        )
    return w.astype(dtype)


def init_bias(shape, fan_in, init="default", rng=None, dtype=np.float32):
    """Draw a bias: uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)] for
    ``"default"``, else zeros."""
    if init == "default":
        bound = 1.0 / np.sqrt(fan_in)
        return get_rng(rng).uniform(-bound, bound, size=shape).astype(dtype)
    return np.zeros(shape, dtype=dtype)
