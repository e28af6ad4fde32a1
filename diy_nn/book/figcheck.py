"""Find text that overlaps in a matplotlib figure, when the figure is drawn.

A multi-panel figure drawn without ``tight_layout`` (or constrained layout)
puts a panel's title on the tick labels of the panel above, or two titles on
each other. :func:`text_overlaps` finds such pairs from the bounding boxes of
the drawn texts: titles (and the figure's suptitle) against every other
title, axis label and tick label of another panel.

The book's tests switch the check on for every figure a chapter shows:
``MATPLOTLIBRC=.ci/matplotlibrc`` sets ``figure.hooks: diy_nn.book.figcheck:hook``,
which makes ``plt.show()`` raise :class:`FigureOverlapError` on an overlap (and
stores each figure's alt text, :mod:`diy_nn.book.alttext`).
:func:`diy_nn.book.widgets.static_interact` checks each figure it stores.
"""
import os
import warnings

__all__ = ["FigureOverlapError", "text_overlaps", "check_figure", "hook"]

# Set (to anything but "" or "0") to raise instead of warning.
ENV = "DIY_NN_CHECK_FIGURES"
TOLERANCE = 1.0     # pixels two boxes may share before they count as overlapping


class FigureOverlapError(ValueError):
    """Two texts of a figure overlap."""


def _visible_text(text):
    return text is not None and text.get_visible() and text.get_text().strip() != ""


def _texts(fig):
    """``(kind, axes index, text artist)`` for every text the check compares."""
    out = []
    for name in ("_suptitle", "_supxlabel", "_supylabel"):
        text = getattr(fig, name, None)
        if _visible_text(text):
            out.append(("suptitle", -1, text))
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        for text in (ax.title, ax._left_title, ax._right_title):
            if _visible_text(text):
                out.append(("title", i, text))
        if not ax.axison:           # ax.axis("off"): no labels or ticks are drawn
            continue
        for axis, kind in ((ax.xaxis, "xlabel"), (ax.yaxis, "ylabel")):
            if _visible_text(axis.label):
                out.append((kind, i, axis.label))
            if axis.get_visible():
                for tick in axis.get_ticklabels(which="both"):
                    if _visible_text(tick):
                        out.append(("ticklabel", i, tick))
    return out


def text_overlaps(fig):
    """Pairs of overlapping texts as readable strings; empty when none.

    Compares each title (and suptitle) with the titles, axis labels and tick
    labels of the other panels, from their bounding boxes once drawn.
    """
    fig.canvas.draw()       # the layout engine runs and text gets its place
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig)
    boxes = [(kind, i, text, text.get_window_extent(renderer))
             for kind, i, text in texts]
    found = []
    for a, (kind_a, i_a, text_a, box_a) in enumerate(boxes):
        if kind_a not in ("title", "suptitle"):
            continue
        for b, (kind_b, i_b, text_b, box_b) in enumerate(boxes):
            if b == a or i_b == i_a or (kind_b in ("title", "suptitle") and b < a):
                continue
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > TOLERANCE and height > TOLERANCE:
                found.append(f"{kind_a} {text_a.get_text()!r} overlaps {kind_b} "
                             f"{text_b.get_text()!r} by {width:.0f} x {height:.0f} px")
    return found


def check_figure(fig, where="", strict=None):
    """Warn (or raise :class:`FigureOverlapError` when ``strict``, by default
    when the environment variable ``DIY_NN_CHECK_FIGURES`` is set) if texts of
    ``fig`` overlap. Returns the list of overlaps."""
    found = text_overlaps(fig)
    if not found:
        return found
    if strict is None:
        strict = os.environ.get(ENV, "") not in ("", "0")
    message = ("overlapping text in a figure" + (f" ({where})" if where else "")
               + ": " + "; ".join(found)
               + ". Use fig.tight_layout() or plt.subplots(..., layout='constrained').")
    if strict:
        raise FigureOverlapError(message)
    warnings.warn(message, stacklevel=2)
    return found


_installed = False


def _checked_show(show):
    def checked_show(*args, **kwargs):
        import matplotlib.pyplot as plt

        for number in plt.get_fignums():
            check_figure(plt.figure(number), where=f"figure {number}", strict=True)
        return show(*args, **kwargs)
    checked_show.__wrapped__ = show
    return checked_show


def install():
    """Make ``matplotlib.pyplot.show`` check every open figure first (and raise
    :class:`FigureOverlapError` on an overlap). Idempotent."""
    global _installed
    if _installed:
        return
    import matplotlib.pyplot as plt

    plt.show = _checked_show(plt.show)
    _installed = True


def hook(fig):
    """For matplotlib's ``figure.hooks`` rc setting (called on every new pyplot
    figure, in the book's runs: ``make notebooks`` and nbval): install the check
    of :func:`install`, and the alt text of :mod:`diy_nn.book.alttext` that the
    website shows for each stored figure."""
    os.environ.setdefault(ENV, "1")
    install()
    from .alttext import install as install_alt_text

    install_alt_text()      # needs the inline backend: retried on the next figure
