"""Bad arguments to the data loaders: a clear TypeError (wrong kind) or ValueError
(out of range) that names the loader and the argument, says what it got and what
it expects, given at once: before any file is read or downloaded, never a
silent wrong answer.

Every test runs with an empty DIY_NN_DATA folder, an empty cache and no network:
a loader that went past its checks would fail to find its files instead.
"""
import datetime
import socket
import time

import numpy as np
import pytest

import diy_nn.datasets as D

IMAGE_LOADERS = [D.load_mnist, D.load_fashion_mnist, D.load_usps, D.load_digits]
SPLIT_LOADERS = [D.load_california_housing, D.load_iris, D.load_digits]


def name(f):
    return f.__name__


def by_first(*rows):
    """Parameter sets named by their first value: the bad argument, the bad
    keyword arguments, or the loader and its bad argument."""
    def show(value):
        if callable(value):
            return value.__name__
        if isinstance(value, dict):
            return ",".join(f"{k}={v!r}" for k, v in value.items())
        return repr(value)
    return [pytest.param(*row, id=show(row[0]) + ("-" + repr(row[1])
                                                  if callable(row[0]) else ""))
            for row in rows]


@pytest.fixture(autouse=True)
def nothing_to_load(monkeypatch, tmp_path):
    """Nothing to read and no network; afterwards, check that nothing was tried
    and that the refusal took well under a second."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is disabled in the diy_nn tests")

    for owner, attribute in [(socket, "getaddrinfo"), (socket, "create_connection"),
                             (socket.socket, "connect")]:
        monkeypatch.setattr(owner, attribute, refuse)
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < 1.0
    assert not attempts and not (tmp_path / "cache").exists()


# ------------------------------------------------------------------ flags

@pytest.mark.parametrize("bad", ["False", "no", 0, 1, None, []], ids=repr)
@pytest.mark.parametrize("loader", IMAGE_LOADERS, ids=name)
def test_a_flag_that_is_not_a_bool_is_refused(loader, bad):
    # "False" is a non-empty string, so it would count as True: flat images.
    with pytest.raises(TypeError, match=rf"^{loader.__name__}: expected flat to be "
                                        r"True or False, got "):
        loader(flat=bad)


def test_a_flag_given_as_the_string_false_says_to_drop_the_quotes():
    with pytest.raises(TypeError, match=r"got 'False' \(str\) \(write False, "
                                        r"without quotes\)$"):
        D.load_usps(flat="False")


# ------------------------------------------------------------------ split sizes

@pytest.mark.parametrize("bad", [None, "0.2", True, [0.2]], ids=repr)
@pytest.mark.parametrize("loader", SPLIT_LOADERS, ids=name)
def test_test_size_that_is_not_a_number_is_refused(loader, bad):
    # None would give scikit-learn's default, 25 %, not the documented 20 %.
    with pytest.raises(TypeError, match=rf"^{loader.__name__}: expected test_size "
                                        r"to be a real number, got "):
        loader(test_size=bad)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.2, np.nan], ids=repr)
@pytest.mark.parametrize("loader", SPLIT_LOADERS, ids=name)
def test_test_size_as_a_fraction_outside_0_1_is_refused(loader, bad):
    with pytest.raises(ValueError, match=rf"^{loader.__name__}: expected test_size "
                                         r"in \(0, 1\), got .* for a number of rows, "
                                         r"give an int\)$"):
        loader(test_size=bad)


@pytest.mark.parametrize("loader, test_size, rows, least", by_first(
    (D.load_california_housing, 0, None, 1),
    (D.load_california_housing, 20640, 20640, 1),
    (D.load_iris, 2, 2, 3), (D.load_iris, 0.01, 2, 3), (D.load_iris, 148, 148, 3),
    (D.load_iris, 0.99, 149, 3), (D.load_digits, 5, 5, 10),
    (D.load_digits, 0.999, 1796, 10),
))
def test_test_size_that_leaves_a_part_too_small_is_refused(loader, test_size, rows,
                                                           least):
    if rows is None:
        match = rf"^{loader.__name__}: expected test_size >= 1, got 0$"
    else:
        match = (rf"^{loader.__name__}: test_size={test_size!r} leaves {rows} of the "
                 rf".* each part needs at least {least}")
    with pytest.raises(ValueError, match=match):
        loader(test_size=test_size)


@pytest.mark.parametrize("bad, error, expected", by_first(
    ("0", TypeError, r" to be an integer \(0 to 2\*\*32 - 1\) or None, got '0'"),
    (1.5, TypeError, r" to be an integer"), (True, TypeError, r" to be an integer"),
    (-1, ValueError, r" >= 0, got -1$"),
    (2**32, ValueError, r" <= 2\*\*32 - 1 = 4294967295, got 4294967296$"),
) + [pytest.param(np.random.default_rng(0), TypeError, r" to be an integer",
                  id="Generator")])
@pytest.mark.parametrize("loader", SPLIT_LOADERS, ids=name)
def test_seed_that_is_not_an_integer_or_none_is_refused(loader, bad, error, expected):
    with pytest.raises(error, match=rf"^{loader.__name__}: expected seed{expected}"):
        loader(seed=bad)


# ------------------------------------------------------------------ air passengers

@pytest.mark.parametrize("bad", [2.7, 12.0, "12", True], ids=repr)
def test_k_that_is_not_an_integer_is_refused(bad):
    # 2.7 used to become 2 windows' months, silently.
    with pytest.raises(TypeError, match=r"^air_passengers_windows: expected k to be "
                                        r"an integer, got "):
        D.air_passengers_windows(k=bad)


@pytest.mark.parametrize("bad", [0, -3])
def test_k_below_1_is_refused(bad):
    with pytest.raises(ValueError, match=rf"^air_passengers_windows: expected k >= 1, "
                                         rf"got {bad}$"):
        D.air_passengers_windows(k=bad)


@pytest.mark.parametrize("kwargs, expected", by_first(
    (dict(k=143), r"expected k <= 142, got 143: the series has 144 months"),
    (dict(k=108), r"k=108 and test_from='1958-01' leave no training window: .* "
                  r"Use k <= 107, or test_from from 1958-02 to 1960-12\.$"),
    (dict(k=12, test_from="1949-01"), r".* leave no training window: .* Use test_from "
                                      r"from 1950-02 to 1960-12\.$"),
    (dict(k=12, test_from="1961-01"), r"test_from='1961-01' leaves no test window: "
                                      r"the series ends in 1960-12\."),
))
def test_k_and_test_from_that_leave_no_window_say_what_range_to_use(kwargs, expected):
    with pytest.raises(ValueError, match=rf"^air_passengers_windows: {expected}"):
        D.air_passengers_windows(**kwargs)


@pytest.mark.parametrize("bad, error", by_first(
    ("garbage", ValueError), ("1958", ValueError), ("1958-1", ValueError),
    ("1958-13", ValueError), ("1958-01-15", ValueError), (" 1958-01", ValueError),
    (np.datetime64("1958-01-15"), ValueError), (np.datetime64("NaT"), ValueError),
    # NumPy reads the int 1958 as 1958 months after 1970.
    (1958, TypeError), (1958.0, TypeError), (None, TypeError),
    (datetime.date(1958, 1, 1), TypeError),
))
def test_test_from_that_is_not_a_month_is_refused_with_an_example(bad, error):
    with pytest.raises(error, match=r"^air_passengers_windows: expected test_from to "
                                    r"be a month.* such as '1958-01' or "
                                    r"numpy.datetime64\('1958-01'\), got "):
        D.air_passengers_windows(test_from=bad)


@pytest.mark.parametrize("bad, error", by_first(
    ("log", ValueError), ("MinMax", ValueError), ("none", ValueError),
    (True, TypeError), (np.array([1.0]), TypeError), (D.Scaler(), TypeError),
))
def test_scale_that_names_no_scaling_is_refused(bad, error):
    with pytest.raises(error, match=r"^air_passengers_windows: expected scale None, "
                                    r"'minmax' or 'standard', got "):
        D.air_passengers_windows(scale=bad)


def test_scale_given_a_fitted_scaler_says_how_to_apply_it():
    with pytest.raises(TypeError, match=r"a fitted Scaler is applied with its "
                                        r"transform method$"):
        D.air_passengers_windows(scale=D.Scaler(104.0, 363.0, "minmax"))


# ------------------------------------------------------------------ the result types

def toy_dataset():
    return D.Dataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]),
                     np.zeros((1, 2), np.float32), np.array([0]))


@pytest.mark.parametrize("index, error, expected", by_first(
    (4, IndexError, r"or -4 to -1, got 4$"), (-5, IndexError, r"got -5$"),
    ("X_train", TypeError, r"got 'X_train' \(str\); for a field by its name, "
                           r"write ds.X_train$"),
    (1.0, TypeError, r"got 1.0 \(float\)$"),
))
def test_a_dataset_indexed_out_of_its_four_arrays_says_what_they_are(index, error,
                                                                      expected):
    with pytest.raises(error, match=r"^Dataset: expected an index from 0 to 3 "
                                    r"\(0 X_train, 1 y_train, 2 X_test, 3 y_test\)"
                                    + rf".*{expected}"):
        toy_dataset()[index]


def test_a_time_series_is_not_indexed_itself_and_says_how_to_get_at_its_values():
    ts = D.TimeSeries(np.arange("1949-01", "1949-04", dtype="datetime64[M]"),
                      np.array([1.0, 2.0, 3.0], np.float32))
    with pytest.raises(TypeError, match=r"^TimeSeries: ts\[0\] is ambiguous .* "
                                        r"ts.values\[i\] is the value of month i .* "
                                        r"time, values = ts$"):
        ts[0]


@pytest.mark.parametrize("kwargs, error, expected", by_first(
    (dict(scale=0), ValueError, r"expected scale in \(0, inf\), got 0.0$"),
    (dict(scale=-1.0), ValueError, r"expected scale in \(0, inf\), got -1.0$"),
    (dict(scale=np.inf), ValueError, r"expected scale in \(0, inf\), got inf$"),
    (dict(offset="a"), TypeError, r"expected offset to be a real number, got 'a'"),
    (dict(kind="log"), ValueError, r"expected kind 'none', 'minmax' or 'standard', "
                                   r"got 'log'$"),
))
def test_a_scaler_that_would_divide_by_zero_or_of_no_known_kind_is_refused(
        kwargs, error, expected):
    with pytest.raises(error, match=rf"^Scaler: {expected}"):
        D.Scaler(**kwargs)


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_a_scaler_refuses_to_scale_what_is_not_numbers(method):
    with pytest.raises(TypeError, match=rf"^Scaler.{method}: expected numbers \(an "
                                        r"array, or a list of them\), got an array "
                                        r"of dtype <U3 from str$"):
        getattr(D.Scaler(), method)("abc")
