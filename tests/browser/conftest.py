"""Fixtures of the website test (site_check.py): the built site served on localhost,
and headless Chromium with the page's CDN assets served from their npm packages.

Run it with ``make browser`` (it builds the site and installs what it needs), or
``python -m pytest tests/browser/site_check.py`` on a built site. ``pytest tests``
does not collect it (its name does not start with ``test_``).
"""
import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from chromium import launched_chromium
from site_pages import site_dir

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
CDN = "https://cdn.jsdelivr.net/npm/"

collect_ignore_glob = ["node_modules/*"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    site = site_dir()
    if not (site / "index.html").exists():
        pytest.fail(f"no built site in {site}: run `make book` first "
                    f"(or `make browser`)", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


def _npm_versions():
    """{package name: version} of the npm packages installed for the test."""
    versions = {}
    for package in ("mathjax", "requirejs", "@jupyter-widgets/html-manager"):
        manifest = NODE_MODULES / package / "package.json"
        if manifest.exists():
            versions[package] = json.loads(manifest.read_text())["version"]
    return versions


@pytest.fixture(scope="session")
def browser():
    if not _npm_versions():
        pytest.fail("the page assets are not installed: run tests/browser/fetch-assets "
                    "(`make browser` does it)", pytrace=False)
    yield from launched_chromium("make browser")


class PageLog:
    """What went wrong while a page loaded and ran: JavaScript errors, console
    errors, failed or blocked requests."""

    def __init__(self):
        self.errors = []

    def attach(self, page, base):
        versions = _npm_versions()

        def route(route):
            url = route.request.url
            if url.startswith((base, "data:", "blob:")):
                return route.continue_()
            if url.startswith(CDN):
                local = _npm_file(url[len(CDN):], versions)
                if local is not None:
                    return route.fulfill(path=str(local))
            self.errors.append(f"request to {url} (not served by the test: an asset "
                               f"the page loads from outside)")
            return route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: self.errors.append(f"JavaScript error: {e}"))
        page.on("console", lambda m: self.errors.append(f"console error: {m.text}")
                if m.type == "error" else None)
        page.on("requestfailed", lambda r: self.errors.append(
            f"request failed: {r.url} ({r.failure})")
            if not r.url.startswith(CDN) else None)
        page.on("response", lambda r: self.errors.append(
            f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)


def _npm_file(path, versions):
    """The local file for ``<package>@<version>/<file>`` on the CDN, or None."""
    parts = path.split("?")[0].split("/")
    if parts[0].startswith("@"):
        name_at_version, rest = "/".join(parts[:2]), parts[2:]
    else:
        name_at_version, rest = parts[0], parts[1:]
    name, _, version = name_at_version.rpartition("@")
    if not name or versions.get(name) != version:
        return None
    local = NODE_MODULES / name / "/".join(rest)
    return local if local.is_file() else None


@pytest.fixture
def open_page(browser, server):
    """open_page(path, width=1280) -> (page, log): the page loaded, MathJax done."""
    contexts = []

    def _open(path, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        log = PageLog()
        log.attach(page, server)
        page.goto(server + path, wait_until="load")
        page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
        }""")
        return page, log

    yield _open
    for context in contexts:
        context.close()
