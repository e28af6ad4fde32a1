"""Find a data set file, or download it, and verify it.

The places, in order: the folder named by ``DIY_NN_DATA``, the cache folder,
then the public URLs (with pooch, imported only when a download is needed).
"""
import hashlib
import importlib.util
import os
import re
import warnings
from pathlib import Path


class DatasetUnavailableError(OSError):
    """A data set file is in none of the places searched and could not be
    downloaded, or the folder named by ``DIY_NN_DATA`` does not exist."""


class DatasetChecksumError(ValueError):
    """A data set file was found but its content is not the expected one; it was
    not used."""


def get_cache_dir():
    """The cache folder (a ``pathlib.Path``): ``$DIY_NN_CACHE`` when set, else
    ``pooch.os_cache("diy_nn")`` (``~/.cache/diy_nn`` on Linux)."""
    env = os.environ.get("DIY_NN_CACHE")
    if env:
        return Path(env).expanduser()
    try:
        import pooch
    except ImportError:  # pooch only decides the folder; fall back to the XDG default
        return (Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser()
                / "diy_nn")
    return Path(pooch.os_cache("diy_nn"))


def sha256(path):
    """The SHA-256 of a file's bytes, as 64 hexadecimal digits."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(spec, path, download=None):
    """The checksum that ``path`` satisfies (of the file, or of its content when
    the spec has a content check), or None when it satisfies none."""
    digest = sha256(path)
    if digest == spec.sha256 or (download is not None and digest == download.sha256):
        return digest
    if spec.content is not None:
        try:
            content = spec.content.digest(path)
        except ValueError:  # not a file of this data set at all
            return None
        if content == spec.content.sha256:
            return content
    return None


def short(exc):
    """One line about ``exc``: its type and the message of its innermost cause.

    requests and urllib3 wrap the real reason (no network, name not resolved, ...)
    in layers of long messages; that reason is what a reader needs to see.
    """
    inner = exc
    for _ in range(5):
        nxt = getattr(inner, "reason", None)
        if (not isinstance(nxt, BaseException) and inner.args
                and isinstance(inner.args[0], BaseException)):
            nxt = inner.args[0]
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner).strip()
    text = text.splitlines()[0] if text else ""
    text = re.sub(r"^<[^>]*>: |^\w+\(host=[^)]*\): ", "", text)
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _download(url, known_hash, fname, folder):
    try:
        import pooch
    except ImportError as exc:
        raise ImportError(
            "diy_nn.datasets needs pooch to download data sets: pip install pooch "
            "(or pip install 'diy_nn[data]'), or set DIY_NN_DATA to a folder "
            "holding the files."
        ) from exc
    progress = importlib.util.find_spec("tqdm") is not None
    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=60)
    return Path(pooch.retrieve(url, known_hash=known_hash, fname=fname, path=folder,
                               downloader=downloader))


def _shown(path):
    """``path`` for a message, saying what a relative path is relative to."""
    if path.is_absolute():
        return str(path)
    return f"{path} (relative to the current folder {Path.cwd()})"


def _data_folder(spec):
    """The folder named by ``DIY_NN_DATA`` (a Path), or None when it is not set.

    A setting that cannot be right is refused at once, before any download: a
    folder that does not exist, or the data set's own sub-folder instead of the
    folder above it.
    """
    env = os.environ.get("DIY_NN_DATA")
    if not env:
        return None
    root = Path(env).expanduser()
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise DatasetUnavailableError(
            f"{spec.dataset}: the environment variable DIY_NN_DATA names "
            f"{_shown(root)}, which {what}. Set DIY_NN_DATA to the folder that "
            "holds the data files, with one sub-folder per data set (this file "
            f"would be $DIY_NN_DATA/{spec.path}), or unset it to download the "
            "files into the cache (in a notebook: del os.environ['DIY_NN_DATA'])."
        )
    if not (root / spec.path).is_file() and (root / spec.name).is_file():
        fix = (f"set DIY_NN_DATA={root.parent}" if root.name == spec.folder else
               f"move the files of {spec.dataset} to {root / spec.folder}")
        raise DatasetUnavailableError(
            f"{spec.dataset}: the folder named by DIY_NN_DATA, {_shown(root)}, holds "
            f"{spec.name} itself, but the loader looks for it in the sub-folder "
            f"{spec.folder}/ of that folder: {root / spec.path}. So {fix}."
        )
    return root


def _cache_folder():
    cache = get_cache_dir()
    if cache.exists() and not cache.is_dir():
        raise DatasetUnavailableError(
            f"The cache folder {_shown(cache)} is a file, not a folder. Set "
            "DIY_NN_CACHE to a folder (it is created when needed), or unset it to "
            "use the default one."
        )
    return cache


def fetch(spec):
    """Find, or download, the file ``spec`` (a :class:`~.registry.FileSpec`) and
    verify it.

    Returns ``(path, checksum)``: the checksum (file or content SHA-256) that the file
    was verified against, which also identifies the decoded content.
    """
    tried = []
    root = _data_folder(spec)
    if root is not None:
        path = root / spec.path
        if path.is_file():
            ok = verify(spec, path)
            if ok is None:
                raise DatasetChecksumError(
                    f"{spec.dataset}: the copy {path} (found through DIY_NN_DATA) "
                    f"does not have the expected SHA-256 {spec.sha256} "
                    f"(it has {sha256(path)})"
                    + (" nor the expected content" if spec.content else "")
                    + ". It was refused and "
                    "left untouched. Replace it with a correct copy, or remove it "
                    "(or unset DIY_NN_DATA) to download the file instead."
                )
            return path, ok
        unzipped = path.with_suffix("") if path.suffix == ".gz" else None
        note = (f"; {unzipped.name} is, but the file is read as published, "
                "gzip-compressed" if unzipped and unzipped.is_file() else "")
        tried.append(f"DIY_NN_DATA: {path} (not there{note})")
    else:
        tried.append("DIY_NN_DATA: not set")

    cache = _cache_folder() / spec.folder
    # A verified copy already in the cache (in the DIY_NN_DATA layout, or as
    # downloaded).
    candidates = {cache / spec.name: None}
    for d in spec.downloads:
        candidates.setdefault(cache / d.fname, d)
    for path, d in candidates.items():
        if path.is_file():
            ok = verify(spec, path, d)
            if ok is not None:
                return path, ok
            # The cache is ours: a damaged file there is removed and fetched again.
            warnings.warn(f"{spec.dataset}: the cached file {path} is damaged "
                          "(checksum mismatch); removing it and downloading it again.")
            path.unlink()
    tried.append(f"the cache: {', '.join(str(p) for p in candidates)} (not there)")

    for d in spec.downloads:
        known = f"sha256:{d.sha256}" if d.sha256 else None
        try:
            path = _download(d.url, known, d.fname, cache)
        except ImportError:
            raise
        except Exception as exc:  # network errors, HTTP errors, checksum mismatch
            tried.append(f"{d.url} ({short(exc)})")
            continue
        ok = verify(spec, path, d)
        if ok is None:
            path.unlink()
            tried.append(f"{d.url} (downloaded, but its content is not the "
                         "expected one; removed)")
            continue
        return path, ok

    raise DatasetUnavailableError(
        f"Could not get the {spec.dataset} data set file {spec.name!r}. Tried:\n  - "
        + "\n  - ".join(tried)
        + f"\nTo work offline, put a copy of the file at\n"
        f"    $DIY_NN_DATA/{spec.path}\n"
        "where the environment variable DIY_NN_DATA names a folder of your choice, "
        "with one sub-folder per data set (the layout of the book's shared data "
        "folder). "
        f"The file's SHA-256 must be {spec.sha256}."
    )
