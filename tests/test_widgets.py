"""diy_nn.book.widgets (static_interact), diy_nn.book.quiz and diy_nn.book.figcheck.

What the browser does with them (moving a control shows another stored figure,
a quiz answers) is checked on the built site by tests/browser.
"""
import io
import warnings

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

widgets = pytest.importorskip("ipywidgets")

from diy_nn.book.figcheck import (  # noqa: E402
    FigureOverlapError, check_figure, text_overlaps,
)
from diy_nn.book.widgets import (  # noqa: E402
    StaticInteract, figure_png, static_interact,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def shown_png(html_widget):
    """The PNG bytes of the <img> an HTML widget of static_interact shows."""
    import base64
    import re

    return base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"',
                                      html_widget.value).group(1))


def draw_line(slope, offset=0.0):
    fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.plot([0, 1], [offset, offset + slope])
    ax.set_title(f"slope {slope}")
    return fig


def crowded_figure():
    fig, axes = plt.subplots(2, 1, figsize=(3, 2))
    for ax in axes:
        ax.set_title("a title long enough to reach the panel above it")
    return fig


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- static_interact ----------------------------------------------------------------

def test_draws_one_png_for_every_point_of_the_grid():
    calls = []

    def draw(slope, offset):
        calls.append((slope, offset))
        return draw_line(slope, offset)

    w = static_interact(draw, grid={"slope": [1, 2, 3], "offset": [0.0, 0.5]})
    assert sorted(calls) == sorted((s, o) for s in [1, 2, 3] for o in [0.0, 0.5])
    assert set(w.pngs) == set(calls)
    assert all(png.startswith(PNG_MAGIC) for png in w.pngs.values())


def test_closes_the_figures_it_draws():
    static_interact(draw_line, grid={"slope": [1, 2]})
    assert plt.get_fignums() == []


def test_a_numeric_grid_gives_a_slider_and_a_string_grid_a_dropdown():
    def draw(slope, kind):
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [1, 2], "kind": ["a", "b"]})
    assert isinstance(w.controls["slope"], widgets.SelectionSlider)
    assert isinstance(w.controls["kind"], widgets.Dropdown)


def test_each_control_is_linked_in_the_browser_to_every_stack_of_its_level():
    def draw(slope, offset):
        return draw_line(slope, offset)

    w = static_interact(draw, grid={"slope": [1, 2, 3], "offset": [0.0, 0.5]})
    links = [(link.source, link.target) for link in w._links]
    assert len(w._stacks[0]) == 1 and len(w._stacks[1]) == 3
    for level, name in enumerate(["slope", "offset"]):
        for stack in w._stacks[level]:
            assert ((w.controls[name], "index"), (stack, "selected_index")) in links
    assert len(links) == 1 + 3


def test_the_nested_stacks_lead_to_the_image_of_each_grid_point():
    def draw(slope, offset):
        return draw_line(slope, offset)

    w = static_interact(draw, grid={"slope": [1, 2, 3], "offset": [0.0, 0.5]})
    root = w.view.children[0]
    for i, slope in enumerate([1, 2, 3]):
        for j, offset in enumerate([0.0, 0.5]):
            image = root.children[i].children[j]
            assert image is w.images[(slope, offset)]
            assert shown_png(image) == w.pngs[(slope, offset)]


def test_starts_at_the_middle_of_each_list_or_at_the_value_given():
    w = static_interact(draw_line, grid={"slope": [1, 2, 3, 4]})
    assert w.controls["slope"].value == 2
    assert w._stacks[0][0].selected_index == 1
    w = static_interact(draw_line, grid={"slope": [1, 2, 3, 4]}, value={"slope": 4})
    assert w.controls["slope"].value == 4
    assert w._stacks[0][0].selected_index == 3


def test_a_start_value_outside_the_grid_is_an_error_naming_it():
    with pytest.raises(ValueError, match="slope=5.*not in the grid"):
        static_interact(draw_line, grid={"slope": [1, 2]}, value={"slope": 5})


def test_an_empty_grid_or_list_is_an_error():
    with pytest.raises(ValueError, match="non-empty dict"):
        static_interact(draw_line, grid={})
    with pytest.raises(ValueError, match="grid\\['slope'\\] is empty"):
        static_interact(draw_line, grid={"slope": []})


def test_a_repeated_grid_value_is_an_error():
    with pytest.raises(ValueError, match="repeats a value"):
        static_interact(draw_line, grid={"slope": [1, 1, 2]})


def test_the_live_row_carries_the_class_the_website_hides():
    w = static_interact(draw_line, grid={"slope": [1, 2]})
    live_rows = [c for c in w.widget.children if "diy-nn-live-only" in c._dom_classes]
    assert len(live_rows) == 1
    assert "diy-nn-static-interact" in w.widget._dom_classes


def test_live_any_value_is_drawn_and_shown_in_a_running_kernel():
    calls = []

    def draw(slope):
        calls.append(slope)
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [1.0, 2.0]})
    calls.clear()
    w.live_controls["slope"].value = 1.37
    assert calls == [1.37]
    assert w.view.selected_index == 1
    assert shown_png(w.live_image).startswith(PNG_MAGIC)


def test_moving_a_grid_control_in_a_kernel_shows_the_grid_again_without_drawing():
    calls = []

    def draw(slope):
        calls.append(slope)
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [1.0, 2.0, 3.0]})
    w.live_controls["slope"].value = 1.37
    calls.clear()
    w.controls["slope"].index = 2
    assert w.view.selected_index == 0
    assert w.live_controls["slope"].value == 3.0
    assert calls == []


def test_a_live_value_that_fails_to_draw_shows_the_error_in_place_of_the_figure():
    def draw(slope):
        if 1.6 < slope < 1.8:
            raise ValueError("too steep")
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [1.0, 1.2, 2.0]}, value={"slope": 1.0})
    w.live_controls["slope"].value = 1.1
    assert w.view.selected_index == 1                 # drawn now
    w.live_controls["slope"].value = 1.7
    assert w.view.selected_index == 2                 # not the figure of 1.1
    assert "too steep" in w.message.value and "slope = 1.7" in w.message.value


def test_a_typed_value_outside_the_grid_range_is_refused_with_the_range():
    calls = []

    def draw(slope):
        calls.append(slope)
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [0.1, 0.5, 0.7]}, labels={"slope": "eta"})
    calls.clear()
    w.live_controls["slope"].value = -1.0
    assert calls == []
    assert w.view.selected_index == 2
    assert "eta = -1" in w.message.value and "0.1 to 0.7" in w.message.value


def test_bounds_widen_the_range_a_typed_value_may_take():
    w = static_interact(draw_line, grid={"slope": [0.1, 0.7]},
                        bounds={"slope": (-2, 2)})
    w.live_controls["slope"].value = -1.0
    assert w.view.selected_index == 1


def test_a_typed_grid_value_moves_the_slider_and_shows_the_stored_figure():
    calls = []

    def draw(slope):
        calls.append(slope)
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [0.1, 0.3, 0.7]}, value={"slope": 0.1})
    w.live_controls["slope"].value = 0.5
    calls.clear()
    w.live_controls["slope"].value = 0.7
    assert calls == []
    assert w.controls["slope"].value == 0.7 and w.view.selected_index == 0


def test_the_live_row_says_which_value_is_drawn_now():
    w = static_interact(draw_line, grid={"slope": [1.0, 2.0]},
                        labels={"slope": "slope s"})
    w.live_controls["slope"].value = 1.5
    assert "slope s = 1.5" in w.live_status.value
    w.controls["slope"].index = 1
    assert "slope s" not in w.live_status.value and w.view.selected_index == 0


def test_integer_controls_get_an_integer_box_and_labels_are_not_cut():
    w = static_interact(lambda n: draw_line(n), grid={"n": [1, 2, 3]},
                        labels={"n": "hidden units"})
    box = w.live_controls["n"]
    assert isinstance(box, widgets.IntText)
    assert box.style.description_width == "initial"


def test_a_control_of_strings_has_no_text_box_the_dropdown_offers_every_value():
    w = static_interact(lambda kind: draw_line(1), grid={"kind": ["a", "b"]})
    assert w.live_controls == {}


def test_without_live_there_is_no_live_row():
    w = static_interact(draw_line, grid={"slope": [1, 2]}, live=False)
    assert w.live_controls == {}
    assert all("diy-nn-live-only" not in c._dom_classes for c in w.widget.children)


def test_the_display_bundle_has_the_widget_and_a_static_png_of_the_start_values():
    import base64

    w = static_interact(draw_line, grid={"slope": [1, 2, 3]})
    data, metadata = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]) == w.pngs[(2,)]
    assert "3 stored figures" in data["text/plain"]
    assert metadata["image/png"]["alt"] == w.descriptions[(2,)]


def test_page_bytes_counts_the_base64_size_of_the_stored_pngs():
    w = static_interact(draw_line, grid={"slope": [1, 2]})
    expected = sum(4 * ((len(p) + 2) // 3) for p in w.pngs.values())
    assert w.page_bytes() == expected
    assert isinstance(w, StaticInteract)


def test_a_palette_png_is_smaller_than_a_full_colour_one():
    def contour():
        import numpy as np

        fig, ax = plt.subplots(figsize=(4, 3))
        x = np.linspace(-2, 2, 100)
        ax.contourf(x, x, np.add.outer(x, x ** 2), levels=30)
        return fig

    small, full = figure_png(contour()), figure_png(contour(), colors=None)
    assert small.startswith(PNG_MAGIC) and len(small) < len(full)


def test_figure_png_draws_at_figsize_times_dpi():
    from PIL import Image

    png = figure_png(draw_line(1), dpi=50)
    assert Image.open(io.BytesIO(png)).size == (150, 100)


def test_a_figure_with_overlapping_titles_warns_when_stored():
    def draw(slope):
        return crowded_figure()

    with pytest.warns(UserWarning, match="overlapping text"):
        static_interact(draw, grid={"slope": [1]})


# --- figcheck -----------------------------------------------------------------------

def test_titles_on_the_panel_above_are_found():
    found = text_overlaps(crowded_figure())
    assert found and "title 'a title long enough" in found[0]


def test_a_laid_out_figure_has_no_overlap():
    fig = crowded_figure()
    fig.set_layout_engine("constrained")
    assert text_overlaps(fig) == []


def test_check_figure_raises_when_strict_and_names_the_fix():
    with pytest.raises(FigureOverlapError, match="tight_layout"):
        check_figure(crowded_figure(), strict=True)


def test_check_figure_follows_the_environment(monkeypatch):
    monkeypatch.setenv("DIY_NN_CHECK_FIGURES", "1")
    with pytest.raises(FigureOverlapError):
        check_figure(crowded_figure())
    monkeypatch.setenv("DIY_NN_CHECK_FIGURES", "0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_figure(crowded_figure())
    assert caught


def test_the_show_hook_raises_on_an_overlapping_figure(monkeypatch):
    from diy_nn.book import figcheck

    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(True))
    monkeypatch.setattr(figcheck, "_installed", False)
    figcheck.install()
    crowded_figure()
    with pytest.raises(FigureOverlapError):
        plt.show()
    assert shown == []
    plt.close("all")
    draw_line(1)
    plt.show()
    assert shown == [True]


# --- static_interact: bad input gets an error that names the argument --------------

def test_a_grid_too_large_is_refused_before_drawing_anything():
    calls = []

    def draw(a, b):
        calls.append((a, b))
        return draw_line(a)

    with pytest.raises(ValueError, match=r"900 points \(30 × 30\).*max_figures=120"):
        static_interact(draw, grid={"a": list(range(30)), "b": list(range(30))})
    assert calls == []


def test_max_figures_allows_a_larger_grid_on_purpose():
    w = static_interact(lambda a: draw_line(a), grid={"a": [1, 2, 3]}, max_figures=3)
    assert len(w.pngs) == 3
    with pytest.raises(ValueError, match="max_figures=2"):
        static_interact(lambda a: draw_line(a), grid={"a": [1, 2, 3]}, max_figures=2)


@pytest.mark.parametrize("grid, words", [
    ({"slope": 3}, r"grid\['slope'\] must be a list of the values to offer, got int"),
    ({"slope": "abc"}, r"grid\['slope'\] must be a list .* got str"),
    ([1, 2], r"grid must be a non-empty dict"),
    ({"slope": [[1], [2]]}, r"grid\['slope'\] holds \[1\].*not hashable"),
    ({"slope": [1.0, float("nan")]}, r"grid\['slope'\] holds nan"),
    ({1: [1, 2]}, r"grid names are the names of draw.s arguments: 1 is not one"),
])
def test_a_malformed_grid_is_an_error_naming_it(grid, words):
    with pytest.raises((TypeError, ValueError), match=r"static_interact: " + words):
        static_interact(draw_line, grid=grid)


def test_draw_must_take_the_controls_of_the_grid():
    with pytest.raises(TypeError, match=r"static_interact: draw\(slope, offset=0.0\) "
                                        r"cannot be called with the grid's controls "
                                        r"\['angle'\]"):
        static_interact(draw_line, grid={"angle": [1, 2]})
    with pytest.raises(TypeError, match="draw must be a function"):
        static_interact(3, grid={"slope": [1, 2]})


def test_draw_must_return_a_figure():
    with pytest.raises(TypeError, match=r"draw\(slope = 1\) returned str; it must "
                                        r"return a matplotlib Figure"):
        static_interact(lambda slope: "a figure", grid={"slope": [1]})


def test_draw_may_return_its_axes_or_draw_on_the_current_figure():
    def on_axes(slope):
        return draw_line(slope).axes[0]

    def on_current(slope):
        draw_line(slope)

    for draw in (on_axes, on_current):
        png = static_interact(draw, grid={"slope": [1]}).pngs[(1,)]
        assert png.startswith(PNG_MAGIC)


def test_a_draw_error_on_the_grid_names_the_grid_point():
    def draw(slope):
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError) as caught:
        static_interact(draw, grid={"slope": [1]}, labels={"slope": "s"})
    notes = getattr(caught.value, "__notes__", ["static_interact: ... s = 1"])
    assert "s = 1" in notes[0]


@pytest.mark.parametrize("kwargs, words", [
    ({"value": 3}, "value must be a dict"),
    ({"labels": ["eta"]}, "labels must be a dict"),
    ({"labels": {"eta": "x"}}, r"labels names \['eta'\] are not controls"),
    ({"dpi": 0}, "dpi must be a positive number"),
    ({"colors": 1000}, "colors must be None .* from 2 to 256"),
    ({"live": "yes"}, "live must be True or False"),
    ({"bounds": {"slope": (2, 1)}}, r"bounds\['slope'\] must be \(low, high\)"),
    ({"bounds": {"slope": (1.5, 9)}}, r"bounds\['slope'\]=\(1.5, 9\) leaves out grid"),
    ({"alt": 3}, "alt must be None"),
])
def test_a_malformed_option_is_an_error_naming_it(kwargs, words):
    with pytest.raises((TypeError, ValueError), match="static_interact: " + words):
        static_interact(draw_line, grid={"slope": [1, 2]}, **kwargs)


# --- what a reader sees and hears ---------------------------------------------------

def test_images_are_drawn_at_the_books_dpi_and_shown_at_their_own_width():
    w = static_interact(draw_line, grid={"slope": [1, 2]})
    image = w.images[(1,)]
    from PIL import Image

    assert Image.open(io.BytesIO(w.pngs[(1,)])).size == (300, 200)   # 3 x 2 in at 100
    assert 'style="width:300px;max-width:100%;height:auto"' in image.value


def test_each_image_is_described_for_a_screen_reader():
    w = static_interact(draw_line, grid={"slope": [1, 2]}, labels={"slope": "slope s"})
    assert f'alt="{w.descriptions[(2,)]}"' in w.images[(2,)].value
    assert w.descriptions[(2,)].startswith("slope s = 2. Figure")
    assert "slope 2" in w.descriptions[(2,)]                   # the figure's title


def test_alt_may_be_a_template_or_a_function_of_the_values():
    w = static_interact(draw_line, grid={"slope": [1, 2]},
                        alt="a line of slope {slope}")
    assert w.descriptions[(2,)] == "a line of slope 2"
    w = static_interact(draw_line, grid={"slope": [1, 2]},
                        alt=lambda slope: f"s{slope}")
    assert w.descriptions[(1,)] == "s1"
