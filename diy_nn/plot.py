"""The figures the chapters draw (needs matplotlib).

Every function draws on ``ax`` (a new figure when None), labels its axes and
returns ``ax``, so figures can be combined with ``plt.subplots``.
"""
import matplotlib.pyplot as plt
import numpy as np

from .metrics import predicted_classes


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(history, keys=("loss", "val_loss"), x="epoch", ax=None, title=None,
                 ylabel=None, logy=False, label_prefix=""):
    """Curves of ``history[key]`` against epochs (``x="epoch"``) or seconds (``x="time"``)."""
    ax = _axes(ax)
    for key in keys:
        if key in history:
            ax.plot(history[x], history[key], label=label_prefix + key.replace("_", " "))
    ax.set_xlabel("epoch" if x == "epoch" else "wall time (s)")
    ax.set_ylabel(ylabel or ", ".join(k.replace("_", " ") for k in keys if k in history))
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_decision_boundary(net, X, y, ax=None, title=None, resolution=200, threshold=0.5,
                           margin=0.5):
    """The points ``X (n, 2)`` coloured by class ``y``, over the regions ``net`` assigns to each class."""
    ax = _axes(ax)
    X = np.asarray(X)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[xx.ravel(), yy.ravel()].astype(X.dtype)
    was_training = net.training
    net.eval()
    zz = predicted_classes(net.forward(grid), threshold).reshape(xx.shape)
    net.train(was_training)
    ax.contourf(xx, yy, zz, alpha=0.25, cmap="coolwarm", levels=np.arange(zz.max() + 2) - 0.5)
    y = np.asarray(y).reshape(len(y))
    for c, marker in zip(np.unique(y), "o^sDv*"):
        ax.scatter(*X[y == c].T, s=12, marker=marker, label=f"class {c:g}", edgecolor="k", linewidth=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    return ax
