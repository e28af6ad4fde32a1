"""Initialisation: PyTorch's default bounds, Xavier and He statistics, reproducible
from an int seed, a Generator or manual_seed."""
import numpy as np
import pytest

import diy_nn as nn


@pytest.mark.parametrize("n_in, n_out", [(1, 3), (16, 8), (400, 50)])
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(n_in, n_out):
    module = nn.Linear(n_in, n_out, rng=0)
    bound = 1 / np.sqrt(n_in)
    for name in ("W", "b"):
        p = module._parameters[name]
        assert np.abs(p).max() <= bound
        assert p.min() < 0 < p.max()


def test_default_init_fills_the_whole_interval():
    W = nn.Linear(100, 100, rng=0)._parameters["W"]
    bound = 1 / np.sqrt(100)
    assert W.max() > 0.99 * bound and W.min() < -0.99 * bound
    # Uniform on [-a, a] has variance a^2 / 3.
    assert W.var() == pytest.approx(bound**2 / 3, rel=0.05)


def test_xavier_init_has_variance_2_over_fan_in_plus_fan_out():
    n_in, n_out = 300, 200
    W = nn.Linear(n_in, n_out, init="xavier", rng=0)._parameters["W"]
    assert np.abs(W).max() <= np.sqrt(6 / (n_in + n_out))
    assert W.mean() == pytest.approx(0, abs=0.01)
    assert W.var() == pytest.approx(2 / (n_in + n_out), rel=0.05)


def test_he_init_is_normal_with_variance_2_over_fan_in():
    n_in, n_out = 300, 200
    W = nn.Linear(n_in, n_out, init="he", rng=0)._parameters["W"]
    assert W.mean() == pytest.approx(0, abs=0.01)
    assert W.std() == pytest.approx(np.sqrt(2 / n_in), rel=0.05)
    # A normal law, not a uniform one: about 4.6 % of draws lie beyond two standard deviations.
    assert np.mean(np.abs(W) > 2 * np.sqrt(2 / n_in)) == pytest.approx(0.0455, abs=0.01)


@pytest.mark.parametrize("init", ["xavier", "he", "zeros"])
def test_non_default_inits_start_the_bias_at_zero(init):
    assert not nn.Linear(5, 4, init=init, rng=0)._parameters["b"].any()


def test_zeros_init_gives_zero_weights():
    assert not nn.Linear(5, 4, init="zeros")._parameters["W"].any()


@pytest.mark.parametrize("init", ["default", "xavier", "he"])
def test_same_int_seed_gives_the_same_parameters(init):
    a, b = nn.Linear(6, 4, init=init, rng=7), nn.Linear(6, 4, init=init, rng=7)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_different_seeds_give_different_parameters():
    a, b = nn.Linear(6, 4, rng=1), nn.Linear(6, 4, rng=2)
    assert not np.array_equal(a._parameters["W"], b._parameters["W"])


def test_bias_is_not_a_copy_of_the_first_weight_row_with_an_int_seed():
    # W and b must come from one stream of random numbers, not two streams started from the same seed.
    module = nn.Linear(3, 4, rng=0)
    assert not np.array_equal(module._parameters["b"], module._parameters["W"][0])


def test_same_generator_state_gives_the_same_parameters():
    a = nn.Linear(6, 4, rng=np.random.default_rng(3))
    b = nn.Linear(6, 4, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a._parameters["W"], b._parameters["W"])
    np.testing.assert_array_equal(a._parameters["b"], b._parameters["b"])


def test_a_shared_generator_gives_each_layer_new_numbers():
    rng = np.random.default_rng(3)
    a, b = nn.Linear(6, 4, rng=rng), nn.Linear(6, 4, rng=rng)
    assert not np.array_equal(a._parameters["W"], b._parameters["W"])


def test_a_shared_generator_makes_a_whole_network_reproducible():
    def build():
        rng = np.random.default_rng(11)
        return nn.Sequential(nn.Linear(3, 5, rng=rng), nn.TanH(), nn.Linear(5, 2, rng=rng))

    for (p, _), (q, _) in zip(build().parameters(), build().parameters()):
        np.testing.assert_array_equal(p, q)


def test_manual_seed_makes_the_default_generator_reproducible():
    nn.manual_seed(5)
    first = [nn.Linear(3, 2)._parameters["W"] for _ in range(2)]
    nn.manual_seed(5)
    second = [nn.Linear(3, 2)._parameters["W"] for _ in range(2)]
    assert not np.array_equal(first[0], first[1])
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_manual_seed_also_seeds_the_data_generators():
    nn.manual_seed(5)
    X1, _ = nn.two_gaussians(20)
    nn.manual_seed(5)
    X2, _ = nn.two_gaussians(20)
    np.testing.assert_array_equal(X1, X2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_init_draws_the_same_numbers_in_both_dtypes(dtype):
    W32 = nn.Linear(5, 3, rng=0, dtype=np.float32)._parameters["W"]
    W = nn.Linear(5, 3, rng=0, dtype=dtype)._parameters["W"]
    np.testing.assert_allclose(W, W32, rtol=1e-7)
