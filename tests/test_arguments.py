"""Bad arguments to constructors and functions: a clear TypeError (wrong kind) or
ValueError (out of range) that names the class or function and what it expected,
never a NumPy error from deep inside, and never a silent wrong answer."""
import numpy as np
import pytest

import diy_nn as nn
from diy_nn.errors import (
    check_int, check_nonnegative, check_positive_int, check_probability, check_rate,
    check_real,
)


def tiny_problem():
    X = np.zeros((4, 2), dtype=np.float32)
    Y = np.zeros((4, 1), dtype=np.float32)
    return nn.Linear(2, 1, rng=0), nn.MSELoss(), X, Y


# ------------------------------------------------------------------ the validators

def test_check_positive_int_returns_a_python_int_from_a_numpy_integer():
    value = check_positive_int("f", "n", np.int64(3))
    assert value == 3 and type(value) is int


@pytest.mark.parametrize("bad", [2.5, 2.0, "3", None, True, [3]], ids=repr)
def test_check_int_rejects_what_is_not_an_integer_with_a_type_error(bad):
    with pytest.raises(TypeError, match=r"^f: expected n to be an integer, got "):
        check_int("f", "n", bad)


def test_check_int_suggests_floor_division_for_a_float():
    with pytest.raises(TypeError, match=r"use //"):
        check_int("f", "n", 784 / 2)


def test_check_positive_int_rejects_zero_with_a_value_error():
    with pytest.raises(ValueError, match=r"^f: expected n >= 1, got 0$"):
        check_positive_int("f", "n", 0)


@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]], ids=repr)
def test_check_real_rejects_what_is_not_a_number_with_a_type_error(bad):
    with pytest.raises(TypeError, match=r"^f: expected lr to be a real number, got "):
        check_real("f", "lr", bad)


@pytest.mark.parametrize("bad", [0, -0.1, np.inf, np.nan], ids=repr)
def test_check_rate_rejects_what_is_not_positive_and_finite(bad):
    with pytest.raises(ValueError, match=r"^f: expected lr in \(0, inf\), got "):
        check_rate("f", "lr", bad)


def test_check_rate_returns_a_python_float():
    value = check_rate("f", "lr", np.float32(0.5))
    assert value == 0.5 and type(value) is float


def test_check_nonnegative_accepts_zero_and_rejects_a_negative():
    assert check_nonnegative("f", "a", 0) == 0.0
    with pytest.raises(ValueError, match=r"^f: expected a in \[0, inf\), got -1.0$"):
        check_nonnegative("f", "a", -1)


def test_check_probability_is_half_open_unless_one_is_allowed():
    assert check_probability("f", "p", 0) == 0.0
    with pytest.raises(ValueError, match=r"^f: expected p in \[0, 1\), got 1.0$"):
        check_probability("f", "p", 1)
    assert check_probability("f", "p", 1, one=True) == 1.0


# ------------------------------------------------------------------ Linear

@pytest.mark.parametrize("size", [0, -1])
def test_linear_rejects_a_size_below_1(size):
    with pytest.raises(ValueError, match=rf"^Linear: expected input >= 1, got {size}$"):
        nn.Linear(size, 3)


def test_linear_rejects_an_output_size_below_1():
    with pytest.raises(ValueError, match=r"^Linear: expected output >= 1, got 0$"):
        nn.Linear(3, 0)


def test_linear_rejects_a_float_size():
    with pytest.raises(TypeError, match=r"^Linear: expected input to be an integer, got 2.5"):
        nn.Linear(2.5, 3)


def test_linear_accepts_numpy_integer_sizes():
    layer = nn.Linear(np.int64(3), np.int32(2))
    assert layer._parameters["W"].shape == (3, 2) and repr(layer) == "Linear(3, 2)"


def test_linear_rejects_a_bias_that_is_not_a_bool():
    with pytest.raises(TypeError, match=r"^Linear: expected bias to be True or False"):
        nn.Linear(2, 3, bias="no")


def test_linear_names_itself_for_an_unknown_init():
    with pytest.raises(ValueError, match=r"^Linear: init: expected one of"):
        nn.Linear(2, 3, init="glorot")


@pytest.mark.parametrize("bad, error", [("seed", TypeError), (1.5, TypeError),
                                        (-1, ValueError)], ids=repr)
def test_linear_rejects_a_bad_rng(bad, error):
    with pytest.raises(error, match=r"^rng: expected"):
        nn.Linear(2, 3, rng=bad)


# ------------------------------------------------------------------ training

def test_sgd_rejects_a_batch_size_of_0():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"^SGD: expected batch_size >= 1, got 0$"):
        nn.SGD(net, loss, X, Y, batch_size=0, progress=False)


def test_sgd_rejects_a_float_batch_size():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(TypeError, match=r"^SGD: expected batch_size to be an integer"):
        nn.SGD(net, loss, X, Y, batch_size=2.5, progress=False)


@pytest.mark.parametrize("epochs", [-1, 0])
def test_sgd_rejects_a_number_of_epochs_below_1(epochs):
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=rf"^SGD: expected epochs >= 1, got {epochs}$"):
        nn.SGD(net, loss, X, Y, epochs=epochs, progress=False)


def test_sgd_rejects_iterations_below_1():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"^SGD: expected iterations >= 1, got 0$"):
        nn.SGD(net, loss, X, Y, iterations=0, progress=False)


@pytest.mark.parametrize("eps", [0, -0.1, np.nan])
def test_sgd_rejects_a_learning_rate_that_is_not_positive(eps):
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"^SGD: expected the learning rate eps in \(0, inf\)"):
        nn.SGD(net, loss, X, Y, eps=eps, progress=False)


def test_sgd_leaves_the_parameters_untouched_when_it_rejects_its_arguments():
    net, loss, X, Y = tiny_problem()
    before = net._parameters["W"].copy()
    with pytest.raises(ValueError):
        nn.SGD(net, loss, X, Y, eps=-1.0, progress=False)
    np.testing.assert_array_equal(net._parameters["W"], before)


def test_sgd_rejects_an_empty_data_set():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"^SGD: expected at least one example, got none$"):
        nn.SGD(net, loss, X[:0], Y[:0], progress=False)


def test_sgd_rejects_validation_data_that_is_not_a_pair():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(TypeError, match=r"^SGD: expected validation_data to be a pair"):
        nn.SGD(net, loss, X, Y, validation_data=X, progress=False)


def test_sgd_rejects_a_loss_class_instead_of_an_instance():
    net, _, X, Y = tiny_problem()
    with pytest.raises(TypeError, match=r"^SGD: expected loss to be a Loss \(an instance"):
        nn.SGD(net, nn.MSELoss, X, Y, progress=False)


def test_optim_rejects_a_learning_rate_given_as_a_string():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(TypeError, match=r"^Optim: expected the learning rate eps to be a real number, got '0.1' \(str\)$"):
        nn.Optim(net, loss, "0.1").step(X, Y)


@pytest.mark.parametrize("eps", [0, -1e-3])
def test_optim_rejects_a_learning_rate_that_is_not_positive(eps):
    net, loss, _, _ = tiny_problem()
    with pytest.raises(ValueError, match=r"^Optim: expected the learning rate eps in \(0, inf\)"):
        nn.Optim(net, loss, eps)


def test_optim_rejects_a_net_that_is_not_a_module():
    _, loss, _, _ = tiny_problem()
    with pytest.raises(TypeError, match=r"^Optim: expected net to be a Module, got 42$"):
        nn.Optim(42, loss, 0.1)


def test_optim_rejects_a_negative_weight_decay():
    net, loss, _, _ = tiny_problem()
    with pytest.raises(ValueError, match=r"^Optim: expected weight_decay in \[0, inf\)"):
        nn.Optim(net, loss, 0.1, weight_decay=-0.01)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5])
def test_momentum_rejects_a_coefficient_outside_0_1(momentum):
    with pytest.raises(ValueError, match=r"^Momentum: expected momentum in \[0, 1\)"):
        nn.Momentum(momentum)


@pytest.mark.parametrize("kwargs, what", [
    (dict(beta1=1.0), "beta1"), (dict(beta1=-0.1), "beta1"), (dict(beta2=1.0), "beta2"),
], ids=str)
def test_adam_rejects_betas_outside_0_1(kwargs, what):
    with pytest.raises(ValueError, match=rf"^Adam: expected {what} in \[0, 1\)"):
        nn.Adam(**kwargs)


def test_adam_rejects_a_stabiliser_that_is_not_positive():
    with pytest.raises(ValueError, match=r"^Adam: expected stabiliser in \(0, inf\)"):
        nn.Adam(stabiliser=0)


def test_adam_refuses_eps_and_says_it_is_the_learning_rate_of_optim():
    with pytest.raises(TypeError, match=r"^Adam: eps is diy_nn's name for the learning "
                       r"rate, which Optim and SGD take.*Adam\(stabiliser=1e-8\)"):
        nn.Adam(eps=1e-8)


def test_evaluate_rejects_a_batch_size_of_0():
    net, loss, X, Y = tiny_problem()
    with pytest.raises(ValueError, match=r"^evaluate: expected batch_size >= 1, got 0$"):
        nn.evaluate(net, loss, X, Y, batch_size=0)


# ------------------------------------------------------------------ modules

@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_rejects_a_probability_outside_0_1(p):
    with pytest.raises(ValueError, match=r"^Dropout: expected the drop probability p in \[0, 1\)"):
        nn.Dropout(p)


def test_dropout_rejects_a_probability_given_as_a_string():
    with pytest.raises(TypeError, match=r"^Dropout: expected the drop probability p to be a real number"):
        nn.Dropout("0.5")


@pytest.mark.parametrize("slope", [-0.1, np.inf])
def test_leaky_relu_rejects_a_slope_that_is_negative_or_infinite(slope):
    with pytest.raises(ValueError, match=r"^LeakyReLU: expected negative_slope in \[0, inf\)"):
        nn.LeakyReLU(slope)


def test_leaky_relu_rejects_a_slope_given_as_a_string():
    with pytest.raises(TypeError, match=r"^LeakyReLU: expected negative_slope to be a real number"):
        nn.LeakyReLU("0.1")


def test_elu_rejects_a_negative_alpha():
    with pytest.raises(ValueError, match=r"^ELU: expected alpha in \[0, inf\)"):
        nn.ELU(-1.0)


def test_sequential_rejects_a_module_class_instead_of_an_instance():
    with pytest.raises(TypeError, match=r"^Sequential: expected a Module, got the "
                       r"class ReLU itself: pass an instance, ReLU\(\)$"):
        nn.Sequential(nn.ReLU)


# ------------------------------------------------------------------ gradcheck

def test_gradcheck_rejects_what_is_not_a_module_or_a_loss():
    with pytest.raises(TypeError, match=r"^gradcheck: expected a Module or a Loss to check, got 42 \(int\)$"):
        nn.gradcheck(42, np.zeros((2, 2)))


def test_gradcheck_says_how_a_loss_is_called_when_given_one_array():
    with pytest.raises(TypeError, match=r"^gradcheck: a Loss is checked as gradcheck\(loss, y, yhat\)"):
        nn.gradcheck(nn.MSELoss(), np.zeros((2, 2)))


def test_gradcheck_says_how_a_module_is_called_when_given_two_arrays():
    with pytest.raises(TypeError, match=r"^gradcheck: a Module is checked as gradcheck\(module, X\)"):
        nn.gradcheck(nn.TanH(), np.zeros((2, 2)), np.zeros((2, 2)))


@pytest.mark.parametrize("kwargs, what", [(dict(h=0), "the step h"),
                                          (dict(tolerance=-1), "tolerance")], ids=str)
def test_gradcheck_rejects_a_step_or_tolerance_that_is_not_positive(kwargs, what):
    with pytest.raises(ValueError, match=rf"^gradcheck: expected {what} in \(0, inf\)"):
        nn.gradcheck(nn.TanH(), np.zeros((2, 2)), **kwargs)


def test_gradcheck_rejects_max_checks_below_1():
    with pytest.raises(ValueError, match=r"^gradcheck: expected max_checks >= 1, got 0$"):
        nn.gradcheck(nn.TanH(), np.zeros((2, 2)), max_checks=0)


# ------------------------------------------------------------------ data helpers

def test_one_hot_rejects_a_number_of_classes_below_1():
    with pytest.raises(ValueError, match=r"^one_hot: expected num_classes >= 1, got 0$"):
        nn.one_hot(np.array([0, 1]), num_classes=0)


def test_one_hot_rejects_a_float_number_of_classes():
    with pytest.raises(TypeError, match=r"^one_hot: expected num_classes to be an integer"):
        nn.one_hot(np.array([0, 1]), num_classes=2.0)


def test_one_hot_of_no_labels_needs_the_number_of_classes():
    with pytest.raises(ValueError, match=r"^one_hot: give num_classes for an empty y$"):
        nn.one_hot(np.array([], dtype=int))
    assert nn.one_hot(np.array([], dtype=int), num_classes=3).shape == (0, 3)


def test_minibatches_rejects_a_float_batch_size():
    with pytest.raises(TypeError, match=r"^minibatches: expected batch_size to be an integer"):
        list(nn.minibatches(np.zeros((4, 1)), np.zeros(4), 1.5))


def test_minibatches_rejects_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"^minibatches: X has 4 examples but Y has 3$"):
        list(nn.minibatches(np.zeros((4, 1)), np.zeros(3), 2))


@pytest.mark.parametrize("make", [nn.linear_1d, nn.two_gaussians, nn.four_gaussians,
                                  nn.checkerboard], ids=lambda f: f.__name__)
def test_toy_data_rejects_a_number_of_points_below_1(make):
    with pytest.raises(ValueError, match=rf"^{make.__name__}: expected n >= 1, got 0$"):
        make(n=0)


@pytest.mark.parametrize("make", [nn.linear_1d, nn.two_gaussians, nn.four_gaussians,
                                  nn.checkerboard], ids=lambda f: f.__name__)
def test_toy_data_rejects_a_float_number_of_points(make):
    with pytest.raises(TypeError, match=rf"^{make.__name__}: expected n to be an integer"):
        make(n=100.0)


@pytest.mark.parametrize("make, kwargs, what", [
    (nn.linear_1d, dict(noise=-1.0), "noise"),
    (nn.two_gaussians, dict(sigma=-1.0), "sigma"),
    (nn.four_gaussians, dict(distance=-1.0), "distance"),
], ids=["linear_1d", "two_gaussians", "four_gaussians"])
def test_toy_data_rejects_a_negative_spread_or_distance(make, kwargs, what):
    with pytest.raises(ValueError, match=rf"^{make.__name__}: expected {what} in \[0, inf\)"):
        make(**kwargs)


def test_checkerboard_rejects_zero_squares():
    with pytest.raises(ValueError, match=r"^checkerboard: expected squares >= 1, got 0$"):
        nn.checkerboard(squares=0)


def test_manual_seed_rejects_a_negative_seed():
    with pytest.raises(ValueError, match=r"^manual_seed: expected seed >= 0, got -1$"):
        nn.manual_seed(-1)
