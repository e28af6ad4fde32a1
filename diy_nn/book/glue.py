"""Numbers in the prose that come from outputs: myst-nb's ``glue``, without myst-nb.

A chapter computes a value, glues it under a name, and its text pastes the name
(``{glue:text}`name```); the website then shows the stored output, so a number
in a sentence cannot drift from the run that produced it. The book's website
build has myst-nb; Binder and Colab do not need it, so this module writes the
same output myst-nb's ``glue`` writes (``tests/test_glue.py`` checks they agree).
"""

# myst-nb's prefix for a glued output that is stored but not shown in the cell.
GLUE_PREFIX = "application/papermill.record/"


def glue(name, value, display=False):
    """Store ``value`` in the cell's output under ``name``, for ``{glue:text}``
    and the other glue roles. With ``display`` the value is shown in the cell too."""
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    if not isinstance(name, str) or not name:
        raise TypeError(f"glue: expected a non-empty string name, got {name!r}")
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True,
                metadata=metadata)


def glued_values(nb):
    """``name -> text/plain`` of every value glued in a notebook's stored outputs
    (``nb``: the notebook as JSON or an nbformat node): what ``{glue:text}`` pastes.
    The workbook builder reads them, since Jupyter shows the role as written."""
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            data = out.get("data", {})
            text = data.get(GLUE_PREFIX + "text/plain", data.get("text/plain"))
            if name and text is not None:
                values[name] = "".join(text)
    return values
