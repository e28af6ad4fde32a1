"""Forward and backward of every module and loss equal PyTorch's (autograd), in
float64 to rounding and in float32 to float32 precision."""
import numpy as np
import pytest

import diy_nn as nn

F64 = dict(rtol=1e-12, atol=1e-14)
F32 = dict(rtol=1e-5, atol=1e-6)

ACTIVATIONS = {
    "TanH": (nn.TanH, lambda t, x: t.tanh(x)),
    "Sigmoid": (nn.Sigmoid, lambda t, x: t.sigmoid(x)),
    "ReLU": (nn.ReLU, lambda t, x: t.relu(x)),
    "LeakyReLU": (nn.LeakyReLU, lambda t, x: t.nn.functional.leaky_relu(x, 0.01)),
    "LeakyReLU(0.3)": (lambda: nn.LeakyReLU(0.3), lambda t, x: t.nn.functional.leaky_relu(x, 0.3)),
    "ELU": (nn.ELU, lambda t, x: t.nn.functional.elu(x)),
    "ELU(0.5)": (lambda: nn.ELU(alpha=0.5), lambda t, x: t.nn.functional.elu(x, alpha=0.5)),
    "Softmax": (nn.Softmax, lambda t, x: t.softmax(x, dim=-1)),
    "LogSoftmax": (nn.LogSoftmax, lambda t, x: t.log_softmax(x, dim=-1)),
}


def torch_forward_backward(torch, function, X, delta):
    """Output of ``function`` and d sum(output * delta) / dX, by autograd."""
    x = torch.tensor(X, requires_grad=True)
    out = function(torch, x)
    (out * torch.tensor(delta)).sum().backward()
    return out.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("shape", [(1, 1), (5, 4), (3, 2, 6)], ids=str)
@pytest.mark.parametrize("pair", ACTIVATIONS.values(), ids=ACTIVATIONS.keys())
def test_activation_forward_and_backward_delta_match_torch_in_float64(pair, shape, torch, rng):
    make, function = pair
    X, delta = 3 * rng.standard_normal(shape), rng.standard_normal(shape)
    out, grad = torch_forward_backward(torch, function, X, delta)
    module = make()
    np.testing.assert_allclose(module.forward(X), out, **F64)
    np.testing.assert_allclose(module.backward_delta(X, delta), grad, **F64)


@pytest.mark.parametrize("pair", ACTIVATIONS.values(), ids=ACTIVATIONS.keys())
def test_activation_matches_torch_in_float32(pair, torch, rng):
    make, function = pair
    X = (3 * rng.standard_normal((6, 5))).astype(np.float32)
    delta = rng.standard_normal((6, 5)).astype(np.float32)
    out, grad = torch_forward_backward(torch, function, X, delta)
    module = make()
    np.testing.assert_allclose(module.forward(X), out, **F32)
    np.testing.assert_allclose(module.backward_delta(X, delta), grad, **F32)


@pytest.mark.parametrize("name", ["ReLU", "LeakyReLU", "ELU(0.5)"])
def test_activation_derivative_at_exactly_zero_matches_torch(name, torch):
    make, function = ACTIVATIONS[name]
    X = np.array([[-1.0, 0.0, 1.0], [0.0, 0.0, -0.0]])
    delta = np.arange(1.0, 7.0).reshape(2, 3)
    out, grad = torch_forward_backward(torch, function, X, delta)
    module = make()
    np.testing.assert_allclose(module.forward(X), out, **F64)
    np.testing.assert_allclose(module.backward_delta(X, delta), grad, **F64)


def torch_linear(torch, module):
    """A torch.nn.Linear with the weights of a diy_nn Linear (torch stores W transposed)."""
    layer = torch.nn.Linear(module.in_features, module.out_features, bias=module.bias,
                            dtype=getattr(torch, module._parameters["W"].dtype.name))
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(module._parameters["W"].T))
        if module.bias:
            layer.bias.copy_(torch.tensor(module._parameters["b"]))
    return layer


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("batch, n_in, n_out", [(1, 1, 1), (7, 5, 3), (16, 20, 10)])
def test_linear_forward_matches_torch(batch, n_in, n_out, bias, torch, rng):
    module = nn.Linear(n_in, n_out, bias=bias, rng=0, dtype=np.float64)
    X = rng.standard_normal((batch, n_in))
    expected = torch_linear(torch, module)(torch.tensor(X)).detach().numpy()
    np.testing.assert_allclose(module.forward(X), expected, **F64)


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("batch, n_in, n_out", [(1, 1, 1), (7, 5, 3), (16, 20, 10)])
def test_linear_backward_delta_and_parameter_gradients_match_torch(batch, n_in, n_out, bias, torch, rng):
    module = nn.Linear(n_in, n_out, bias=bias, rng=0, dtype=np.float64)
    layer = torch_linear(torch, module)
    X, delta = rng.standard_normal((batch, n_in)), rng.standard_normal((batch, n_out))
    x = torch.tensor(X, requires_grad=True)
    (layer(x) * torch.tensor(delta)).sum().backward()

    module.backward_update_gradient(X, delta)
    np.testing.assert_allclose(module.backward_delta(X, delta), x.grad.numpy(), **F64)
    np.testing.assert_allclose(module._gradient["W"], layer.weight.grad.numpy().T, **F64)
    if bias:
        np.testing.assert_allclose(module._gradient["b"], layer.bias.grad.numpy(), **F64)


def test_linear_matches_torch_in_float32(torch, rng):
    module = nn.Linear(20, 10, rng=0)
    layer = torch_linear(torch, module)
    X = rng.standard_normal((8, 20)).astype(np.float32)
    delta = rng.standard_normal((8, 10)).astype(np.float32)
    x = torch.tensor(X, requires_grad=True)
    out = layer(x)
    (out * torch.tensor(delta)).sum().backward()

    np.testing.assert_allclose(module.forward(X), out.detach().numpy(), **F32)
    module.backward_update_gradient(X, delta)
    np.testing.assert_allclose(module.backward_delta(X, delta), x.grad.numpy(), **F32)
    np.testing.assert_allclose(module._gradient["W"], layer.weight.grad.numpy().T, **F32)
    np.testing.assert_allclose(module._gradient["b"], layer.bias.grad.numpy(), **F32)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sequential_forward_backward_and_gradients_match_torch_sequential(dtype, torch, rng):
    tol = F64 if dtype == np.float64 else F32
    layers = [nn.Linear(6, 8, rng=1, dtype=dtype), nn.Linear(8, 8, rng=2, dtype=dtype),
              nn.Linear(8, 4, rng=3, dtype=dtype)]
    net = nn.Sequential(layers[0], nn.TanH(), layers[1], nn.ReLU(), layers[2], nn.LogSoftmax())
    reference = torch.nn.Sequential(
        torch_linear(torch, layers[0]), torch.nn.Tanh(), torch_linear(torch, layers[1]),
        torch.nn.ReLU(), torch_linear(torch, layers[2]), torch.nn.LogSoftmax(dim=-1))
    X = rng.standard_normal((10, 6)).astype(dtype)
    delta = rng.standard_normal((10, 4)).astype(dtype)
    x = torch.tensor(X, requires_grad=True)
    out = reference(x)
    (out * torch.tensor(delta)).sum().backward()

    np.testing.assert_allclose(net.forward(X), out.detach().numpy(), **tol)
    np.testing.assert_allclose(net.backward(delta), x.grad.numpy(), **tol)
    for layer, torch_layer in zip(layers, reference[::2]):
        np.testing.assert_allclose(layer._gradient["W"], torch_layer.weight.grad.numpy().T, **tol)
        np.testing.assert_allclose(layer._gradient["b"], torch_layer.bias.grad.numpy(), **tol)


# ---------------------------------------------------------------- losses


def torch_loss(torch, per_example, y, yhat):
    """Per-example loss and d mean(loss) / d yhat, by autograd."""
    yh = torch.tensor(yhat, requires_grad=True)
    values = per_example(torch, torch.tensor(y), yh)
    values.mean().backward()
    return values.detach().numpy(), yh.grad.numpy()


def _sum_but_batch(values):
    return values.reshape(len(values), -1).sum(dim=1)


def torch_mse(torch, y, yhat):
    return _sum_but_batch(torch.nn.functional.mse_loss(yhat, y, reduction="none"))


def torch_bce(torch, y, yhat):
    return _sum_but_batch(torch.nn.functional.binary_cross_entropy(yhat, y, reduction="none"))


def torch_bce_logits(torch, y, yhat):
    return _sum_but_batch(
        torch.nn.functional.binary_cross_entropy_with_logits(yhat, y, reduction="none")
    )


def torch_hinge(torch, y, yhat):
    return _sum_but_batch(torch.clamp(1 - y * yhat, min=0))


def torch_ce(torch, y, yhat):
    return torch.nn.functional.cross_entropy(yhat, y, reduction="none")


def _regression(rng, shape):
    return rng.standard_normal(shape), rng.standard_normal(shape)


def _probabilities(rng, shape):
    return rng.random(shape), rng.uniform(0.01, 0.99, shape)


def _binary(rng, shape):
    return (rng.random(shape) > 0.5).astype(float), rng.uniform(0.01, 0.99, shape)


def _logits(rng, shape):
    return rng.random(shape), 5 * rng.standard_normal(shape)


def _binary_logits(rng, shape):
    return (rng.random(shape) > 0.5).astype(float), 5 * rng.standard_normal(shape)


def _signs(rng, shape):
    return np.where(rng.random(shape) > 0.5, 1.0, -1.0), 2 * rng.standard_normal(shape)


LOSSES = {
    "MSELoss": (nn.MSELoss, torch_mse, _regression),
    "BCELoss-binary": (nn.BCELoss, torch_bce, _binary),
    "BCELoss-soft": (nn.BCELoss, torch_bce, _probabilities),
    "BCEWithLogitsLoss-binary": (nn.BCEWithLogitsLoss, torch_bce_logits, _binary_logits),
    "BCEWithLogitsLoss-soft": (nn.BCEWithLogitsLoss, torch_bce_logits, _logits),
    "HingeLoss": (nn.HingeLoss, torch_hinge, _signs),
}


@pytest.mark.parametrize("shape", [(1, 1), (8, 1), (6, 4), (5,), (3, 2, 2)], ids=str)
@pytest.mark.parametrize("case", LOSSES.values(), ids=LOSSES.keys())
def test_loss_forward_and_backward_match_torch_in_float64(case, shape, torch, rng):
    make, reference, data = case
    y, yhat = data(rng, shape)
    values, grad = torch_loss(torch, reference, y, yhat)
    loss = make()
    assert loss.forward(y, yhat).shape == (shape[0],)
    np.testing.assert_allclose(loss.forward(y, yhat), values, **F64)
    np.testing.assert_allclose(loss.backward(y, yhat), grad, **F64)


@pytest.mark.parametrize("case", LOSSES.values(), ids=LOSSES.keys())
def test_loss_matches_torch_in_float32(case, torch, rng):
    make, reference, data = case
    y, yhat = (a.astype(np.float32) for a in data(rng, (6, 3)))
    values, grad = torch_loss(torch, reference, y, yhat)
    loss = make()
    assert loss.forward(y, yhat).dtype == np.float32
    assert loss.backward(y, yhat).dtype == np.float32
    np.testing.assert_allclose(loss.forward(y, yhat), values, **F32)
    np.testing.assert_allclose(loss.backward(y, yhat), grad, **F32)


def test_mseloss_is_the_per_example_sum_of_squares_and_torch_mean_over_the_batch(torch, rng):
    y, yhat = _regression(rng, (5, 3))
    values = nn.MSELoss().forward(y, yhat)
    np.testing.assert_allclose(values, ((y - yhat) ** 2).sum(axis=1), **F64)
    # The mean over the batch of the per-example sums is torch's "sum" divided by the batch size.
    total = torch.nn.functional.mse_loss(torch.tensor(yhat), torch.tensor(y), reduction="sum").item()
    assert values.mean() == pytest.approx(total / 5, rel=1e-12)


@pytest.mark.parametrize("batch, classes", [(1, 2), (6, 3), (16, 10)])
def test_celoss_with_indices_matches_torch_cross_entropy(batch, classes, torch, rng):
    y, yhat = rng.integers(0, classes, batch), 3 * rng.standard_normal((batch, classes))
    values, grad = torch_loss(torch, torch_ce, y, yhat)
    np.testing.assert_allclose(nn.CELoss().forward(y, yhat), values, **F64)
    np.testing.assert_allclose(nn.CELoss().backward(y, yhat), grad, **F64)


@pytest.mark.parametrize("batch, classes", [(1, 2), (6, 3), (16, 10)])
def test_celoss_with_one_hot_matches_torch_cross_entropy(batch, classes, torch, rng):
    index, yhat = rng.integers(0, classes, batch), 3 * rng.standard_normal((batch, classes))
    values, grad = torch_loss(torch, torch_ce, index, yhat)
    y = nn.one_hot(index, classes, dtype=np.float64)
    np.testing.assert_allclose(nn.CELoss().forward(y, yhat), values, **F64)
    np.testing.assert_allclose(nn.CELoss().backward(y, yhat), grad, **F64)


def test_celoss_with_soft_targets_matches_torch_cross_entropy_with_probabilities(torch, rng):
    y, yhat = rng.dirichlet(np.ones(4), 7), 3 * rng.standard_normal((7, 4))
    values, grad = torch_loss(torch, torch_ce, y, yhat)
    np.testing.assert_allclose(nn.CELoss().forward(y, yhat), values, **F64)
    np.testing.assert_allclose(nn.CELoss().backward(y, yhat), grad, **F64)


def test_celoss_matches_torch_in_float32(torch, rng):
    y = rng.integers(0, 5, 8)
    yhat = (3 * rng.standard_normal((8, 5))).astype(np.float32)
    values, grad = torch_loss(torch, torch_ce, y, yhat)
    assert nn.CELoss().forward(y, yhat).dtype == np.float32
    np.testing.assert_allclose(nn.CELoss().forward(y, yhat), values, **F32)
    np.testing.assert_allclose(nn.CELoss().backward(y, yhat), grad, **F32)


def test_celoss_after_linear_gives_the_same_weight_gradient_as_torch(torch, rng):
    module = nn.Linear(4, 3, rng=0, dtype=np.float64)
    layer = torch_linear(torch, module)
    X, y = rng.standard_normal((9, 4)), rng.integers(0, 3, 9)
    torch.nn.functional.cross_entropy(layer(torch.tensor(X)), torch.tensor(y)).backward()

    loss = nn.CELoss()
    module.backward_update_gradient(X, loss.backward(y, module.forward(X)))
    np.testing.assert_allclose(module._gradient["W"], layer.weight.grad.numpy().T, **F64)
    np.testing.assert_allclose(module._gradient["b"], layer.bias.grad.numpy(), **F64)
