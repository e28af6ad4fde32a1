"""Bad input raises a ValueError that names the module, says what it got and what it expected."""
import numpy as np
import pytest

import diy_nn as nn

ACTIVATIONS = [nn.TanH(), nn.Sigmoid(), nn.ReLU(), nn.LeakyReLU(), nn.ELU(), nn.Softmax(), nn.LogSoftmax()]


# ---------------------------------------------------------------- Linear


def test_linear_rejects_the_wrong_input_width():
    with pytest.raises(ValueError, match=r"Linear\(3, 2\): expected an input of shape \(batch, 3\), got \(5, 4\)"):
        nn.Linear(3, 2).forward(np.zeros((5, 4)))


@pytest.mark.parametrize("shape", [(3,), (2, 5, 3), ()], ids=str)
def test_linear_rejects_the_wrong_number_of_dimensions(shape):
    with pytest.raises(ValueError, match=r"Linear\(3, 2\): expected an input of shape \(batch, 3\), got"):
        nn.Linear(3, 2).forward(np.zeros(shape))


def test_linear_message_for_a_single_example_shows_the_shape_it_got():
    with pytest.raises(ValueError, match=r"got \(3,\)"):
        nn.Linear(3, 2).forward(np.zeros(3))


def test_linear_backward_update_gradient_rejects_the_wrong_input_width():
    with pytest.raises(ValueError, match=r"Linear\(3, 2\).*expected an input of shape \(batch, 3\)"):
        nn.Linear(3, 2).backward_update_gradient(np.zeros((5, 4)), np.zeros((5, 2)))


# ---------------------------------------------------------------- NaN


def test_linear_rejects_nan_with_a_nonfinite_input_error_that_is_a_value_error():
    X = np.zeros((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(nn.NonFiniteInputError, match=r"Linear\(3, 2\): the input contains NaN \(first at index \(2, 1\)\); expected finite numbers"):
        nn.Linear(3, 2).forward(X)
    assert issubclass(nn.NonFiniteInputError, ValueError)


@pytest.mark.parametrize("module", ACTIVATIONS, ids=repr)
def test_activation_rejects_nan_naming_itself(module):
    X = np.array([[0.0, np.nan]])
    with pytest.raises(nn.NonFiniteInputError, match=rf"{type(module).__name__}.*contains NaN.*expected finite"):
        module.forward(X)


@pytest.mark.parametrize("module", ACTIVATIONS, ids=repr)
def test_activation_rejects_a_scalar(module):
    with pytest.raises(ValueError, match=rf"{type(module).__name__}.*expected an input of shape \(batch, \.\.\.\), got a scalar"):
        module.forward(np.float64(1.0))


def test_nan_error_is_raised_in_the_module_of_a_sequential_that_sees_it():
    net = nn.Sequential(nn.Linear(2, 2), nn.TanH())
    with pytest.raises(ValueError, match=r"Linear\(2, 2\)"):
        net.forward(np.array([[np.nan, 0.0]]))


@pytest.mark.parametrize("value, kind", [(np.inf, r"\+inf"), (-np.inf, "-inf")])
def test_infinity_is_refused_as_nan_is_and_named(value, kind):
    with pytest.raises(nn.NonFiniteInputError, match=rf"ReLU\(\): the input contains "
                       rf"{kind} \(first at index \(0, 1\)\); expected finite"):
        nn.ReLU().forward(np.array([[0.0, value]]))


def test_infinity_in_a_large_input_is_found_by_the_one_pass_check():
    X = np.zeros((300, 300), dtype=np.float32)
    X[123, 45] = np.inf
    with pytest.raises(nn.NonFiniteInputError, match=r"\+inf \(first at index \(123, 45\)"):
        nn.TanH().forward(X)


def test_nan_check_of_a_large_finite_float32_input_warns_nothing(recwarn):
    X = np.full((4, 3), 3e38, dtype=np.float32)  # finite, but its sum overflows float32
    np.testing.assert_array_equal(nn.TanH().forward(X), np.ones((4, 3), dtype=np.float32))
    assert not recwarn.list


@pytest.mark.parametrize("loss, y", [(nn.MSELoss(), np.zeros((2, 2))), (nn.BCELoss(), np.zeros((2, 2))),
                                     (nn.BCEWithLogitsLoss(), np.zeros((2, 2))),
                                     (nn.HingeLoss(), np.ones((2, 2))), (nn.CELoss(), np.array([0, 1]))],
                         ids=repr)
def test_loss_rejects_nan_in_yhat_naming_itself(loss, y):
    yhat = np.array([[0.5, np.nan], [0.5, 0.5]])
    with pytest.raises(nn.NonFiniteInputError, match=rf"{type(loss).__name__}.*NaN"):
        loss.forward(y, yhat)


@pytest.mark.parametrize("loss, y", [
    (nn.MSELoss(), np.array([[0.5, np.nan], [0.5, 0.5]])),
    (nn.BCELoss(), np.array([[0.5, np.nan], [0.5, 0.5]])),
    (nn.BCEWithLogitsLoss(), np.array([[0.5, np.nan], [0.5, 0.5]])),
    (nn.HingeLoss(), np.array([[1.0, np.nan], [1.0, -1.0]])),
    (nn.CELoss(), np.array([[0.0, np.nan], [1.0, 0.0]])),
    (nn.CELoss(), np.array([0.0, np.nan])),
], ids=["MSELoss", "BCELoss", "BCEWithLogitsLoss", "HingeLoss", "CELoss-one-hot",
        "CELoss-indices"])
def test_loss_rejects_nan_in_the_targets_naming_itself(loss, y):
    with pytest.raises(nn.NonFiniteInputError, match=rf"{type(loss).__name__}: the targets y contain NaN \(first at index \([\d, ]+\)\); expected finite numbers"):
        loss.forward(y, np.full((2, 2), 0.5))


# ---------------------------------------------------------------- CELoss


def test_celoss_rejects_class_indices_out_of_range():
    with pytest.raises(ValueError, match=r"CELoss: expected class indices in 0\.\.2, got values from 0 to 3"):
        nn.CELoss().forward(np.array([0, 3]), np.zeros((2, 3)))


def test_celoss_rejects_negative_class_indices():
    with pytest.raises(ValueError, match=r"CELoss: expected class indices in 0\.\.2, got values from -1"):
        nn.CELoss().backward(np.array([-1, 0]), np.zeros((2, 3)))


@pytest.mark.parametrize("shape", [(3,), (2, 1), (2, 4), (1, 2)], ids=str)
def test_celoss_rejects_labels_of_the_wrong_shape(shape):
    with pytest.raises(ValueError, match=r"CELoss: expected y as class indices of shape \(2,\) or one-hot of shape \(2, 3\), got"):
        nn.CELoss().forward(np.zeros(shape), np.zeros((2, 3)))


def test_celoss_rejects_non_integer_labels():
    with pytest.raises(ValueError, match="CELoss: expected integer class indices in y, got non-integer values"):
        nn.CELoss().forward(np.array([0.5, 1.0]), np.zeros((2, 3)))


def test_celoss_accepts_integer_valued_float_labels():
    values = nn.CELoss().forward(np.array([0.0, 2.0]), np.zeros((2, 3)))
    np.testing.assert_allclose(values, np.log(3))


@pytest.mark.parametrize("shape", [(4,), (2, 3, 1)], ids=str)
def test_celoss_rejects_logits_that_are_not_a_matrix(shape):
    with pytest.raises(ValueError, match=r"CELoss: expected logits yhat of shape \(batch, classes\), got"):
        nn.CELoss().forward(np.zeros(shape[0], dtype=int), np.zeros(shape))


# ---------------------------------------------------------------- shapes of y and yhat


@pytest.mark.parametrize("loss", [nn.MSELoss(), nn.BCELoss(), nn.HingeLoss()], ids=repr)
def test_loss_rejects_y_and_yhat_of_different_shapes(loss):
    with pytest.raises(ValueError, match=rf"{type(loss).__name__}: y and yhat must have the same shape, got y \(4, 2\) and yhat \(4, 3\)"):
        loss.forward(np.ones((4, 2)), np.full((4, 3), 0.5))


@pytest.mark.parametrize("y_shape, yhat_shape", [((4,), (4, 1)), ((4, 1), (4,))], ids=["y-flat", "yhat-flat"])
def test_mseloss_explains_the_batch_versus_batch_1_mistake(y_shape, yhat_shape):
    with pytest.raises(ValueError, match=r"MSELoss: y and yhat must have the same shape.*\(batch,\) and the other \(batch, 1\).*reshape"):
        nn.MSELoss().forward(np.zeros(y_shape), np.zeros(yhat_shape))


def test_mseloss_backward_also_rejects_different_shapes():
    with pytest.raises(ValueError, match="MSELoss: y and yhat must have the same shape"):
        nn.MSELoss().backward(np.zeros(4), np.zeros((4, 1)))


def test_mseloss_gives_no_hint_when_shapes_differ_otherwise():
    with pytest.raises(ValueError) as info:
        nn.MSELoss().forward(np.zeros((4, 2)), np.zeros((4, 3)))
    assert "reshape" not in str(info.value)


# ---------------------------------------------------------------- BCELoss and HingeLoss


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bceloss_rejects_yhat_outside_0_1(bad):
    yhat = np.array([[0.5], [bad]])
    with pytest.raises(ValueError, match=r"BCELoss: expected yhat to be probabilities in \[0, 1\].*Sigmoid"):
        nn.BCELoss().forward(np.array([[1.0], [0.0]]), yhat)


def test_bceloss_rejects_targets_outside_0_1():
    with pytest.raises(ValueError, match=r"BCELoss: expected targets y in \[0, 1\], got values from -1"):
        nn.BCELoss().backward(np.array([[1.0], [-1.0]]), np.array([[0.5], [0.5]]))


@pytest.mark.parametrize("bad", [-0.5, 2.0])
def test_bce_with_logits_loss_rejects_targets_outside_0_1(bad):
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: expected targets y in \[0, 1\]"):
        nn.BCEWithLogitsLoss().forward(np.array([[1.0], [bad]]), np.array([[0.5], [3.0]]))


def test_bce_with_logits_loss_accepts_logits_of_any_size():
    yhat = np.array([[-30.0], [2.0], [45.0]])
    assert np.isfinite(nn.BCEWithLogitsLoss().forward(np.array([[0.0], [1.0], [1.0]]), yhat)).all()


def test_bce_with_logits_loss_rejects_y_and_yhat_of_different_shapes():
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: y and yhat must have the same shape.*reshape"):
        nn.BCEWithLogitsLoss().backward(np.zeros(3), np.zeros((3, 1)))


def test_bce_with_logits_loss_rejects_a_scalar_yhat():
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: expected yhat of shape \(batch, ...\), got a scalar"):
        nn.BCEWithLogitsLoss().forward(0.0, 1.0)


def test_hingeloss_rejects_labels_in_0_1_and_says_how_to_convert():
    with pytest.raises(ValueError, match=r"HingeLoss: expected labels in \{-1, \+1\}, got 0; from labels in \{0, 1\}, use 2 \* y - 1$"):
        nn.HingeLoss().forward(np.array([[0.0], [1.0]]), np.array([[0.3], [-0.2]]))


# ---------------------------------------------------------------- data helpers and training


def test_one_hot_rejects_indices_out_of_range():
    with pytest.raises(ValueError, match=r"one_hot: expected class indices in 0\.\.2, got values from 0 to 3"):
        nn.one_hot(np.array([0, 3]), 3)


def test_one_hot_rejects_negative_indices():
    with pytest.raises(ValueError, match=r"one_hot: expected class indices in 0\.\.2, got values from -1"):
        nn.one_hot(np.array([-1, 2]), 3)


def test_one_hot_rejects_non_integer_labels():
    with pytest.raises(ValueError, match="one_hot: expected integer class indices"):
        nn.one_hot(np.array([0.5, 1.0]), 3)


def test_one_hot_rejects_a_matrix():
    with pytest.raises(ValueError, match=r"one_hot: expected class indices of shape \(n,\)"):
        nn.one_hot(np.zeros((2, 3), dtype=int), 3)


def test_minibatches_rejects_a_batch_size_below_1():
    with pytest.raises(ValueError, match="minibatches: expected batch_size >= 1, got 0"):
        next(nn.minibatches(np.zeros((3, 1)), np.zeros(3), 0))


def test_sgd_rejects_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="SGD: X has 5 examples but Y has 4"):
        nn.SGD(nn.Linear(1, 1), nn.MSELoss(), np.zeros((5, 1)), np.zeros((4, 1)), progress=False)


def test_optim_rejects_an_unknown_rule():
    with pytest.raises(ValueError, match=r"Optim: expected rule in \['adam', 'momentum', 'sgd'\], got 'rmsprop'"):
        nn.Optim(nn.Linear(1, 1), nn.MSELoss(), rule="rmsprop")


def test_sgd_rejects_an_unknown_metric():
    with pytest.raises(ValueError, match="SGD: expected metric None, 'accuracy' or a function"):
        nn.SGD(nn.Linear(1, 1), nn.MSELoss(), np.zeros((4, 1)), np.zeros((4, 1)), metric="f1",
               progress=False)


def test_linear_rejects_an_unknown_init():
    with pytest.raises(ValueError, match=r"init: expected one of 'default', 'xavier', 'he', 'zeros', got 'glorot'"):
        nn.Linear(3, 2, init="glorot")


def test_sequential_rejects_something_that_is_not_a_module():
    with pytest.raises(TypeError, match=r"Sequential: expected a Module, got the function "
                       r"<lambda>: pass a module, such as TanH\(\)"):
        nn.Sequential(nn.Linear(2, 2), lambda x: np.tanh(x))


def test_accuracy_rejects_y_and_yhat_of_different_lengths():
    with pytest.raises(ValueError, match="accuracy: y has 3 examples but yhat has 2"):
        nn.accuracy(np.array([0, 1, 1]), np.zeros((2, 3)))
