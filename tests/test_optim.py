"""Training: Optim.step, the update rules (against torch.optim), and the SGD loop."""
import math
import re
import warnings

import numpy as np
import pytest

import diy_nn as nn
from diy_nn.optim import evaluate

F64 = dict(rtol=1e-12, atol=1e-14)


def _mlp(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(3, 5, rng=rng, dtype=dtype), nn.TanH(),
                         nn.Linear(5, 4, rng=rng, dtype=dtype))


def _classification(rng, n=24):
    return rng.standard_normal((n, 3)), rng.integers(0, 4, n)


def _regression(rng, n=24):
    X = rng.standard_normal((n, 3))
    return X, X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3


class Recorder(nn.Linear):
    """A Linear that remembers the inputs of every forward, to see what SGD feeds it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def forward(self, X):
        self.seen.append(np.array(X))
        return super().forward(X)


# ---------------------------------------------------------------- Optim.step


def test_step_returns_the_mean_loss_of_the_batch_before_the_update(rng):
    net, loss = _mlp(), nn.CELoss()
    X, y = _classification(rng)
    expected = loss.forward(y, net.forward(X)).mean()
    assert nn.Optim(net, loss, eps=0.1).step(X, y) == pytest.approx(expected, rel=1e-14)


def test_one_step_on_a_linear_layer_equals_the_hand_computed_step(rng):
    module = nn.Linear(3, 1, rng=0, dtype=np.float64)
    X, y = _regression(rng)
    W, b, eps = module._parameters["W"].copy(), module._parameters["b"].copy(), 0.05
    residual = X @ W + b - y                  # MSE: per example sum of squares, mean over batch
    grad_W = X.T @ (2 * residual) / len(X)
    grad_b = (2 * residual).sum(axis=0) / len(X)
    nn.Optim(module, nn.MSELoss(), eps=eps).step(X, y)
    np.testing.assert_allclose(module._parameters["W"], W - eps * grad_W, **F64)
    np.testing.assert_allclose(module._parameters["b"], b - eps * grad_b, **F64)


def test_step_zeroes_the_gradients_first_so_steps_do_not_accumulate(rng):
    net, loss = _mlp(), nn.CELoss()
    X, y = _classification(rng)
    optim = nn.Optim(net, loss, eps=0.1)
    optim.step(X, y)
    optim.step(X, y)
    # The gradient left after step 2 is the gradient at the parameters before step 2, of that batch only.
    net2 = _mlp()
    nn.Optim(net2, loss, eps=0.1).step(X, y)
    net2.zero_grad()
    net2.backward(loss.backward(y, net2.forward(X)))
    for (_, g), (_, g2) in zip(net.parameters(), net2.parameters()):
        np.testing.assert_allclose(g, g2, **F64)


def test_step_records_the_last_output(rng):
    net = _mlp()
    X, y = _classification(rng)
    optim = nn.Optim(net, nn.CELoss())
    expected = net.forward(X)
    optim.step(X, y)
    np.testing.assert_allclose(optim.last_output, expected, **F64)


def test_step_reduces_the_loss_with_a_small_learning_rate(rng):
    net, loss = _mlp(), nn.CELoss()
    X, y = _classification(rng)
    optim = nn.Optim(net, loss, eps=0.1)
    first = optim.step(X, y)
    for _ in range(20):
        last = optim.step(X, y)
    assert last < first


@pytest.mark.parametrize("rule", ["sgd", nn.GradientDescent()], ids=["name", "object"])
def test_plain_rule_is_update_parameters(rule, rng):
    X, y = _classification(rng)
    a, b = _mlp(), _mlp()
    nn.Optim(a, nn.CELoss(), eps=0.3, rule=rule).step(X, y)
    b.backward(nn.CELoss().backward(y, b.forward(X)))
    b.update_parameters(0.3)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)


def test_optim_rejects_a_rule_without_update():
    with pytest.raises(TypeError, match=r"Optim: an update rule needs an update\(net, eps\) method"):
        nn.Optim(_mlp(), nn.CELoss(), rule=object())


def test_weight_decay_adds_decay_times_parameter_to_the_gradient(rng):
    X, y = _classification(rng)
    a, b = _mlp(), _mlp()
    nn.Optim(a, nn.CELoss(), eps=0.3, weight_decay=0.01).step(X, y)
    b.backward(nn.CELoss().backward(y, b.forward(X)))
    for p, g in b.parameters():
        p -= 0.3 * (g + 0.01 * p)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, **F64)


# ---------------------------------------------------------------- against torch.optim


def _torch_copy(torch, net):
    layers = []
    for m in net:
        if isinstance(m, nn.Linear):
            layer = torch.nn.Linear(m.in_features, m.out_features, dtype=torch.float64)
            with torch.no_grad():
                layer.weight.copy_(torch.tensor(m._parameters["W"].T))
                layer.bias.copy_(torch.tensor(m._parameters["b"]))
            layers.append(layer)
        else:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


RULES = {
    "sgd": (lambda: dict(rule="sgd"), lambda t, p, lr, wd: t.optim.SGD(p, lr=lr, weight_decay=wd)),
    "momentum": (lambda: dict(rule="momentum"),
                 lambda t, p, lr, wd: t.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=wd)),
    "momentum(0.5)": (lambda: dict(rule=nn.Momentum(0.5)),
                      lambda t, p, lr, wd: t.optim.SGD(p, lr=lr, momentum=0.5, weight_decay=wd)),
    "adam": (lambda: dict(rule="adam"), lambda t, p, lr, wd: t.optim.Adam(p, lr=lr, weight_decay=wd)),
    "adam(0.8, 0.99)": (lambda: dict(rule=nn.Adam(beta1=0.8, beta2=0.99, stabiliser=1e-6)),
                        lambda t, p, lr, wd: t.optim.Adam(p, lr=lr, betas=(0.8, 0.99), eps=1e-6,
                                                          weight_decay=wd)),
}


@pytest.mark.parametrize("weight_decay", [0.0, 0.01], ids=["no-decay", "decay"])
@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_update_rule_equals_torch_optim_over_several_steps(rule, weight_decay, torch, rng):
    kwargs, make_torch_optim = rule
    net = _mlp()
    model = _torch_copy(torch, net)
    optim = nn.Optim(net, nn.CELoss(), eps=0.05, weight_decay=weight_decay, **kwargs())
    reference = make_torch_optim(torch, model.parameters(), 0.05, weight_decay)
    X, y = _classification(rng, n=40)
    for step in range(6):
        batch = slice(8 * (step % 5), 8 * (step % 5) + 8)  # a different mini-batch each step
        loss = optim.step(X[batch], y[batch])
        reference.zero_grad()
        torch_loss = torch.nn.functional.cross_entropy(model(torch.tensor(X[batch])), torch.tensor(y[batch]))
        torch_loss.backward()
        reference.step()
        assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
        for layer, torch_layer in zip(net[::2], model[::2]):
            np.testing.assert_allclose(layer._parameters["W"], torch_layer.weight.detach().numpy().T, **F64)
            np.testing.assert_allclose(layer._parameters["b"], torch_layer.bias.detach().numpy(), **F64)


def test_momentum_first_step_is_a_plain_step(rng):
    X, y = _classification(rng)
    a, b = _mlp(), _mlp()
    nn.Optim(a, nn.CELoss(), eps=0.1, rule="momentum").step(X, y)
    nn.Optim(b, nn.CELoss(), eps=0.1).step(X, y)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, **F64)


def test_adam_first_step_moves_every_parameter_by_about_the_learning_rate(rng):
    X, y = _classification(rng)
    net = _mlp()
    before = [p.copy() for p, _ in net.parameters()]
    nn.Optim(net, nn.CELoss(), eps=0.01, rule="adam").step(X, y)
    for b, (p, g) in zip(before, net.parameters()):
        moved = np.abs(p - b)[np.abs(g) > 1e-6]
        np.testing.assert_allclose(moved, 0.01, rtol=1e-3)


# ---------------------------------------------------------------- SGD solves problems


def test_sgd_solves_xor_with_100_percent_training_accuracy():
    # Clouds 8 standard deviations apart: every point lies in its own quadrant, so 100 % is reachable.
    X, y = nn.four_gaussians(200, distance=4.0, sigma=0.5, rng=0)
    assert ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int).tolist() == y.tolist()
    net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.TanH(), nn.Linear(8, 2, rng=1))
    history = nn.SGD(net, nn.CELoss(), X, y, batch_size=16, epochs=60, eps=0.1, metric="accuracy",
                     rng=0, progress=False)
    assert nn.accuracy(y, net.forward(X)) == 1.0
    assert history.loss[-1] < 0.05


def test_sgd_solves_xor_with_a_sigmoid_output_and_bceloss():
    X, y = nn.four_gaussians(200, distance=4.0, sigma=0.5, rng=1)
    net = nn.Sequential(nn.Linear(2, 8, rng=2), nn.TanH(), nn.Linear(8, 1, rng=3), nn.Sigmoid())
    nn.SGD(net, nn.BCELoss(), X, y.reshape(-1, 1).astype(np.float32), batch_size=16, epochs=80,
           eps=0.5, rng=0, progress=False)
    assert nn.accuracy(y, net.forward(X)) == 1.0


def test_a_linear_model_cannot_solve_xor():
    X, y = nn.four_gaussians(200, distance=4.0, sigma=0.5, rng=0)
    net = nn.Linear(2, 2, rng=0)
    nn.SGD(net, nn.CELoss(), X, y, batch_size=16, epochs=30, eps=0.1, rng=0, progress=False)
    assert nn.accuracy(y, net.forward(X)) < 0.8


def test_sgd_on_two_gaussians_gets_within_3_points_of_the_bayes_accuracy():
    distance, sigma = 3.0, 1.0
    X, y = nn.two_gaussians(400, distance=distance, sigma=sigma, rng=0)
    X_test, y_test = nn.two_gaussians(2000, distance=distance, sigma=sigma, rng=1)
    net = nn.Sequential(nn.Linear(2, 1, rng=0), nn.Sigmoid())
    nn.SGD(net, nn.BCELoss(), X, y.reshape(-1, 1).astype(np.float32), batch_size=32, epochs=20,
           eps=0.5, rng=0, progress=False)
    bayes = 0.5 * (1 + math.erf(distance / (2 * sigma) / math.sqrt(2)))  # Phi(d / 2 sigma) = 93.3 %: the best possible
    assert nn.accuracy(y_test, net.forward(X_test)) > bayes - 0.03


def test_sgd_fits_a_line():
    x, y = nn.linear_1d(200, a=3.0, b=4.0, noise=0.1, rng=0)
    module = nn.Linear(1, 1, rng=0)
    nn.SGD(module, nn.MSELoss(), x, y, batch_size=20, epochs=50, eps=0.05, rng=0, progress=False)
    assert module._parameters["W"][0, 0] == pytest.approx(3.0, abs=0.05)
    assert module._parameters["b"][0] == pytest.approx(4.0, abs=0.05)


# ---------------------------------------------------------------- SGD: the loop


def _train(seed=0, **kwargs):
    X, y = nn.four_gaussians(120, rng=5)
    net = nn.Sequential(nn.Linear(2, 6, rng=seed), nn.TanH(), nn.Linear(6, 2, rng=seed + 1))
    options = dict(batch_size=16, epochs=4, eps=0.1, rng=seed, progress=False)
    options.update(kwargs)
    return net, nn.SGD(net, nn.CELoss(), X, y, **options)


@pytest.mark.parametrize("rule", ["sgd", "momentum", "adam"])
def test_the_same_seed_gives_bitwise_the_same_parameters_and_history(rule):
    net1, h1 = _train(rule=rule, metric="accuracy")
    net2, h2 = _train(rule=rule, metric="accuracy")
    for (p, _), (q, _) in zip(net1.parameters(), net2.parameters()):
        assert np.array_equal(p, q)
    assert {k: v for k, v in h1.items() if k != "time"} == {k: v for k, v in h2.items() if k != "time"}


def test_another_seed_gives_another_result():
    (net1, _), (net2, _) = _train(seed=0), _train(seed=3)
    assert not np.array_equal(next(net1.parameters())[0], next(net2.parameters())[0])


def test_the_same_seed_gives_the_same_result_through_manual_seed():
    X, y = nn.four_gaussians(60, rng=5)

    def run():
        nn.manual_seed(42)
        net = nn.Sequential(nn.Linear(2, 4), nn.TanH(), nn.Linear(4, 2))
        return nn.SGD(net, nn.CELoss(), X, y, batch_size=8, epochs=2, eps=0.1, progress=False).loss

    assert run() == run()


def test_sgd_reshuffles_every_epoch_with_an_int_seed():
    X = np.arange(12.0).reshape(12, 1)
    module = Recorder(1, 1, rng=0)
    nn.SGD(module, nn.MSELoss(), X, X, batch_size=4, epochs=2, eps=1e-3, rng=0, progress=False)
    first, second = np.concatenate(module.seen[:3]), np.concatenate(module.seen[3:6])
    assert sorted(first[:, 0]) == sorted(second[:, 0]) == list(range(12))
    assert not np.array_equal(first, second)


def test_sgd_without_shuffle_visits_the_data_in_order():
    X = np.arange(10.0).reshape(10, 1)
    module = Recorder(1, 1, rng=0)
    nn.SGD(module, nn.MSELoss(), X, X, batch_size=4, epochs=1, shuffle=False, progress=False)
    assert [len(b) for b in module.seen] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate(module.seen), X)


def test_history_keys_and_lengths_without_validation_or_metric():
    _, history = _train(epochs=3)
    assert isinstance(history, nn.History)
    assert set(history) == {"epoch", "loss", "time"}
    assert history["epoch"] == [1, 2, 3]
    assert all(len(v) == 3 for v in history.values())
    assert history.loss is history["loss"]
    assert all(isinstance(v, float) for v in history.loss)
    assert history.time == sorted(history.time) and history.time[0] >= 0


def test_history_keys_and_lengths_with_validation_and_accuracy():
    X_val, y_val = nn.four_gaussians(40, rng=9)
    _, history = _train(epochs=3, metric="accuracy", validation_data=(X_val, y_val))
    assert set(history) == {"epoch", "loss", "time", "val_loss", "accuracy", "val_accuracy"}
    assert all(len(v) == 3 for v in history.values())
    assert all(0 <= a <= 1 for a in history.accuracy + history.val_accuracy)


def test_history_uses_the_name_of_a_metric_function():
    def error_rate(y, yhat):
        return 1 - nn.accuracy(y, yhat)

    X_val, y_val = nn.four_gaussians(40, rng=9)
    _, history = _train(epochs=2, metric=error_rate, validation_data=(X_val, y_val))
    assert set(history) == {"epoch", "loss", "time", "val_loss", "error_rate", "val_error_rate"}


def test_history_attribute_for_a_missing_key_raises_attribute_error():
    _, history = _train(epochs=1)
    with pytest.raises(AttributeError):
        history.val_loss


def test_epoch_loss_is_the_example_weighted_mean_of_the_batch_losses():
    X = np.arange(10.0).reshape(10, 1)
    module = nn.Linear(1, 1, rng=0, dtype=np.float64)
    W, b = module._parameters["W"].copy(), module._parameters["b"].copy()
    history = nn.SGD(module, nn.MSELoss(), X, 2 * X, batch_size=4, epochs=1, eps=1e-3, shuffle=False,
                     progress=False)
    replay = nn.Linear(1, 1, dtype=np.float64)
    replay._parameters["W"][...], replay._parameters["b"][...] = W, b
    optim = nn.Optim(replay, nn.MSELoss(), eps=1e-3)
    losses = [optim.step(X[i:i + 4], 2 * X[i:i + 4]) * len(X[i:i + 4]) for i in (0, 4, 8)]
    assert history.loss[0] == pytest.approx(sum(losses) / 10, rel=1e-14)


def test_validation_loss_is_the_loss_of_the_trained_network_on_the_validation_data():
    X_val, y_val = nn.four_gaussians(40, rng=9)
    net, history = _train(epochs=2, metric="accuracy", validation_data=(X_val, y_val))
    val_loss, val_accuracy = evaluate(net, nn.CELoss(), X_val, y_val, metric=nn.accuracy)
    assert history.val_loss[-1] == pytest.approx(val_loss, rel=1e-6)
    assert history.val_accuracy[-1] == val_accuracy


def test_evaluate_by_chunks_equals_one_pass_and_restores_training_mode():
    X_val, y_val = nn.four_gaussians(50, rng=9)
    net, _ = _train(epochs=1)
    whole = evaluate(net, nn.CELoss(), X_val, y_val, metric=nn.accuracy)
    chunked = evaluate(net, nn.CELoss(), X_val, y_val, metric=nn.accuracy, batch_size=7)
    assert chunked[0] == pytest.approx(whole[0], rel=1e-6)
    assert chunked[1] == whole[1]
    assert net.training
    assert evaluate(net, nn.CELoss(), X_val, y_val)[1] is None


@pytest.mark.parametrize("iterations, epochs", [(1, 1), (5, 1), (8, 1), (9, 2), (20, 3)])
def test_iterations_stops_after_that_many_steps(iterations, epochs):
    X = np.arange(64.0).reshape(64, 1)  # 8 batches of 8 per epoch
    module = Recorder(1, 1, rng=0)
    history = nn.SGD(module, nn.MSELoss(), X, X, batch_size=8, iterations=iterations, eps=1e-4,
                     rng=0, progress=False)
    assert len(module.seen) == iterations
    assert history.epoch == list(range(1, epochs + 1))


def test_full_batch_sgd_equals_repeated_optim_steps(rng):
    X, y = _classification(rng)
    a, b = _mlp(), _mlp()
    history = nn.SGD(a, nn.CELoss(), X, y, batch_size=len(X), epochs=3, eps=0.2, progress=False)
    optim = nn.Optim(b, nn.CELoss(), eps=0.2)
    losses = [optim.step(X, y) for _ in range(3)]
    assert history.loss == pytest.approx(losses, rel=1e-12)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, **F64)


def test_passing_an_optim_continues_its_adam_state(rng):
    X, y = _classification(rng)
    a, b = _mlp(), _mlp()
    optim_a = nn.Optim(a, nn.CELoss(), eps=0.01, rule="adam")
    nn.SGD(a, nn.CELoss(), X, y, batch_size=len(X), epochs=2, optim=optim_a, progress=False)
    nn.SGD(a, nn.CELoss(), X, y, batch_size=len(X), epochs=2, optim=optim_a, progress=False)
    nn.SGD(b, nn.CELoss(), X, y, batch_size=len(X), epochs=4, eps=0.01, rule="adam", progress=False)
    for (p, _), (q, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, **F64)


def test_progress_bar_does_not_change_the_result(capsys):
    _, quiet = _train(epochs=2, progress=False)
    _, shown = _train(epochs=2, progress=True)
    assert quiet.loss == shown.loss


# ---------------------------------------------------------------- divergence


def _diverge(eps=3.0):
    # Least squares on standard-normal inputs: any learning rate above 1 diverges, here by
    # a factor of about 5 per step, so the float32 loss overflows after a few epochs.
    X, y = _regression(np.random.default_rng(0), n=64)
    net = nn.Linear(3, 1, rng=0)
    with np.errstate(all="ignore"):
        return nn.SGD(net, nn.MSELoss(), X, y, batch_size=16, epochs=50, eps=eps, rng=0, progress=False)


def test_sgd_with_a_huge_learning_rate_raises_divergence_error_suggesting_a_smaller_one():
    with pytest.raises(nn.DivergenceError, match=r"SGD, epoch \d+: .*eps=3: training diverged\. Try a smaller learning rate, such as eps=0\.3"):
        _diverge()


def test_divergence_error_carries_the_history_of_the_epochs_before():
    with pytest.raises(nn.DivergenceError) as info:
        _diverge()
    history = info.value.history
    assert isinstance(history, nn.History)
    failed_epoch = int(re.search(r"epoch (\d+)", str(info.value)).group(1))
    assert history.epoch == list(range(1, failed_epoch))
    assert len(history.loss) == failed_epoch - 1 >= 2
    assert all(math.isfinite(v) for v in history.loss)
    assert history.loss == sorted(history.loss)  # growing: it diverged


def test_divergence_at_the_first_step_gives_an_empty_history():
    with pytest.raises(nn.DivergenceError) as info:
        _diverge(eps=1e30)
    assert info.value.history.loss == []


def test_optim_step_raises_divergence_error_when_the_loss_is_not_finite():
    module = nn.Linear(1, 1, rng=0, dtype=np.float64)
    module._parameters["W"][...] = 1e200
    with np.errstate(all="ignore"):
        with pytest.raises(nn.DivergenceError, match=r"Optim: a value inside the network became NaN or infinite \(MSELoss: yhat contains \+inf \(first at index \(0, 0\)\)\) with learning rate eps=0\.1.*Try a smaller learning rate, such as eps=0\.01"):
            nn.Optim(module, nn.MSELoss(), eps=0.1).step(np.array([[1e200]]), np.array([[0.0]]))


def test_optim_step_diverging_gives_the_divergence_error_and_no_numpy_warning():
    module = nn.Linear(1, 1, rng=0, dtype=np.float32)
    module._parameters["W"][...] = 1e30
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # an overflow warning would fail the test
        with pytest.raises(nn.DivergenceError, match=r"MSELoss: yhat contains \+inf"):
            nn.Optim(module, nn.MSELoss(), eps=0.1).step(np.array([[1e10]]), np.array([[0.0]]))


def test_sgd_notices_a_parameter_gone_infinite_at_the_last_step_of_an_epoch():
    # One batch, one epoch: the loss of that step is finite; only the update overflows float32.
    X, y = _regression(np.random.default_rng(0), n=16)
    net = nn.Linear(3, 1, rng=0)
    with np.errstate(all="ignore"):
        with pytest.raises(nn.DivergenceError, match="SGD, epoch 1: Optim: a parameter became NaN or infinite"):
            nn.SGD(net, nn.MSELoss(), X, y, batch_size=16, epochs=1, eps=1e300, rng=0, progress=False)


def test_divergence_error_is_not_a_value_error():
    # Bad input is a ValueError; a diverging training run is a different problem.
    assert not issubclass(nn.DivergenceError, ValueError)


def test_nan_in_the_training_data_is_reported_as_bad_input_not_divergence():
    X = np.zeros((4, 3))
    X[1, 2] = np.nan
    with pytest.raises(nn.NonFiniteInputError, match="contains NaN"):
        nn.Optim(_mlp(), nn.CELoss()).step(X, np.zeros(4, dtype=int))


def test_nan_in_the_training_targets_is_reported_as_bad_input_not_divergence():
    X, y = _regression(np.random.default_rng(0))
    y[3, 0] = np.nan
    with pytest.raises(nn.NonFiniteInputError, match=r"SGD: Y contains NaN \(first at index \(3, 0\)\).*row.*The data is to blame, not the learning rate"):
        nn.SGD(nn.Linear(3, 1), nn.MSELoss(), X, y, progress=False)
