"""Widgets that still answer on the static website, where no kernel runs.

:func:`static_interact` draws a figure for every point of a small grid of
control values when the chapter runs, and stores each one, as a PNG, in the
notebook's widget state. Each control (a slider over the grid values, or a
dropdown) is linked in the browser (``ipywidgets.jslink``) to the
``selected_index`` of ``ipywidgets.Stack`` containers that hold the images,
one nesting level per control: moving a control shows another stored image,
with no kernel. In a running notebook a row of text boxes (hidden on the
website by the book's CSS) computes the figure for any other value.

This module sits on top of the core and brings matplotlib and ipywidgets.
"""
import html
import inspect
import io
import itertools
import math
import numbers

__all__ = ["static_interact", "StaticInteract", "figure_png"]

# The class the book's CSS (_static/custom.css) hides on the website: a control
# that needs a kernel would do nothing there.
LIVE_ONLY_CLASS = "diy-nn-live-only"
WIDGET_CLASS = "diy-nn-static-interact"
# Pixels per inch of figure: the dpi of the book's other figures (BOOK_STYLE), shown
# at one image pixel per CSS pixel, so a 10-point label is 14 px high on the page.
DPI = 100
# Each stored figure weighs 10-40 kB on the page: a grid of more is a mistake.
MAX_FIGURES = 120
LIVE_PROMPT = "<i>Any other value (the running notebook draws it):</i>"


def figure_png(fig, dpi=DPI, colors=256):
    """The PNG bytes of a matplotlib figure, and close it.

    ``colors``: the number of colours of the palette the image is reduced to
    (plots have few; it makes the PNG about three times smaller); ``None``
    keeps full colour.
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    if colors is None:
        return buffer.getvalue()
    from PIL import Image

    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="png", optimize=True)
    return out.getvalue()


def _png_width(png):
    return int.from_bytes(png[16:20], "big")       # the IHDR chunk


def _img_tag(png, description):
    import base64

    return (f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{html.escape(description)}" style="width:{_png_width(png)}px;'
            f'max-width:100%;height:auto">')


def _format(value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Real):
        return f"{value:.3g}"
    return str(value)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# --- checking the arguments ---------------------------------------------------------

def _error(kind, message):
    return kind(f"static_interact: {message}")


def _check_grid(grid, value, draw=None, max_figures=MAX_FIGURES):
    if not isinstance(grid, dict) or not grid:
        raise _error(ValueError if isinstance(grid, dict) else TypeError,
                     f"grid must be a non-empty dict {{control name: list of values}}, "
                     f"got {type(grid).__name__} {grid!r:.60}")
    checked = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise _error(TypeError, f"grid names are the names of draw's arguments: "
                                    f"{name!r} is not one")
        if isinstance(values, (str, bytes, dict, set, frozenset)) or \
                not hasattr(values, "__iter__"):
            raise _error(TypeError, f"grid[{name!r}] must be a list of the values "
                                    f"to offer, got {type(values).__name__} "
                                    f"{values!r:.60}")
        values = list(values)
        if not values:
            raise _error(ValueError, f"grid[{name!r}] is empty")
        for v in values:
            try:
                hash(v)
            except TypeError:
                raise _error(TypeError, f"grid[{name!r}] holds {v!r}, which cannot be "
                                        f"a control value (not hashable): use numbers, "
                                        f"strings or tuples") from None
            if _is_number(v) and not math.isfinite(v):
                raise _error(ValueError, f"grid[{name!r}] holds {v!r}: give finite "
                                         f"numbers")
        if len(set(map(repr, values))) != len(values):
            raise _error(ValueError, f"grid[{name!r}] repeats a value: {values}")
        checked[name] = values
    count = math.prod(len(v) for v in checked.values())
    if not isinstance(max_figures, numbers.Integral) or max_figures < 1:
        raise _error(ValueError, f"max_figures must be a positive integer, got "
                                 f"{max_figures!r}")
    if count > max_figures:
        sizes = " × ".join(str(len(v)) for v in checked.values())
        raise _error(ValueError, f"the grid has {count} points ({sizes}); each is "
                                 f"a figure drawn now and stored in the page (10-40 "
                                 f"kB each). At most max_figures={max_figures}: offer "
                                 f"fewer values, or raise max_figures if the page can "
                                 f"carry them")
    if draw is not None:
        _check_draw(draw, checked)
    value = _control_dict("value", value, checked, "start value")
    start = {}
    for name, values in checked.items():
        if name in value:
            if value[name] not in values:
                raise _error(ValueError, f"the start value {name}={value[name]!r} is "
                                         f"not in the grid {values}")
            start[name] = values.index(value[name])
        else:
            start[name] = (len(values) - 1) // 2
    return checked, start


def _control_dict(argument, mapping, grid, what):
    """``mapping`` (None or a dict {control name: what}) as a dict, refusing
    another type and names that are not controls of ``grid``."""
    if mapping is not None and not isinstance(mapping, dict):
        raise _error(TypeError, f"{argument} must be a dict {{control name: {what}}}, "
                                f"got {type(mapping).__name__} {mapping!r:.60}")
    mapping = dict(mapping or {})
    unknown = set(mapping) - set(grid)
    if unknown:
        raise _error(ValueError, f"{argument} names {sorted(unknown)} are not controls "
                                 f"of the grid {list(grid)}")
    return mapping


def _check_draw(draw, grid):
    if not callable(draw):
        raise _error(TypeError, f"draw must be a function draw(**values) that returns "
                                f"a matplotlib figure, got {type(draw).__name__} "
                                f"{draw!r:.60}")
    try:
        signature = inspect.signature(draw)
    except (TypeError, ValueError):         # a builtin: nothing to check
        return
    try:
        signature.bind(**{name: values[0] for name, values in grid.items()})
    except TypeError as exc:
        raise _error(TypeError, f"draw{signature} cannot be called with the grid's "
                                f"controls {list(grid)}: {exc}") from None


def _check_options(grid, labels, dpi, colors, live, bounds, alt):
    labels = _control_dict("labels", labels, grid, "text")
    for name, text in labels.items():
        if not isinstance(text, str):
            raise _error(TypeError, f"labels[{name!r}] must be a string, got {text!r}")
    if not _is_number(dpi) or not dpi > 0:
        raise _error(ValueError, f"dpi must be a positive number (pixels per inch of "
                                 f"figure), got {dpi!r}")
    if colors is not None and (not _is_integer(colors) or not 2 <= colors <= 256):
        raise _error(ValueError, f"colors must be None (full colour) or a palette "
                                 f"size from 2 to 256, got {colors!r}")
    if not isinstance(live, bool):
        raise _error(TypeError, f"live must be True or False, got {live!r}")
    if alt is not None and not (isinstance(alt, str) or callable(alt)):
        raise _error(TypeError, f"alt must be None, a text with {{name}} fields, or a "
                                f"function of the control values, got {alt!r:.60}")
    if bounds is not None and not isinstance(bounds, dict):
        raise _error(TypeError, f"bounds must be a dict {{control name: (low, high)}}, "
                                f"got {type(bounds).__name__} {bounds!r:.60}")
    checked = {}
    for name, values in grid.items():
        if all(_is_number(v) for v in values):
            checked[name] = (min(values), max(values))
    for name, pair in (bounds or {}).items():
        if name not in checked:
            raise _error(ValueError, f"bounds[{name!r}]: {name!r} is not a numeric "
                                     f"control of the grid {list(grid)}")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2 or \
                not all(_is_number(b) for b in pair) or not pair[0] <= pair[1]:
            raise _error(ValueError, f"bounds[{name!r}] must be (low, high) with "
                                     f"low <= high, got {pair!r}")
        low, high = checked[name]
        if pair[0] > low or pair[1] < high:
            raise _error(ValueError, f"bounds[{name!r}]={tuple(pair)} leaves out grid "
                                     f"values ({low} to {high})")
        checked[name] = tuple(pair)
    return labels, checked


class StaticInteract:
    """Build with :func:`static_interact`. Attributes: ``widget`` (the
    ``ipywidgets.VBox`` shown), ``controls`` (name -> control), ``images``
    ((values...) -> the ``ipywidgets.HTML`` whose ``<img>`` shows that grid point),
    ``pngs``
    (the same -> PNG bytes), ``descriptions`` (the same -> the image's alt
    text), ``grid``, ``draw``.
    """

    def __init__(self, draw, grid, value=None, labels=None, dpi=DPI, colors=256,
                 live=True, slider_width="28em", bounds=None, alt=None,
                 max_figures=MAX_FIGURES):
        import ipywidgets as widgets

        self.grid, start = _check_grid(grid, value, draw, max_figures)
        self.labels, self.bounds = _check_options(self.grid, labels, dpi, colors,
                                                  live, bounds, alt)
        self.draw, self.alt = draw, alt
        self.names = list(self.grid)
        self.dpi, self.colors = dpi, colors
        style = {"description_width": "initial"}

        self.pngs, self.descriptions = {}, {}
        for point in itertools.product(*self.grid.values()):
            values = dict(zip(self.names, point))
            try:
                png, description = self._render(values)
            except Exception as exc:
                if hasattr(exc, "add_note"):        # Python 3.11+
                    exc.add_note(f"static_interact: while drawing the grid point "
                                 f"{self._setting(values)}")
                raise
            self.pngs[point], self.descriptions[point] = png, description

        # One control a name: a slider over the grid values when they are
        # numbers, a dropdown otherwise. Its ``index`` drives the stacks.
        self.controls = {}
        for name, values in self.grid.items():
            options = [(_format(v), v) for v in values]
            description = self.labels.get(name, name)
            if all(_is_number(v) for v in values):
                control = widgets.SelectionSlider(
                    options=options, index=start[name], description=description,
                    continuous_update=True, style=style,
                    layout=widgets.Layout(width=slider_width, max_width="100%"))
            else:
                control = widgets.Dropdown(
                    options=options, index=start[name], description=description,
                    style=style, layout=widgets.Layout(max_width="100%"))
            self.controls[name] = control

        # Nested stacks: level k switches on control k. Every stack of level k
        # is linked to control k in the browser.
        self.images = {}
        self._stacks = [[] for _ in self.names]

        def build(level, prefix):
            if level == len(self.names):
                image = self._image(widgets, self.pngs[prefix],
                                    self.descriptions[prefix])
                self.images[prefix] = image
                return image
            name = self.names[level]
            stack = widgets.Stack(
                children=[build(level + 1, prefix + (v,)) for v in self.grid[name]],
                selected_index=start[name])
            self._stacks[level].append(stack)
            return stack

        grid_view = build(0, ())
        self._links = [widgets.jslink((self.controls[name], "index"),
                                      (stack, "selected_index"))
                       for name, stacks in zip(self.names, self._stacks)
                       for stack in stacks]

        # The live part: any value, computed by the kernel. The book's CSS
        # hides it on the website; in Jupyter, Binder or Colab it shows. The view
        # shows the stored figures (0), a figure drawn now (1) or why none is (2).
        self.live_image = self._image(widgets, None, "")
        self.message = widgets.HTML()
        self.view = widgets.Stack(children=[grid_view, self.live_image, self.message],
                                  selected_index=0)
        children = [*self.controls.values(), self.view]
        self.live_controls = {}
        if live and self.bounds:
            children.insert(len(self.controls), self._live_row(widgets, start))
        self.widget = widgets.VBox(children)
        self.widget.add_class(WIDGET_CLASS)
        for control in self.controls.values():
            control.observe(self._grid_moved, names="index")

    # --- rendering ------------------------------------------------------------------

    def _render(self, values):
        """``(png, description)`` of the figure ``draw(**values)``."""
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes
        from matplotlib.figure import Figure

        from .alttext import describe_figure
        from .figcheck import check_figure

        fig = self.draw(**values)
        if fig is None:                 # it drew on the current figure
            fig = plt.gcf()
        elif isinstance(fig, Axes):
            fig = fig.figure
        elif not isinstance(fig, Figure):
            raise _error(TypeError, f"draw({self._setting(values)}) returned "
                                    f"{type(fig).__name__}; it must return a "
                                    f"matplotlib Figure (or None, having drawn on "
                                    f"the current one)")
        check_figure(fig, where=f"static_interact at {values}")
        if callable(self.alt):
            description = str(self.alt(**values))
        elif isinstance(self.alt, str):
            description = self.alt.format(**values)
        else:
            description = f"{self._setting(values)}. {describe_figure(fig)}"
        return figure_png(fig, dpi=self.dpi, colors=self.colors), description

    def _setting(self, values):
        return ", ".join(f"{self.labels.get(name, name)} = {_format(v)}"
                         for name, v in values.items())

    @staticmethod
    def _image(widgets, png, description):
        # An <img> in an HTML widget, not an ipywidgets.Image: it carries its alt
        # text (an Image's tooltip crashes its view in ipywidgets 8.1), and is shown
        # at one image pixel per CSS pixel, shrunk only to fit the column.
        widget = widgets.HTML(layout=widgets.Layout(max_width="100%"))
        widget.add_class("diy-nn-figure")
        if png:
            widget.value = _img_tag(png, description)
        return widget

    def values(self):
        """The values the grid controls show now, as a dict."""
        return {name: control.value for name, control in self.controls.items()}

    # --- the live row ---------------------------------------------------------------

    def _live_row(self, widgets, start):
        boxes = []
        for name in self.bounds:                      # the numeric controls
            values = self.grid[name]
            kind = (widgets.IntText if all(_is_integer(v) for v in values)
                    else widgets.FloatText)
            box = kind(value=values[start[name]],
                       description=self.labels.get(name, name),
                       style={"description_width": "initial"})
            box.observe(self._live_changed, names="value")
            self.live_controls[name] = box
            boxes.append(box)
        self.live_status = widgets.HTML(value=LIVE_PROMPT)
        row = widgets.VBox([self.live_status,
                            widgets.HBox(boxes, layout=widgets.Layout(
                                flex_flow="row wrap"))])
        row.add_class(LIVE_ONLY_CLASS)
        self._syncing = False
        return row

    def _grid_moved(self, change):
        # In a kernel: a grid control moved; show the grid again and copy the
        # grid values into the live boxes (without recomputing).
        self.view.selected_index = 0
        if not self.live_controls:
            return
        self.live_status.value = LIVE_PROMPT
        self._syncing = True
        try:
            for name, box in self.live_controls.items():
                box.value = self.controls[name].value
        finally:
            self._syncing = False

    def _show_message(self, text):
        self.message.value = (f'<div style="border-left:4px solid #b3261e;'
                              f'padding:0.4em 0.8em;margin:0.3em 0;color:#7d1a14">'
                              f'{text}</div>')
        self.live_status.value = LIVE_PROMPT
        self.view.selected_index = 2

    def _live_changed(self, change):
        if self._syncing:
            return
        values = self.values()
        values.update({name: box.value for name, box in self.live_controls.items()})
        for name, box in self.live_controls.items():
            low, high = self.bounds[name]
            typed = box.value
            inside = _is_number(typed) and math.isfinite(typed) and low <= typed <= high
            if not inside:
                label = html.escape(self.labels.get(name, name))
                self._show_message(
                    f"<b>{label} = {html.escape(_format(typed))}</b> is outside "
                    f"{_format(low)} to {_format(high)}, the values this figure is "
                    f"made for: type a value in that range.")
                return
        point = tuple(values[name] for name in self.names)
        if point in self.pngs:
            # A value the grid has: move the controls there, show the stored figure.
            self._syncing = True
            try:
                for name, control in self.controls.items():
                    control.index = self.grid[name].index(values[name])
            finally:
                self._syncing = False
            self._grid_moved(None)
            return
        try:
            png, description = self._render(values)
        except Exception as exc:        # noqa: BLE001 - show it, keep the widget alive
            self._show_message(f"<b>Could not draw {html.escape(self._setting(values))}"
                               f":</b> {type(exc).__name__}: {html.escape(str(exc))}")
            return
        self.live_image.value = _img_tag(png, description)
        self.live_status.value = (
            f"<b>{html.escape(self._setting(values))}</b>: drawn now (the slider "
            f"shows only the stored values; move it to see them again).")
        self.view.selected_index = 1

    # --- display ----------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        import base64

        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle is None:              # pragma: no cover - outside a kernel
            bundle = {}
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        # A static picture of the start values, for print and PDF builds.
        point = tuple(c.value for c in self.controls.values())
        data["image/png"] = base64.b64encode(self.pngs[point]).decode("ascii")
        data["text/plain"] = (f"static_interact over {self.names} "
                              f"({len(self.pngs)} stored figures)")
        metadata = {"image/png": {"alt": self.descriptions[point]}}
        if isinstance(bundle, tuple):
            return data, {**(bundle[1] or {}), **metadata}
        return data, metadata

    def page_bytes(self):
        """The bytes the stored PNGs add to the page (base64 grows them by 4/3)."""
        return sum((len(png) + 2) // 3 * 4 for png in self.pngs.values())


def static_interact(draw, grid, value=None, labels=None, dpi=DPI, colors=256,
                    live=True, bounds=None, alt=None, max_figures=MAX_FIGURES):
    """A widget whose figure answers its controls on the static website too.

    ``draw(**values)`` returns a matplotlib figure (or draws on the current
    one) for one value of each control. ``grid`` maps each control's name
    (an argument of ``draw``) to the list of values the website offers:
    the figure of every combination is drawn now, so keep the grid small
    (the product of the lengths is the number of figures, at most
    ``max_figures``; each weighs 10-40 kB). ``value``: the start value of
    each control (default: the middle of its list). ``labels``: the text
    shown beside each control. ``dpi``: pixels per inch of figure, shown one
    image pixel per screen pixel (100, as the book's other figures: a figure
    at most 6.9 inches wide fits the page's column, and 10-point text is
    14 px high). ``colors``: the PNG palette size (None: full colour).

    ``live``: in a running notebook, also offer a text box for each numeric
    control, which draws any value in ``bounds[name] = (low, high)`` (default:
    the grid's range); a value outside, or a drawing that fails, shows a
    message in place of the figure. ``alt``: the text a screen reader reads
    for each figure, a ``str.format`` template of the control values or a
    function of them (default: the control values and the figure's titles,
    labels and legends, :func:`diy_nn.book.alttext.describe_figure`).

    Returns a :class:`StaticInteract`; as the last expression of a cell it
    shows the widget (and a static PNG of the start values for print).
    """
    return StaticInteract(draw, grid, value=value, labels=labels, dpi=dpi,
                          colors=colors, live=live, bounds=bounds, alt=alt,
                          max_figures=max_figures)
