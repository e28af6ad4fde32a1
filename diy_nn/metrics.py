"""Figures of merit computed from targets and network outputs."""
import numpy as np

from .errors import as_real_array, check_finite

SWAP = ("did you swap y and yhat? accuracy takes (y, yhat), targets first, as "
        "diy_nn's losses do")


def predicted_classes(yhat, threshold=0.5):
    """Class indices from outputs: argmax of ``(batch, C)`` scores, or
    ``yhat > threshold`` (as 0/1) for a single output ``(batch,)`` or ``(batch, 1)``."""
    yhat = np.asarray(yhat)
    if yhat.ndim == 2 and yhat.shape[1] > 1:
        return yhat.argmax(axis=1)
    return (yhat.reshape(len(yhat)) > threshold).astype(np.intp)


def _labels(what, A):
    """``A`` as an array of numbers, ``(batch,)`` or ``(batch, k)``, finite."""
    A = np.asarray(A)
    if A.dtype.kind not in "iubf":
        as_real_array("accuracy", A, what=what)        # raises, saying what A holds
    if A.ndim not in (1, 2):
        raise ValueError(f"accuracy: expected {what} of shape (batch,) or (batch, k), "
                         f"got {A.shape}")
    check_finite("accuracy", A, what, hint="")
    return A


def accuracy(y, yhat, threshold=0.5):
    """The fraction of examples whose predicted class is the target's.

    Targets first, as for the losses. ``y``: class indices ``(batch,)``, one-hot
    ``(batch, C)``, or 0/1 (or -1/+1) labels for a single output. ``yhat``: the
    network's outputs, ``(batch, C)`` scores (the class is the argmax) or a single
    output ``(batch,)`` or ``(batch, 1)`` (the class is ``yhat > threshold``).
    Targets that do not fit the outputs are a ``ValueError``, never a silent 0.
    """
    y, yhat = _labels("y", y), _labels("yhat", yhat)
    if len(y) != len(yhat):
        raise ValueError(f"accuracy: y has {len(y)} examples but yhat has {len(yhat)}")
    if len(y) == 0:
        raise ValueError("accuracy: expected at least one example, got none")
    if yhat.ndim == 2 and yhat.shape[1] > 1:
        classes = yhat.shape[1]
        if y.ndim == 2 and y.shape[1] > 1:
            if y.shape != yhat.shape:
                raise ValueError(f"accuracy: y has {y.shape[1]} columns but yhat has "
                                 f"{classes}")
            y = y.argmax(axis=1)
        else:
            y = y.reshape(len(y))
            integral = y.dtype.kind in "iub" or np.array_equal(y, np.round(y))
            if len(y) and (not integral or y.min() < 0 or y.max() >= classes):
                one = ("; classes counted from 1? use y - 1"
                       if y.min() >= 1 and y.max() == classes else "")
                raise ValueError(
                    f"accuracy: expected y as class indices in 0..{classes - 1} (yhat "
                    f"has {classes} columns) or one-hot rows, got values from "
                    f"{y.min():.3g} to {y.max():.3g}{one}")
    else:
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(f"accuracy: y has {y.shape[1]} columns but yhat one "
                             f"output per example; {SWAP}")
        y = y.reshape(len(y))
        if len(y) and (y.min() < -1 or y.max() > 1):
            raise ValueError(
                f"accuracy: yhat has one output per example, the score of a binary "
                f"classifier (class yhat > threshold), but y holds values up to "
                f"{y.max():.3g}: for classes 0..C-1, yhat needs C columns, one "
                f"score per class (or {SWAP})")
        y = (y > threshold).astype(np.intp)
    return float(np.mean(predicted_classes(yhat, threshold) == y))
