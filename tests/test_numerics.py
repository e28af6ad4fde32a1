"""Extreme inputs give finite, correct answers: huge logits, probabilities of
exactly 0 and 1, activations of ±1000."""
import warnings

import numpy as np
import pytest

import diy_nn as nn


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    """An overflow, a log(0) or 0/0 inside the library would be a numerical bug (underflow to 0 is fine)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_celoss_on_logits_of_1e4_is_finite_and_correct(dtype):
    yhat = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [1e4, 1e4, 1e4]], dtype=dtype)
    y = np.array([0, 0, 2])
    loss = nn.CELoss()
    values = loss.forward(y, yhat)
    # Right with certainty: 0; wrong by 2e4: 2e4; two tied winners: log 2; three: log 3.
    np.testing.assert_allclose(values, [0.0, 2e4 + np.log(2), np.log(3)], rtol=1e-6)
    grad = loss.backward(y, yhat)
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad * 3, [[0, 0, 0], [-1, 0.5, 0.5], [1 / 3, 1 / 3, -2 / 3]],
                               atol=1e-6)


def test_celoss_on_huge_logits_matches_torch(torch, rng):
    yhat = 1e4 * rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    yh = torch.tensor(yhat, requires_grad=True)
    values = torch.nn.functional.cross_entropy(yh, torch.tensor(y), reduction="none")
    values.mean().backward()
    np.testing.assert_allclose(nn.CELoss().forward(y, yhat), values.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(nn.CELoss().backward(y, yhat), yh.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bceloss_at_exactly_0_and_1_is_finite_with_100_per_clipped_term(dtype):
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    yhat = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    loss = nn.BCELoss()
    # Row 0: both terms clipped at -100; row 1: both exactly right; row 2: right too.
    np.testing.assert_array_equal(loss.forward(y, yhat), [200.0, 0.0, 0.0])
    assert np.isfinite(loss.backward(y, yhat)).all()


def test_bceloss_at_exactly_0_and_1_equals_torch_clipped_values(torch):
    y = np.array([[1.0, 0.0, 1.0, 0.0, 0.5]])
    yhat = np.array([[0.0, 1.0, 1.0, 0.0, 0.0]])
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(yhat), torch.tensor(y), reduction="none").numpy()
    np.testing.assert_allclose(nn.BCELoss().forward(y, yhat), expected.sum(axis=1), rtol=1e-12)
    assert nn.BCELoss().forward(y, yhat)[0] == pytest.approx(100 + 100 + 0 + 0 + 50)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_with_logits_loss_on_logits_of_1e4_is_exact_without_overflow(dtype, recwarn):
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    z = np.array([[1e4, -1e4], [1e4, -1e4]], dtype=dtype)
    loss = nn.BCEWithLogitsLoss()
    # Right and confident: 0 (not the -100 clip of BCELoss); wrong: |z| per term.
    np.testing.assert_array_equal(loss.forward(y, z), np.array([0.0, 2e4], dtype=dtype))
    np.testing.assert_array_equal(
        loss.backward(y, z), np.array([[0.0, 0.0], [0.5, -0.5]], dtype=dtype)
    )
    assert not recwarn.list


def test_bce_with_logits_loss_of_huge_logits_matches_torch(torch):
    y = np.array([[1.0, 0.0, 0.5, 1.0, 0.0]])
    z = np.array([[800.0, 800.0, -800.0, -1e-8, 37.0]])
    zt = torch.tensor(z, requires_grad=True)
    value = torch.nn.functional.binary_cross_entropy_with_logits(
        zt, torch.tensor(y), reduction="none").sum(dim=1)
    value.mean().backward()
    loss = nn.BCEWithLogitsLoss()
    np.testing.assert_allclose(loss.forward(y, z), value.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(loss.backward(y, z), zt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_bce_with_logits_loss_equals_sigmoid_then_bceloss_where_both_are_exact(rng):
    y, z = rng.random((5, 3)), 3 * rng.standard_normal((5, 3))
    p = nn.Sigmoid()(z)
    np.testing.assert_allclose(nn.BCEWithLogitsLoss()(y, z), nn.BCELoss()(y, p), rtol=1e-10)
    # The chain rule through the sigmoid gives (sigmoid(z) - y) / batch.
    np.testing.assert_allclose(
        nn.BCEWithLogitsLoss().backward(y, z),
        nn.Sigmoid().backward_delta(z, nn.BCELoss().backward(y, p)), rtol=1e-10,
    )


def test_bceloss_gradient_is_zero_where_the_log_is_clipped():
    y = np.array([[1.0], [0.0]])
    yhat = np.array([[0.0], [1.0]])
    np.testing.assert_array_equal(nn.BCELoss().backward(y, yhat), [[0.0], [0.0]])


@pytest.mark.parametrize("module", [nn.Softmax(), nn.LogSoftmax()], ids=repr)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmaxes_of_plus_minus_1000_are_finite_and_correct(module, dtype):
    X = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]],
                 dtype=dtype)
    out = module.forward(X)
    assert out.dtype == dtype
    assert np.isfinite(out).all()
    probabilities = [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]]
    if isinstance(module, nn.LogSoftmax):
        expected = [[0, -2000, -1000], [-np.log(2), -np.log(2), -2000 - np.log(2)], [-np.log(3)] * 3]
    else:
        expected = probabilities
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    delta = np.ones_like(X)
    assert np.isfinite(module.backward_delta(X, delta)).all()


@pytest.mark.parametrize("module", [nn.Softmax(), nn.LogSoftmax()], ids=repr)
def test_softmaxes_of_1000_match_torch(module, torch, rng):
    X = 1000 * rng.standard_normal((5, 4))
    delta = rng.standard_normal((5, 4))
    function = torch.softmax if isinstance(module, nn.Softmax) else torch.log_softmax
    x = torch.tensor(X, requires_grad=True)
    out = function(x, dim=-1)
    (out * torch.tensor(delta)).sum().backward()
    np.testing.assert_allclose(module.forward(X), out.detach().numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(module.backward_delta(X, delta), x.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_of_plus_minus_1000_is_exactly_0_and_1_without_overflow(dtype):
    module = nn.Sigmoid()
    X = np.array([[-1000.0, 0.0, 1000.0]], dtype=dtype)
    out = module.forward(X)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, [[0.0, 0.5, 1.0]])
    np.testing.assert_array_equal(module.backward_delta(X, np.ones_like(X)), [[0.0, 0.25, 0.0]])


@pytest.mark.parametrize("value", [-1000.0, 1000.0])
def test_tanh_and_elu_at_plus_minus_1000_are_finite(value):
    X = np.array([[value]])
    assert nn.TanH().forward(X)[0, 0] == np.sign(value)
    assert nn.ELU().forward(X)[0, 0] == (value if value > 0 else -1.0)
    assert np.isfinite(nn.ELU().backward_delta(X, np.ones_like(X))).all()


def test_sigmoid_then_bceloss_on_large_logits_stays_finite():
    sigmoid, loss = nn.Sigmoid(), nn.BCELoss()
    X = np.array([[40.0], [-40.0]])
    y = np.array([[0.0], [1.0]])
    p = sigmoid.forward(X)
    values = loss.forward(y, p)
    assert np.isfinite(values).all()
    assert (values > 30).all()
    assert np.isfinite(sigmoid.backward_delta(X, loss.backward(y, p))).all()
