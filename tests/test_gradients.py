"""Every module and loss passes the finite-difference gradient check in float64,
and the gradient check itself catches a wrong backward pass."""
import numpy as np
import pytest

import diy_nn as nn
from diy_nn.gradcheck import numerical_gradient, relative_error

TOLERANCE = 1e-6

ACTIVATIONS = {
    "TanH": nn.TanH,
    "Sigmoid": nn.Sigmoid,
    "ReLU": nn.ReLU,
    "LeakyReLU": nn.LeakyReLU,
    "LeakyReLU(0.2)": lambda: nn.LeakyReLU(0.2),
    "ELU": nn.ELU,
    "ELU(0.5)": lambda: nn.ELU(alpha=0.5),
    "Softmax": nn.Softmax,
    "LogSoftmax": nn.LogSoftmax,
}
SHAPES = [(1, 1), (4, 3), (7, 5), (2, 3, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("make", ACTIVATIONS.values(), ids=ACTIVATIONS.keys())
def test_activation_passes_gradcheck(make, shape, rng):
    X = 2 * rng.standard_normal(shape)
    result = nn.gradcheck(make(), X)
    assert result.max_error < TOLERANCE, result.report()


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("batch, n_in, n_out", [(1, 1, 1), (5, 3, 2), (8, 10, 4), (3, 2, 7)])
def test_linear_passes_gradcheck(batch, n_in, n_out, bias, rng):
    module = nn.Linear(n_in, n_out, bias=bias, rng=0, dtype=np.float64)
    result = nn.gradcheck(module, rng.standard_normal((batch, n_in)))
    assert result.max_error < TOLERANCE, result.report()
    assert set(result.errors) == {"input", "W"} | ({"b"} if bias else set())


@pytest.mark.parametrize("init", ["default", "xavier", "he"])
def test_sequential_mlp_passes_gradcheck(init, rng):
    net = nn.Sequential(
        nn.Linear(4, 6, init=init, rng=1, dtype=np.float64), nn.TanH(),
        nn.Linear(6, 5, init=init, rng=2, dtype=np.float64), nn.ReLU(),
        nn.Linear(5, 3, init=init, rng=3, dtype=np.float64), nn.Softmax(),
    )
    result = nn.gradcheck(net, rng.standard_normal((6, 4)))
    assert result.max_error < TOLERANCE, result.report()
    assert set(result.errors) == {"input", "0.W", "0.b", "2.W", "2.b", "4.W", "4.b"}


def test_nested_sequential_passes_gradcheck(rng):
    inner = nn.Sequential(nn.Linear(3, 4, rng=1), nn.Sigmoid(), nn.Linear(4, 4, rng=2))
    net = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ELU(), inner, nn.LogSoftmax())
    result = nn.gradcheck(net, rng.standard_normal((5, 2)))
    assert result.max_error < TOLERANCE, result.report()


def test_gradcheck_checks_every_parameter_of_a_large_layer_on_a_sample(rng):
    module = nn.Linear(40, 30, rng=0, dtype=np.float64)  # 1200 weights > max_checks
    result = nn.gradcheck(module, rng.standard_normal((3, 40)), max_checks=50)
    assert result.max_error < TOLERANCE, result.report()


# ---------------------------------------------------------------- losses


def _regression_pair(rng, shape):
    return rng.standard_normal(shape), rng.standard_normal(shape)


def _probability_pair(rng, shape):
    y = (rng.random(shape) > 0.5).astype(float)
    return y, rng.uniform(0.05, 0.95, shape)


def _soft_probability_pair(rng, shape):
    return rng.random(shape), rng.uniform(0.05, 0.95, shape)


def _hinge_pair(rng, shape):
    return np.where(rng.random(shape) > 0.5, 1.0, -1.0), 2 * rng.standard_normal(shape)


def _logit_pair(rng, shape):
    return rng.random(shape), 4 * rng.standard_normal(shape)


LOSS_CASES = {
    "MSELoss": (nn.MSELoss, _regression_pair),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, _logit_pair),
    "BCELoss": (nn.BCELoss, _probability_pair),
    "BCELoss-soft-targets": (nn.BCELoss, _soft_probability_pair),
    "HingeLoss": (nn.HingeLoss, _hinge_pair),
}


@pytest.mark.parametrize("shape", [(1, 1), (6, 1), (5, 3), (4,), (3, 2, 2)], ids=str)
@pytest.mark.parametrize("case", LOSS_CASES.values(), ids=LOSS_CASES.keys())
def test_loss_passes_gradcheck(case, shape, rng):
    make, data = case
    y, yhat = data(rng, shape)
    result = nn.gradcheck(make(), y, yhat)
    assert result.max_error < TOLERANCE, result.report()


@pytest.mark.parametrize("batch, classes", [(1, 2), (5, 3), (8, 10)])
@pytest.mark.parametrize("labels", ["indices", "one-hot", "soft"])
def test_celoss_passes_gradcheck(labels, batch, classes, rng):
    index = rng.integers(0, classes, batch)
    y = {
        "indices": index,
        "one-hot": nn.one_hot(index, classes, dtype=np.float64),
        "soft": rng.dirichlet(np.ones(classes), batch),
    }[labels]
    result = nn.gradcheck(nn.CELoss(), y, 3 * rng.standard_normal((batch, classes)))
    assert result.max_error < TOLERANCE, result.report()


# ---------------------------------------------------------------- gradcheck itself


class LinearWithWrongDelta(nn.Linear):
    """dL/dinput off by 1 %: the kind of slip gradcheck exists to catch."""

    def backward_delta(self, input, delta):
        return 1.01 * super().backward_delta(input, delta)


class LinearForgettingBias(nn.Linear):
    """The bias gradient is never accumulated."""

    def backward_update_gradient(self, input, delta):
        self._gradient["W"] += np.asarray(input).T @ delta


class TanHWithSigmoidDerivative(nn.TanH):
    def _derivative(self, input):
        s = 1 / (1 + np.exp(-input))
        return s * (1 - s)


class MSEWithoutMean(nn.MSELoss):
    """Forgets to divide by the batch size."""

    def backward(self, y, yhat):
        return 2 * (yhat - y)


@pytest.mark.parametrize(
    "module, bad",
    [(LinearWithWrongDelta(3, 2, rng=0), "input"),
     (LinearForgettingBias(3, 2, rng=0), "b"),
     (TanHWithSigmoidDerivative(), "input")],
    ids=["wrong-delta", "missing-bias-gradient", "wrong-derivative"],
)
def test_gradcheck_fails_a_module_with_a_wrong_backward(module, bad, rng):
    result = nn.gradcheck(module, rng.standard_normal((4, 3)))
    assert not result
    assert not result.passed
    assert result.errors[bad] > TOLERANCE
    assert "FAILED" in result.report()
    assert "BAD" in result.report()


def test_gradcheck_fails_a_loss_without_the_batch_mean(rng):
    y, yhat = _regression_pair(rng, (5, 2))
    result = nn.gradcheck(MSEWithoutMean(), y, yhat)
    assert not result
    assert result.max_error > 0.1


def test_gradcheck_passes_the_correct_module_the_broken_one_is_built_on(rng):
    result = nn.gradcheck(nn.Linear(3, 2, rng=0), rng.standard_normal((4, 3)))
    assert result
    assert "passed" in str(result)


def test_gradcheck_reports_a_backward_delta_of_the_wrong_shape(rng):
    class Transposed(nn.Linear):
        def backward_delta(self, input, delta):
            return super().backward_delta(input, delta).T

    with pytest.raises(ValueError, match="backward_delta returned shape"):
        nn.gradcheck(Transposed(3, 2, rng=0), rng.standard_normal((4, 3)))


def test_gradcheck_leaves_the_module_untouched(rng):
    module = nn.Linear(3, 2, rng=0)
    W, b = module._parameters["W"].copy(), module._parameters["b"].copy()
    nn.gradcheck(module, rng.standard_normal((4, 3)))
    assert module._parameters["W"].dtype == np.float32
    np.testing.assert_array_equal(module._parameters["W"], W)
    np.testing.assert_array_equal(module._parameters["b"], b)
    assert not module._gradient["W"].any()


def test_numerical_gradient_of_a_quadratic_is_exact_to_rounding():
    x = np.array([1.0, -2.0, 3.0])
    grad, mask = numerical_gradient(lambda: float((x**2).sum()), x)
    assert mask.all()
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # restored


def test_relative_error_is_zero_for_two_zero_arrays_and_one_for_opposites():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)


def test_gradcheck_report_keeps_its_lines_within_88_characters():
    long_name = nn.Sequential(nn.Linear(4, 3, bias=False), nn.TanH(), nn.Linear(3, 2))
    X = np.random.default_rng(0).standard_normal((5, 4))
    for module in (nn.Linear(4, 3, bias=False), long_name):
        report = nn.gradcheck(module, X).report()
        assert report.startswith(f"gradcheck of {module!r}: passed")
        assert "largest relative error" in report
        assert max(len(line) for line in report.splitlines()) <= 88, report
