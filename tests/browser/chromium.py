"""Where Chromium is: Debian's, since playwright's own browser download does not
work here (shared by the browser test and the live-notebook test)."""
import os
import shutil


def chromium_path():
    """``$CHROMIUM``, else the first of chromium, chromium-browser, google-chrome on
    the PATH; None when there is none."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def launched_chromium(make_target):
    """Yield headless Chromium driven by playwright, closed afterwards; fail (never skip)
    with what to install when Chromium or playwright is missing. ``make_target`` names
    the make command that installs both (``make browser``, ``make live``)."""
    import pytest

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` "
                    f"(`{make_target}` does it when run as root), or set "
                    "CHROMIUM=/path/to/chrome. This test never skips.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -r requirements-test.txt "
                    f"(`{make_target}` does it)", pytrace=False)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield chromium
        chromium.close()
