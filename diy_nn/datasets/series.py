"""Air passengers: a monthly time series, and supervised windows over it."""
import re

import numpy as np

from ..errors import _kind, check_positive_int
from .dataset import Dataset, Scaler, TimeSeries
from .fetch import fetch
from .formats import read_air_passengers
from .registry import AIR_PASSENGERS

# The series, as its checksum fixes it: the arguments are checked against these
# before the file is read.
AIR_FIRST_MONTH = np.datetime64("1949-01", "M")
AIR_MONTHS = 144


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
    path, _ = fetch(AIR_PASSENGERS)
    months, values = read_air_passengers(path)
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


def check_month(owner, what, value):
    """``value`` as a ``datetime64[M]``: from a ``'YYYY-MM'`` string, or a
    ``numpy.datetime64`` that is the start of a month."""
    example = "'1958-01' or numpy.datetime64('1958-01')"
    if isinstance(value, str):
        match = re.fullmatch(r"\d{4}-(\d{2})", value)
        if match is None or not 1 <= int(match.group(1)) <= 12:
            raise ValueError(f"{owner}: expected {what} to be a month 'YYYY-MM', such "
                             f"as {example}, got {value!r}")
        return np.datetime64(value, "M")
    if isinstance(value, np.datetime64):
        month = value.astype("datetime64[M]")
        if np.isnat(value) or month != value:
            raise ValueError(f"{owner}: expected {what} to be a month, such as "
                             f"{example}, got numpy.datetime64('{value}')")
        return month
    raise TypeError(f"{owner}: expected {what} to be a month 'YYYY-MM', such as "
                    f"{example}, got {_kind(value)}")


def _check_scale(owner, scale):
    expected = "None, 'minmax' or 'standard'"
    if scale is not None and not isinstance(scale, str):
        hint = ("; scale names the scaling to fit on the training months, and a "
                "fitted Scaler is applied with its transform method"
                if isinstance(scale, Scaler) else "")
        raise TypeError(f"{owner}: expected scale {expected}, got {_kind(scale)}{hint}")
    if scale not in (None, "minmax", "standard"):
        raise ValueError(f"{owner}: expected scale {expected}, got {scale!r}")


def _month(index):
    return AIR_FIRST_MONTH + np.timedelta64(index, "M")


def _check_windows(owner, k, start):
    """Check that ``k`` months and a test part from ``start`` on leave at least
    one training window and one test window; return the index of ``start``."""
    n = AIR_MONTHS
    # A training window holds k + 1 months before start; a test window's target
    # is start or later, in the series.
    if k > n - 2:
        raise ValueError(
            f"{owner}: expected k <= {n - 2}, got {k}: the series has {n} months, "
            "and a training window holds k + 1 of them with one more left to test"
        )
    cut = int((start - AIR_FIRST_MONTH).astype(int))  # index of start
    months = f"test_from from {_month(k + 1)} to {_month(n - 1)}"
    if cut < k + 1:
        smaller = f"k <= {cut - 1}, or " if cut >= 2 else ""
        raise ValueError(
            f"{owner}: k={k} and test_from={str(start)!r} leave no training window: "
            f"one holds k + 1 = {k + 1} months before test_from, and the series has "
            f"{max(cut, 0)} (it starts in {AIR_FIRST_MONTH}). Use {smaller}{months}."
        )
    if cut > n - 1:
        raise ValueError(
            f"{owner}: test_from={str(start)!r} leaves no test window: the series "
            f"ends in {_month(n - 1)}. Use {months}."
        )
    return cut


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
        Number of past months per window, at least 1. A training window needs
        its ``k + 1`` months before ``test_from``: with the default
        ``test_from``, ``k`` is at most 107.
    test_from : str or numpy.datetime64
        First month whose value is a test target: a ``'YYYY-MM'`` string, or a
        ``numpy.datetime64`` month such as ``ts.time[108]``. The default keeps
        the last three years (1958-1960) for testing.
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
    owner = "air_passengers_windows"
    k = check_positive_int(owner, "k", k)
    start = check_month(owner, "test_from", test_from)
    _check_scale(owner, scale)
    cut = _check_windows(owner, k, start)  # index of the first test target

    series = load_air_passengers()
    time, values = series.time, series.values.astype(np.float64)
    n = len(values)
    fit = values[:cut]  # every value a training window sees
    if scale is None:
        scaler = Scaler()
    elif scale == "minmax":
        scaler = Scaler(float(fit.min()), float(fit.max() - fit.min()), "minmax")
    else:
        scaler = Scaler(float(fit.mean()), float(fit.std()), "standard")
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
