"""diy_nn.data: one_hot, mini-batches and the generated toy problems."""
import numpy as np
import pytest

import diy_nn as nn

GENERATORS = [nn.two_gaussians, nn.four_gaussians, nn.checkerboard]


def test_one_hot_puts_a_single_one_at_each_index():
    np.testing.assert_array_equal(nn.one_hot(np.array([2, 0, 1]), 4),
                                  [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])


def test_one_hot_infers_the_number_of_classes_from_the_largest_index():
    assert nn.one_hot(np.array([0, 3])).shape == (2, 4)


def test_one_hot_accepts_integer_valued_floats_and_lists():
    np.testing.assert_array_equal(nn.one_hot([1.0, 0.0], 2), [[0, 1], [1, 0]])


def test_one_hot_uses_the_default_dtype_or_the_one_given():
    assert nn.one_hot(np.array([0, 1])).dtype == np.float32
    assert nn.one_hot(np.array([0, 1]), dtype=np.float64).dtype == np.float64


def test_one_hot_argmax_gives_back_the_indices(rng):
    y = rng.integers(0, 7, 50)
    np.testing.assert_array_equal(nn.one_hot(y, 7).argmax(axis=1), y)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (10, 5), (10, 10), (10, 32), (7, 1)])
@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "in-order"])
def test_minibatches_cover_every_example_exactly_once_with_the_right_sizes(n, batch_size, shuffle):
    X = np.arange(n).reshape(n, 1) * 10
    Y = np.arange(n)
    batches = list(nn.minibatches(X, Y, batch_size, shuffle=shuffle, rng=0))
    sizes = [len(yb) for _, yb in batches]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert sizes == expected
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(n))
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb * 10)  # X and Y stay paired


def test_minibatches_without_shuffle_keep_the_order():
    Y = np.arange(7)
    seen = np.concatenate([yb for _, yb in nn.minibatches(Y, Y, 3, shuffle=False)])
    np.testing.assert_array_equal(seen, Y)


def test_minibatches_shuffle_reproducibly_from_a_seed():
    Y = np.arange(20)
    first = np.concatenate([yb for _, yb in nn.minibatches(Y, Y, 4, rng=1)])
    again = np.concatenate([yb for _, yb in nn.minibatches(Y, Y, 4, rng=1)])
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, Y)


def test_minibatches_from_a_generator_give_a_new_order_each_epoch():
    Y = np.arange(20)
    rng = np.random.default_rng(1)
    first = np.concatenate([yb for _, yb in nn.minibatches(Y, Y, 4, rng=rng)])
    second = np.concatenate([yb for _, yb in nn.minibatches(Y, Y, 4, rng=rng)])
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.__name__)
def test_generator_gives_points_in_2d_and_labels_0_1(generator):
    X, y = generator(200, rng=0)
    assert X.shape == (200, 2)
    assert y.shape == (200,)
    assert set(np.unique(y)) == {0, 1}
    assert np.issubdtype(y.dtype, np.integer)
    assert np.isfinite(X).all()


@pytest.mark.parametrize("generator", GENERATORS + [nn.linear_1d], ids=lambda g: g.__name__)
def test_generator_is_reproducible_from_a_seed(generator):
    for a, b in zip(generator(50, rng=3), generator(50, rng=3)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(generator(50, rng=3)[0], generator(50, rng=4)[0])


@pytest.mark.parametrize("generator", GENERATORS + [nn.linear_1d], ids=lambda g: g.__name__)
def test_generator_is_reproducible_from_a_generator(generator):
    a = generator(50, rng=np.random.default_rng(3))
    b = generator(50, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.parametrize("n", [10, 11, 400])
def test_two_gaussians_has_exactly_balanced_classes(n):
    _, y = nn.two_gaussians(n, rng=0)
    assert abs(int(y.sum()) - n / 2) <= 0.5


@pytest.mark.parametrize("generator", [nn.four_gaussians, nn.checkerboard], ids=lambda g: g.__name__)
def test_xor_and_checkerboard_are_balanced_up_to_sampling_noise(generator):
    _, y = generator(2000, rng=0)
    assert y.mean() == pytest.approx(0.5, abs=0.05)


def test_two_gaussians_clouds_are_distance_apart():
    X, y = nn.two_gaussians(4000, distance=3.0, rng=0)
    gap = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    assert np.linalg.norm(gap) == pytest.approx(3.0, rel=0.05)


def test_two_gaussians_classes_are_shuffled_not_sorted():
    _, y = nn.two_gaussians(100, rng=0)
    assert not (np.all(np.diff(y) >= 0))


def test_four_gaussians_labels_are_xor_of_the_signs():
    X, y = nn.four_gaussians(400, distance=6.0, sigma=0.3, rng=0)  # far apart: no point crosses an axis
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_checkerboard_labels_alternate_between_neighbouring_squares():
    X, y = nn.checkerboard(2000, squares=4, rng=0)
    cells = np.floor((X + 2)).astype(int)  # 4 squares on [-2, 2]: each is 1 wide
    np.testing.assert_array_equal(y, cells.sum(axis=1) % 2)


def test_linear_1d_follows_its_line():
    x, y = nn.linear_1d(2000, a=3.0, b=4.0, noise=0.1, rng=0, dtype=np.float64)
    assert x.shape == y.shape == (2000, 1)
    slope, intercept = np.polyfit(x[:, 0], y[:, 0], 1)
    assert slope == pytest.approx(3.0, abs=0.02)
    assert intercept == pytest.approx(4.0, abs=0.02)
