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
"""
from pathlib import Path

from sphinx.directives.code import LiteralInclude


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


def _add_static_path(app):
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("builder-inited", _add_static_path)
    app.add_js_file("diy_nn_site.js", priority=200)
    app.add_directive("literalinclude", MethodLiteralInclude, override=True)
    app.connect("html-page-context", drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
