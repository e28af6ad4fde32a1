"""Sequential: a list of modules that is itself a module."""
import numpy as np
import pytest

import diy_nn as nn


def _mlp(dtype=np.float64):
    return nn.Sequential(nn.Linear(4, 6, rng=1, dtype=dtype), nn.TanH(),
                         nn.Linear(6, 5, rng=2, dtype=dtype), nn.ReLU(),
                         nn.Linear(5, 3, rng=3, dtype=dtype))


def test_forward_is_the_composition_of_the_modules(rng):
    net = _mlp()
    X = rng.standard_normal((7, 4))
    out = X
    for m in net:
        out = m.forward(out)
    np.testing.assert_array_equal(net.forward(X), out)
    np.testing.assert_array_equal(net(X), out)


def test_backward_by_hand_equals_sequential_backward(rng):
    net, copy = _mlp(), _mlp()
    X, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    net.forward(X)
    dx = net.backward(delta)

    inputs, out = [], X
    for m in copy:
        inputs.append(out)
        out = m.forward(out)
    d = delta
    for m, inp in zip(reversed(list(copy)), reversed(inputs)):
        m.backward_update_gradient(inp, d)
        d = m.backward_delta(inp, d)
    np.testing.assert_allclose(dx, d, rtol=1e-14)
    for (_, g1), (_, g2) in zip(net.parameters(), copy.parameters()):
        np.testing.assert_allclose(g1, g2, rtol=1e-14)


def test_backward_accumulates_parameter_gradients(rng):
    net = _mlp()
    X, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    net.forward(X)
    net.backward(delta)
    once = [g.copy() for _, g in net.parameters()]
    net.backward(delta)
    for g, g1 in zip((g for _, g in net.parameters()), once):
        np.testing.assert_allclose(g, 2 * g1, rtol=1e-14)


def test_module_interface_of_sequential_agrees_with_backward(rng):
    net, other = _mlp(), _mlp()
    X, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    net.forward(X)
    dx = net.backward(delta)
    other.backward_update_gradient(X, delta)  # without a forward first: it runs one itself
    np.testing.assert_allclose(other.backward_delta(X, delta), dx, rtol=1e-14)
    for (_, g1), (_, g2) in zip(net.parameters(), other.parameters()):
        np.testing.assert_allclose(g1, g2, rtol=1e-14)


def test_backward_delta_alone_leaves_parameter_gradients_at_zero(rng):
    net = _mlp()
    X = rng.standard_normal((7, 4))
    net.forward(X)
    assert net.backward_delta(X, rng.standard_normal((7, 3))).shape == X.shape
    assert all(not g.any() for _, g in net.parameters())


def test_backward_delta_with_another_input_recomputes_the_forward(rng):
    net, fresh = _mlp(), _mlp()
    X1, X2, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    net.forward(X1)
    fresh.forward(X2)
    np.testing.assert_allclose(net.backward_delta(X2, delta), fresh.backward(delta), rtol=1e-14)


def test_nested_sequential_gives_the_same_output_and_gradients_as_flat(rng):
    flat = _mlp()
    layers = _mlp().modules
    nested = nn.Sequential(nn.Sequential(layers[0], layers[1]), nn.Sequential(layers[2], nn.Sequential(layers[3], layers[4])))
    X, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    np.testing.assert_allclose(nested.forward(X), flat.forward(X), rtol=1e-14)
    np.testing.assert_allclose(nested.backward(delta), flat.backward(delta), rtol=1e-14)
    assert len(list(nested.parameters())) == len(list(flat.parameters())) == 6
    for (_, g1), (_, g2) in zip(nested.parameters(), flat.parameters()):
        np.testing.assert_allclose(g1, g2, rtol=1e-14)


def test_backward_before_forward_raises_an_error_that_says_to_call_forward():
    with pytest.raises(RuntimeError, match="Sequential.backward: call forward first"):
        _mlp().backward(np.zeros((2, 3)))


def test_append_adds_at_the_end_and_returns_the_sequential():
    net = nn.Sequential()
    assert len(net) == 0
    linear, tanh = nn.Linear(2, 3), nn.TanH()
    assert net.append(linear).append(tanh) is net
    assert len(net) == 2
    assert net[0] is linear and net[-1] is tanh


def test_a_sequential_built_by_append_computes_like_one_built_at_once(rng):
    a = nn.Linear(3, 2, rng=0)
    net = nn.Sequential().append(a).append(nn.Sigmoid())
    X = rng.standard_normal((4, 3))
    np.testing.assert_allclose(net(X), nn.Sigmoid()(a(X)))


def test_sequential_accepts_a_list_of_modules():
    modules = [nn.Linear(2, 3), nn.ReLU()]
    net = nn.Sequential(modules)
    assert list(net) == modules


def test_indexing_and_iteration_give_the_modules_in_order():
    modules = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    net = nn.Sequential(*modules)
    assert [net[i] for i in range(3)] == modules
    assert list(net) == modules
    assert len(net) == 3


def test_a_slice_is_a_sequential_sharing_the_same_modules(rng):
    net = _mlp()
    head = net[:2]
    assert isinstance(head, nn.Sequential)
    assert len(head) == 2
    assert head[0] is net[0] and head[1] is net[1]
    X = rng.standard_normal((3, 4))
    np.testing.assert_array_equal(head(X), net[1](net[0](X)))


def test_parameters_of_a_sequential_are_those_of_its_modules_in_order():
    net = _mlp()
    expected = [net[0]._parameters["W"], net[0]._parameters["b"], net[2]._parameters["W"],
                net[2]._parameters["b"], net[4]._parameters["W"], net[4]._parameters["b"]]
    got = [p for p, _ in net.parameters()]
    assert len(got) == len(expected)
    assert all(p is q for p, q in zip(got, expected))


def test_update_parameters_updates_every_layer(rng):
    net = _mlp()
    net.forward(rng.standard_normal((5, 4)))
    net.backward(rng.standard_normal((5, 3)))
    before = [p.copy() for p, _ in net.parameters()]
    net.update_parameters(0.1)
    for b, (p, g) in zip(before, net.parameters()):
        np.testing.assert_allclose(p, b - 0.1 * g, rtol=1e-14)


def test_the_same_activation_instance_used_twice_backpropagates_correctly(rng):
    tanh = nn.TanH()
    shared = nn.Sequential(nn.Linear(3, 3, rng=0, dtype=np.float64), tanh,
                           nn.Linear(3, 3, rng=1, dtype=np.float64), tanh)
    result = nn.gradcheck(shared, rng.standard_normal((4, 3)))
    assert result.max_error < 1e-6, result.report()


def test_repr_lists_the_modules():
    assert repr(nn.Sequential(nn.Linear(2, 3), nn.TanH())) == "Sequential(\n  Linear(2, 3),\n  TanH()\n)"


def test_backward_without_input_gradient_accumulates_the_same_parameter_gradients(rng):
    net, other = _mlp(), _mlp()
    X, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    net.forward(X)
    net.backward(delta)
    other.forward(X)
    assert other.backward(delta, input_gradient=False) is None
    for (_, g1), (_, g2) in zip(net.parameters(), other.parameters()):
        np.testing.assert_array_equal(g1, g2)


def test_optim_trains_a_nested_sequential_like_the_flat_one(rng):
    flat = _mlp()
    layers = _mlp().modules
    nested = nn.Sequential(nn.Sequential(*layers[:2]), nn.Sequential(*layers[2:]))
    X, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    a, b = nn.Optim(flat, nn.CELoss(), eps=0.1), nn.Optim(nested, nn.CELoss(), eps=0.1)
    for _ in range(3):
        assert a.step(X, y) == pytest.approx(b.step(X, y), rel=1e-14)
    for (p, _), (q, _) in zip(flat.parameters(), nested.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-14)


def test_repr_of_a_nested_sequential_indents_the_inner_one():
    net = nn.Sequential(nn.Sequential(nn.Linear(2, 4), nn.TanH()), nn.Linear(4, 1))
    assert repr(net) == (
        "Sequential(\n"
        "  Sequential(\n"
        "    Linear(2, 4),\n"
        "    TanH()\n"
        "  ),\n"
        "  Linear(4, 1)\n"
        ")"
    )
