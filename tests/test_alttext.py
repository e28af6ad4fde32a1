"""diy_nn.book.alttext: every stored figure gets alt text written from its own texts
(the site's extension puts it in the page; tests/browser checks no alt is a path)."""
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from diy_nn.book.alttext import describe_figure, install  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_a_panel_is_described_by_its_title_axes_and_legend():
    fig, ax = plt.subplots()
    ax.plot([1, 2], label="gradient descent")
    ax.plot([2, 1], label=r"$\eta = 0.5$")
    ax.set(title="Training loss", xlabel="epoch", ylabel="loss $L$", yscale="log")
    ax.legend()
    assert describe_figure(fig) == (
        "Figure. Training loss; x axis: epoch; y axis: loss L (log scale); "
        "legend: gradient descent, η = 0.5.")


def test_panels_are_numbered_and_a_suptitle_leads():
    fig, axes = plt.subplots(1, 2)
    axes[0].set_title(r"$\lambda_1 = 4$")
    axes[1].set_xlabel("step")
    fig.suptitle("Two views")
    assert describe_figure(fig) == ("Figure: Two views. Panel 1: λ₁ = 4. "
                                    "Panel 2: x axis: step.")


def test_an_image_grid_is_summed_up_in_one_line():
    fig, axes = plt.subplots(2, 8)
    for i, ax in enumerate(axes.flat):
        ax.imshow([[i]])
        ax.axis("off")
        ax.set_title("original" if i < 8 else "code 10")
    assert describe_figure(fig) == "Figure. 16 panels: original, code 10"


def test_a_long_description_is_cut_at_a_word():
    fig, ax = plt.subplots()
    ax.set_title("word " * 200)
    text = describe_figure(fig, limit=50)
    assert len(text) <= 50 and text.endswith("…") and "wor…" not in text


def test_tex_the_book_does_not_know_is_dropped_not_an_error():
    fig, ax = plt.subplots()
    ax.set_title(r"$\oint f$ around")
    assert describe_figure(fig) == "Figure. oint f around."


def test_install_adds_the_alt_text_to_the_figure_outputs_metadata():
    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    class Shell:
        display_formatter = DisplayFormatter()

    shell = Shell()
    assert install(shell) is False              # no PNG formatter for figures yet
    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, lambda fig: b"\x89PNG")
    assert install(shell) and install(shell)    # idempotent
    fig, ax = plt.subplots()
    ax.set_title("A title")
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"] == b"\x89PNG"
    assert metadata["image/png"] == {"alt": "Figure. A title."}


def test_an_escaped_dollar_is_a_dollar():
    fig, ax = plt.subplots()
    ax.set_ylabel(r"price (\$100k)")
    assert describe_figure(fig) == "Figure. y axis: price ($100k)."


def test_an_image_grid_names_its_rows_by_their_labels():
    fig, axes = plt.subplots(2, 8)
    for row, name in zip(axes, ["original", "code 2"]):
        for ax in row:
            ax.imshow([[0]])
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(name)
    assert describe_figure(fig) == "Figure. 16 panels: original, code 2"
