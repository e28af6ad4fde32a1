"""diy_nn.widgets (static_interact), diy_nn.quiz and diy_nn.figcheck.

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

from diy_nn.figcheck import (  # noqa: E402
    FigureOverlapError, check_figure, text_overlaps,
)
from diy_nn.widgets import StaticInteract, figure_png, static_interact  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


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
            assert bytes(image.value) == w.pngs[(slope, offset)]


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
    assert bytes(w.live_image.value).startswith(PNG_MAGIC)


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


def test_a_live_value_that_fails_to_draw_says_so_and_keeps_the_widget():
    def draw(slope):
        if slope < 0:
            raise ValueError("negative slope")
        return draw_line(slope)

    w = static_interact(draw, grid={"slope": [1.0, 2.0]})
    w.live_controls["slope"].value = -1.0
    assert "negative slope" in w.live_status.value
    assert w.view.selected_index == 0


def test_without_live_there_is_no_live_row():
    w = static_interact(draw_line, grid={"slope": [1, 2]}, live=False)
    assert w.live_controls == {}
    assert all("diy-nn-live-only" not in c._dom_classes for c in w.widget.children)


def test_the_display_bundle_has_the_widget_and_a_static_png_of_the_start_values():
    import base64

    w = static_interact(draw_line, grid={"slope": [1, 2, 3]})
    bundle = w._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]) == w.pngs[(2,)]
    assert "3 stored figures" in data["text/plain"]


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
    from diy_nn import figcheck

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


# --- quiz ---------------------------------------------------------------------------

def test_choice_marks_the_correct_answers_and_explains_each():
    from diy_nn.quiz import choice

    q = choice("Which?", [("a", True, "because."), ("b", False, "no.")])
    assert q["type"] == "multiple_choice"
    assert [a["correct"] for a in q["answers"]] == [True, False]
    assert q["answers"][0]["feedback"].startswith("Right")
    assert q["answers"][1]["feedback"].startswith("Not quite")


def test_choice_with_two_correct_answers_is_select_all():
    from diy_nn.quiz import choice

    q = choice("Which?", [("a", True, "x"), ("b", True, "y"), ("c", False, "z")])
    assert q["type"] == "many_choice"


def test_choice_without_a_correct_answer_is_an_error():
    from diy_nn.quiz import choice

    with pytest.raises(ValueError, match="correct"):
        choice("Which?", [("a", False, "x")])


def test_backticks_become_code():
    from diy_nn.quiz import choice

    q = choice("Shape of `Linear(3, 2)`?", [("`(3, 2)`", True, "x")])
    assert "<code>Linear(3, 2)</code>" in q["question"]
    assert q["answers"][0]["answer"] == "<code>(3, 2)</code>"


def test_number_accepts_the_value_within_tolerance_and_explains_mistakes():
    from diy_nn.quiz import number

    q = number("How many?", 8, feedback="6 + 2.", wrong=[(6, "the bias.")])
    right, wrong, default = q["answers"]
    assert q["type"] == "numeric"
    assert right["correct"] and right["range"][0] <= 8 <= right["range"][1]
    assert not wrong["correct"] and "bias" in wrong["feedback"]
    assert default["type"] == "default"
    q = number("Value?", 0.25)
    low, high = q["answers"][0]["range"]
    assert low < 0.25 < high and high - low == pytest.approx(0.0025)


def test_self_check_shows_the_questions_with_their_script(monkeypatch):
    pytest.importorskip("jupyterquiz")
    import IPython.display

    from diy_nn.quiz import choice, self_check

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    questions = [choice("Which?", [("a", True, "x"), ("b", False, "y")])]
    self_check(questions)
    html_out, script = shown
    assert "<div id=" in html_out.data
    assert "show_questions" in script.data and "Which?" in script.data
    assert "startup.promise" in script.data      # waits for MathJax on the website
    self_check(questions)
    assert shown[2].data == html_out.data       # same ids on a re-run: clean diffs
