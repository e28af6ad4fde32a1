"""The student workbook (``make workbook``, ``tools/build_workbook.py``): built from the
chapters, committed up to date, reachable from every chapter page; its runtime swaps
the student's classes in, and ``check``/``use`` say what they expected when given
something else. (Running the workbooks: tests/test_workbook_runs.py; the mistakes
the checkers catch: tests/test_mutants.py.)
"""
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_workbook as workbook  # noqa: E402  (tools/ is not a package)

from diy_nn import Loss, Module  # noqa: E402
import diy_nn as nn_lib  # noqa: E402
import diy_nn.book.workbook as runtime  # noqa: E402
from diy_nn.book.glue import GLUE_PREFIX  # noqa: E402

CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _ids(paths):
    return [p.stem for p in paths]


def _tagged(nb, tag):
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


# --- what the builder writes ---------------------------------------------------------


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_every_listing_of_the_library_becomes_a_skeleton_or_is_given(path):
    nb = workbook.build_notebook(path)
    text = "\n".join(c.source for c in nb.cells)
    assert "{literalinclude}" not in text
    assert "{solution}" not in text
    assert not _tagged(nb, "solution") and not _tagged(nb, "workbook-drop")
    assert 'delta @ self._parameters["W"].T' not in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    book = nbformat.read(str(path), as_version=4)
    listed = re.findall(r":pyobject:\s*(\S+)", "\n".join(c.source for c in book.cells))
    written = ",".join(p for p, _ in nb.metadata["diy_nn_workbook"]["exercises"])
    for pyobject in listed:
        name = pyobject.split(".")[0]
        assert pyobject in written.split(",") or name in workbook.GIVEN \
            or f"`{pyobject}` is given" in text, pyobject


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_a_skeleton_holds_no_answer(path):
    """The bodies of the methods to write are not in the workbook: only their
    docstrings, and ``raise NotWritten``."""
    nb = workbook.build_notebook(path)
    solved = workbook.build_notebook(path, fill=True)
    for cell in _tagged(nb, "workbook-skeleton"):
        meta = cell.metadata["diy_nn_workbook"]
        twin = next(c for c in _tagged(solved, "workbook-skeleton")
                    if c.metadata["diy_nn_workbook"]["pyobject"] == meta["pyobject"])
        assert "raise NotWritten('" in cell.source
        assert "raise NotWritten('" not in twin.source
        compile(cell.source, meta["pyobject"], "exec")



def test_every_module_and_loss_to_write_has_a_checker():
    missing = []
    for path in CHAPTERS:
        nb = workbook.build_notebook(path)
        for cell in _tagged(nb, "workbook-skeleton"):
            meta = cell.metadata["diy_nn_workbook"]
            name = meta["pyobject"].split(".")[0]
            obj = runtime.original(name)
            if isinstance(obj, type) and issubclass(obj, (Module, Loss)) \
                    and name not in runtime.CHECKS:
                missing.append(f"{path.stem}: {name} (add it to CHECKS in "
                               f"diy_nn/book/workbook.py)")
    assert not missing


def test_make_workbook_writes_every_chapter_and_the_zip(tmp_path):
    zip_path = tmp_path / "site" / workbook.ZIP_NAME
    workbook.main(["--out", str(tmp_path), "--zip", str(zip_path)]
                  + [str(p) for p in CHAPTERS[:2]])
    for path in CHAPTERS[:2]:
        assert (tmp_path / path.name).exists()
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        readme = z.read("diy_nn-workbook/README.txt").decode()
    assert {f"diy_nn-workbook/{p.name}" for p in CHAPTERS[:2]} <= set(names)
    assert workbook.repository() in readme and "{" not in readme


def test_the_committed_workbook_is_what_the_chapters_give():
    """Binder and Colab open workbook/NN_x.ipynb from the repository: after a change
    to a chapter or to the library, `make workbook` and commit workbook/."""
    stale = workbook.stale(CHAPTERS, ROOT / "workbook")
    assert not stale, (f"out of date: {[p.name for p in stale]}; run `make workbook` "
                       f"and commit workbook/")


def test_a_rebuild_changes_nothing(tmp_path):
    """Cell ids are stable: the committed workbook changes only where a chapter or
    the library did."""
    first = workbook.render(workbook.build_notebook(CHAPTERS[1]))
    assert workbook.render(workbook.build_notebook(CHAPTERS[1])) == first
    ids = [c.id for c in workbook.build_notebook(CHAPTERS[1]).cells]
    assert len(ids) == len(set(ids))


def test_the_workbook_says_where_the_solutions_are_and_they_are_there():
    text = " ".join((workbook.NOTE + workbook.ZIP_README).replace(">", " ").split())
    assert "folded under each exercise" in text
    assert "not" in text and "solutions" in text
    for path in CHAPTERS:
        nb = workbook.build_notebook(path)
        sources = "\n".join(c.source for c in nb.cells)
        assert "diy_nn.book.solutions" not in sources and "{solution}" not in sources


def test_make_workbook_installs_only_what_the_builder_uses():
    pins = dict(line.split("==") for line in
                (ROOT / "requirements-workbook.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    full = dict(line.split("==") for line in
                (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert set(pins) == {"numpy", "nbconvert"}
    assert all(full[name] == pin for name, pin in pins.items())
    makefile = (ROOT / "Makefile").read_text()
    assert "workbook: $(VENV)/.workbook" in makefile


# --- the launch links ----------------------------------------------------------------


def _site_extension():
    sys.path.insert(0, str(ROOT / "_ext"))
    import diy_nn_workbook
    return diy_nn_workbook


def _config():
    import yaml
    return yaml.safe_load((ROOT / "_config.yml").read_text())


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_every_chapter_page_opens_its_workbook_on_binder_and_colab(path):
    ext, config = _site_extension(), _config()
    repo = config["repository"]
    links = ext.workbook_links(repo["url"], repo["branch"], config["launch_buttons"],
                               f"book/{path.stem}")
    urls = {text: url for text, _, _, url in links}
    assert set(urls) == {"Workbook on Binder", "Workbook on Colab"}
    org_repo = repo["url"].split("github.com/")[1]
    notebook = f"workbook/{path.stem}.ipynb"
    assert (ROOT / notebook).exists()
    assert urls["Workbook on Binder"] == (
        f"https://mybinder.org/v2/gh/{org_repo}/{repo['branch']}?urlpath=tree/"
        f"{notebook}")
    assert urls["Workbook on Colab"] == (
        f"https://colab.research.google.com/github/{org_repo}/blob/"
        f"{repo['branch']}/{notebook}")


def test_pages_that_are_not_chapters_have_no_workbook_menu():
    ext, config = _site_extension(), _config()
    for page in ("book/intro", "book/api", "book/datasets"):
        assert ext.workbook_links(config["repository"]["url"], "main",
                                  config["launch_buttons"], page) == []


def test_the_site_loads_the_extension_and_the_introduction_links_the_zip():
    assert _config()["sphinx"]["local_extensions"]["diy_nn_workbook"] == "_ext/"
    intro = (ROOT / "book" / "intro.md").read_text()
    section = intro[intro.index("## Running the chapters"):]
    assert "{download}`the whole workbook <../_build/workbook/diy_nn-workbook.zip>`" \
        in section.split("\n## ")[0].replace("\n", " ")


# --- a wrong answer ------------------------------------------------------------------


def _solved_class(chapter, name, wrong, right):
    """The library's code for ``name`` from the solved workbook, with ``right``
    replaced by ``wrong``, defined in a fresh namespace."""
    nb = workbook.build_notebook(ROOT / "book" / chapter, fill=True)
    cell = next(c for c in _tagged(nb, "workbook-skeleton")
                if c.metadata["diy_nn_workbook"]["pyobject"] == name)
    assert right in cell.source
    namespace = {"use": lambda *a: None, "NotWritten": runtime.NotWritten}
    exec(compile(cell.source.replace(right, wrong), name, "exec"), namespace)
    return namespace[name]


def test_a_missing_transpose_in_linear_backward_delta_is_named(capsys):
    Linear = _solved_class("02_linear.ipynb", "Linear",
                           right='delta @ self._parameters["W"].T',
                           wrong='delta @ self._parameters["W"]')
    result = runtime.check(Linear)
    assert not result.passed and not result.not_answered
    name, _, message = result.first_failure
    assert "backward_delta" in name
    assert "transposed" in message


def test_a_sum_instead_of_a_mean_in_mse_backward_is_named(capsys):
    MSELoss = _solved_class("02_linear.ipynb", "MSELoss",
                            right="2 * (yhat - y) / len(yhat)",
                            wrong="2 * (yhat - y)")
    result = runtime.check(MSELoss)
    assert not result.passed
    name, _, message = result.first_failure
    assert name.startswith("backward values")
    assert "batch size" in message and "divide by the batch size" in message


def test_a_mistake_seen_only_in_a_second_configuration_says_what_that_adds(capsys):
    Conv1D = _solved_class(
        "07_convolution.ipynb", "Conv1D",
        right="offset_views(dX, self.k_size, self.stride)",
        wrong="offset_views(dX[:, :n_out + self.k_size - 1], self.k_size, 1)")
    result = runtime.check(Conv1D)
    assert result.summary() == ("✗ Conv1D: fails with stride=2, at backward_delta "
                                "values")
    message = result.first_failure[2]
    assert ("It passes with Conv1D(3, 2, 4) on (2, 10, 2), fails with stride=2"
            in message)
    assert "is the stride used in backward_delta?" in message


# --- check and use: what they expect ------------------------------------------------


def test_check_takes_the_class_not_an_instance_nor_its_name():
    import diy_nn

    with pytest.raises(TypeError, match=r"check\(Linear\(...\)\): pass the class "
                                        r"itself, not an instance: check\(Linear\)"):
        runtime.check(diy_nn.Linear(3, 2))
    with pytest.raises(TypeError, match="not its name as a string: check\\(Linear\\)"):
        runtime.check("Linear")
    with pytest.raises(TypeError, match="expected the class or function you wrote"):
        runtime.check(3)


def test_check_of_a_class_the_library_does_not_have_says_so():
    class MyLinear:
        pass

    with pytest.raises(ValueError, match="diy_nn has no MyLinear"):
        runtime.check(MyLinear)
    with pytest.raises(ValueError, match="library='diy_nn.conv3d': diy_nn has no such "
                                         "module"):
        runtime.check(type("windows", (), {}), library="diy_nn.conv3d")


def test_use_takes_classes_named_as_the_librarys():
    import diy_nn

    with pytest.raises(TypeError, match="use\\(\\) needs the classes"):
        runtime.use()
    with pytest.raises(TypeError, match="pass the class itself, not an instance"):
        runtime.use(diy_nn.TanH())
    with pytest.raises(ValueError, match="use\\(MyTanH\\): diy_nn has no MyTanH"):
        runtime.use(type("MyTanH", (diy_nn.Module,), {}))


def test_check_module_and_check_loss_say_what_they_expected():
    import diy_nn
    from diy_nn.book.exercises import check_loss, check_module

    with pytest.raises(TypeError, match="input_shape"):
        check_module(diy_nn.TanH, diy_nn.TanH, 5)
    with pytest.raises(TypeError, match="reference"):
        check_module(diy_nn.TanH, None, (5, 3))
    with pytest.raises(TypeError, match="y and yhat"):
        check_loss(diy_nn.MSELoss, diy_nn.MSELoss)


def test_an_unwritten_skeleton_is_not_answered_yet(capsys):
    nb = workbook.build_notebook(ROOT / "book" / "02_linear.ipynb")
    cell = next(c for c in _tagged(nb, "workbook-skeleton")
                if c.metadata["diy_nn_workbook"]["pyobject"] == "Linear")
    namespace = {"use": lambda *a: None, "NotWritten": runtime.NotWritten}
    exec(compile(cell.source, "Linear", "exec"), namespace)
    result = runtime.check(namespace["Linear"])
    assert result.not_answered and "forward is not written yet" in result.report()


def test_use_swaps_the_package_name_and_library_restores_it():
    import diy_nn

    class TanH(diy_nn.Module):
        pass

    library_tanh = diy_nn.TanH
    namespace = {"TanH": TanH}
    try:
        runtime.use(TanH)
        assert diy_nn.TanH is TanH
        with runtime.library(namespace):
            assert diy_nn.TanH is library_tanh and namespace["TanH"] is library_tanh
        assert diy_nn.TanH is TanH and namespace["TanH"] is TanH
        assert runtime.original("TanH") is library_tanh
    finally:
        diy_nn.TanH = library_tanh
        runtime._swapped.pop("TanH", None)


# --- chapters to come: every module of the later chapters' files --------------------

LATER_FILES = ["autoencoder", "conv1d", "flatten", "conv2d", "conv_transpose",
               "double_conv"]


def _later_classes():
    import importlib
    found = []
    for stem in LATER_FILES:
        if not (ROOT / "diy_nn" / f"{stem}.py").exists():
            continue
        module = importlib.import_module(f"diy_nn.{stem}")
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and obj.__module__ == module.__name__
                    and not name.startswith("_") and issubclass(obj, (Module, Loss))):
                found.append((stem, name))
    return found


def _listing_notebook(stem, name):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        f"## A section\n\nText.\n\n```{{literalinclude}} ../diy_nn/{stem}.py\n"
        f":pyobject: {name}\n```\n\nMore text.")]
    return nb


@pytest.mark.parametrize("stem, name", _later_classes(),
                         ids=[n for _, n in _later_classes()])
def test_a_listing_of_a_later_chapter_becomes_a_skeleton_with_a_checker(
        stem, name, capsys):
    """Chapters 6 to 8 (being written) show these modules: the builder makes a
    skeleton that says "not answered yet", and the library's code in it passes."""
    results = {}
    for fill in (False, True):
        pre = workbook.WorkbookPreprocessor(fill=fill)
        nb, _ = pre.preprocess(_listing_notebook(stem, name), {})
        cell = next(c for c in nb.cells
                    if "workbook-skeleton" in c.metadata.get("tags", []))
        assert any(c.source == f"check({name})" for c in nb.cells), \
            f"no checker for {name}: add it to CHECKS in diy_nn/book/workbook.py"
        namespace = {"use": lambda *a: None, "NotWritten": runtime.NotWritten}
        exec(compile(cell.source, name, "exec"), namespace)
        results[fill] = runtime.check(namespace[name])
    assert results[False].not_answered, results[False].report()
    assert results[True].passed, results[True].report()


# --- the chapter author's markup -----------------------------------------------------


def _built(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb, _ = workbook.WorkbookPreprocessor().preprocess(nb, {})
    return nb


def _listing(marker, pyobject, path="linear.py"):
    return (f"{marker}\n```{{literalinclude}} ../diy_nn/{path}\n"
            f":pyobject: {pyobject}\n```\n")


def test_a_marker_before_a_listing_makes_it_given_dropped_or_an_exercise():
    md = nbformat.v4.new_markdown_cell
    nb = _built([md("## S\n\n" + _listing("<!-- workbook: given -->", "Linear")
                    + "\ntext\n\n" + _listing("<!-- workbook: drop -->", "MSELoss",
                                              "loss.py")
                    + "\n" + _listing("<!-- workbook: exercise -->", "Loss",
                                      "module.py"))])
    text = "\n".join(c.source for c in nb.cells)
    assert "`Linear` is given" in text and "def backward_delta" in text
    assert "MSELoss" not in text
    assert [e[0] for e in nb.metadata["diy_nn_workbook"]["exercises"]] == ["Loss"]
    assert "<!--" not in text


def test_cell_tags_drop_a_cell_or_keep_it_as_it_is():
    code = nbformat.v4.new_code_cell
    dropped = code("secret = 42", metadata={"tags": ["workbook-drop"]})
    solution = code("answer = 42", metadata={"tags": ["solution"]})
    kept = code("check_value(x, 1)", metadata={"tags": ["workbook-keep"]})
    wrapped = code("check_value(x, 1)")
    exporter = workbook.exporter()
    nb = nbformat.v4.new_notebook()
    nb.cells = [dropped, solution, kept, wrapped]
    text, _ = exporter.from_notebook_node(nb)
    sources = [c.source for c in nbformat.reads(text, as_version=4).cells]
    assert "secret = 42" not in sources and "answer = 42" not in sources
    assert "check_value(x, 1)" in sources
    assert any(s.startswith("with library():") for s in sources)


def _glued_cell(name, value):
    out = nbformat.v4.new_output(
        "display_data", data={GLUE_PREFIX + "text/plain": repr(value)},
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})
    return nbformat.v4.new_code_cell(f"glue({name!r}, {value!r})", outputs=[out])


def test_a_glue_role_reads_as_its_value_as_on_the_website(tmp_path):
    other = nbformat.v4.new_notebook()
    other.cells = [_glued_cell("acc", "98.2 %")]
    nbformat.write(other, str(tmp_path / "05_x.ipynb"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [_glued_cell("rate", 0.12345), nbformat.v4.new_markdown_cell(
        "rate {glue:text}`rate:.2f`, raw {glue:text}`rate`, "
        "there {glue:text}`05_x.ipynb::acc:s`.")]
    workbook.paste_glue(nb, tmp_path / "06_y.ipynb")
    assert nb.cells[1].source == "rate 0.12, raw 0.12345, there 98.2 %."


def test_a_glue_role_without_a_stored_value_says_to_re_execute(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("{glue:text}`missing`")]
    with pytest.raises(KeyError, match="make notebooks"):
        workbook.paste_glue(nb, tmp_path / "01_x.ipynb")


def test_a_link_to_a_page_of_the_book_points_to_the_repository():
    nb = _built([nbformat.v4.new_markdown_cell("see the [notation](notation.md)")])
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"]({workbook.repository()}/blob/main/book/notation.md)" in text


def test_a_step_up_the_gradient_is_named_a_sign_mistake(capsys):
    class GradientDescent:
        def update(self, net, eps):
            for p, g in net.parameters():
                p += eps * g       # the student's mistake: + instead of -

    result = runtime.check(GradientDescent)
    assert not result.passed
    _, _, message = result.first_failure
    assert "up the gradient" in message and "sign" in message


def test_a_sequential_running_its_modules_first_to_last_is_told_the_order(capsys):
    class Sequential(nn_lib.Sequential):
        def backward(self, delta, input_gradient=True):
            for m, X in zip(self.modules, self._inputs):   # the mistake: not reversed
                m.backward_update_gradient(X, delta)
                delta = m.backward_delta(X, delta)
            return delta

    result = runtime.check(Sequential)
    assert not result.passed
    _, _, message = result.first_failure
    assert "from the last to the first" in message
