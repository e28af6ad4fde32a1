"""float32 by default; a module keeps the dtype it was given, through forward,
backward and update; activations keep their input's dtype."""
import numpy as np
import pytest

import diy_nn as nn

ACTIVATIONS = [nn.TanH, nn.Sigmoid, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softmax, nn.LogSoftmax]


def test_default_dtype_is_float32():
    assert nn.get_default_dtype() == np.float32
    assert nn.Linear(3, 2)._parameters["W"].dtype == np.float32
    assert nn.Linear(3, 2)._parameters["b"].dtype == np.float32


@pytest.mark.parametrize("given", [np.float64, "float64", np.dtype("float64")], ids=str)
def test_set_default_dtype_changes_the_dtype_of_new_modules(given):
    nn.set_default_dtype(given)
    assert nn.get_default_dtype() == np.float64
    module = nn.Linear(3, 2)
    assert module._parameters["W"].dtype == np.float64
    assert module._gradient["W"].dtype == np.float64


def test_set_default_dtype_does_not_change_existing_modules():
    module = nn.Linear(3, 2)
    nn.set_default_dtype(np.float64)
    assert module._parameters["W"].dtype == np.float32


@pytest.mark.parametrize("bad", [np.float16, np.int64, "complex128"], ids=str)
def test_set_default_dtype_rejects_anything_but_float32_and_float64(bad):
    with pytest.raises(ValueError, match="expected float32 or float64"):
        nn.set_default_dtype(bad)
    assert nn.get_default_dtype() == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("input_dtype", [np.float32, np.float64, np.int64])
def test_linear_keeps_its_dtype_through_forward_backward_and_update(dtype, input_dtype, rng):
    module = nn.Linear(4, 3, dtype=dtype, rng=0)
    X = (10 * rng.standard_normal((5, 4))).astype(input_dtype)
    out = module.forward(X)
    assert out.dtype == dtype
    delta = np.ones_like(out)
    module.backward_update_gradient(X, delta)
    assert module.backward_delta(X, delta).dtype == dtype
    module.update_parameters(0.1)
    for p, g in module.parameters():
        assert p.dtype == dtype
        assert g.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_gradient_keeps_its_dtype_given_a_float64_delta(dtype, rng):
    module = nn.Linear(4, 3, dtype=dtype, rng=0)
    module.backward_update_gradient(rng.standard_normal((5, 4)), rng.standard_normal((5, 3)))
    assert module._gradient["W"].dtype == dtype
    assert module._gradient["b"].dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", ACTIVATIONS, ids=lambda m: m.__name__)
def test_activation_keeps_the_input_dtype(make, dtype, rng):
    module = make()
    X = rng.standard_normal((4, 3)).astype(dtype)
    assert module.forward(X).dtype == dtype
    assert module.backward_delta(X, np.ones_like(X)).dtype == dtype


@pytest.mark.parametrize("make", ACTIVATIONS, ids=lambda m: m.__name__)
def test_activation_of_integers_uses_the_default_dtype(make):
    assert make().forward(np.array([[1, -2, 3]])).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_network_trains_in_its_dtype_end_to_end(dtype, rng):
    nn.set_default_dtype(dtype)
    net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.TanH(), nn.Linear(8, 3, rng=1))
    X, y = rng.standard_normal((20, 2)), rng.integers(0, 3, 20)
    optim = nn.Optim(net, nn.CELoss(), eps=0.1, rule="adam")
    for _ in range(3):
        optim.step(X, y)
    assert optim.last_output.dtype == dtype
    for p, g in net.parameters():
        assert p.dtype == dtype
        assert g.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss, y", [(nn.MSELoss(), np.ones((3, 2))), (nn.BCELoss(), np.ones((3, 2))),
                                     (nn.HingeLoss(), np.ones((3, 2))), (nn.CELoss(), np.array([0, 1, 0]))],
                         ids=repr)
def test_loss_backward_has_the_dtype_of_yhat(loss, y, dtype):
    yhat = np.full((3, 2), 0.25, dtype=dtype)
    assert loss.backward(y, yhat).dtype == dtype
    assert loss.forward(y, yhat).dtype == dtype


def test_astype_converts_parameters_and_gradients_of_children():
    net = nn.Sequential(nn.Linear(2, 3), nn.TanH(), nn.Sequential(nn.Linear(3, 1)))
    assert net.astype(np.float64) is net
    for p, g in net.parameters():
        assert p.dtype == np.float64
        assert g.dtype == np.float64


def test_data_generators_use_the_default_dtype():
    X, y = nn.two_gaussians(10, rng=0)
    assert X.dtype == np.float32
    nn.set_default_dtype(np.float64)
    X, y = nn.four_gaussians(10, rng=0)
    assert X.dtype == np.float64
    assert nn.one_hot(np.array([0, 1])).dtype == np.float64
