"""What the loaders return: a :class:`Dataset` (a training and a test part), a
:class:`TimeSeries` (a whole series) and the :class:`Scaler` of a series."""
from dataclasses import dataclass

import numpy as np

from ..errors import _kind, check_rate, check_real

_PARTS = ("X_train", "y_train", "X_test", "y_test")


def _describe_array(a):
    return "None" if a is None else f"{a.dtype} {tuple(a.shape)}"


@dataclass(repr=False, eq=False)
class Dataset:
    """A data set split in a training part and a test part.

    It holds four arrays, in the order ``X_train, y_train, X_test, y_test``: it
    unpacks into them (``X_train, y_train, X_test, y_test = load_usps()``), and
    ``ds[0]`` to ``ds[3]`` are the same four (``len(ds)`` is 4).

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

    def _arrays(self):
        return tuple(getattr(self, part) for part in _PARTS)

    def __iter__(self):
        return iter(self._arrays())

    def __len__(self):
        return len(_PARTS)

    def __getitem__(self, index):
        """``ds[0]`` is ``X_train``, ``ds[1]`` ``y_train``, ``ds[2]`` ``X_test``,
        ``ds[3]`` ``y_test``, as in unpacking; slices work as on a tuple."""
        order = ", ".join(f"{i} {part}" for i, part in enumerate(_PARTS))
        if isinstance(index, (bool, np.bool_)) or not isinstance(
                index, (int, np.integer, slice)):
            hint = (f"; for a field by its name, write ds.{index}"
                    if isinstance(index, str) and hasattr(self, index) else "")
            raise TypeError(f"Dataset: expected an index from 0 to 3 ({order}), "
                            f"got {_kind(index)}{hint}")
        if isinstance(index, slice):
            return self._arrays()[index]
        if not -len(_PARTS) <= index < len(_PARTS):
            raise IndexError(f"Dataset: expected an index from 0 to 3 ({order}), "
                             f"or -4 to -1, got {index}")
        return self._arrays()[index]

    def __repr__(self):
        parts = [f"{part}={_describe_array(a)}"
                 for part, a in zip(_PARTS, self._arrays())]
        if (self.y_train is not None and self.y_train.dtype.kind in "iu"
                and self.target_names):
            parts.append(f"{len(self.target_names)} classes")
        return f"Dataset({self.name!r}, " + ", ".join(parts) + ")"


@dataclass(repr=False, eq=False)
class TimeSeries:
    """A whole time series, with no train/test split (split it by date, see
    :func:`air_passengers_windows`).

    It unpacks into ``time, values``; ``len(ts)`` is the number of values. Index
    its arrays, not the series: ``ts.values[0]`` is the first value.

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

    def __getitem__(self, index):
        # ts[0] could mean the first value (len(ts) counts values) or the times
        # (unpacking gives them first): refuse the guess, and say what to write.
        raise TypeError(
            f"TimeSeries: ts[{index!r}] is ambiguous (a value, or the times that "
            "unpacking gives first); index its arrays instead: ts.values[i] is the "
            "value of month i and ts.time[i] that month, or unpack it: "
            "time, values = ts"
        )

    def __repr__(self):
        return (f"TimeSeries({self.name!r}, {len(self)} values from {self.time[0]} to "
                f"{self.time[-1]}, {self.unit})")


#: The kinds of :class:`Scaler`.
SCALINGS = ("none", "minmax", "standard")


@dataclass(frozen=True)
class Scaler:
    """An affine scaling ``z = (x - offset) / scale``, undone by
    ``x = z * scale + offset``.

    ``kind`` is ``"none"`` (offset 0, scale 1), ``"minmax"`` (offset = the
    training minimum, scale = training maximum - minimum, so the training
    values span [0, 1]) or ``"standard"`` (offset = training mean, scale =
    training standard deviation). ``scale`` must be positive and finite.
    """

    offset: float = 0.0
    scale: float = 1.0
    kind: str = "none"

    def __post_init__(self):
        # A frozen dataclass: the checked values are stored with object.__setattr__.
        object.__setattr__(self, "offset", check_real("Scaler", "offset", self.offset))
        object.__setattr__(self, "scale", check_rate("Scaler", "scale", self.scale))
        if not isinstance(self.kind, str) or self.kind not in SCALINGS:
            raise ValueError(f"Scaler: expected kind 'none', 'minmax' or 'standard', "
                             f"got {self.kind!r}")

    def transform(self, x):
        """Scaled values ``(x - offset) / scale`` (same shape; float32 stays
        float32)."""
        return (_numbers("Scaler.transform", x) - self.offset) / self.scale

    def inverse_transform(self, z):
        """Values back in the original unit: ``z * scale + offset`` (same shape)."""
        return _numbers("Scaler.inverse_transform", z) * self.scale + self.offset


def _numbers(owner, x):
    a = np.asarray(x)
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{owner}: expected numbers (an array, or a list of them), "
                        f"got an array of dtype {a.dtype} from {type(x).__name__}")
    return a
