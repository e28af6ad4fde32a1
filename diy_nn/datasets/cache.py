"""The decoded-array cache: a data set's arrays, decoded once from its verified
files and kept as an uncompressed ``.npz`` in the cache folder (sub-folder
``decoded``), keyed by the checksums of the source files."""
import hashlib
import itertools
import os
import warnings

import numpy as np

from .fetch import fetch, get_cache_dir, short

#: Version of the decoded-array cache format; bump it when a decoder changes.
DECODED_VERSION = 1


def decoded(name, sources, build, keys):
    """The arrays ``keys`` decoded from ``sources``, from the cache when it has them.

    ``sources`` is a list of :class:`~.registry.FileSpec`; ``build(paths)``
    decodes the verified files and returns a dict with the arrays ``keys``. A
    cached file for any verified source is used without looking at the sources
    again; one that cannot be read or lacks an array is damaged, and is rebuilt.
    """
    folder = get_cache_dir() / "decoded"

    def key_path(checksums):
        key = hashlib.sha256(("\n".join(checksums)).encode()).hexdigest()[:16]
        return folder / f"{name}-v{DECODED_VERSION}-{key}.npz"

    # Fast path: a cache file made from sources verified against any of the checksums
    # each source can have (the file in the DIY_NN_DATA layout, or a download).
    for checksums in itertools.product(*(s.checksums() for s in sources)):
        cached = key_path(checksums)
        if not cached.is_file():
            continue
        try:
            # The file is opened here so that it is closed even when NumPy
            # cannot read it.
            with open(cached, "rb") as f, np.load(f, allow_pickle=False) as z:
                missing = [k for k in keys if k not in z.files]
                if not missing:
                    return {k: z[k] for k in keys}
            problem = f"it has no array {', '.join(missing)}"
        except Exception as exc:  # a truncated or damaged cache file
            problem = short(exc)
        warnings.warn(f"{name}: could not read the decoded cache {cached} "
                      f"({problem}); rebuilding it.")

    fetched = [fetch(s) for s in sources]
    arrays = build([p for p, _ in fetched])
    assert set(arrays) == set(keys), (name, sorted(arrays), keys)
    path = key_path([c for _, c in fetched])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError as exc:
        warnings.warn(f"{name}: could not cache the decoded arrays in {folder} "
                      f"({short(exc)}); the next load will decode the files again.")
    return arrays
