"""Data sets with no official split, split here deterministically with
scikit-learn: California housing, iris, digits (8x8)."""
import importlib

import numpy as np

from .arguments import check_bool, check_seed, split_rows
from .cache import decoded
from .dataset import Dataset
from .formats import CALIFORNIA_ROWS, read_california
from .images import DIGIT_NAMES, as_images
from .registry import CALIFORNIA

CALIFORNIA_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                       "Population", "AveOccup", "Latitude", "Longitude"]

# The sizes of scikit-learn's bundled copies, to check test_size before loading.
IRIS_ROWS, IRIS_CLASSES = 150, 3
DIGITS_ROWS, DIGITS_CLASSES = 1797, 10


def _sklearn(module):
    """``sklearn.<module>``, or an ImportError that says how to install it."""
    try:
        return importlib.import_module(f"sklearn.{module}")
    except ImportError as exc:
        raise ImportError(
            "diy_nn.datasets needs scikit-learn to split the tabular data sets and "
            "for iris and digits: pip install scikit-learn (or pip install "
            "'diy_nn[data]')."
        ) from exc


def _split(X, y, rows, seed, stratify):
    """``X_train, X_test, y_train, y_test``: ``rows`` test rows drawn by
    scikit-learn's ``train_test_split`` with ``random_state=seed``."""
    split = _sklearn("model_selection").train_test_split
    return split(X, y, test_size=rows, random_state=seed,
                 stratify=y if stratify else None)


def california_arrays():
    """All 20640 rows: ``X`` float64 ``(20640, 8)`` (scikit-learn's features),
    ``y`` float64 ``(20640,)``."""
    def build(paths):
        (path,) = paths
        X, y = read_california(path)
        return {"X": X, "y": y}

    a = decoded("california-housing", [CALIFORNIA], build, ("X", "y"))
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
        The test part: a fraction of the rows in (0, 1) (0.2 = 20 %, rounded
        up to whole rows), or a number of rows.
    seed : int or None
        ``random_state`` of the shuffle, 0 to 2**32 - 1: the same seed gives the
        same split. None gives a different split at every call.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(16512, 8)``, ``y_train`` float32 ``(16512,)``,
        ``X_test`` float32 ``(4128, 8)``, ``y_test`` float32 ``(4128,)`` with the
        default ``test_size=0.2``; ``feature_names`` as above, ``target_names``
        ``['MedHouseVal']``.
    """
    owner = "load_california_housing"
    rows = split_rows(owner, test_size, CALIFORNIA_ROWS)
    seed = check_seed(owner, seed)
    X, y = california_arrays()
    X_train, X_test, y_train, y_test = _split(
        X.astype(np.float32), y.astype(np.float32), rows, seed, stratify=False)
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
        The test part: a fraction of the rows in (0, 1) (0.2 = 20 %, rounded
        up to whole rows), or a number of rows; each part keeps at least one
        flower of each species (3 to 147 rows).
    seed : int or None
        ``random_state`` of the shuffle, 0 to 2**32 - 1: the same seed gives the
        same split. None gives a different split at every call.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(120, 4)`` in cm, ``y_train`` int64 ``(120,)`` in 0..2,
        ``X_test`` float32 ``(30, 4)``, ``y_test`` int64 ``(30,)`` (10 of each species)
        with the default ``test_size``; ``target_names``
        ``['setosa', 'versicolor', 'virginica']``.
    """
    owner = "load_iris"
    rows = split_rows(owner, test_size, IRIS_ROWS, least=IRIS_CLASSES)
    seed = check_seed(owner, seed)
    b = _sklearn("datasets").load_iris()
    X, y = b.data.astype(np.float32), b.target.astype(np.int64)
    X_train, X_test, y_train, y_test = _split(X, y, rows, seed, stratify=True)
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
        The test part: a fraction of the rows in (0, 1) (0.2 = 20 %, rounded
        up to whole rows), or a number of rows; each part keeps at least one
        image of each digit (10 to 1787 rows).
    seed : int or None
        ``random_state`` of the shuffle, 0 to 2**32 - 1: the same seed gives the
        same split. None gives a different split at every call.
    flat : bool
        True: ``X`` of shape ``(n, 64)``; False: channels-last ``(n, 8, 8, 1)``.

    Returns
    -------
    Dataset
        ``X_train`` float32 ``(1437, 64)`` in [0, 1], ``y_train`` int64 ``(1437,)``
        in 0..9, ``X_test`` float32 ``(360, 64)``, ``y_test`` int64 ``(360,)`` with
        the default ``test_size``; ``target_names`` ``'0'`` to ``'9'``.
    """
    owner = "load_digits"
    rows = split_rows(owner, test_size, DIGITS_ROWS, least=DIGITS_CLASSES)
    seed = check_seed(owner, seed)
    flat = check_bool(owner, "flat", flat)
    b = _sklearn("datasets").load_digits()
    I_train, I_test, y_train, y_test = _split(
        b.images, b.target.astype(np.int64), rows, seed, stratify=True)
    return Dataset(
        as_images(I_train, flat, scale=16.0), y_train,
        as_images(I_test, flat, scale=16.0), y_test,
        None, list(DIGIT_NAMES), "Digits (8x8)",
        "1797 small handwritten digits, each an 8x8 grid in which a pixel counts the "
        "ink of a 4x4 block of the original scan (0..16, here divided by 16).",
        source="E. Alpaydin, C. Kaynak, Optical Recognition of Handwritten Digits "
               "(UCI, 1998); the test part bundled with scikit-learn",
        license="CC BY 4.0 (UCI Machine Learning Repository)",
    )
