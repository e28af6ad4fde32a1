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
