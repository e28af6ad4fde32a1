"""Real data sets for the book: verified downloads, a cache, and offline copies.

Every loader returns the same kind of object, a :class:`Dataset`::

    from diy_nn.datasets import load_mnist
    # a Dataset unpacks to these four arrays
    X_train, y_train, X_test, y_test = load_mnist()

Images are float32 in [0, 1], flat ``(n, h*w)`` by default or channels-last
``(n, h, w, 1)`` with ``flat=False``; class labels are int64.

Where the files come from, in this order:

1. the folder named by the environment variable ``DIY_NN_DATA``, when it is set.
   It has one sub-folder per data set, e.g.
   ``$DIY_NN_DATA/mnist/train-images-idx3-ubyte.gz`` (the layout of the book's
   shared data folder). A file there whose SHA-256 does not match is refused
   with :class:`DatasetChecksumError`; it is never used and never replaced.
2. the cache folder (``pooch.os_cache("diy_nn")``, e.g. ``~/.cache/diy_nn`` on
   Linux; the environment variable ``DIY_NN_CACHE`` overrides it);
3. a download with pooch from the canonical public URLs, verified by SHA-256,
   into the cache.

When all three fail, :class:`DatasetUnavailableError` names the data set, the
places and URLs tried, and where to put the file. Decoding the image files is
done once: the decoded arrays are kept as an uncompressed ``.npz`` in the cache
folder (sub-folder ``decoded``), keyed by the checksum of the source file.

pooch and scikit-learn are imported here only, and only when needed; the core
of diy_nn never imports them.
"""
import csv
import gzip
import hashlib
import io
import itertools
import os
import re
import tarfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Dataset", "TimeSeries", "Scaler",
    "DatasetUnavailableError", "DatasetChecksumError",
    "load_mnist", "load_fashion_mnist", "load_usps",
    "load_california_housing", "load_iris", "load_digits",
    "load_air_passengers", "air_passengers_windows",
    "get_cache_dir",
]

#: Version of the decoded-array cache format; bump it when a decoder changes.
_DECODED_VERSION = 1


# --------------------------------------------------------------------------
# What the loaders return
# --------------------------------------------------------------------------

def _describe_array(a):
    return "None" if a is None else f"{a.dtype} {tuple(a.shape)}"


@dataclass(repr=False, eq=False)
class Dataset:
    """A data set split in a training part and a test part.

    Iterating over it yields ``(X_train, y_train, X_test, y_test)``, so
    ``X_train, y_train, X_test, y_test = load_usps()`` works.

    Attributes
    ----------
    X_train, X_test : numpy.ndarray
        Inputs, float32, one example per row: ``(n, d)``, or ``(n, h, w, 1)``
        for images loaded with ``flat=False``, or ``(n, k, 1)`` for windows of
        a time series.
    y_train, y_test : numpy.ndarray
        Targets: int64 class labels ``(n,)`` for classification, float32 for
        regression (``(n,)``, or ``(n, 1)`` for time-series windows).
    feature_names : list of str or None
        One name per input column (None for images).
    target_names : list of str or None
        Class names (index ``i`` names label ``i``), or the name of the target
        for regression.
    name, description : str
        Short name and a paragraph about the data.
    source, license : str
        Where the data comes from (reference and URL) and its licence.
    time_train, time_test : numpy.ndarray or None
        For time-series windows only: the month (``datetime64[M]``) of each target.
    scaler : Scaler or None
        For time-series windows only: the scaling applied to the values;
        ``scaler.inverse_transform`` undoes it.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list = None
    target_names: list = None
    name: str = ""
    description: str = ""
    source: str = ""
    license: str = ""
    time_train: np.ndarray = None
    time_test: np.ndarray = None
    scaler: "Scaler" = None

    def __iter__(self):
        return iter((self.X_train, self.y_train, self.X_test, self.y_test))

    def __repr__(self):
        parts = [
            f"X_train={_describe_array(self.X_train)}",
            f"y_train={_describe_array(self.y_train)}",
            f"X_test={_describe_array(self.X_test)}",
            f"y_test={_describe_array(self.y_test)}",
        ]
        if (self.y_train is not None and self.y_train.dtype.kind in "iu"
                and self.target_names):
            parts.append(f"{len(self.target_names)} classes")
        return f"Dataset({self.name!r}, " + ", ".join(parts) + ")"


@dataclass(repr=False, eq=False)
class TimeSeries:
    """A whole time series, with no train/test split (split it by date, see
    :func:`air_passengers_windows`).

    Iterating over it yields ``(time, values)``.

    Attributes
    ----------
    time : numpy.ndarray
        ``datetime64[M]`` of shape ``(n,)``, one month per value
        (``numpy.datetime_as_string(ts.time)`` gives ``'YYYY-MM'`` strings).
    values : numpy.ndarray
        float32 of shape ``(n,)``.
    name : str
        Short name of the series, e.g. ``'Air passengers'``.
    description : str
        A paragraph about the data.
    unit : str
        The unit of ``values``, e.g. ``'thousands of passengers'``.
    source : str
        Where the data comes from (reference and URL).
    license : str
        The licence under which the data is distributed.
    """

    time: np.ndarray
    values: np.ndarray
    name: str = ""
    description: str = ""
    unit: str = ""
    source: str = ""
    license: str = ""

    def __iter__(self):
        return iter((self.time, self.values))

    def __len__(self):
        return len(self.values)

    def __repr__(self):
        return (f"TimeSeries({self.name!r}, {len(self)} values from {self.time[0]} to "
                f"{self.time[-1]}, {self.unit})")


@dataclass(frozen=True)
class Scaler:
    """An affine scaling ``z = (x - offset) / scale``, undone by
    ``x = z * scale + offset``.

    ``kind`` is ``"none"`` (offset 0, scale 1), ``"minmax"`` (offset = the
    training minimum, scale = training maximum - minimum, so the training
    values span [0, 1]) or ``"standard"`` (offset = training mean, scale =
    training standard deviation).
    """

    offset: float = 0.0
    scale: float = 1.0
    kind: str = "none"

    def transform(self, x):
        """Scaled values ``(x - offset) / scale`` (same shape; float32 stays
        float32)."""
        return (np.asarray(x) - self.offset) / self.scale

    def inverse_transform(self, z):
        """Values back in the original unit: ``z * scale + offset`` (same shape)."""
        return np.asarray(z) * self.scale + self.offset


class DatasetUnavailableError(OSError):
    """A data set file is in none of the places searched and could not be downloaded."""


class DatasetChecksumError(ValueError):
    """A data set file was found but its content is not the expected one; it was
    not used."""


# --------------------------------------------------------------------------
# Where the files are: registry, checksums (copied from the shared SHA256SUMS)
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Download:
    url: str
    fname: str                  # file name in the cache sub-folder
    sha256: str = None          # SHA-256 of the downloaded file ...
    content_sha256: str = None  # ... or, when the file's bytes are not pinned, of its
                                # decoded content


@dataclass(frozen=True)
class _File:
    dataset: str                # the data set's name, for messages
    path: str                   # path in the DIY_NN_DATA layout, e.g.
                                # "mnist/train-images-idx3-ubyte.gz"
    sha256: str                 # SHA-256 of that file
    downloads: tuple = ()
    content_sha256: str = None  # when set, a copy in another layout with this decoded
                                # content is accepted

    @property
    def folder(self):
        return self.path.split("/")[0]

    @property
    def name(self):
        return self.path.split("/")[-1]


_MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                  "http://yann.lecun.com/exdb/mnist/")
_FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
_USPS_MIRRORS = ("https://hastie.su.domains/ElemStatLearn/datasets/",)


def _idx_file(dataset, folder, name, sha256, mirrors):
    return _File(dataset, f"{folder}/{name}", sha256,
                 tuple(_Download(m + name, name, sha256=sha256) for m in mirrors))


_MNIST = {
    "train_images": _idx_file(
        "MNIST", "mnist", "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        _MNIST_MIRRORS,
    ),
    "train_labels": _idx_file(
        "MNIST", "mnist", "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        _MNIST_MIRRORS,
    ),
    "test_images": _idx_file(
        "MNIST", "mnist", "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        _MNIST_MIRRORS,
    ),
    "test_labels": _idx_file(
        "MNIST", "mnist", "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        _MNIST_MIRRORS,
    ),
}

_FASHION = {
    "train_images": _idx_file(
        "Fashion-MNIST", "fashion-mnist", "train-images-idx3-ubyte.gz",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        _FASHION_MIRRORS,
    ),
    "train_labels": _idx_file(
        "Fashion-MNIST", "fashion-mnist", "train-labels-idx1-ubyte.gz",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        _FASHION_MIRRORS,
    ),
    "test_images": _idx_file(
        "Fashion-MNIST", "fashion-mnist", "t10k-images-idx3-ubyte.gz",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        _FASHION_MIRRORS,
    ),
    "test_labels": _idx_file(
        "Fashion-MNIST", "fashion-mnist", "t10k-labels-idx1-ubyte.gz",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        _FASHION_MIRRORS,
    ),
}

_USPS = {
    "train": _idx_file(
        "USPS", "usps", "zip.train.gz",
        "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16",
        _USPS_MIRRORS,
    ),
    "test": _idx_file(
        "USPS", "usps", "zip.test.gz",
        "8dacc3c6e136af6c3488de9e5113a7daf140c8c2f1f0b61c54ee02f03f1a962f",
        _USPS_MIRRORS,
    ),
}

# The offline copy is the raw StatLib file, gzipped with LF line endings. The
# download is the original archive as scikit-learn fetches it (from figshare),
# pinned by the SHA-256 that scikit-learn itself checks
# (sklearn/datasets/_california_housing.py); the same hash is required of the
# archive on the original page.
_CALIFORNIA = _File(
    "California housing", "california-housing/cal_housing.data.gz",
    "cdbc6f084852c03a4a55e6752938bb7d64c54b89813cbb8a21b0d25d1ade3e3c",
    (
        _Download(
            "https://ndownloader.figshare.com/files/5976036", "cal_housing.tgz",
            sha256="aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681",
        ),
        _Download(
            "https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.tgz",
            "cal_housing.tgz",
            sha256="aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681",
        ),
    ),
)

# Two layouts of the same 144 values:
# - the offline copy AirPassengers.csv ("Month,#Passengers", months as YYYY-MM),
#   SHA-256 5f8b316b... (from the shared SHA256SUMS);
# - the canonical Rdatasets export ("rownames,time,value", decimal years), whose
#   bytes are not pinned here (its SHA-256 could not be checked offline when
#   this was written). It is verified by content instead: the
#   SHA-256 of the decoded series written as "YYYY-MM,value\n" lines, which is
#   614e7b41... for the true series (computed from the verified offline copy).
_AIR_CONTENT_SHA256 = "614e7b413e7e5e886a0038f53c5153c8835d68bc993dee713aabbe7b41490446"
_AIR = _File(
    "Air passengers", "airpassengers/AirPassengers.csv",
    "5f8b316b84545d9cfb05612298df8415ce4c44421c7012d109465564b07ebc06",
    (_Download("https://vincentarelbundock.github.io/Rdatasets/csv/datasets/"
               "AirPassengers.csv",
               "AirPassengers_rdatasets.csv", content_sha256=_AIR_CONTENT_SHA256),),
    content_sha256=_AIR_CONTENT_SHA256,
)


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


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _verify(spec, path, download=None):
    """The checksum that ``path`` satisfies (file or content), or None when it
    satisfies none."""
    file_hashes = {spec.sha256} | (
        {download.sha256} if download and download.sha256 else set()
    )
    digest = _sha256(path)
    if digest in file_hashes:
        return digest
    content = spec.content_sha256 or (download.content_sha256 if download else None)
    if content is not None:
        try:
            if _air_content_sha256(_parse_air_passengers(path)) == content:
                return content
        except (ValueError, IndexError):  # not a CSV of the series at all
            pass
    return None


def _short(exc):
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
    import importlib.util

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


def _fetch(spec):
    """Find, or download, the file ``spec`` and verify it.

    Returns ``(path, checksum)``: the checksum (file or content SHA-256) that the file
    was verified against, which also identifies the decoded content.
    """
    tried = []
    root = os.environ.get("DIY_NN_DATA")
    if root:
        path = Path(root).expanduser() / spec.path
        if path.is_file():
            ok = _verify(spec, path)
            if ok is None:
                raise DatasetChecksumError(
                    f"{spec.dataset}: the copy {path} (found through DIY_NN_DATA) "
                    f"does not have the expected SHA-256 {spec.sha256} "
                    f"(it has {_sha256(path)})"
                    + (" nor the expected content" if spec.content_sha256 else "")
                    + ". It was refused and "
                    "left untouched. Replace it with a correct copy, or remove it "
                    "(or unset DIY_NN_DATA) to download the file instead."
                )
            return path, ok
        tried.append(f"DIY_NN_DATA: {path} (not there)")
    else:
        tried.append("DIY_NN_DATA: not set")

    cache = get_cache_dir() / spec.folder
    # A verified copy already in the cache (in the DIY_NN_DATA layout, or as
    # downloaded).
    candidates = {cache / spec.name: None}
    for d in spec.downloads:
        candidates.setdefault(cache / d.fname, d)
    for path, d in candidates.items():
        if path.is_file():
            ok = _verify(spec, path, d)
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
            tried.append(f"{d.url} ({_short(exc)})")
            continue
        ok = _verify(spec, path, d)
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


def _decoded(name, sources, build):
    """Arrays decoded from ``sources``, cached as an uncompressed .npz keyed by
    their checksums.

    ``sources`` is a list of file specs; ``build(paths)`` decodes the verified files
    and returns a dict of arrays. A cached file for any verified source is used
    without looking at the sources again.
    """
    folder = get_cache_dir() / "decoded"

    def key_path(checksums):
        key = hashlib.sha256(("\n".join(checksums)).encode()).hexdigest()[:16]
        return folder / f"{name}-v{_DECODED_VERSION}-{key}.npz"

    # Fast path: a cache file made from sources verified against any of the checksums
    # each source can have (the file in the DIY_NN_DATA layout, or a download).
    options = [dict.fromkeys([s.sha256]
                             + [d.sha256 or d.content_sha256 for d in s.downloads])
               for s in sources]
    for checksums in itertools.product(*options):
        cached = key_path(checksums)
        if not cached.is_file():
            continue
        try:
            with np.load(cached, allow_pickle=False) as z:
                return {k: z[k] for k in z.files}
        except Exception as exc:  # a truncated or damaged cache file: rebuild it
            warnings.warn(f"{name}: could not read the decoded cache {cached} "
                          f"({_short(exc)}); rebuilding it.")

    fetched = [_fetch(s) for s in sources]
    arrays = build([p for p, _ in fetched])
    path = key_path([c for _, c in fetched])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    except OSError as exc:
        warnings.warn(f"{name}: could not cache the decoded arrays in {folder} "
                      f"({_short(exc)}); the next load will decode the files again.")
    return arrays


# --------------------------------------------------------------------------
# Decoders
# --------------------------------------------------------------------------

def _read_idx(path, dataset):
    """A gzipped IDX file -> uint8 array of the shape its header gives."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{dataset}: {path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big")
                  for i in range(ndim))
    offset = 4 + 4 * ndim
    if len(data) - offset != int(np.prod(shape)):
        raise ValueError(
            f"{dataset}: {path} holds {len(data) - offset} bytes, "
            f"its header says {shape}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def _images(X, flat, scale=255.0):
    """uint8 (or float) images (n, h, w) -> float32 in [0, 1], flat (n, h*w) or
    (n, h, w, 1)."""
    n, h, w = X.shape
    out = X.astype(np.float32)
    out /= np.float32(scale)
    return out.reshape(n, h * w) if flat else out.reshape(n, h, w, 1)


def _load_idx_dataset(files, name, flat):
    def build(paths):
        tri, trl, tei, tel = (_read_idx(p, files["train_images"].dataset)
                              for p in paths)
        return {"X_train": tri, "y_train": trl, "X_test": tei, "y_test": tel}

    order = ["train_images", "train_labels", "test_images", "test_labels"]
    a = _decoded(name, [files[k] for k in order], build)
    return (_images(a["X_train"], flat), a["y_train"].astype(np.int64),
            _images(a["X_test"], flat), a["y_test"].astype(np.int64))


_DIGIT_NAMES = [str(i) for i in range(10)]


def load_mnist(flat=True):
    """MNIST handwritten digits: 60000 training and 10000 test images of 28x28 pixels.

    The first call decodes the four files (about a second) and caches the arrays;
    later calls read the cache.

    Parameters
    ----------
    flat : bool
        True: ``X`` of shape ``(n, 784)``; False: channels-last ``(n, 28, 28, 1)``.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(60000, 784)`` in [0, 1] (pixel / 255, 0 is
        background), ``y_train`` int64 ``(60000,)`` in 0..9, ``X_test`` float32
        ``(10000, 784)``, ``y_test`` int64 ``(10000,)``; ``target_names`` ``'0'``
        to ``'9'``.
    """
    X_train, y_train, X_test, y_test = _load_idx_dataset(_MNIST, "mnist", flat)
    return Dataset(
        X_train, y_train, X_test, y_test, None, list(_DIGIT_NAMES), "MNIST",
        "Handwritten digits 0-9 from American Census Bureau employees and high-school "
        "students (NIST special databases 1 and 3), size-normalised and centred in "
        "28x28 grey-level images. The standard split: 60000 training and 10000 test "
        "images.",
        source="Y. LeCun, C. Cortes, C. J. C. Burges, The MNIST database of "
               "handwritten digits, http://yann.lecun.com/exdb/mnist/ "
               "(mirror: https://ossci-datasets.s3.amazonaws.com/mnist/)",
        license="CC BY-SA 3.0 (as stated by Keras/TensorFlow; the original page "
                "states none)",
    )


FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def load_fashion_mnist(flat=True):
    """Fashion-MNIST: 60000 training and 10000 test images of clothes, 28x28 pixels,
    10 classes.

    Parameters
    ----------
    flat : bool
        True: ``X`` of shape ``(n, 784)``; False: channels-last ``(n, 28, 28, 1)``.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(60000, 784)`` in [0, 1], ``y_train`` int64
        ``(60000,)`` in 0..9, ``X_test`` float32 ``(10000, 784)``, ``y_test``
        int64 ``(10000,)``; ``target_names`` the ten class names
        (``'T-shirt/top'``, ``'Trouser'``, ..., ``'Ankle boot'``).
    """
    X_train, y_train, X_test, y_test = _load_idx_dataset(
        _FASHION, "fashion-mnist", flat
    )
    return Dataset(
        X_train, y_train, X_test, y_test, None, list(FASHION_MNIST_CLASSES),
        "Fashion-MNIST",
        "Zalando article images in 10 classes (T-shirt/top, trouser, pullover, dress, "
        "coat, sandal, shirt, sneaker, bag, ankle boot), 28x28 grey levels, in the "
        "same format and split as MNIST: 6000 training and 1000 test images per class.",
        source="H. Xiao, K. Rasul, R. Vollgraf, Fashion-MNIST (2017), "
               "https://github.com/zalandoresearch/fashion-mnist",
        license="MIT, Copyright (c) 2017 Zalando SE",
    )


def load_usps(flat=True):
    """USPS handwritten digits: 7291 training and 2007 test images of 16x16 pixels.

    The source values lie in [-1, 1]; they are rescaled to [0, 1] by ``(x + 1) / 2``.

    Parameters
    ----------
    flat : bool
        True: ``X`` of shape ``(n, 256)``; False: channels-last ``(n, 16, 16, 1)``.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(7291, 256)`` in [0, 1], ``y_train`` int64
        ``(7291,)`` in 0..9, ``X_test`` float32 ``(2007, 256)``, ``y_test`` int64
        ``(2007,)``; ``target_names`` ``'0'`` to ``'9'``.
    """
    def build(paths):
        out = {}
        for part, path in zip(("train", "test"), paths):
            with gzip.open(path, "rt") as f:
                a = np.loadtxt(f)
            if a.ndim != 2 or a.shape[1] != 257:
                raise ValueError(
                    f"USPS: {path} should have 257 columns, it has shape {a.shape}"
                )
            out[f"X_{part}"] = (
                ((a[:, 1:] + 1.0) / 2.0).reshape(-1, 16, 16).astype(np.float32)
            )
            out[f"y_{part}"] = np.rint(a[:, 0]).astype(np.int64)
        return out

    a = _decoded("usps", [_USPS["train"], _USPS["test"]], build)
    return Dataset(
        _images(a["X_train"], flat, scale=1.0), a["y_train"].astype(np.int64),
        _images(a["X_test"], flat, scale=1.0), a["y_test"].astype(np.int64),
        None, list(_DIGIT_NAMES), "USPS",
        "Digits scanned from envelopes by the US Postal Service, deslanted and "
        "size-normalised to 16x16 grey levels (the 'ZIP code' data of The Elements of "
        "Statistical Learning). Values rescaled from [-1, 1] to [0, 1]. The classes "
        "are unbalanced: 1194 zeros but 542 eights in the training part.",
        source="Le Cun et al. (1990), AT&T Bell Labs; distributed by Hastie, "
               "Tibshirani & Friedman, "
               "https://hastie.su.domains/ElemStatLearn/data.html",
        license="no explicit licence; distributed for research and teaching",
    )


# --------------------------------------------------------------------------
# Tabular data sets (split here, deterministically, with scikit-learn)
# --------------------------------------------------------------------------

CALIFORNIA_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                       "Population", "AveOccup", "Latitude", "Longitude"]


def _california_arrays():
    """All 20640 rows: ``X`` float64 ``(20640, 8)`` (scikit-learn's features),
    ``y`` float64 ``(20640,)``."""
    def build(paths):
        (path,) = paths
        if path.name.endswith(".tgz"):
            with tarfile.open(path, "r:gz") as tar:
                raw = np.loadtxt(
                    io.TextIOWrapper(
                        tar.extractfile("CaliforniaHousing/cal_housing.data")),
                    delimiter=",")
        else:
            with gzip.open(path, "rt") as f:
                raw = np.loadtxt(f, delimiter=",")
        if raw.shape != (20640, 9):
            raise ValueError(
                f"California housing: expected 20640 rows of 9 values, "
                f"got {raw.shape}"
            )
        # Raw columns: longitude, latitude, housingMedianAge, totalRooms,
        # totalBedrooms, population, households, medianIncome, medianHouseValue.
        # scikit-learn's features:
        lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
        X = np.column_stack([income, age, rooms / households, bedrooms / households,
                             population, population / households, lat, lon])
        return {"X": X, "y": value / 100000.0}

    a = _decoded("california-housing", [_CALIFORNIA], build)
    return a["X"], a["y"]


def load_california_housing(test_size=0.2, seed=0):
    """California housing (1990 census): predict the median house value of a
    block group.

    The features are scikit-learn's (``fetch_california_housing``), unscaled:
    MedInc (median income, $10k), HouseAge (median age, years), AveRooms and
    AveBedrms (per household), Population, AveOccup (people per household),
    Latitude, Longitude. The target MedHouseVal is the median house value in
    $100k (capped at 5.00001 in the source).

    There is no official split: the 20640 rows are shuffled and split by
    ``sklearn.model_selection.train_test_split(test_size=test_size, random_state=seed)``
    (not stratified, the target is continuous).

    Parameters
    ----------
    test_size : float or int
        The test part: a fraction of the rows (0.2 = 20 %) or a number of rows.
    seed : int
        ``random_state`` of the shuffle: the same seed gives the same split.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(16512, 8)``, ``y_train`` float32 ``(16512,)``,
        ``X_test`` float32 ``(4128, 8)``, ``y_test`` float32 ``(4128,)`` with the
        default ``test_size=0.2``; ``feature_names`` as above, ``target_names``
        ``['MedHouseVal']``.
    """
    from sklearn.model_selection import train_test_split

    X, y = _california_arrays()
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype(np.float32), y.astype(np.float32), test_size=test_size,
        random_state=seed)
    return Dataset(
        X_train, y_train, X_test, y_test, list(CALIFORNIA_FEATURES), ["MedHouseVal"],
        "California housing",
        "One row per census block group in California (1990 census), 20640 rows: eight "
        "features (median income, house age, average rooms and bedrooms per household, "
        "population, average occupancy, latitude, longitude) and the median house "
        "value in $100k as the target. A regression problem.",
        source="R. K. Pace and R. Barry, Sparse Spatial Autoregressions, Statistics "
               "and Probability Letters 33 (1997) 291-297; StatLib, "
               "https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.html",
        license="no explicit licence; distributed through StatLib and scikit-learn "
                "(cite Pace & Barry 1997)",
    )


def load_iris(test_size=0.2, seed=0):
    """Fisher's iris flowers (bundled with scikit-learn): 150 flowers, 4 measurements,
    3 species.

    Split by
    ``train_test_split(test_size=test_size, random_state=seed, stratify=y)``, so both
    parts keep the 50/50/50 balance of the species.

    Parameters
    ----------
    test_size : float or int
        The test part: a fraction of the rows (0.2 = 20 %) or a number of rows.
    seed : int
        ``random_state`` of the shuffle: the same seed gives the same split.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(120, 4)`` in cm, ``y_train`` int64 ``(120,)`` in 0..2,
        ``X_test`` float32 ``(30, 4)``, ``y_test`` int64 ``(30,)`` (10 of each species)
        with the default ``test_size``; ``target_names``
        ``['setosa', 'versicolor', 'virginica']``.
    """
    from sklearn.datasets import load_iris as sk_load_iris
    from sklearn.model_selection import train_test_split

    b = sk_load_iris()
    X, y = b.data.astype(np.float32), b.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    return Dataset(
        X_train, y_train, X_test, y_test, list(b.feature_names), list(b.target_names),
        "Iris",
        "Sepal and petal length and width (cm) of 150 iris flowers, 50 of each of "
        "three species (setosa, versicolor, virginica). Setosa is linearly separable "
        "from the others.",
        source="R. A. Fisher (1936), The use of multiple measurements in taxonomic "
               "problems; the copy bundled with scikit-learn",
        license="CC BY 4.0 (UCI Machine Learning Repository)",
    )


def load_digits(test_size=0.2, seed=0, flat=True):
    """Small handwritten digits (bundled with scikit-learn): 1797 images of 8x8 pixels.

    The source pixels count ink in 0..16; they are divided by 16. Split by
    ``train_test_split(test_size=test_size, random_state=seed, stratify=y)``.

    Parameters
    ----------
    test_size : float or int
        The test part: a fraction of the rows (0.2 = 20 %) or a number of rows.
    seed : int
        ``random_state`` of the shuffle: the same seed gives the same split.
    flat : bool
        True: ``X`` of shape ``(n, 64)``; False: channels-last ``(n, 8, 8, 1)``.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(1437, 64)`` in [0, 1], ``y_train`` int64 ``(1437,)``
        in 0..9, ``X_test`` float32 ``(360, 64)``, ``y_test`` int64 ``(360,)`` with
        the default ``test_size``; ``target_names`` ``'0'`` to ``'9'``.
    """
    from sklearn.datasets import load_digits as sk_load_digits
    from sklearn.model_selection import train_test_split

    b = sk_load_digits()
    images, y = b.images, b.target.astype(np.int64)
    I_train, I_test, y_train, y_test = train_test_split(
        images, y, test_size=test_size, random_state=seed, stratify=y)
    return Dataset(
        _images(I_train, flat, scale=16.0), y_train,
        _images(I_test, flat, scale=16.0), y_test,
        None, list(_DIGIT_NAMES), "Digits (8x8)",
        "1797 small handwritten digits, each an 8x8 grid in which a pixel counts the "
        "ink of a 4x4 block of the original scan (0..16, here divided by 16).",
        source="E. Alpaydin, C. Kaynak, Optical Recognition of Handwritten Digits "
               "(UCI, 1998); the test part bundled with scikit-learn",
        license="CC BY 4.0 (UCI Machine Learning Repository)",
    )


# --------------------------------------------------------------------------
# Air passengers: a time series, and supervised windows over it
# --------------------------------------------------------------------------

def _parse_air_passengers(path):
    """``(months datetime64[M] (144,), values float64 (144,))`` from either CSV layout.

    Layouts: ``Month,#Passengers`` with ``YYYY-MM`` months, or Rdatasets'
    ``rownames,time,value`` with decimal years (1949, 1949.0833..., ...).
    """
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if r]
    if len(rows) < 2:
        raise ValueError(f"Air passengers: {path} has no data rows")
    header = [h.strip().lower() for h in rows[0]]
    months, values = [], []
    if (header[:2] == ["month", "#passengers"]
            or header[:2] == ["month", "passengers"]):
        for r in rows[1:]:
            months.append(np.datetime64(r[0].strip(), "M"))
            values.append(float(r[1]))
    elif header[-2:] == ["time", "value"]:
        for r in rows[1:]:
            t = float(r[-2])
            year = int(np.floor(t + 1e-6))
            month = int(round((t - year) * 12))
            months.append(np.datetime64(f"{year:04d}-{month + 1:02d}", "M"))
            values.append(float(r[-1]))
    else:
        raise ValueError(
            f"Air passengers: unknown CSV layout in {path} (header {rows[0]})"
        )
    return np.array(months, dtype="datetime64[M]"), np.array(values)


def _air_content_sha256(parsed):
    months, values = parsed
    if not np.all(values == np.rint(values)):
        return None
    text = "".join(f"{m},{int(v)}\n"
                   for m, v in zip(np.datetime_as_string(months, unit="M"), values))
    return hashlib.sha256(text.encode()).hexdigest()


def load_air_passengers():
    """The monthly totals of international airline passengers, January 1949 to
    December 1960.

    The whole series, with no train/test split: split it by date, for example
    with :func:`air_passengers_windows`.

    Returns
    -------
    TimeSeries
        ``time`` ``datetime64[M]`` ``(144,)`` from 1949-01 to 1960-12, ``values``
        float32 ``(144,)`` in thousands of passengers (112 in 1949-01, 432 in
        1960-12); ``time, values = load_air_passengers()`` unpacks it.
    """
    path, _ = _fetch(_AIR)
    months, values = _parse_air_passengers(path)
    return TimeSeries(
        months, values.astype(np.float32), "Air passengers",
        "Monthly totals of international airline passengers, 1949-1960 (Box & Jenkins, "
        "Series G): a trend with a yearly seasonality whose amplitude grows with the "
        "level.",
        unit="thousands of passengers",
        source="G. E. P. Box, G. M. Jenkins, G. C. Reinsel, Time Series Analysis, "
               "Forecasting and Control, 3rd ed. (1976), Series G; R's "
               "datasets::AirPassengers",
        license="no explicit licence; a published historical series, shipped with R",
    )


def air_passengers_windows(k=12, test_from="1958-01", scale=None):
    """The air passengers series as a supervised problem: the previous
    ``k`` months -> the next month.

    Window ``i`` has the inputs ``values[i:i+k]`` and the target ``values[i+k]``.
    A window belongs to the test part when the month of its target is
    ``test_from`` or later, and to the training part otherwise. No training
    window (inputs or target) contains a month from ``test_from`` on; test
    windows may look back at training months, as a forecast would.

    Parameters
    ----------
    k : int
        Number of past months per window (1 to 131).
    test_from : str or numpy.datetime64
        First month whose value is a test target, ``'YYYY-MM'``. The default
        keeps the last three years (1958-1960) for testing.
    scale : None, ``"minmax"`` or ``"standard"``
        Scaling of the values, fitted on the training months only (those before
        ``test_from``): ``"minmax"`` maps them to [0, 1], ``"standard"`` to mean 0
        and standard deviation 1. The returned ``scaler`` undoes it:
        ``ds.scaler.inverse_transform(y_pred)`` is in thousands of passengers.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(n_train, k, 1)`` (channels-last, for a 1-D
        convolution), ``y_train`` float32 ``(n_train, 1)``, ``X_test`` float32
        ``(n_test, k, 1)``, ``y_test`` float32 ``(n_test, 1)``; with the defaults
        ``n_train = 96`` (targets 1950-01..1957-12) and ``n_test = 36`` (targets
        1958-01..1960-12). ``time_train`` and ``time_test`` hold the month of each
        target (``datetime64[M]``), ``scaler`` the :class:`Scaler` used.
    """
    series = load_air_passengers()
    time, values = series.time, series.values.astype(np.float64)
    n = len(values)
    k = int(k)
    if not 1 <= k < n:
        raise ValueError(f"air_passengers_windows: expected 1 <= k < {n}, got k={k}")
    start = np.datetime64(test_from, "M")
    cut = int(np.searchsorted(time, start))  # index of the first test target
    if cut <= k or cut >= n:
        raise ValueError(
            f"air_passengers_windows: test_from={test_from!s} leaves no training "
            f"window or no test window with k={k}; pick a month between "
            f"{time[k + 1]} and {time[-1]}")

    fit = values[:cut]  # every value a training window sees
    if scale is None:
        scaler = Scaler()
    elif scale == "minmax":
        scaler = Scaler(float(fit.min()), float(fit.max() - fit.min()), "minmax")
    elif scale == "standard":
        scaler = Scaler(float(fit.mean()), float(fit.std()), "standard")
    else:
        raise ValueError(
            f"air_passengers_windows: scale must be None, 'minmax' or 'standard', "
            f"got {scale!r}"
        )
    z = scaler.transform(values).astype(np.float32)

    idx = np.arange(k, n)  # index of each window's target
    X = np.lib.stride_tricks.sliding_window_view(z, k)[: n - k].copy()[:, :, None]
    y = z[idx][:, None]
    train = idx < cut
    return Dataset(
        X[train], y[train], X[~train], y[~train],
        [f"t-{j}" for j in range(k, 0, -1)], ["passengers (t)"],
        f"Air passengers windows (k={k})",
        f"Windows over the monthly air passengers series: the {k} previous "
        f"months (inputs, oldest first) and the next month (target). Test targets "
        f"from {start} on; scaling: {scaler.kind}.",
        source=series.source, license=series.license,
        time_train=time[idx[train]], time_test=time[idx[~train]], scaler=scaler,
    )
