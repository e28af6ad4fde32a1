"""Which files make each data set, where they come from, and their SHA-256.

The checksums are those of the book's reference copies (the ``SHA256SUMS`` of
the shared data folder); a file is used only when it matches.
"""
from dataclasses import dataclass
from typing import Callable

from .formats import air_passengers_content_sha256


@dataclass(frozen=True)
class ContentCheck:
    """Accept a file by what it holds rather than by its bytes.

    ``digest(path)`` decodes the file and returns the SHA-256 of its content; it
    raises ``ValueError`` when the file cannot be decoded. The file is accepted
    when that digest is ``sha256``.
    """

    sha256: str
    digest: Callable


@dataclass(frozen=True)
class Download:
    """A public URL of a file, and the name of the downloaded file in the cache."""

    url: str
    fname: str
    # SHA-256 of the downloaded bytes; None when they are not pinned, and then
    # the content check of the file decides.
    sha256: str = None


@dataclass(frozen=True)
class FileSpec:
    """One file of a data set: where it lies under ``DIY_NN_DATA``, its SHA-256,
    and where to download it."""

    dataset: str                 # the data set's name, for messages
    path: str                    # e.g. "mnist/train-images-idx3-ubyte.gz"
    sha256: str                  # of the file at ``path``
    downloads: tuple = ()        # Download, tried in order
    content: ContentCheck = None  # when set, a copy in another layout is
                                  # accepted if it holds the same content

    def __post_init__(self):
        if self.content is None and any(d.sha256 is None for d in self.downloads):
            raise ValueError(f"{self.dataset}: a download whose bytes are not pinned "
                             "needs a content check, or it could never be verified")

    @property
    def folder(self):
        return self.path.split("/")[0]

    @property
    def name(self):
        return self.path.split("/")[-1]

    def checksums(self):
        """Every checksum a verified copy can have: of this file, of each
        download, or of the content (for a download whose bytes are not pinned)."""
        return list(dict.fromkeys(
            [self.sha256]
            + [d.sha256 or self.content.sha256 for d in self.downloads]
        ))


def _mirrored(dataset, folder, name, sha256, mirrors):
    """A file published under the same name, with the same bytes, by each mirror."""
    return FileSpec(dataset, f"{folder}/{name}", sha256,
                    tuple(Download(m + name, name, sha256=sha256) for m in mirrors))


_IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def _idx_files(dataset, folder, mirrors, sha256s):
    """The four IDX files of MNIST's layout, in the order of ``_IDX_NAMES``."""
    return {part: _mirrored(dataset, folder, name, sha256s[part], mirrors)
            for part, name in _IDX_NAMES.items()}


MNIST = _idx_files(
    "MNIST", "mnist",
    ("https://ossci-datasets.s3.amazonaws.com/mnist/",
     "http://yann.lecun.com/exdb/mnist/"),
    {"train_images": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
     "train_labels": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
     "test_images": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
     "test_labels": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
)

FASHION_MNIST = _idx_files(
    "Fashion-MNIST", "fashion-mnist",
    ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    {"train_images": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
     "train_labels": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
     "test_images": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
     "test_labels": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"},
)

_USPS_MIRRORS = ("https://hastie.su.domains/ElemStatLearn/datasets/",)
USPS = {
    "train": _mirrored(
        "USPS", "usps", "zip.train.gz",
        "66ebf231ab51f2cf6ac1a892d0f98ccffee1079d7a5db638c1f11f366046ca16",
        _USPS_MIRRORS,
    ),
    "test": _mirrored(
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
_CALIFORNIA_TGZ = "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681"
CALIFORNIA = FileSpec(
    "California housing", "california-housing/cal_housing.data.gz",
    "cdbc6f084852c03a4a55e6752938bb7d64c54b89813cbb8a21b0d25d1ade3e3c",
    (
        Download("https://ndownloader.figshare.com/files/5976036", "cal_housing.tgz",
                 sha256=_CALIFORNIA_TGZ),
        Download("https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.tgz",
                 "cal_housing.tgz", sha256=_CALIFORNIA_TGZ),
    ),
)

# Two layouts of the same 144 values:
# - the offline copy AirPassengers.csv ("Month,#Passengers", months as YYYY-MM),
#   SHA-256 5f8b316b... (from the shared SHA256SUMS);
# - the canonical Rdatasets export ("rownames,time,value", decimal years), whose
#   bytes are not pinned here (its SHA-256 could not be checked offline when
#   this was written). It is verified by content instead: the SHA-256 of the
#   decoded series written as "YYYY-MM,value\n" lines, which is 614e7b41... for
#   the true series (computed from the verified offline copy).
AIR_PASSENGERS = FileSpec(
    "Air passengers", "airpassengers/AirPassengers.csv",
    "5f8b316b84545d9cfb05612298df8415ce4c44421c7012d109465564b07ebc06",
    (Download("https://vincentarelbundock.github.io/Rdatasets/csv/datasets/"
              "AirPassengers.csv", "AirPassengers_rdatasets.csv"),),
    content=ContentCheck(
        "614e7b413e7e5e886a0038f53c5153c8835d68bc993dee713aabbe7b41490446",
        air_passengers_content_sha256,
    ),
)
