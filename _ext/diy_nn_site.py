"""A local Sphinx extension for the book's website (see _config.yml).

It adds ``static/diy_nn_site.js`` to every page, before require.js, the widget
manager and MathJax (priority 200; Jupyter Book adds the files of _static/ after
them): the script's comments say what it fixes.

A method shown with ``{literalinclude}`` and ``:pyobject: Class.method`` kept its
class's indentation (four spaces on every line, a box wider than it needs):
such an excerpt is dedented unless it says ``:dedent:`` itself.

Jupyter Book 1.0.4 registers the inline configuration scripts of sphinx-thebe and
sphinx-togglebutton twice, so every page declared ``const THEBE_JS_URL`` twice and
logged "Identifier 'THEBE_JS_URL' has already been declared". Keep the first copy of
each script.

A figure stored in a chapter became ``<img alt="../_images/3f2a….png">`` (docutils
uses the path when an image has no alt text): a screen reader read the path. Each
figure gets the alt text its output stored (``{"image/png": {"alt": ...}}``, written
by diy_nn.book.alttext when the chapters run); an image without one is named by its
section, never by its path.

An exercise checker's answer (a ``diy-nn-check`` box) is the output of the run that
built the book: the website says so under it, and how to check one's own code.
"""
import base64
import hashlib
import json
from pathlib import Path

from docutils import nodes
from sphinx.directives.code import LiteralInclude

STATIC_CHECK_NOTE = (
    '<p class="diy-nn-static-note">This answer comes from the run that built the book. '
    'To check <em>your</em> code, run the notebook: the rocket button at the top of '
    'the page opens it in Binder or Colab.</p>')


class MethodLiteralInclude(LiteralInclude):
    """``literalinclude`` whose ``:pyobject: Class.method`` excerpts are dedented."""

    def run(self):
        if "." in self.options.get("pyobject", "") and "dedent" not in self.options:
            self.options["dedent"] = None       # no number: remove the common indent
        return super().run()


def _script_key(script):
    attributes = getattr(script, "attributes", {}) or {}
    # One copy has filename None, the other "": the same inline script.
    return (getattr(script, "filename", str(script)) or "",
            tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _script_key(script)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def _stored_alt_texts(path):
    """{sha256 of a PNG output: its stored alt text} of a notebook (myst-nb names each
    output image by the sha256 of its bytes)."""
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                data = base64.b64decode("".join(png) if isinstance(png, list) else png)
                found[hashlib.sha256(data).hexdigest()] = alt
    return found


def _section_title(node):
    while node is not None:
        if isinstance(node, nodes.section) and node.children and \
                isinstance(node.children[0], nodes.title):
            return node.children[0].astext()
        node = node.parent
    return ""


def describe_images(app, doctree, docname):
    """Alt text for every image: the stored one, else its section's title."""
    path = str(app.env.doc2path(docname))
    stored = _stored_alt_texts(path) if path.endswith(".ipynb") else {}
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        name = Path(image.get("uri", "")).stem
        section = _section_title(image)
        image["alt"] = stored.get(name) or (
            f"Figure in the section \u201c{section}\u201d (drawn by the code above)"
            if section else "Figure drawn by the code above")


def note_static_checks(app, doctree, docname):
    """Under each exercise checker's answer: it was computed when the book was built."""
    for raw in list(doctree.findall(nodes.raw)):
        if 'class="diy-nn-check"' in raw.astext() and raw.parent is not None:
            raw.parent.insert(raw.parent.index(raw) + 1,
                              nodes.raw("", STATIC_CHECK_NOTE, format="html"))


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static_path)
    app.add_js_file("diy_nn_site.js", priority=200)
    app.add_directive("literalinclude", MethodLiteralInclude, override=True)
    app.connect("html-page-context", drop_duplicate_scripts)
    app.connect("doctree-resolved", describe_images)
    app.connect("doctree-resolved", note_static_checks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
