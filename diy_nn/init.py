"""Random initialisation of parameters, reproducible from a seed.

Every module that draws random numbers takes ``rng``: None (the package's
generator, see :func:`manual_seed`), an int seed, or a ``numpy.random.Generator``.
"""
import numpy as np

from .dtype import resolve_dtype
from .errors import check_nonnegative_int, too_large

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reseed the package's generator (``seed`` an int >= 0), so that what follows
    is reproducible."""
    global _rng
    _rng = np.random.default_rng(check_nonnegative_int("manual_seed", "seed", seed))


def get_rng(rng=None):
    """A ``numpy.random.Generator`` from None, an int seed (>= 0) or a Generator."""
    if rng is None:
        return _rng
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(rng)
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, (int, np.integer)):
        raise TypeError(
            "rng: expected None, an int seed >= 0 or a numpy.random.Generator, "
            f"got {rng!r} ({type(rng).__name__})"
        )
    check_nonnegative_int("rng", "an int seed", rng)
    return np.random.default_rng(rng)


INITS = ("default", "xavier", "he", "zeros")


def check_init(owner, init):
    """ValueError naming ``owner`` unless ``init`` is one of :data:`INITS`."""
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(
            f"{owner}: expected one of 'default', 'xavier', 'he', 'zeros', "
            f"got {init!r}"
        )
    return init


def make_parameters(owner, W, b=None, *, fan_in=None, fan_out=None, init="default",
                    rng=None, dtype=None):
    """``(parameters, gradient)`` of a layer: the weight ``W``, of the shape
    given, and the bias ``b``, of the shape given or left out when None, drawn by
    ``init`` (see :func:`init_weights` and :func:`init_bias`), and their
    gradients, zeros of the same shapes.

    ``W``'s shape is ``(*kernel, inputs, outputs)``; ``fan_in`` and ``fan_out``
    default to PyTorch's: the kernel's size times the inputs, times the outputs.
    ``rng`` (None, a seed or a Generator) gives one stream for W, then b;
    ``dtype`` is a floating dtype (None: the default). ``owner`` names the layer
    in errors.
    """
    check_init(f"{owner}: init", init)
    dtype = resolve_dtype(dtype, f"{owner}: dtype")
    rng = get_rng(rng)
    kernel = int(np.prod(W[:-2]))
    fan_in = kernel * W[-2] if fan_in is None else fan_in
    fan_out = kernel * W[-1] if fan_out is None else fan_out
    try:
        parameters = {"W": init_weights(W, fan_in, fan_out, init, rng, dtype)}
        if b is not None:
            parameters["b"] = init_bias(b, fan_in, init, rng, dtype)
    except (MemoryError, ValueError):      # NumPy says "too big" past its limit
        raise too_large(owner, "the weight W", W, dtype,
                        "check the sizes given to the layer") from None
    gradient = {name: np.zeros_like(p) for name, p in parameters.items()}
    return parameters, gradient


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
        check_init("init", init)
    return w.astype(dtype)


def init_bias(shape, fan_in, init="default", rng=None, dtype=np.float32):
    """Draw a bias: uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)] for
    ``"default"``, else zeros."""
    if init == "default":
        bound = 1.0 / np.sqrt(fan_in)
        return get_rng(rng).uniform(-bound, bound, size=shape).astype(dtype)
    return np.zeros(shape, dtype=dtype)
