"""Dropout: inverted dropout with train/eval modes."""
import numpy as np
import pytest

from diy_nn import Dropout, Linear, ReLU, Sequential, gradcheck


def test_gradcheck_with_a_fixed_mask():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 5))
    drop = Dropout(p=0.4, rng=1).set_mask(rng.random(X.shape) >= 0.4)
    result = gradcheck(drop, X)
    assert result, result.report()


def test_gradcheck_inside_a_network():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 3))
    drop = Dropout(p=0.5).set_mask(rng.random((4, 7)) >= 0.5)
    net = Sequential(Linear(3, 7, rng=0), ReLU(), drop, Linear(7, 2, rng=1))
    result = gradcheck(net, X)
    assert result, result.report()


def test_backward_uses_the_mask_of_the_last_forward():
    X = np.ones((3, 8), dtype=np.float32)
    drop = Dropout(p=0.5, rng=0)
    out = drop(X)
    delta = np.arange(24, dtype=np.float32).reshape(3, 8)
    np.testing.assert_array_equal(drop.backward_delta(X, delta), delta * out)


def test_mask_values_are_zero_or_scaled():
    drop = Dropout(p=0.25, rng=0)
    out = drop(np.ones((50, 40), dtype=np.float32))
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert out.dtype == np.float32


def test_masks_differ_between_calls_and_are_reproducible():
    X = np.ones((10, 10))
    a = Dropout(p=0.5, rng=3)
    first, second = a(X), a(X)
    assert not np.array_equal(first, second)
    b = Dropout(p=0.5, rng=3)
    np.testing.assert_array_equal(b(X), first)


def test_eval_mode_is_the_identity():
    X = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
    drop = Dropout(p=0.7, rng=0).eval()
    out = drop(X)
    np.testing.assert_array_equal(out, X)
    delta = np.ones_like(X)
    np.testing.assert_array_equal(drop.backward_delta(X, delta), delta)
    drop.train()
    assert (drop(X) == 0).any()


def test_eval_propagates_through_sequential():
    net = Sequential(Linear(4, 4, rng=0), Dropout(p=0.5, rng=0))
    net.eval()
    assert not net[1].training
    X = np.ones((2, 4), dtype=np.float32)
    np.testing.assert_array_equal(net(X), net[0](X))


def test_expected_value_is_preserved():
    p = 0.3
    X = np.full((2000, 500), 2.0)
    out = Dropout(p=p, rng=0)(X)
    # 10^6 Bernoulli draws: the mean is 2 within a few standard errors (about 0.0013).
    assert abs(out.mean() - 2.0) < 0.01
    assert abs((out == 0).mean() - p) < 0.005


def test_p_zero_is_the_identity_and_p_out_of_range_raises():
    X = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(p=0.0)(X), X)
    with pytest.raises(ValueError, match="Dropout"):
        Dropout(p=1.0)
    with pytest.raises(ValueError, match="Dropout"):
        Dropout(p=-0.1)


def test_same_scaling_convention_as_torch():
    torch = pytest.importorskip("torch")
    p = 0.35
    torch.manual_seed(0)
    x = torch.randn(64, 30, dtype=torch.float64, requires_grad=True)
    layer = torch.nn.Dropout(p)
    y = layer(x)
    delta = torch.randn_like(y)
    y.backward(delta)
    # Ours, with the mask torch drew: same output and same gradient w.r.t. the input.
    keep = (y != 0).detach().numpy()
    drop = Dropout(p).set_mask(keep)
    X = x.detach().numpy()
    np.testing.assert_allclose(drop(X), y.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(drop.backward_delta(X, delta.numpy()), x.grad.numpy(), rtol=1e-12)
    # Evaluation mode: both are the identity.
    layer.eval()
    drop.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), drop(X))
