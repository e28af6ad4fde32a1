"""diy_nn.datasets: shapes, dtypes, ranges and class counts of every loader, read
from the offline copies (DIY_NN_DATA, default ../shared/data next to the repository);
checksums refused, offline errors, the decoded cache, and the air passengers windows.

These tests never touch the network: every socket connection is blocked, and
downloads are simulated by replacing ``pooch.retrieve``.
"""
import gzip
import os
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
    X, y = D._california_arrays()
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


def test_air_passengers_windows_bad_arguments(shared_data):
    with pytest.raises(ValueError, match="k"):
        D.air_passengers_windows(k=0)
    with pytest.raises(ValueError, match="test_from"):
        D.air_passengers_windows(k=12, test_from="1949-06")
    with pytest.raises(ValueError, match="test_from"):
        D.air_passengers_windows(k=12, test_from="1962-01")
    with pytest.raises(ValueError, match="scale"):
        D.air_passengers_windows(scale="log")


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
    # Not a CSV of the series at all: refused too, with the same error.
    (tmp_path / "airpassengers" / "AirPassengers.csv").write_bytes(b"\x1f\x8b\x00garbage\n1,2,3\n")
    with pytest.raises(D.DatasetChecksumError, match="nor the expected content"):
        D.load_air_passengers()


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


def test_damaged_decoded_cache_is_rebuilt(shared_data, monkeypatch, tmp_path):
    monkeypatch.setenv("DIY_NN_CACHE", str(tmp_path / "cache"))
    first = D.load_usps()
    (cached,) = (tmp_path / "cache" / "decoded").glob("usps-*.npz")
    cached.write_bytes(cached.read_bytes()[:1000])
    with pytest.warns(UserWarning, match="rebuilding"):
        again = D.load_usps()
    np.testing.assert_array_equal(again.X_train, first.X_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        D.load_usps()   # rebuilt: no warning any more


# ---------------------------------------------------------------- the package

def test_core_does_not_import_pooch_or_sklearn():
    code = ("import sys, diy_nn; bad = {'pooch', 'sklearn'} & set(sys.modules); assert not bad, bad; "
            "import diy_nn.datasets; bad = {'pooch', 'sklearn'} & set(sys.modules); assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_dataset_repr_and_default_cache_dir(monkeypatch):
    ds = D.Dataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]), np.zeros((1, 2), np.float32),
                   np.array([0]), ["a", "b"], ["no", "yes"], "toy")
    assert repr(ds) == ("Dataset('toy', X_train=float32 (3, 2), y_train=int64 (3,), "
                        "X_test=float32 (1, 2), y_test=int64 (1,), 2 classes)")
    monkeypatch.delenv("DIY_NN_CACHE", raising=False)
    assert D.get_cache_dir().name == "diy_nn"
    monkeypatch.setenv("DIY_NN_CACHE", "/somewhere/else")
    assert D.get_cache_dir() == Path("/somewhere/else")
