"""Windows: the strided views every convolution and pooling works on, for
sequences ``(batch, length, chan)`` and images ``(batch, h, w, chan)`` alike.

One helper, :func:`windows`, shows an array through other strides: every window
of ``k_size`` positions (``k_size x k_size`` pixels), ``stride`` apart, without a
copy (chapter "Convolution in one dimension", equation (1)). :func:`offset_views`
slices it by offset: for each offset of the kernel, the positions it meets in
every window. :func:`check_windowed` checks the input of a convolution or pooling.
"""
import numpy as np

from .errors import as_real_array, check_finite, label, shape_str


def out_size(size, k_size, stride=1, padding=0):
    """The number of windows of ``k_size`` positions, ``stride`` apart, along an
    axis of ``size`` positions padded with ``padding`` zeros on each side:
    ``(size + 2 padding - k_size) // stride + 1``
    (chapter "Convolution in one dimension", equation (2))."""
    return (size + 2 * padding - k_size) // stride + 1


def windows(X, k_size, stride=1, writeable=False):
    """The view of every window of ``X``, channels last, along every axis
    between the batch and the channels:

    - a sequence ``(batch, length, chan)`` gives ``(batch, out_length, k_size,
      chan)``, ``windows(X)[n, t, j] = X[n, t * stride + j]`` (equation (1));
    - an image ``(batch, h, w, chan)`` gives ``(batch, h_out, w_out, k_size,
      k_size, chan)``, ``windows(X)[n, y, x, i, j] = X[n, y s + i, x s + j]``.

    No copy: the view shares ``X``'s memory. ``writeable=True`` lets a caller
    write through it (windows overlap when ``stride < k_size``: write one offset
    at a time, as through :func:`offset_views`)."""
    batch, *sizes, chan = X.shape
    s_batch, *s_axes, s_chan = X.strides
    outs = [out_size(size, k_size, stride) for size in sizes]
    # The stride of each axis serves twice: times `stride` from one window to
    # the next, and as it is from one position of a window to the next.
    return np.lib.stride_tricks.as_strided(
        X, shape=(batch, *outs, *[k_size] * len(sizes), chan),
        strides=(s_batch, *[stride * s for s in s_axes], *s_axes, s_chan),
        writeable=writeable,
    )


def offset_views(A, k_size, stride=1):
    """For each offset of the kernel, the positions it meets, one per window: a
    list of views of ``A``, offsets in row-major order.

    For a sequence, ``views[j]`` is ``A[:, t * stride + j]`` for every window ``t``,
    shape ``(batch, out_length, chan)``; for an image, ``views[i * k_size + j]`` is
    ``A[:, y s + i, x s + j]``, shape ``(batch, h_out, w_out, chan)``. They are
    slices of one :func:`windows` view; when ``A`` is writeable, so are they (no
    two positions of one view are the same), which is how a backward pass adds
    each window's share back to the positions it covers."""
    view = windows(A, k_size, stride, writeable=A.flags.writeable)
    dims = A.ndim - 2
    front = (slice(None),) * (dims + 1)
    return [view[front + offset] for offset in np.ndindex(*[k_size] * dims)]


def check_windowed(owner, X, dims, k_size, chan=None, padding=0, finite=True,
                   dtype=None):
    """Check the input ``X`` of a convolution or a pooling ``owner`` and return it
    as a float array (of ``dtype`` when given).

    ``dims`` is 1 for sequences ``(batch, length, chan)``, 2 for images ``(batch,
    h, w, chan)``; each such axis, padded with ``padding`` zeros on each side,
    must hold at least one window of ``k_size``. ``chan`` None accepts any number
    of channels. The ``ValueError`` names ``owner``, the shape it got, the shape
    it expects, and the likely cause: a missing channel axis, a flat batch of
    images, channels first (PyTorch's order), the arguments in PyTorch's order.
    """
    X = as_real_array(owner, X, dtype)
    least = k_size - 2 * padding
    axes = ("length",) if dims == 1 else ("h", "w")
    c = "chan" if chan is None else chan
    expected = ("batch", *(f"{a} >= {least}" if least > 1 else a for a in axes), c)
    short = X.ndim == dims + 2 and min(X.shape[1:-1]) < least
    if X.ndim != dims + 2 or short or (chan is not None and X.shape[-1] != chan):
        why = _why(owner, X, dims, k_size, chan, padding, short)
        raise ValueError(f"{label(owner)}: expected an input of shape "
                         f"{shape_str(expected)}, got {shape_str(X.shape)}{why}")
    if finite:
        check_finite(owner, X)
    return X


def _why(owner, X, dims, k_size, chan, padding, short):
    """The likely cause of a shape :func:`check_windowed` refuses, as text."""
    shape = X.shape
    what = "sequence" if dims == 1 else "image"
    channels_last = "(batch, length, chan)" if dims == 1 else "(batch, h, w, chan)"
    first = "X.transpose(0, 2, 1)" if dims == 1 else "X.transpose(0, 2, 3, 1)"
    if X.ndim == dims + 2 and shape[1] == chan != shape[-1] or (
            chan is None and short and X.ndim == dims + 2 and shape[1] <= 4
            and min(shape[2:]) >= k_size):
        return (f" (channels first, PyTorch's order? diy_nn's {what}s are channels "
                f"last, {channels_last}: pass {first})")
    if X.ndim == dims + 1:
        if dims == 1:
            side = int(round(np.sqrt(shape[1])))
            rows = (f"; for images of {side} x {side} read row by row, "
                    f"X.reshape(-1, {side}, {side})" if side * side == shape[1] else "")
            return (" (a 2-D array: add a channel axis, X[:, :, None], for one "
                    f"channel{rows})")
        return " (a 3-D array: add a channel axis, X[..., None], for one channel)"
    if X.ndim == 2 and dims == 2:
        side = int(round(np.sqrt(shape[1])))
        image = (f"X.reshape(-1, {side}, {side}, 1)" if side * side == shape[1]
                 else "X.reshape(-1, h, w, 1)")
        return (f" (a flat batch of vectors? images of one channel go in as "
                f"{image}; diy_nn.datasets gives them so with flat=False)")
    if X.ndim != dims + 2:
        return ""
    if short:
        size = f"{k_size}" if dims == 1 else f"{k_size} x {k_size}"
        pad = f", with padding {padding}" if padding else ""
        article = "a" if dims == 1 else "an"
        return f" ({article} {what} smaller than the kernel, {size}{pad})"
    got = shape[-1]
    why = f" ({got} channel{'s' if got != 1 else ''} instead of {chan}"
    if hasattr(owner, "chan_out"):
        name = type(owner).__name__
        why += (f"; the arguments of {name} are (k_size, chan_in, chan_out), "
                "not PyTorch's (chan_in, chan_out, kernel_size)")
        if owner.k_size == shape[-1]:
            # Conv2D(1, 8, 3) meant as PyTorch's Conv2d(1, 8, 3).
            k, c_in, c_out = owner.k_size, owner.chan_in, owner.chan_out
            why += (f": if you meant PyTorch's ({k}, {c_in}, {c_out}), write "
                    f"{name}({c_out}, {k}, {c_in})")
    return why + ")"
