"""predict: the output in evaluation mode, keeping nothing for a backward pass, so
that a network can run on a whole test set in one call."""
import tracemalloc

import numpy as np
import pytest

import diy_nn as nn


def _net():
    return nn.Sequential(nn.Linear(4, 6, rng=1, dtype=np.float64), nn.ReLU(),
                         nn.Dropout(0.5, rng=0), nn.Linear(6, 3, rng=2,
                                                             dtype=np.float64))


def test_predict_is_the_forward_pass_in_evaluation_mode(rng):
    net = _net()
    X = rng.standard_normal((5, 4))
    expected = net.eval()(X)
    net.train()
    np.testing.assert_array_equal(net.predict(X), expected)


@pytest.mark.parametrize("training", [True, False])
def test_predict_restores_the_mode_it_found(training, rng):
    net = _net().train(training)
    net.predict(rng.standard_normal((5, 4)))
    assert net.training is training and net[2].training is training


def test_predict_keeps_no_input_so_backward_says_to_call_forward(rng):
    net = _net()
    X = rng.standard_normal((5, 4))
    net.forward(X)
    net.predict(X)
    with pytest.raises(RuntimeError, match="Sequential.backward.*forward.*predict"):
        net.backward(np.ones((5, 3)))


def test_forward_after_predict_keeps_its_inputs_again(rng):
    net = _net().eval()
    X, delta = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    net.predict(X)
    net.forward(X)
    dX = net.backward(delta)
    np.testing.assert_allclose(dX, net.backward_delta(X, delta))


def test_a_failing_predict_leaves_forward_keeping_its_inputs(rng):
    net = _net()
    with pytest.raises(ValueError):
        net.predict(rng.standard_normal((5, 7)))            # 7 features, not 4
    net.forward(rng.standard_normal((5, 4)))
    assert net.backward(np.ones((5, 3))).shape == (5, 4)


def test_nested_chains_and_autoencoders_keep_nothing_either(rng):
    inner = nn.Sequential(nn.Linear(4, 4, rng=3), nn.TanH())
    net = nn.Sequential(inner, nn.Linear(4, 4, rng=4))
    ae = nn.AutoEncoder(nn.Sequential(nn.Linear(4, 2, rng=5), nn.TanH()),
                        nn.Sequential(nn.Linear(2, 4, rng=6)))
    X = rng.standard_normal((3, 4))
    net.predict(X)
    ae.predict(X)
    assert net._inputs is None and inner._inputs is None
    with pytest.raises(RuntimeError, match="AutoEncoder.backward.*predict"):
        ae.backward(np.ones((3, 4)))


def _peak_bytes(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_predict_needs_the_memory_of_two_layers_not_of_the_whole_chain(rng):
    # Twelve layers, each output 1000 x 200 float32 numbers (800 kB): forward
    # keeps every input; predict frees each output once the next layer has it.
    net = nn.Sequential(*[nn.Linear(200, 200, rng=i) for i in range(12)])
    X = rng.standard_normal((1000, 200)).astype(np.float32)
    layer = X.nbytes
    forward_peak = _peak_bytes(lambda: net.forward(X))
    net._inputs = None
    predict_peak = _peak_bytes(lambda: net.predict(X))
    assert forward_peak > 10 * layer
    assert predict_peak < 3 * layer


def test_evaluate_predicts_so_a_network_keeps_nothing_after_it(rng):
    net = _net()
    X, y = rng.standard_normal((20, 4)), rng.integers(0, 3, 20)
    nn.evaluate(net, nn.CELoss(), X, y, batch_size=7)
    assert net._inputs is None and net.training
