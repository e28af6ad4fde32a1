"""Images with their official split: MNIST, Fashion-MNIST, USPS."""
import numpy as np

from .arguments import check_bool
from .cache import decoded
from .dataset import Dataset
from .formats import read_idx, read_usps
from .registry import FASHION_MNIST, MNIST, USPS

#: The keys of a split data set's arrays in the decoded cache.
SPLIT_KEYS = ("X_train", "y_train", "X_test", "y_test")

DIGIT_NAMES = [str(i) for i in range(10)]

FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def as_images(X, flat, scale=255.0):
    """uint8 (or float) images ``(n, h, w)`` -> float32 ``X / scale``, flat
    ``(n, h*w)`` or channels-last ``(n, h, w, 1)``."""
    n, h, w = X.shape
    out = X.astype(np.float32)
    out /= np.float32(scale)
    return out.reshape(n, h * w) if flat else out.reshape(n, h, w, 1)


def _idx_dataset(files, name, flat):
    """The four arrays of a data set in MNIST's IDX layout, images scaled to [0, 1]."""
    def build(paths):
        return {key: read_idx(p, files["train_images"].dataset)
                for key, p in zip(SPLIT_KEYS, paths)}

    order = ["train_images", "train_labels", "test_images", "test_labels"]
    a = decoded(name, [files[k] for k in order], build, SPLIT_KEYS)
    return (as_images(a["X_train"], flat), a["y_train"].astype(np.int64),
            as_images(a["X_test"], flat), a["y_test"].astype(np.int64))


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
    flat = check_bool("load_mnist", "flat", flat)
    return Dataset(
        *_idx_dataset(MNIST, "mnist", flat), None, list(DIGIT_NAMES), "MNIST",
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
    flat = check_bool("load_fashion_mnist", "flat", flat)
    return Dataset(
        *_idx_dataset(FASHION_MNIST, "fashion-mnist", flat), None,
        list(FASHION_MNIST_CLASSES), "Fashion-MNIST",
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
    flat = check_bool("load_usps", "flat", flat)

    def build(paths):
        (X_train, y_train), (X_test, y_test) = (read_usps(p) for p in paths)
        return dict(zip(SPLIT_KEYS, (X_train, y_train, X_test, y_test)))

    a = decoded("usps", [USPS["train"], USPS["test"]], build, SPLIT_KEYS)
    return Dataset(
        as_images(a["X_train"], flat, scale=1.0), a["y_train"].astype(np.int64),
        as_images(a["X_test"], flat, scale=1.0), a["y_test"].astype(np.int64),
        None, list(DIGIT_NAMES), "USPS",
        "Digits scanned from envelopes by the US Postal Service, deslanted and "
        "size-normalised to 16x16 grey levels (the 'ZIP code' data of The Elements of "
        "Statistical Learning). Values rescaled from [-1, 1] to [0, 1]. The classes "
        "are unbalanced: 1194 zeros but 542 eights in the training part.",
        source="Le Cun et al. (1990), AT&T Bell Labs; distributed by Hastie, "
               "Tibshirani & Friedman, "
               "https://hastie.su.domains/ElemStatLearn/data.html",
        license="no explicit licence; distributed for research and teaching",
    )
