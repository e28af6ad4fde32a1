"""The Module interface: calling, gradient accumulation, zero_grad, update_parameters,
parameters(); and the defaults of the base classes."""
from pathlib import Path

import numpy as np
import pytest

import diy_nn as nn


def _linear_and_batch(rng, dtype=np.float64):
    module = nn.Linear(4, 3, rng=0, dtype=dtype)
    return module, rng.standard_normal((5, 4)), rng.standard_normal((5, 3))


def test_calling_a_module_is_forward(rng):
    module, X, _ = _linear_and_batch(rng)
    np.testing.assert_array_equal(module(X), module.forward(X))


def test_linear_forward_is_x_times_w_plus_b(rng):
    module, X, _ = _linear_and_batch(rng)
    W, b = module._parameters["W"], module._parameters["b"]
    np.testing.assert_allclose(module.forward(X), X @ W + b, rtol=1e-14)


def test_linear_parameters_have_the_course_shapes():
    module = nn.Linear(4, 3)
    assert module._parameters["W"].shape == (4, 3)
    assert module._parameters["b"].shape == (3,)
    assert {k: g.shape for k, g in module._gradient.items()} == {"W": (4, 3), "b": (3,)}


def test_linear_without_bias_has_only_w():
    module = nn.Linear(4, 3, bias=False)
    assert list(module._parameters) == ["W"]
    assert list(module._gradient) == ["W"]


def test_gradients_start_at_zero():
    module = nn.Linear(4, 3)
    assert all(not g.any() for _, g in module.parameters())


def test_two_backward_update_gradient_calls_double_the_gradient(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X, delta)
    once = {k: g.copy() for k, g in module._gradient.items()}
    module.backward_update_gradient(X, delta)
    for k, g in module._gradient.items():
        np.testing.assert_allclose(g, 2 * once[k], rtol=1e-14)


def test_gradients_of_two_batches_add_up_to_the_gradient_of_both(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X[:2], delta[:2])
    module.backward_update_gradient(X[2:], delta[2:])
    together = nn.Linear(4, 3, rng=0, dtype=np.float64)
    together.backward_update_gradient(X, delta)
    for k in module._gradient:
        np.testing.assert_allclose(module._gradient[k], together._gradient[k], rtol=1e-13)


def test_backward_delta_does_not_touch_the_parameter_gradients(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_delta(X, delta)
    assert all(not g.any() for _, g in module.parameters())


def test_zero_grad_sets_every_gradient_to_zero_in_place(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X, delta)
    arrays = [g for _, g in module.parameters()]
    module.zero_grad()
    assert all(not g.any() for g in arrays)
    assert all(a is g for a, (_, g) in zip(arrays, module.parameters()))


def test_zero_grad_reaches_the_modules_inside_a_sequential(rng):
    net = nn.Sequential(nn.Linear(4, 3, rng=0), nn.TanH(), nn.Sequential(nn.Linear(3, 2, rng=1)))
    net.forward(rng.standard_normal((5, 4)))
    net.backward(rng.standard_normal((5, 2)))
    assert all(g.any() for _, g in net.parameters())
    net.zero_grad()
    assert all(not g.any() for _, g in net.parameters())


@pytest.mark.parametrize("step", [1e-3, 0.5])
def test_update_parameters_subtracts_step_times_gradient(step, rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X, delta)
    before = {k: p.copy() for k, p in module._parameters.items()}
    module.update_parameters(step)
    for k, p in module._parameters.items():
        np.testing.assert_allclose(p, before[k] - step * module._gradient[k], rtol=1e-14)


def test_update_parameters_default_step_is_1e_3(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X, delta)
    W = module._parameters["W"].copy()
    module.update_parameters()
    np.testing.assert_allclose(module._parameters["W"], W - 1e-3 * module._gradient["W"], rtol=1e-14)


def test_update_parameters_keeps_the_gradient(rng):
    module, X, delta = _linear_and_batch(rng)
    module.backward_update_gradient(X, delta)
    g = module._gradient["W"].copy()
    module.update_parameters(0.1)
    np.testing.assert_array_equal(module._gradient["W"], g)


def test_celoss_backward_after_forward_gives_the_same_numbers_as_backward_alone(rng):
    # forward keeps what backward needs; the result must not depend on it.
    y, z = rng.integers(0, 4, size=6), rng.standard_normal((6, 4))
    loss = nn.CELoss()
    loss.forward(y, z)
    np.testing.assert_array_equal(loss.backward(y, z), nn.CELoss().backward(y, z))


def test_celoss_backward_on_new_arrays_does_not_reuse_the_last_forward(rng):
    y, z = rng.integers(0, 4, size=6), rng.standard_normal((6, 4))
    other_y, other_z = rng.integers(0, 4, size=6), rng.standard_normal((6, 4))
    loss = nn.CELoss()
    loss.forward(y, z)
    np.testing.assert_array_equal(loss.backward(other_y, other_z),
                                  nn.CELoss().backward(other_y, other_z))


def test_parameters_yields_each_parameter_with_its_own_gradient_array():
    module = nn.Linear(4, 3)
    pairs = list(module.parameters())
    assert len(pairs) == 2
    assert pairs[0][0] is module._parameters["W"] and pairs[0][1] is module._gradient["W"]
    assert pairs[1][0] is module._parameters["b"] and pairs[1][1] is module._gradient["b"]


def test_updating_through_parameters_changes_the_module():
    module = nn.Linear(2, 2)
    for p, _ in module.parameters():
        p[...] = 7
    assert (module._parameters["W"] == 7).all() and (module._parameters["b"] == 7).all()


def test_named_parameters_prefix_children_by_their_index():
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.TanH(), nn.Linear(3, 2)))
    names = [name for name, _, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "2.1.W", "2.1.b"]


def test_num_parameters_counts_scalars():
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2, bias=False))
    assert net.num_parameters() == 4 * 3 + 3 + 3 * 2


@pytest.mark.parametrize("module", [nn.TanH(), nn.Sigmoid(), nn.ReLU(), nn.LeakyReLU(), nn.ELU(),
                                    nn.Softmax(), nn.LogSoftmax()], ids=repr)
def test_activations_have_no_parameters_and_accept_the_whole_interface(module, rng):
    X = rng.standard_normal((3, 2))
    assert list(module.parameters()) == []
    module.backward_update_gradient(X, np.ones_like(X))
    module.zero_grad()
    module.update_parameters(0.1)
    assert module.forward(X).shape == X.shape
    assert module.backward_delta(X, np.ones_like(X)).shape == X.shape


def test_activation_backward_with_a_new_input_does_not_use_the_cached_output(rng):
    module = nn.TanH()
    X1, X2 = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    module.forward(X1)
    np.testing.assert_allclose(module.backward_delta(X2, np.ones_like(X2)), 1 - np.tanh(X2) ** 2)


def test_train_and_eval_switch_the_mode_of_every_child():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    assert net.eval() is net
    assert not net.training and not net[1][0].training
    net.train()
    assert net.training and net[1][0].training


def test_base_module_says_which_method_is_not_written_yet():
    class Student(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match="Student.forward is not written yet"):
        Student().forward(np.zeros((1, 1)))
    with pytest.raises(NotImplementedError, match="Student.backward_delta is not written yet"):
        Student().backward_delta(np.zeros((1, 1)), np.zeros((1, 1)))


def test_base_loss_says_which_method_is_not_written_yet():
    class StudentLoss(nn.Loss):
        pass

    with pytest.raises(NotImplementedError, match="StudentLoss.backward is not written yet"):
        StudentLoss().backward(np.zeros(1), np.zeros(1))


@pytest.mark.parametrize("loss, y, yhat", [
    (nn.MSELoss(), np.ones((4, 3)), np.zeros((4, 3))),
    (nn.CELoss(), np.array([0, 1, 2, 0]), np.zeros((4, 3))),
    (nn.BCELoss(), np.ones((4, 3)), np.full((4, 3), 0.5)),
    (nn.HingeLoss(), np.ones((4, 3)), np.zeros((4, 3))),
], ids=repr)
def test_loss_forward_gives_one_value_per_example_and_backward_the_shape_of_yhat(loss, y, yhat):
    assert loss(y, yhat).shape == (4,)
    assert loss.backward(y, yhat).shape == yhat.shape


def test_loss_backward_is_the_gradient_of_the_batch_mean_so_it_shrinks_with_the_batch(rng):
    y, yhat = rng.standard_normal((1, 2)), rng.standard_normal((1, 2))
    single = nn.MSELoss().backward(y, yhat)
    repeated = nn.MSELoss().backward(np.repeat(y, 4, axis=0), np.repeat(yhat, 4, axis=0))
    np.testing.assert_allclose(repeated, np.repeat(single, 4, axis=0) / 4, rtol=1e-14)


@pytest.mark.parametrize("obj, text", [
    (nn.Linear(3, 2), "Linear(3, 2)"), (nn.Linear(3, 2, bias=False), "Linear(3, 2, bias=False)"),
    (nn.LeakyReLU(0.2), "LeakyReLU(negative_slope=0.2)"), (nn.ELU(0.5), "ELU(alpha=0.5)"),
    (nn.TanH(), "TanH()"), (nn.CELoss(), "CELoss()"),
], ids=str)
def test_repr_shows_the_constructor_call(obj, text):
    assert repr(obj) == text


def test_library_source_lines_fit_the_book_column():
    # The book shows this code with literalinclude, and its column fits 88
    # characters: a longer line is cut off on the website.
    # The whole package: its sub-packages are shown on the API page.
    package = Path(__file__).resolve().parents[1] / "diy_nn"
    sources = sorted(package.rglob("*.py"))
    assert sources
    too_long = [
        f"{path.relative_to(package.parent)}:{number} ({len(line)} characters)"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 88
    ]
    assert not too_long, "lines longer than 88 characters:\n" + "\n".join(too_long)
