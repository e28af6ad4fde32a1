"""The file formats of the data sets: from a verified file to NumPy arrays.

Each reader raises ``ValueError`` (naming the data set and the file) when the
file does not hold what its format says.
"""
import csv
import gzip
import hashlib
import io
import tarfile

import numpy as np


def read_idx(path, dataset):
    """A gzipped IDX file (MNIST's format) -> uint8 array of the shape its header
    gives, e.g. ``(60000, 28, 28)``."""
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


def read_usps(path):
    """A gzipped USPS text file (a label, then 256 values in [-1, 1], a row) ->
    ``(images float32 (n, 16, 16) in [0, 1], labels int64 (n,))``."""
    with gzip.open(path, "rt") as f:
        a = np.loadtxt(f)
    if a.ndim != 2 or a.shape[1] != 257:
        raise ValueError(f"USPS: {path} should have 257 columns, it has shape "
                         f"{a.shape}")
    images = ((a[:, 1:] + 1.0) / 2.0).reshape(-1, 16, 16).astype(np.float32)
    return images, np.rint(a[:, 0]).astype(np.int64)


#: Rows of the California housing data (one per census block group).
CALIFORNIA_ROWS = 20640


def read_california(path):
    """The StatLib California housing data, from the gzipped ``cal_housing.data``
    or the original archive ``cal_housing.tgz`` -> ``(X float64 (20640, 8),
    y float64 (20640,))``: scikit-learn's eight features and the median house
    value in $100k."""
    if path.name.endswith(".tgz"):
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile("CaliforniaHousing/cal_housing.data")
            raw = np.loadtxt(io.TextIOWrapper(member), delimiter=",")
    else:
        with gzip.open(path, "rt") as f:
            raw = np.loadtxt(f, delimiter=",")
    if raw.shape != (CALIFORNIA_ROWS, 9):
        raise ValueError(
            f"California housing: expected {CALIFORNIA_ROWS} rows of 9 values in "
            f"{path}, got {raw.shape}"
        )
    # Raw columns: longitude, latitude, housingMedianAge, totalRooms,
    # totalBedrooms, population, households, medianIncome, medianHouseValue.
    # scikit-learn's features:
    lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
    X = np.column_stack([income, age, rooms / households, bedrooms / households,
                         population, population / households, lat, lon])
    return X, value / 100000.0


def read_air_passengers(path):
    """``(months datetime64[M] (144,), values float64 (144,))`` from either CSV
    layout of the air passengers series.

    Layouts: ``Month,#Passengers`` with ``YYYY-MM`` months, or Rdatasets'
    ``rownames,time,value`` with decimal years (1949, 1949.0833..., ...).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [r for r in csv.reader(f) if r]
    except csv.Error as exc:  # e.g. a NUL byte: not a text file at all
        raise ValueError(f"Air passengers: {path} is not a CSV file ({exc})") from None
    if len(rows) < 2:
        raise ValueError(f"Air passengers: {path} has no data rows")
    header = [h.strip().lower() for h in rows[0]]
    if header[:2] in (["month", "#passengers"], ["month", "passengers"]):
        def month(r):
            return np.datetime64(r[0].strip(), "M"), float(r[1])
    elif header[-2:] == ["time", "value"]:
        def month(r):
            t = float(r[-2])
            year = int(np.floor(t + 1e-6))
            number = int(round((t - year) * 12))
            return np.datetime64(f"{year:04d}-{number + 1:02d}", "M"), float(r[-1])
    else:
        raise ValueError(
            f"Air passengers: unknown CSV layout in {path} (header {rows[0]})"
        )
    try:
        months, values = zip(*(month(r) for r in rows[1:]))
    except (IndexError, ValueError) as exc:
        raise ValueError(f"Air passengers: a row of {path} is not a month and a "
                         f"value ({exc})") from None
    return np.array(months, dtype="datetime64[M]"), np.array(values)


def air_passengers_content_sha256(path):
    """The SHA-256 of the series a file holds, in either layout: of its months
    and values written as ``"YYYY-MM,value\\n"`` lines. Raises ``ValueError``
    when the file is not the series in a known layout."""
    months, values = read_air_passengers(path)
    if not np.all(values == np.rint(values)):
        raise ValueError(f"Air passengers: {path} holds values that are not whole "
                         "numbers")
    text = "".join(f"{m},{int(v)}\n"
                   for m, v in zip(np.datetime_as_string(months, unit="M"), values))
    return hashlib.sha256(text.encode()).hexdigest()
