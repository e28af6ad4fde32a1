"""Real data sets for the book: verified downloads, a cache, and offline copies.

Every loader but :func:`load_air_passengers` returns the same kind of object, a
:class:`Dataset`::

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
   with :class:`DatasetChecksumError`; it is never used and never replaced. A
   ``DIY_NN_DATA`` that names no folder is refused at once with
   :class:`DatasetUnavailableError`.
2. the cache folder (``pooch.os_cache("diy_nn")``, e.g. ``~/.cache/diy_nn`` on
   Linux; the environment variable ``DIY_NN_CACHE`` overrides it);
3. a download with pooch from the canonical public URLs, verified by SHA-256,
   into the cache.

When all three fail, :class:`DatasetUnavailableError` names the data set, the
places and URLs tried, and where to put the file. Decoding the image files is
done once: the decoded arrays are kept as an uncompressed ``.npz`` in the cache
folder (sub-folder ``decoded``), keyed by the checksum of the source file.

Bad arguments are refused before anything is read or downloaded: a
``TypeError`` for the wrong kind of value (``flat="False"``, ``k=2.7``), a
``ValueError`` for a value out of range; the message names the loader and the
argument.

pooch and scikit-learn are imported by this package only, and only when
needed; the core of diy_nn never imports them.

The package: ``registry`` (the files, their URLs and SHA-256), ``fetch``
(``DIY_NN_DATA``, the cache, downloads, verification), ``cache`` (the decoded
arrays), ``formats`` (the file readers), ``arguments`` (the checks of the
loaders' arguments), ``dataset`` (what the loaders return), and the loaders by
kind: ``images``, ``tabular``, ``series``.
"""
from .dataset import Dataset, Scaler, TimeSeries
from .fetch import DatasetChecksumError, DatasetUnavailableError, get_cache_dir
from .images import FASHION_MNIST_CLASSES, load_fashion_mnist, load_mnist, load_usps
from .series import air_passengers_windows, load_air_passengers
from .tabular import (
    CALIFORNIA_FEATURES, load_california_housing, load_digits, load_iris,
)

__all__ = [
    "Dataset", "TimeSeries", "Scaler",
    "DatasetUnavailableError", "DatasetChecksumError",
    "load_mnist", "load_fashion_mnist", "load_usps",
    "load_california_housing", "load_iris", "load_digits",
    "load_air_passengers", "air_passengers_windows",
    "get_cache_dir",
]

# The public classes go by the path a reader imports them from, in tracebacks
# and type reprs: diy_nn.datasets.DatasetUnavailableError, not
# diy_nn.datasets.fetch.DatasetUnavailableError.
for _cls in (Dataset, TimeSeries, Scaler, DatasetUnavailableError,
             DatasetChecksumError):
    _cls.__module__ = __name__
del _cls
