"""A gradient depends on (input, delta) and the parameters alone.

An input changed in place between ``forward`` and ``backward`` must give the
gradient of the changed input, as a fresh module (one that never saw the old
values) computes it: no module or loss may reuse what an earlier call computed
just because it is handed the same array object again.
"""
import numpy as np
import pytest

import diy_nn as nn

F64 = dict(rtol=1e-12, atol=1e-14)

ACTIVATIONS = {
    "TanH": nn.TanH,
    "Sigmoid": nn.Sigmoid,
    "ReLU": nn.ReLU,
    "LeakyReLU": lambda: nn.LeakyReLU(0.1),
    "ELU": lambda: nn.ELU(0.5),
    "Softmax": nn.Softmax,
    "LogSoftmax": nn.LogSoftmax,
}


@pytest.mark.parametrize("make", ACTIVATIONS.values(), ids=ACTIVATIONS.keys())
def test_activation_gradient_follows_an_input_changed_in_place(make, rng):
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    module = make()
    module(x)
    # The same array object, new values (not a constant shift, to which the
    # softmaxes are blind).
    x += 1 + np.arange(3)
    expected = make().backward_delta(x.copy(), delta)
    np.testing.assert_allclose(module.backward_delta(x, delta), expected, **F64)


@pytest.mark.parametrize("make", ACTIVATIONS.values(), ids=ACTIVATIONS.keys())
def test_activation_gradient_ignores_the_input_of_an_earlier_forward(make, rng):
    x1, x2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    delta = rng.standard_normal((4, 3))
    module = make()
    module(x1)
    np.testing.assert_allclose(
        module.backward_delta(x2, delta), make().backward_delta(x2, delta), **F64
    )


def test_linear_gradients_follow_an_input_changed_in_place(rng):
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    module = nn.Linear(3, 2, rng=0, dtype=np.float64)
    fresh = nn.Linear(3, 2, rng=0, dtype=np.float64)
    module(x)
    x += 1
    module.backward_update_gradient(x, delta)
    fresh.backward_update_gradient(x.copy(), delta)
    np.testing.assert_allclose(module._gradient["W"], fresh._gradient["W"], **F64)
    np.testing.assert_allclose(
        module.backward_delta(x, delta), fresh.backward_delta(x.copy(), delta), **F64
    )


def test_dropout_gradient_uses_the_mask_its_forward_drew_for_the_same_values(rng):
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    module = nn.Dropout(0.5, rng=0)
    module(x)
    mask = module.mask.copy()
    np.testing.assert_allclose(module.backward_delta(x.copy(), delta), delta * mask,
                               **F64)


def test_dropout_refuses_an_input_changed_in_place_since_its_forward(rng):
    # The mask belongs to the forward's input: no identity cache that x += 1 fools.
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    module = nn.Dropout(0.5, rng=0)
    module(x)
    x += 1
    with pytest.raises(ValueError, match=r"Dropout\(p=0.5\).backward_delta: the input "
                       r"is not the one the last forward was given"):
        module.backward_delta(x, delta)


def make_net():
    return nn.Sequential(
        nn.Linear(3, 5, rng=0, dtype=np.float64), nn.TanH(),
        nn.Sequential(nn.Linear(5, 4, rng=1, dtype=np.float64), nn.Sigmoid()),
        nn.Linear(4, 2, rng=2, dtype=np.float64),
    )


def test_sequential_gradients_follow_an_input_changed_in_place(rng):
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    net, fresh = make_net(), make_net()
    net(x)
    x += 1
    net.backward_update_gradient(x, delta)
    fresh.backward_update_gradient(x.copy(), delta)
    for (_, _, got), (_, _, expected) in zip(net.named_parameters(),
                                             fresh.named_parameters()):
        np.testing.assert_allclose(got, expected, **F64)
    np.testing.assert_allclose(
        net.backward_delta(x, delta), fresh.backward_delta(x.copy(), delta), **F64
    )


def test_nested_sequential_backward_equals_the_flat_chain(rng):
    x, delta = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    net = make_net()
    flat = nn.Sequential(
        nn.Linear(3, 5, rng=0, dtype=np.float64), nn.TanH(),
        nn.Linear(5, 4, rng=1, dtype=np.float64), nn.Sigmoid(),
        nn.Linear(4, 2, rng=2, dtype=np.float64),
    )
    net(x)
    flat(x)
    np.testing.assert_allclose(net.backward(delta), flat.backward(delta), **F64)
    for (_, _, got), (_, _, expected) in zip(net.named_parameters(),
                                             flat.named_parameters()):
        np.testing.assert_allclose(got, expected, **F64)


LOSSES = {
    "MSELoss": (nn.MSELoss, lambda r: r.standard_normal((4, 3)),
                lambda r: r.standard_normal((4, 3))),
    "BCELoss": (nn.BCELoss, lambda r: r.random((4, 3)),
                lambda r: r.uniform(0.1, 0.5, (4, 3))),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, lambda r: r.random((4, 3)),
                          lambda r: r.standard_normal((4, 3))),
    "CELoss, indices": (nn.CELoss, lambda r: r.integers(0, 3, 4),
                        lambda r: r.standard_normal((4, 3))),
    "CELoss, one-hot": (nn.CELoss, lambda r: nn.one_hot(r.integers(0, 3, 4), 3),
                        lambda r: r.standard_normal((4, 3))),
    "HingeLoss": (nn.HingeLoss, lambda r: 2.0 * r.integers(0, 2, (4, 3)) - 1,
                  lambda r: r.standard_normal((4, 3))),
}


@pytest.mark.parametrize("triple", LOSSES.values(), ids=LOSSES.keys())
def test_loss_gradient_follows_a_yhat_changed_in_place(triple, rng):
    make, make_y, make_yhat = triple
    y, yhat = make_y(rng), make_yhat(rng)
    loss = make()
    loss(y, yhat)
    # The same array object, new values (still valid; not a constant shift, to
    # which CELoss is blind).
    yhat += 0.1 * np.arange(1, 4)
    expected = make().backward(y, yhat.copy())
    np.testing.assert_allclose(loss.backward(y, yhat), expected, **F64)


@pytest.mark.parametrize("triple", LOSSES.values(), ids=LOSSES.keys())
def test_loss_gradient_follows_targets_changed_in_place(triple, rng):
    make, make_y, make_yhat = triple
    y, yhat = make_y(rng), make_yhat(rng)
    loss = make()
    loss(y, yhat)
    y[...] = make_y(np.random.default_rng(99))
    expected = make().backward(y.copy(), yhat)
    np.testing.assert_allclose(loss.backward(y, yhat), expected, **F64)
