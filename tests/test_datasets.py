"""diy_nn.datasets: shapes, dtypes, ranges and class counts of every loader, read
from the offline copies (DIY_NN_DATA, default ../shared/data next to the repository);
checksums refused, offline errors, bad settings of DIY_NN_DATA and DIY_NN_CACHE, the
decoded cache, and the air passengers windows. Bad arguments to the loaders are in
test_datasets_arguments.py.

These tests never touch the network: every socket connection is blocked, and
downloads are simulated by replacing ``pooch.retrieve``.
"""
import gzip
import hashlib
import inspect
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import diy_nn.datasets as D
from diy_nn.datasets.fetch import fetch
from diy_nn.datasets.registry import ContentCheck, Download, FileSpec
from diy_nn.datasets.tabular import california_arrays

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DIY_NN_DATA") or REPO.parent / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Block every network connection; the list records the attempts."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is disabled in the diy_nn tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One decoded-array cache for the tests that read the shared copies (decode each set once)."""
    return tmp_path_factory.mktemp("diy_nn_cache")


@pytest.fixture
def shared_data(monkeypatch, shared_cache):
    """DIY_NN_DATA -> the shared offline copies, DIY_NN_CACHE -> a temporary folder."""
    if not (SHARED / "mnist").is_dir():
        pytest.skip(f"the offline data folder {SHARED} does not exist "
                    "(set DIY_NN_DATA to a folder in the layout of ../shared/data)")
    monkeypatch.setenv("DIY_NN_DATA", str(SHARED))
    monkeypatch.setenv("DIY_NN_CACHE", str(shared_cache))
    return SHARED


@pytest.fixture
def empty_env(monkeypatch, tmp_path):
    """An empty DIY_NN_DATA folder and an empty cache."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    monkeypatch.setenv("DIY_NN_DATA", str(data))
    monkeypatch.setenv("DIY_NN_CACHE", str(cache))
    return data, cache


def check_images(ds, n_train, n_test, h, w, flat):
    shape = (h * w,) if flat else (h, w, 1)
    assert ds.X_train.shape == (n_train,) + shape and ds.X_test.shape == (n_test,) + shape
    assert ds.X_train.dtype == np.float32 and ds.X_test.dtype == np.float32
    assert ds.y_train.shape == (n_train,) and ds.y_test.shape == (n_test,)
    assert ds.y_train.dtype == np.int64 and ds.y_test.dtype == np.int64
    for X in (ds.X_train, ds.X_test):
        assert X.min() == 0.0 and X.max() == 1.0


# ---------------------------------------------------------------- images

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_mnist(shared_data):
    ds = D.load_mnist()
    check_images(ds, 60000, 10000, 28, 28, flat=True)
    assert np.bincount(ds.y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(ds.y_test).tolist() == MNIST_TEST_COUNTS
    assert ds.target_names == [str(i) for i in range(10)] and ds.feature_names is None
    assert ds.name == "MNIST" and "handwritten" in ds.description.lower()
    X_train, y_train, X_test, y_test = ds
    assert X_train is ds.X_train and y_test is ds.y_test
    # Pixels are the bytes of the file divided by 255.
    assert np.all(np.isin(ds.X_test[:50], np.arange(256, dtype=np.float32) / np.float32(255)))

    images = D.load_mnist(flat=False)
    check_images(images, 60000, 10000, 28, 28, flat=False)
    np.testing.assert_array_equal(images.X_train.reshape(60000, -1), ds.X_train)
    np.testing.assert_array_equal(images.y_test, ds.y_test)


def test_fashion_mnist(shared_data):
    ds = D.load_fashion_mnist()
    check_images(ds, 60000, 10000, 28, 28, flat=True)
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.target_names[0] == "T-shirt/top" and ds.target_names[9] == "Ankle boot"
    check_images(D.load_fashion_mnist(flat=False), 60000, 10000, 28, 28, flat=False)


def test_usps(shared_data):
    ds = D.load_usps()
    check_images(ds, 7291, 2007, 16, 16, flat=True)
    assert np.bincount(ds.y_train).tolist() == [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]
    assert np.bincount(ds.y_test).tolist() == [359, 264, 198, 166, 200, 160, 170, 147, 166, 177]
    # Rescaled from [-1, 1] by (x + 1) / 2: compare with the first row of the file.
    with gzip.open(shared_data / "usps" / "zip.train.gz", "rt") as f:
        first = np.array(f.readline().split(), dtype=np.float64)
    assert ds.y_train[0] == int(first[0])
    np.testing.assert_allclose(ds.X_train[0], (first[1:] + 1) / 2, atol=1e-7)
    images = D.load_usps(flat=False)
    check_images(images, 7291, 2007, 16, 16, flat=False)
    np.testing.assert_array_equal(images.X_test.reshape(2007, 256), ds.X_test)


def test_image_loaders_take_a_numpy_bool_for_flat(shared_data):
    assert D.load_usps(flat=np.False_).X_train.shape == (7291, 16, 16, 1)
    assert D.load_usps(flat=np.True_).X_train.shape == (7291, 256)


# ---------------------------------------------------------------- tabular

def test_california_housing(shared_data):
    ds = D.load_california_housing()
    assert ds.X_train.shape == (16512, 8) and ds.X_test.shape == (4128, 8)
    assert ds.y_train.shape == (16512,) and ds.y_test.shape == (4128,)
    assert {a.dtype for a in ds} == {np.dtype(np.float32)}
    assert ds.feature_names == ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                                "Population", "AveOccup", "Latitude", "Longitude"]
    assert ds.target_names == ["MedHouseVal"]
    X = np.concatenate([ds.X_train, ds.X_test]).astype(np.float64)
    y = np.concatenate([ds.y_train, ds.y_test]).astype(np.float64)
    assert round(X[:, 0].mean(), 4) == 3.8707 and round(y.mean(), 4) == 2.0686
    assert round(y.min(), 5) == 0.14999 and round(y.max(), 5) == 5.00001
    assert not np.isnan(X).any()
    # The same split every time for a seed; another seed, another split.
    again = D.load_california_housing()
    np.testing.assert_array_equal(again.X_test, ds.X_test)
    other = D.load_california_housing(test_size=0.25, seed=1)
    assert other.X_test.shape == (5160, 8) and not np.array_equal(other.y_test[:100], ds.y_test[:100])


def test_california_features_match_scikit_learn_layout(shared_data):
    """The features computed from the raw file equal the shared scikit-learn-layout CSV."""
    X, y = california_arrays()
    ref = np.loadtxt(shared_data / "california-housing" / "california_housing.csv.gz",
                     delimiter=",", skiprows=1)
    np.testing.assert_allclose(X, ref[:, :8], rtol=1e-12)
    np.testing.assert_array_equal(y, ref[:, 8])


def test_iris(shared_data):
    ds = D.load_iris()
    assert ds.X_train.shape == (120, 4) and ds.X_test.shape == (30, 4)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert np.bincount(ds.y_train).tolist() == [40, 40, 40]   # stratified
    assert np.bincount(ds.y_test).tolist() == [10, 10, 10]
    assert ds.target_names == ["setosa", "versicolor", "virginica"]
    assert ds.feature_names[0] == "sepal length (cm)"
    assert 0 < ds.X_train.min() and ds.X_train.max() < 8


def test_digits(shared_data):
    ds = D.load_digits()
    assert ds.X_train.shape == (1437, 64) and ds.X_test.shape == (360, 64)
    assert ds.X_train.dtype == np.float32 and ds.y_test.dtype == np.int64
    assert ds.X_train.min() == 0.0 and ds.X_train.max() == 1.0
    counts = np.bincount(ds.y_test)
    assert counts.sum() == 360 and counts.min() >= 35 and counts.max() <= 37   # stratified
    images = D.load_digits(flat=False)
    assert images.X_train.shape == (1437, 8, 8, 1)
    np.testing.assert_array_equal(images.X_train.reshape(1437, 64), ds.X_train)


def test_test_size_as_rows_or_as_a_numpy_number_splits_as_the_fraction():
    ref = D.load_iris(test_size=0.2, seed=0)
    for ds in (D.load_iris(test_size=30), D.load_iris(test_size=np.float32(0.2)),
               D.load_iris(test_size=np.int64(30), seed=np.int64(0))):
        for a, b in zip(ds, ref):
            np.testing.assert_array_equal(a, b)


def test_seed_none_gives_a_split_of_the_asked_sizes():
    ds = D.load_iris(test_size=45, seed=None)
    assert ds.X_train.shape == (105, 4) and np.bincount(ds.y_test).tolist() == [15] * 3


# ---------------------------------------------------------------- air passengers

def test_air_passengers(shared_data):
    ts = D.load_air_passengers()
    time_, values = ts
    assert len(ts) == 144 and values.shape == (144,) and values.dtype == np.float32
    assert time_.dtype == np.dtype("datetime64[M]")
    assert str(time_[0]) == "1949-01" and str(time_[-1]) == "1960-12"
    assert np.all(np.diff(time_).astype(int) == 1)
    assert values[0] == 112 and values[-1] == 432 and values.sum() == 40363
    assert values.min() == 104 and values.max() == 622
    assert values[:12].tolist() == [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]


def test_air_passengers_windows(shared_data):
    ts = D.load_air_passengers()
    ds = D.air_passengers_windows(k=12)
    assert ds.X_train.shape == (96, 12, 1) and ds.y_train.shape == (96, 1)
    assert ds.X_test.shape == (36, 12, 1) and ds.y_test.shape == (36, 1)
    assert {a.dtype for a in ds} == {np.dtype(np.float32)}
    assert str(ds.time_train[0]) == "1950-01" and str(ds.time_train[-1]) == "1957-12"
    assert str(ds.time_test[0]) == "1958-01" and str(ds.time_test[-1]) == "1960-12"
    # Window i: the 12 months before its target month, oldest first.
    for X, y, t in [(ds.X_train, ds.y_train, ds.time_train), (ds.X_test, ds.y_test, ds.time_test)]:
        for x_i, y_i, t_i in zip(X, y, t):
            j = int((t_i - ts.time[0]).astype(int))
            np.testing.assert_array_equal(x_i[:, 0], ts.values[j - 12:j])
            assert y_i[0] == ts.values[j]
    assert ds.scaler.kind == "none"
    np.testing.assert_array_equal(ds.scaler.inverse_transform(ds.y_test), ds.y_test)


def test_air_passengers_windows_no_leakage(shared_data):
    ts = D.load_air_passengers()
    for k, test_from in [(12, "1958-01"), (3, "1955-07"), (24, "1960-01")]:
        ds = D.air_passengers_windows(k=k, test_from=test_from)
        start = np.datetime64(test_from, "M")
        assert np.all(ds.time_train < start) and np.all(ds.time_test >= start)
        # The months a training window sees (its inputs and its target) are all before test_from.
        first_input = ds.time_train - k
        assert np.all(ds.time_train.max() < start) and first_input.min() >= ts.time[0]
        # Every month from test_from on is a test target, and no test target is in a training window.
        cut = int(np.searchsorted(ts.time, start))
        test_values = ts.values[cut:]
        np.testing.assert_array_equal(ds.y_test[:, 0], test_values)
        assert len(ds.y_train) + len(ds.y_test) == 144 - k
        seen = np.concatenate([ds.X_train.ravel(), ds.y_train.ravel()])
        np.testing.assert_array_equal(np.unique(seen), np.unique(ts.values[:cut]))


def test_air_passengers_windows_scaling(shared_data):
    ts = D.load_air_passengers()
    raw = D.air_passengers_windows()
    for scale in ("minmax", "standard"):
        ds = D.air_passengers_windows(scale=scale)
        assert ds.scaler.kind == scale and ds.X_train.dtype == np.float32
        train_values = np.concatenate([ds.X_train[0, :, 0], ds.y_train[:, 0]])  # 1949-01..1957-12
        if scale == "minmax":
            assert train_values.min() == 0 and abs(train_values.max() - 1) < 1e-6
            train_raw = ts.values[:108]
            assert ds.scaler.offset == train_raw.min() == 104
            assert ds.scaler.scale == train_raw.max() - train_raw.min() == 467 - 104
        else:
            assert abs(train_values.mean()) < 1e-5 and abs(train_values.std() - 1) < 1e-5
        # Undo: back to thousands of passengers.
        np.testing.assert_allclose(ds.scaler.inverse_transform(ds.y_test), raw.y_test, rtol=1e-5)
        np.testing.assert_allclose(ds.scaler.transform(raw.X_train), ds.X_train, atol=1e-6)


def test_air_passengers_windows_take_numpy_integers_and_months(shared_data):
    ts = D.load_air_passengers()
    ref = D.air_passengers_windows(k=12, test_from="1958-01")
    for kwargs in (dict(k=np.int64(12)), dict(test_from=np.datetime64("1958-01")),
                   dict(test_from=ts.time[108]), dict(test_from=np.datetime64("1958"))):
        ds = D.air_passengers_windows(**kwargs)
        for a, b in zip(ds, ref):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(ds.time_test, ref.time_test)


@pytest.mark.parametrize("k, test_from", [(107, "1958-01"), (142, "1960-12"),
                                          (1, "1949-03")])
def test_air_passengers_windows_at_the_edge_keep_one_window_on_a_side(shared_data, k,
                                                                      test_from):
    ds = D.air_passengers_windows(k=k, test_from=test_from)
    assert min(len(ds.y_train), len(ds.y_test)) == 1
    assert len(ds.y_train) + len(ds.y_test) == 144 - k


def rdatasets_csv(values, quoted=True):
    """The Rdatasets layout of the series: rownames,time,value with decimal years."""
    q = '"' if quoted else ""
    lines = [f"{q}rownames{q},{q}time{q},{q}value{q}"]
    for i, v in enumerate(values):
        lines.append(f"{q}{i + 1}{q},{repr(1949 + i / 12)},{int(v)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("quoted", [True, False])
def test_air_passengers_rdatasets_layout_accepted(shared_data, monkeypatch, tmp_path, quoted):
    """A copy in the canonical Rdatasets layout is verified by its decoded content."""
    values = D.load_air_passengers().values
    (tmp_path / "airpassengers").mkdir()
    (tmp_path / "airpassengers" / "AirPassengers.csv").write_text(rdatasets_csv(values, quoted))
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path))
    ts = D.load_air_passengers()
    np.testing.assert_array_equal(ts.values, values)
    assert str(ts.time[0]) == "1949-01" and str(ts.time[-1]) == "1960-12"


def test_air_passengers_wrong_content_refused(shared_data, monkeypatch, tmp_path):
    values = D.load_air_passengers().values.copy()
    values[50] += 1
    (tmp_path / "airpassengers").mkdir()
    (tmp_path / "airpassengers" / "AirPassengers.csv").write_text(rdatasets_csv(values))
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path))
    with pytest.raises(D.DatasetChecksumError, match="Air passengers"):
        D.load_air_passengers()


@pytest.mark.parametrize("content", [
    b"\x1f\x8b\x00garbage\n1,2,3\n", b"Month,#Passengers\n1949-01,1\x00\n",
    b"Month,#Passengers\n1949-01\n", b"rownames,time,value\n1,abc,def\n",
    b"Month,#Passengers\n1949-01,112.5\n",
], ids=["binary", "a NUL byte", "a short row", "text values", "a fraction"])
def test_air_passengers_file_that_is_not_the_series_is_refused(monkeypatch, tmp_path,
                                                               no_network, content):
    (tmp_path / "airpassengers").mkdir()
    (tmp_path / "airpassengers" / "AirPassengers.csv").write_bytes(content)
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path))
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    with pytest.raises(D.DatasetChecksumError, match=r"^Air passengers: the copy .* "
                                                     r"nor the expected content\."):
        D.load_air_passengers()
    assert not no_network


# ---------------------------------------------------------------- checksums, offline errors

def test_corrupted_copy_is_refused_and_left_alone(shared_data, monkeypatch, tmp_path, no_network):
    folder = tmp_path / "data" / "mnist"
    folder.mkdir(parents=True)
    for f in (shared_data / "mnist").iterdir():
        shutil.copy(f, folder / f.name)
    bad = folder / "train-labels-idx1-ubyte.gz"
    data = bytearray(bad.read_bytes())
    data[1000] ^= 0xFF
    bad.write_bytes(bytes(data))
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    with pytest.raises(D.DatasetChecksumError) as err:
        D.load_mnist()
    message = str(err.value)
    assert "MNIST" in message and str(bad) in message and "refused" in message
    assert "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c" in message
    assert bad.read_bytes() == bytes(data)           # never replaced
    assert not (tmp_path / "cache" / "mnist").exists() and not no_network   # no download either
    assert not any((tmp_path / "cache").rglob("*.npz"))


LOADERS = {
    "MNIST": (D.load_mnist, "mnist/train-images-idx3-ubyte.gz",
              ["https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
               "http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz"]),
    "Fashion-MNIST": (D.load_fashion_mnist, "fashion-mnist/train-images-idx3-ubyte.gz",
                      ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/train-images-idx3-ubyte.gz"]),
    "USPS": (D.load_usps, "usps/zip.train.gz",
             ["https://hastie.su.domains/ElemStatLearn/datasets/zip.train.gz"]),
    "California housing": (D.load_california_housing, "california-housing/cal_housing.data.gz",
                           ["https://ndownloader.figshare.com/files/5976036",
                            "https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.tgz"]),
    "Air passengers": (D.load_air_passengers, "airpassengers/AirPassengers.csv",
                       ["https://vincentarelbundock.github.io/Rdatasets/csv/datasets/AirPassengers.csv"]),
}


@pytest.mark.parametrize("name", list(LOADERS))
def test_offline_without_copy_gives_a_helpful_error(empty_env, no_network, name):
    loader, path, urls = LOADERS[name]
    data, cache = empty_env
    with pytest.raises(D.DatasetUnavailableError) as err:
        loader()
    message = str(err.value)
    assert f"the {name} data set" in message
    for url in urls:
        assert url in message
    assert f"$DIY_NN_DATA/{path}" in message and str(data / path) in message
    assert "network access is disabled" in message   # the download was tried, and blocked
    assert no_network                                  # ... by the test, not skipped
    assert not any(p.is_file() for p in cache.rglob("*"))
    assert isinstance(err.value, OSError)


def fake_retrieve(source_for, calls):
    """A stand-in for pooch.retrieve: copies a local file instead of downloading."""
    def retrieve(url, known_hash, fname=None, path=None, **kwargs):
        calls.append((url, known_hash))
        content = source_for(url)
        if content is None:
            raise OSError(f"simulated failure for {url}")
        Path(path).mkdir(parents=True, exist_ok=True)
        target = Path(path) / fname
        target.write_bytes(content)
        return str(target)
    return retrieve


def test_download_is_verified_by_sha256_and_first_mirror_first(shared_data, empty_env, monkeypatch):
    pooch = pytest.importorskip("pooch")
    data, cache = empty_env
    calls = []

    def source(url):   # the first mirror fails, the second serves the right bytes
        if url.startswith("https://ossci"):
            return None
        return (SHARED / "mnist" / url.rsplit("/", 1)[1]).read_bytes()

    monkeypatch.setattr(pooch, "retrieve", fake_retrieve(source, calls))
    ds = D.load_mnist()
    assert np.bincount(ds.y_test).tolist() == MNIST_TEST_COUNTS
    assert calls[0] == ("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
                        "sha256:440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")
    assert calls[1][0] == "http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz"
    assert all(h.startswith("sha256:") for _, h in calls)
    assert (cache / "mnist" / "train-images-idx3-ubyte.gz").is_file()
    assert not any(data.iterdir())   # DIY_NN_DATA is only read, never written


def test_air_passengers_download_verified_by_content(shared_data, empty_env, monkeypatch):
    pooch = pytest.importorskip("pooch")
    data, cache = empty_env
    values = np.loadtxt(SHARED / "airpassengers" / "AirPassengers.csv", delimiter=",",
                        skiprows=1, usecols=1)
    calls = []
    good = rdatasets_csv(values).encode()
    monkeypatch.setattr(pooch, "retrieve", fake_retrieve(lambda url: good, calls))
    ts = D.load_air_passengers()
    assert ts.values.sum() == 40363 and len(calls) == 1
    assert calls[0][1] is None   # the file's bytes are not pinned ...
    assert (cache / "airpassengers" / "AirPassengers_rdatasets.csv").is_file()   # ... its content is

    # A download with other values is removed and reported, never used.
    (cache / "airpassengers" / "AirPassengers_rdatasets.csv").unlink()
    bad = values.copy()
    bad[0] = 113
    monkeypatch.setattr(pooch, "retrieve", fake_retrieve(lambda url: rdatasets_csv(bad).encode(), calls))
    with pytest.raises(D.DatasetUnavailableError, match="not the expected one"):
        D.load_air_passengers()
    assert not (cache / "airpassengers" / "AirPassengers_rdatasets.csv").exists()


def test_damaged_cache_file_is_replaced(shared_data, empty_env, monkeypatch):
    pooch = pytest.importorskip("pooch")
    data, cache = empty_env
    (cache / "usps").mkdir(parents=True)
    (cache / "usps" / "zip.test.gz").write_bytes(b"not the USPS file")
    shutil.copy(SHARED / "usps" / "zip.train.gz", cache / "usps" / "zip.train.gz")
    calls = []
    monkeypatch.setattr(pooch, "retrieve", fake_retrieve(
        lambda url: (SHARED / "usps" / url.rsplit("/", 1)[1]).read_bytes(), calls))
    with pytest.warns(UserWarning, match="USPS: the cached file .* is damaged"):
        ds = D.load_usps()
    assert ds.X_test.shape == (2007, 256)
    assert [url for url, _ in calls] == ["https://hastie.su.domains/ElemStatLearn/datasets/zip.test.gz"]


@pytest.mark.parametrize("what", ["does not exist", "is a file, not a folder"])
@pytest.mark.parametrize("name", list(LOADERS))
def test_diy_nn_data_that_names_no_folder_is_refused_at_once(monkeypatch, tmp_path,
                                                            no_network, name, what):
    root = tmp_path / "data"
    if what != "does not exist":
        root.write_text("")
    monkeypatch.setenv("DIY_NN_DATA", str(root))
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    start = time.perf_counter()
    with pytest.raises(D.DatasetUnavailableError,
                       match=rf"^{name}: the environment variable DIY_NN_DATA names "
                             rf"{re.escape(str(root))}, which {what}\. Set DIY_NN_DATA "
                             r"to the folder .* or unset it"):
        LOADERS[name][0]()
    assert time.perf_counter() - start < 1.0
    assert not no_network and not (tmp_path / "cache").exists()


def test_diy_nn_data_that_names_a_data_set_folder_says_which_folder_to_name(
        shared_data, monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DIY_NN_DATA", str(shared_data / "usps"))
    with pytest.raises(D.DatasetUnavailableError,
                       match=r"^USPS: the folder named by DIY_NN_DATA, .*, holds "
                             r"zip.train.gz itself, but the loader looks for it in "
                             rf"the sub-folder usps/ .* So set "
                             rf"DIY_NN_DATA={re.escape(str(shared_data))}\.$"):
        D.load_usps()
    flat = tmp_path / "flat"   # the files with no sub-folder
    flat.mkdir()
    shutil.copy(shared_data / "usps" / "zip.train.gz", flat)
    monkeypatch.setenv("DIY_NN_DATA", str(flat))
    with pytest.raises(D.DatasetUnavailableError,
                       match=rf"So move the files of USPS to "
                             rf"{re.escape(str(flat / 'usps'))}\.$"):
        D.load_usps()
    assert not no_network


def test_a_cache_folder_that_is_a_file_is_refused_at_once(empty_env, monkeypatch,
                                                         tmp_path, no_network):
    cache = tmp_path / "cache-file"
    cache.write_text("")
    monkeypatch.setenv("DIY_NN_CACHE", str(cache))
    with pytest.raises(D.DatasetUnavailableError,
                       match=rf"^The cache folder {re.escape(str(cache))} is a file, "
                             r"not a folder\. Set DIY_NN_CACHE to a folder"):
        D.load_usps()
    assert not no_network


def test_an_uncompressed_copy_in_diy_nn_data_is_named_in_the_error(empty_env):
    data, cache = empty_env
    (data / "usps").mkdir()
    (data / "usps" / "zip.train").write_text("1 0.5\n")
    with pytest.raises(D.DatasetUnavailableError,
                       match=r"zip.train.gz \(not there; zip.train is, but the file is "
                             r"read as published, gzip-compressed\)"):
        D.load_usps()


@pytest.mark.parametrize("module, loader, install", [
    ("sklearn", D.load_iris, "scikit-learn"), ("pooch", D.load_usps, "pooch"),
])
def test_a_missing_optional_dependency_says_how_to_install_it(empty_env, monkeypatch,
                                                             module, loader, install):
    for name in [m for m in sys.modules if m.split(".")[0] == module] + [module]:
        monkeypatch.setitem(sys.modules, name, None)   # as if it were not installed
    with pytest.raises(ImportError, match=rf"^diy_nn.datasets needs {install} .*: "
                                          rf"pip install {install} \(or pip install "
                                          r"'diy_nn\[data\]'\)"):
        loader()


# ---------------------------------------------------------------- the fetch layer

def digest_of_numbers(path):
    """A content check: the SHA-256 of the numbers of a text file, however spaced."""
    numbers = path.read_text().split()
    if not numbers:
        raise ValueError(f"{path} holds no numbers")
    return hashlib.sha256(" ".join(numbers).encode()).hexdigest()


def test_fetch_accepts_a_copy_by_the_content_check_of_its_file_spec(monkeypatch,
                                                                    tmp_path):
    content = hashlib.sha256(b"1 2 3").hexdigest()
    spec = FileSpec("Toy", "toy/numbers.txt", "0" * 64,
                    content=ContentCheck(content, digest_of_numbers))
    (tmp_path / "toy").mkdir()
    copy = tmp_path / "toy" / "numbers.txt"
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path))
    copy.write_text(" 1  2\n3\n")
    assert fetch(spec) == (copy, content)
    for other in ("1 2 4", ""):   # other content, or none the check can read
        copy.write_text(other)
        with pytest.raises(D.DatasetChecksumError, match=r"^Toy: .* nor the expected "
                                                         r"content\."):
            fetch(spec)


def test_a_file_spec_refuses_a_download_it_could_not_verify():
    with pytest.raises(ValueError, match=r"^Toy: a download whose bytes are not pinned "
                                         r"needs a content check"):
        FileSpec("Toy", "toy/numbers.txt", "0" * 64,
                 (Download("https://example.org/numbers.txt", "numbers.txt"),))


def test_the_fetch_and_cache_layer_names_no_data_set():
    from diy_nn.datasets import cache, fetch as fetch_module
    source = (inspect.getsource(fetch_module) + inspect.getsource(cache)).lower()
    for word in ("passengers", "mnist", "usps", "california", "iris"):
        assert word not in source


# ---------------------------------------------------------------- the decoded cache

def test_mnist_loads_fast_the_second_time(shared_data, monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    t0 = time.perf_counter()
    first = D.load_mnist()
    t1 = time.perf_counter()
    again = D.load_mnist()
    t2 = time.perf_counter()
    print(f"MNIST: first load {t1 - t0:.2f} s, second load {t2 - t1:.2f} s")
    assert t2 - t1 < 2.0
    np.testing.assert_array_equal(again.X_train, first.X_train)
    cached = list((tmp_path / "cache" / "decoded").glob("mnist-*.npz"))
    assert len(cached) == 1
    # The second time, the source files are not needed at all.
    monkeypatch.setenv("DIY_NN_DATA", str(tmp_path / "nothing-here"))
    np.testing.assert_array_equal(D.load_mnist().y_train, first.y_train)
    assert not no_network


def truncate(npz):
    npz.write_bytes(npz.read_bytes()[:1000])


def drop_x_train(npz):
    with np.load(npz) as z:
        arrays = {k: z[k] for k in z.files if k != "X_train"}
    np.savez(npz, **arrays)


@pytest.mark.parametrize("damage, problem", [(truncate, r"\w+: "),
                                             (drop_x_train, "it has no array X_train")],
                         ids=["truncated", "an array missing"])
def test_damaged_decoded_cache_is_rebuilt(shared_data, monkeypatch, tmp_path, damage,
                                          problem):
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    first = D.load_usps()
    (cached,) = (tmp_path / "cache" / "decoded").glob("usps-*.npz")
    damage(cached)
    with pytest.warns(UserWarning, match=rf"^usps: could not read the decoded cache "
                                         rf".*\({problem}.*\); rebuilding it\.$"):
        again = D.load_usps()
    for a, b in zip(again, first):
        np.testing.assert_array_equal(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        D.load_usps()   # rebuilt: no warning any more


# ---------------------------------------------------------------- the package

def test_core_does_not_import_the_datasets_pooch_or_sklearn():
    code = ("import sys, diy_nn\n"
            "bad = {'diy_nn.datasets', 'pooch', 'sklearn'} & set(sys.modules)\n"
            "assert not bad, bad\n"
            "import diy_nn.datasets\n"
            "bad = {'pooch', 'sklearn'} & set(sys.modules)\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_dataset_indexes_as_it_unpacks():
    ds = D.Dataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]),
                   np.zeros((1, 2), np.float32), np.array([0]))
    X_train, y_train, X_test, y_test = ds
    assert len(ds) == 4
    assert ds[0] is X_train and ds[1] is y_train and ds[2] is X_test and ds[3] is y_test
    assert ds[-1] is y_test and ds[np.int64(2)] is X_test
    assert ds[1:3] == (y_train, X_test)


def test_dataset_repr_and_default_cache_dir(monkeypatch):
    ds = D.Dataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]), np.zeros((1, 2), np.float32),
                   np.array([0]), ["a", "b"], ["no", "yes"], "toy")
    assert repr(ds) == ("Dataset('toy', X_train=float32 (3, 2), y_train=int64 (3,), "
                        "X_test=float32 (1, 2), y_test=int64 (1,), 2 classes)")
    monkeypatch.delenv("DIY_NN_CACHE", raising=False)
    assert D.get_cache_dir().name == "diy_nn"
    monkeypatch.setenv("DIY_NN_CACHE", "/somewhere/else")
    assert D.get_cache_dir() == Path("/somewhere/else")
