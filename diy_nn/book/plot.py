"""The figures the chapters draw (needs matplotlib).

Every function draws on ``ax`` (a new figure when None), labels its axes and
returns ``ax``, so figures can be combined with ``plt.subplots``.

:func:`use_book_style` sets the sizes the book's figures are drawn at: at most
about 7 inches wide (the width of the page's column, so a figure is shown at
its own size) with text of 10 to 11 points.
"""
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ..metrics import predicted_classes

#: The book's figure style, readable when shown at 100 % in a 700-pixel column.
BOOK_STYLE = {
    "figure.figsize": (6.0, 3.8),
    "figure.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "figure.titlesize": 12,
}

#: what the curves of a History are called in a legend
HISTORY_LABELS = {
    "loss": "training loss",
    "val_loss": "validation loss",
    "accuracy": "training accuracy",
    "val_accuracy": "validation accuracy",
}


def use_book_style():
    """Set matplotlib's sizes to the book's (:data:`BOOK_STYLE`)."""
    mpl.rcParams.update(BOOK_STYLE)


def _axes(ax, figsize=(5.5, 3.8)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_history(history, keys=("loss", "val_loss"), x="epoch", ax=None, title=None,
                 ylabel=None, logy=False, label_prefix="", labels=None):
    """Curves of ``history[key]`` against epochs (``x="epoch"``) or seconds
    (``x="time"``).

    ``labels``: the legend's name of each key (a dict); by default "training
    loss", "validation loss" and so on (:data:`HISTORY_LABELS`).
    """
    ax = _axes(ax)
    names = {**HISTORY_LABELS, **(labels or {})}
    for key in keys:
        if key in history:
            ax.plot(history[x], history[key],
                    label=label_prefix + names.get(key, key.replace("_", " ")))
    ax.set_xlabel("epoch" if x == "epoch" else "wall time (s)")
    ax.set_ylabel(
        ylabel or ", ".join(k.replace("_", " ") for k in keys if k in history)
    )
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_decision_boundary(net, X, y, ax=None, title=None, resolution=200,
                           threshold=0.5, margin=0.5, legend=True):
    """The points ``X (n, 2)`` coloured by class ``y``, over the regions ``net``
    assigns to each class.

    ``threshold``: the output above which a single-output network predicts class
    1 (0.5 for a probability, 0 for a logit). ``legend=False`` draws no legend.
    """
    ax = _axes(ax)
    X = np.asarray(X)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[xx.ravel(), yy.ravel()].astype(X.dtype)
    was_training = net.training
    net.eval()
    zz = predicted_classes(net.forward(grid), threshold).reshape(xx.shape)
    net.train(was_training)
    ax.contourf(xx, yy, zz, alpha=0.25, cmap="coolwarm",
                levels=np.arange(zz.max() + 2) - 0.5)
    y = np.asarray(y).reshape(len(y))
    for c, marker in zip(np.unique(y), "o^sDv*"):
        ax.scatter(*X[y == c].T, s=12, marker=marker, label=f"class {c:g}",
                   edgecolor="k", linewidth=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="upper right")
    return ax


def plot_confusion_matrix(y_true, y_pred, labels=None, ax=None, title=None,
                          normalize=None):
    """The confusion matrix of class indices ``y_true`` against ``y_pred``
    (scikit-learn's display).

    Row ``i``, column ``j``: how many examples of class ``i`` were predicted as ``j``
    (a fraction of the row with ``normalize="true"``).
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = _axes(ax, figsize=(5, 5))
    ConfusionMatrixDisplay.from_predictions(
        np.asarray(y_true), np.asarray(y_pred), display_labels=labels, ax=ax,
        colorbar=False, cmap="Blues", normalize=normalize,
        values_format=".2f" if normalize else "d",
    )
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return ax


def plot_images(images, titles=None, ncols=8, axes=None, cmap="gray_r", suptitle=None,
                size=1.3):
    """A grid of images: ``(n, h, w)``, ``(n, h, w, 1)``, or flat ``(n, h * w)``
    with square images."""
    images = np.asarray(images)
    n = len(images)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        images = images.reshape(n, side, side)
    elif images.ndim == 4:
        images = images[..., 0]
    if axes is None:
        nrows = -(-n // ncols)
        height = size * nrows + 0.3 * (titles is not None)
        # Constrained layout keeps a suptitle clear of the images' titles.
        fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, height),
                                 squeeze=False, layout="constrained")
    axes = np.asarray(axes).reshape(-1)
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[i], fontsize="small")
    if suptitle:
        axes[0].figure.suptitle(suptitle)
    return axes


def plot_probabilities(probabilities, true=None, labels=None, ax=None, title=None):
    """Bars of predicted class probabilities; the true class in green, a wrong
    prediction in red."""
    ax = _axes(ax, figsize=(4, 3))
    p = np.asarray(probabilities).reshape(-1)
    labels = ([str(k) for k in range(len(p))] if labels is None
              else [str(k) for k in labels])
    colours = ["tab:gray"] * len(p)
    predicted = int(p.argmax())
    if true is not None and predicted != int(true):
        colours[predicted] = "tab:red"
    if true is not None:
        colours[int(true)] = "tab:green"
    ax.bar(range(len(p)), p, color=colours)
    ax.set_xticks(range(len(p)), labels)
    ax.set_ylim(0, 1)
    ax.set_xlabel("class")
    ax.set_ylabel("predicted probability")
    if title:
        ax.set_title(title)
    return ax
