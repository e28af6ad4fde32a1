"""Alt text for the book's figures, written from what the figure shows.

A figure stored in a chapter is an ``image/png`` output; on the website it
became ``<img alt="../_images/3f2a….png">``: a file path, read out by a screen
reader. :func:`describe_figure` writes a description from the figure's own
texts (its title, each panel's title, axis labels and legend), with the maths
as Unicode (``$\\lambda_1$`` -> ``λ₁``)::

    Figure: Training loss. x axis: epoch; y axis: mean squared error L
    (log scale); legend: gradient descent, least-squares minimum.

:func:`install` makes IPython store it with every matplotlib figure it shows,
as the output's metadata ``{"image/png": {"alt": ...}}``; the site's extension
(``_ext/diy_nn_site.py``) puts it in the page's ``alt``. The book's runs install
it (``figure.hooks`` of ``.ci/matplotlibrc`` calls :func:`diy_nn.book.figcheck.hook`);
:func:`diy_nn.book.widgets.static_interact` gives each stored image its own.
"""
import re

from .tex import split_math, to_text

__all__ = ["describe_figure", "install"]

LIMIT = 420          # characters: a screen reader reads all of it, keep it short
MANY_PANELS = 6      # more panels than this (an image grid): name them in one line


def _plain(text):
    """Matplotlib text (mathtext between $) as plain Unicode, never an error."""
    out = []
    try:
        for is_math, part in split_math(text):
            out.append(to_text(part) if is_math else part.replace("\\$", "$"))
    except ValueError:      # TeX the book's converter does not know: drop the markup
        return re.sub(r"\s+", " ", re.sub(r"[$\\{}]", "", text)).strip()
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _panel(ax):
    """One panel: its title, axis labels and legend entries."""
    bits = []
    title = " ".join(t.get_text() for t in (ax._left_title, ax.title, ax._right_title)
                     if t.get_visible() and t.get_text().strip())
    if title:
        bits.append(_plain(title))
    if ax.axison:
        for name, label, scale in (("x", ax.get_xlabel(), ax.get_xscale()),
                                   ("y", ax.get_ylabel(), ax.get_yscale())):
            if label.strip():
                bits.append(f"{name} axis: {_plain(label)}"
                            + (f" ({scale} scale)" if scale != "linear" else ""))
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        entries = [_plain(t.get_text()) for t in legend.get_texts() if t.get_text()]
        if entries:
            bits.append("legend: " + ", ".join(entries))
    if not bits and ax.images:
        bits.append("an image")
    return "; ".join(bits)


def describe_figure(fig, limit=LIMIT):
    """A one-paragraph description of ``fig`` from its texts, for alt text."""
    head = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_visible() and suptitle.get_text().strip():
        head.append(_plain(suptitle.get_text()))
    for legend in getattr(fig, "legends", []):
        entries = [_plain(t.get_text()) for t in legend.get_texts() if t.get_text()]
        if entries:
            head.append("legend: " + ", ".join(entries))
    panels = [ax for ax in fig.axes
              if ax.get_visible() and ax.get_label() != "<colorbar>"]
    described = [_panel(ax) for ax in panels]
    if len(panels) > MANY_PANELS:
        # a grid of images: name the rows and columns by their titles or labels
        titles = list(dict.fromkeys(_plain(ax.get_title() or ax.get_ylabel())
                                    for ax in panels if ax.get_title()
                                    or ax.get_ylabel()))
        body = f"{len(panels)} panels" + (": " + ", ".join(titles) if titles else "")
    elif len(panels) > 1:
        body = " ".join(f"Panel {i}: {d}." for i, d in enumerate(described, 1) if d)
    else:
        body = (described[0] + ".") if described and described[0] else ""
    text = "Figure" + (": " + ". ".join(head) + "." if head else ".")
    text = f"{text} {body}".strip()
    if len(text) > limit:
        text = text[:limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def install(shell=None):
    """Make IPython add ``{"alt": describe_figure(fig)}`` to the metadata of every
    matplotlib figure it shows as a PNG. Idempotent; False when there is no
    IPython shell or no PNG formatter for figures (yet): call it again later."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters.get("image/png")
    try:
        current = formatter.lookup_by_type(Figure)
    except (KeyError, AttributeError):
        return False
    if getattr(current, "diy_nn_alt_text", False):
        return True

    def with_alt_text(fig):
        out = current(fig)
        if out is None:
            return None
        data, metadata = out if isinstance(out, tuple) else (out, {})
        return data, {**(metadata or {}), "alt": describe_figure(fig)}

    with_alt_text.diy_nn_alt_text = True
    formatter.for_type(Figure, with_alt_text)
    return True
