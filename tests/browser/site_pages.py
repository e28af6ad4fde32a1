"""Where the built website is, and its pages (for conftest.py and site_check.py)."""
import os
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def site_dir():
    """The built website: $DIY_NN_SITE, or _build/html."""
    return Path(os.environ.get("DIY_NN_SITE", ROOT / "_build" / "html"))


def pages():
    """Every page of the site, relative to its root (not the generated index)."""
    site = site_dir()
    if not (site / "index.html").exists():
        return []
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if not p.relative_to(site).parts[0].startswith("_")
                  and p.name not in skip and not _redirect(p))


def _redirect(page):
    """A page that only sends the browser elsewhere (the site's index.html)."""
    head = page.read_text(errors="replace")[:2000].lower()
    return 'http-equiv="refresh"' in head
