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
import io
import itertools
import numbers

__all__ = ["static_interact", "StaticInteract", "figure_png"]

# The class the book's CSS (_static/custom.css) hides on the website: a control
# that needs a kernel would do nothing there.
LIVE_ONLY_CLASS = "diy-nn-live-only"
WIDGET_CLASS = "diy-nn-static-interact"


def figure_png(fig, dpi=80, colors=256):
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


def _format(value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Real):
        return f"{value:.3g}"
    return str(value)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_grid(grid, value):
    if not isinstance(grid, dict) or not grid:
        raise ValueError("static_interact: grid must be a non-empty dict "
                         "{control name: list of values}")
    grid = {name: list(values) for name, values in grid.items()}
    for name, values in grid.items():
        if not values:
            raise ValueError(f"static_interact: grid[{name!r}] is empty")
        if len(set(map(repr, values))) != len(values):
            raise ValueError(f"static_interact: grid[{name!r}] repeats a value: "
                             f"{values}")
    value = dict(value or {})
    unknown = set(value) - set(grid)
    if unknown:
        raise ValueError(f"static_interact: value names {sorted(unknown)} are not "
                         f"controls of the grid {list(grid)}")
    start = {}
    for name, values in grid.items():
        if name in value:
            if value[name] not in values:
                raise ValueError(f"static_interact: the start value {name}="
                                 f"{value[name]!r} is not in the grid {values}")
            start[name] = values.index(value[name])
        else:
            start[name] = (len(values) - 1) // 2
    return grid, start


class StaticInteract:
    """Build with :func:`static_interact`. Attributes: ``widget`` (the
    ``ipywidgets.VBox`` shown), ``controls`` (name -> control), ``images``
    ((values...) -> the ``ipywidgets.Image`` of that grid point), ``pngs``
    (the same -> PNG bytes), ``grid``, ``draw``.
    """

    def __init__(self, draw, grid, value=None, labels=None, dpi=80, colors=256,
                 live=True, slider_width="28em"):
        import ipywidgets as widgets

        self.draw = draw
        self.grid, start = _check_grid(grid, value)
        self.names = list(self.grid)
        self.dpi, self.colors = dpi, colors
        labels = dict(labels or {})
        style = {"description_width": "initial"}

        self.pngs = {}
        for point in itertools.product(*self.grid.values()):
            self.pngs[point] = self._render(dict(zip(self.names, point)))

        # One control a name: a slider over the grid values when they are
        # numbers, a dropdown otherwise. Its ``index`` drives the stacks.
        self.controls = {}
        for name, values in self.grid.items():
            options = [(_format(v), v) for v in values]
            description = labels.get(name, name)
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
        image_layout = widgets.Layout(max_width="100%", height="auto")

        def build(level, prefix):
            if level == len(self.names):
                image = widgets.Image(value=self.pngs[prefix], format="png",
                                      layout=image_layout)
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
        # hides it on the website; in Jupyter, Binder or Colab it shows.
        self.live_image = widgets.Image(format="png", layout=image_layout)
        self.view = widgets.Stack(children=[grid_view, self.live_image],
                                  selected_index=0)
        children = [*self.controls.values(), self.view]
        self.live_controls = {}
        if live:
            children.insert(len(self.controls), self._live_row(widgets, labels, start))
        self.widget = widgets.VBox(children)
        self.widget.add_class(WIDGET_CLASS)
        for control in self.controls.values():
            control.observe(self._grid_moved, names="index")

    # --- rendering ------------------------------------------------------------------

    def _render(self, values):
        import matplotlib.pyplot as plt

        fig = self.draw(**values)
        if fig is None:
            fig = plt.gcf()
        try:
            from .figcheck import check_figure
        except ImportError:             # pragma: no cover - matplotlib is there
            check_figure = None
        if check_figure is not None:
            check_figure(fig, where=f"static_interact at {values}")
        return figure_png(fig, dpi=self.dpi, colors=self.colors)

    def values(self):
        """The values the grid controls show now, as a dict."""
        return {name: control.value for name, control in self.controls.items()}

    # --- the live row ---------------------------------------------------------------

    def _live_row(self, widgets, labels, start):
        boxes = []
        for name, values in self.grid.items():
            initial = values[start[name]]
            description = labels.get(name, name)
            if all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                   for v in values):
                box = widgets.IntText(value=initial, description=description,
                                      layout=widgets.Layout(width="11em"))
            elif all(_is_number(v) for v in values):
                box = widgets.FloatText(value=initial, description=description,
                                        layout=widgets.Layout(width="11em"))
            else:
                box = widgets.Dropdown(options=[(_format(v), v) for v in values],
                                       value=initial, description=description)
            box.observe(self._live_changed, names="value")
            self.live_controls[name] = box
            boxes.append(box)
        self.live_status = widgets.HTML(
            value="<i>any value (computed by the running notebook):</i>")
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
        self._syncing = True
        try:
            for name, value in self.values().items():
                self.live_controls[name].value = value
        finally:
            self._syncing = False

    def _live_changed(self, change):
        if self._syncing:
            return
        values = {name: box.value for name, box in self.live_controls.items()}
        point = tuple(values[name] for name in self.names)
        try:
            png = self.pngs.get(point)
            if png is None:
                png = self._render(values)
        except Exception as exc:        # noqa: BLE001 - show it, keep the widget alive
            self.live_status.value = (f"<b>could not draw {values}:</b> "
                                      f"{type(exc).__name__}: {exc}")
            return
        self.live_status.value = "<i>any value (computed by the running notebook):</i>"
        self.live_image.value = png
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
        return bundle

    def page_bytes(self):
        """The bytes the stored PNGs add to the page (base64 grows them by 4/3)."""
        return sum((len(png) + 2) // 3 * 4 for png in self.pngs.values())


def static_interact(draw, grid, value=None, labels=None, dpi=80, colors=256,
                    live=True):
    """A widget whose figure answers its controls on the static website too.

    ``draw(**values)`` returns a matplotlib figure (or draws on the current
    one) for one value of each control. ``grid`` maps each control's name
    (an argument of ``draw``) to the list of values the website offers:
    the figure of every combination is drawn now, so keep the grid small
    (the product of the lengths is the number of figures; each weighs
    10-40 kB). ``value``: the start value of each control (default: the
    middle of its list). ``labels``: the text shown beside each control.
    ``dpi``: drawn at ``figsize * dpi`` pixels (80 fits the page column at a
    figure 7-9 inches wide). ``colors``: the PNG palette size (None: full
    colour). ``live``: in a running notebook, also offer text boxes that
    compute any value.

    Returns a :class:`StaticInteract`; as the last expression of a cell it
    shows the widget (and a static PNG of the start values for print).
    """
    return StaticInteract(draw, grid, value=value, labels=labels, dpi=dpi,
                          colors=colors, live=live)
