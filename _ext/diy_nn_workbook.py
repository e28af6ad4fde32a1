"""The "Workbook" menu of every chapter page (a local Sphinx extension, see
_config.yml).

Beside the theme's launch menu (the rocket), which runs the chapter as the book
gives it, with the library's finished code, each chapter page gets a second
menu (a pen) that opens the chapter's *workbook*, the student edition
(``workbook/NN_x.ipynb``, committed, built by ``make workbook``), where the
reader writes the library: on Binder and on Colab. The two menus say which is
which in their tooltips and item names. The addresses come from
``_config.yml`` (repository, branch, launch_buttons) alone.
"""
from pathlib import PurePosixPath

WORKBOOK_DIR = "workbook"


def _org_repo(repository_url):
    org, repo = repository_url.rstrip("/").split("github.com/")[-1].split("/")[:2]
    return org, repo


def workbook_path(pagename):
    """The repository path of a chapter page's workbook notebook, or None for a
    page that is not a chapter (``book/02_linear`` -> ``workbook/02_linear.ipynb``)."""
    name = PurePosixPath(pagename).name
    if not (PurePosixPath(pagename).parent.name == "book" and name[:2].isdigit()):
        return None
    return f"{WORKBOOK_DIR}/{name}.ipynb"


def workbook_links(repository_url, branch, launch, pagename):
    """``[(text, tooltip, icon, url), ...]``: the chapter's workbook on Binder and
    on Colab (empty for a page that is not a chapter)."""
    path = workbook_path(pagename)
    if path is None:
        return []
    org, repo = _org_repo(repository_url)
    links = []
    binder = (launch.get("binderhub_url") or "").rstrip("/")
    if binder:
        ui = {"classic": "tree", "jupyterlab": "lab/tree"}[
            launch.get("notebook_interface", "classic")]
        links.append(("Workbook on Binder",
                      "Open this chapter's workbook on Binder: you write the library",
                      "_static/images/logo_binder.svg",
                      f"{binder}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/{path}"))
    colab = (launch.get("colab_url") or "").rstrip("/")
    if colab:
        links.append(("Workbook on Colab",
                      "Open this chapter's workbook on Colab: you write the library",
                      "_static/images/logo_colab.png",
                      f"{colab}/github/{org}/{repo}/blob/{branch}/{path}"))
    return links


def add_workbook_menu(app, pagename, templatename, context, doctree):
    buttons = context.get("header_buttons")
    options = app.config.html_theme_options
    links = workbook_links(options.get("repository_url", ""),
                           options.get("repository_branch") or "main",
                           options.get("launch_buttons", {}), pagename)
    if buttons is None or not links:
        return
    for group in buttons:
        if group.get("label") == "launch-buttons":
            group["tooltip"] = "Run this chapter as the book gives it (finished code)"
            for item in group.get("buttons", ()):
                name = item.get("text")
                if name in ("Binder", "Colab"):
                    item["text"] = f"{name}: the book"
                    item["tooltip"] = (f"Open this chapter on {name}, with the "
                                       f"library's finished code")
    items = [{"type": "link", "text": text, "tooltip": tooltip, "icon": icon,
              "url": url, "label": f"workbook-{text.split()[-1].lower()}"}
             for text, tooltip, icon, url in links]
    items.append({"type": "link", "text": "What is the workbook?",
                  "tooltip": "The student edition, and how to use it",
                  "icon": "fas fa-circle-question",
                  "url": context["pathto"]("book/intro") + "#running-the-chapters",
                  "label": "workbook-about"})
    buttons.append({"type": "group", "icon": "fas fa-pen-to-square",
                    "tooltip": "Open this chapter's workbook: you write the library",
                    "label": "workbook-buttons", "buttons": items})


def setup(app):
    # After the theme's launch buttons (priority 501).
    app.connect("html-page-context", add_workbook_menu, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
