"""Figures of merit computed from targets and network outputs."""
import numpy as np


def predicted_classes(yhat, threshold=0.5):
    """Class indices from outputs: argmax of ``(batch, C)`` scores, or
    ``yhat > threshold`` (as 0/1) for a single output ``(batch,)`` or ``(batch, 1)``."""
    yhat = np.asarray(yhat)
    if yhat.ndim == 2 and yhat.shape[1] > 1:
        return yhat.argmax(axis=1)
    return (yhat.reshape(len(yhat)) > threshold).astype(np.intp)


def accuracy(y, yhat, threshold=0.5):
    """The fraction of examples whose predicted class is the target's.

    ``y``: class indices ``(batch,)``, one-hot ``(batch, C)``, or 0/1 (or -1/+1
    with ``threshold=0``) labels for a single output. ``yhat``: the network's outputs.
    """
    y = np.asarray(y)
    yhat = np.asarray(yhat)
    if y.ndim == 2 and y.shape[1] > 1:
        y = y.argmax(axis=1)
    else:
        y = y.reshape(len(y))
        if yhat.ndim == 1 or yhat.shape[1] == 1:
            y = (y > threshold).astype(np.intp)
    if len(y) != len(yhat):
        raise ValueError(f"accuracy: y has {len(y)} examples but yhat has {len(yhat)}")
    return float(np.mean(predicted_classes(yhat, threshold) == y))
