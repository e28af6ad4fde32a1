"""Training: update rules, :class:`Optim` (one step) and :func:`SGD` (the loop).

An update rule changes the parameters from their gradients. It only needs
``net.parameters()``, so momentum and Adam work with every module unchanged.
"""
import math
import time

import numpy as np

from .errors import (
    DivergenceError, NonFiniteInputError, check_nonnegative, check_positive_int,
    check_probability, check_rate,
)
from .metrics import accuracy
from .module import Loss, Module
from .sequential import Sequential


class GradientDescent:
    """``p -= lr * g``: the course's ``update_parameters``
    (chapter "Sequential", equation (4))."""

    def update(self, net, lr):
        net.update_parameters(lr)

    def __repr__(self):
        return "GradientDescent()"


class Momentum:
    """Heavy-ball momentum, PyTorch's convention: ``v = momentum * v + g; p -= lr * v``
    (chapter "Sequential", equation (7))."""

    def __init__(self, momentum=0.9):
        self.momentum = check_probability("Momentum", "momentum", momentum)
        self._velocity = None

    def __repr__(self):
        return f"Momentum(momentum={self.momentum})"

    def update(self, net, lr):
        pairs = list(net.parameters())
        if self._velocity is None:
            self._velocity = [np.zeros_like(p) for p, _ in pairs]
        for (p, g), v in zip(pairs, self._velocity):
            v *= self.momentum
            v += g
            p -= lr * v


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, as ``torch.optim.Adam``
    (chapter "Sequential", equations (8) to (10)).

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``p -= lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - b1^t)``,
    ``v_hat = v / (1 - b2^t)``.
    """

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = check_probability("Adam", "beta1", beta1)
        self.beta2 = check_probability("Adam", "beta2", beta2)
        self.eps = check_rate("Adam", "eps", eps)
        self._m = self._v = None
        self._t = 0

    def __repr__(self):
        return f"Adam(beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"

    def update(self, net, lr):
        pairs = list(net.parameters())
        if self._m is None:
            self._m = [np.zeros_like(p) for p, _ in pairs]
            self._v = [np.zeros_like(p) for p, _ in pairs]
        self._t += 1
        c1 = 1 - self.beta1**self._t
        c2 = 1 - self.beta2**self._t
        for (p, g), m, v in zip(pairs, self._m, self._v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= (lr / c1) * m / (np.sqrt(v / c2) + self.eps)


RULES = {"sgd": GradientDescent, "momentum": Momentum, "adam": Adam}


def check_net_and_loss(owner, net, loss):
    """TypeError unless ``net`` is a :class:`Module` and ``loss`` a :class:`Loss`."""
    if not isinstance(net, Module):
        raise TypeError(f"{owner}: expected net to be a Module, got {net!r}")
    if not isinstance(loss, Loss):
        hint = " (an instance, such as MSELoss())" if isinstance(loss, type) else ""
        raise TypeError(f"{owner}: expected loss to be a Loss{hint}, got {loss!r}")


def make_rule(rule):
    """An update rule from its name (``"sgd"``, ``"momentum"``, ``"adam"``)
    or itself."""
    if isinstance(rule, str):
        if rule not in RULES:
            raise ValueError(f"Optim: expected rule in {sorted(RULES)}, got {rule!r}")
        return RULES[rule]()
    if not hasattr(rule, "update"):
        raise TypeError(
            f"Optim: an update rule needs an update(net, lr) method, got {rule!r}"
        )
    return rule


class Optim:
    """``Optim(net, loss, eps)``: one call of :meth:`step` is one step of training.

    ``rule`` is ``"sgd"`` (plain gradient descent, the default), ``"momentum"``,
    ``"adam"`` or an update-rule object; ``weight_decay`` adds ``weight_decay * p``
    to every gradient (L2 regularisation).
    """

    def __init__(self, net, loss, eps=1e-3, rule="sgd", weight_decay=0.0):
        check_net_and_loss("Optim", net, loss)
        self.net, self.loss = net, loss
        self.eps = check_rate("Optim", "the learning rate eps", eps)
        self.rule = make_rule(rule)
        self.weight_decay = check_nonnegative("Optim", "weight_decay", weight_decay)
        self.last_output = None

    def _diverged(self, what):
        return DivergenceError(
            f"Optim: {what} with learning rate eps={self.eps:g}: training diverged. "
            f"Try a smaller learning rate, such as eps={self.eps / 10:g}."
        )

    def step(self, batch_x, batch_y):
        """Forward, loss, backward and update on one batch; returns the batch's
        mean loss.

        Raises :class:`~diy_nn.errors.DivergenceError` when the loss is NaN or infinite.
        """
        # A too-large learning rate overflows before the loss turns inf: the
        # DivergenceError below says so more clearly than NumPy's warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._step(batch_x, batch_y)

    def check_parameters(self):
        """Raise :class:`~diy_nn.errors.DivergenceError` if a parameter is NaN or
        infinite."""
        if not all(np.isfinite(p).all() for p, _ in self.net.parameters()):
            raise self._diverged("a parameter became NaN or infinite")

    def _step(self, batch_x, batch_y):
        net = self.net
        net.zero_grad()
        try:
            yhat = net.forward(batch_x)
        except NonFiniteInputError as e:
            if np.isnan(np.asarray(batch_x, dtype=float)).any():
                raise
            raise self._diverged("a layer's output became NaN") from e
        mean_loss = float(self.loss.forward(batch_y, yhat).mean())
        if not math.isfinite(mean_loss):
            raise self._diverged(f"the loss became {mean_loss}")
        delta = self.loss.backward(batch_y, yhat)
        if getattr(type(net), "backward", None) is Sequential.backward:
            # Training needs no dL/dinput: skip the first module's backward_delta.
            net.backward(delta, input_gradient=False)
        elif hasattr(net, "backward"):
            net.backward(delta)
        else:
            net.backward_update_gradient(batch_x, delta)
        if self.weight_decay:
            for p, g in net.parameters():
                g += self.weight_decay * p
        # No look for NaN in the parameters here, to keep the step cheap: a
        # parameter gone bad makes the next loss NaN or inf. SGD checks them
        # after each epoch, so the last step cannot go unnoticed.
        self.rule.update(net, self.eps)
        self.last_output = yhat
        return mean_loss


class History(dict):
    """What :func:`SGD` records, one entry per epoch: lists under the keys
    ``"epoch"``, ``"loss"``, ``"time"`` (seconds since the start), and, when asked
    for, ``"val_loss"``, the metric (``"accuracy"``) and ``"val_accuracy"``.
    Keys can be read as attributes: ``history.loss``.

    ``loss`` (and the training metric) is the running mean of the epoch: the mean,
    weighted by batch size, of the batch losses during the epoch, each computed
    *before* that batch's update step (the by-product of the steps, free; what
    Keras reports). With full-batch training (one step an epoch), ``loss[k]`` is
    thus the loss of the parameters after ``k`` steps, before step ``k + 1``:
    ``loss[0]`` is the untrained network's. ``val_loss`` and ``val_accuracy`` are
    computed after the epoch's last step, on the parameters at the end of the
    epoch. For the training loss at the end of an epoch, call :func:`evaluate`.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def evaluate(net, loss, X, Y, metric=None, batch_size=4096):
    """Mean loss (and metric) of ``net`` on ``(X, Y)`` in evaluation mode, by chunks
    of ``batch_size``; returns ``(loss, metric or None)``."""
    check_net_and_loss("evaluate", net, loss)
    batch_size = check_positive_int("evaluate", "batch_size", batch_size)
    if len(X) == 0:
        raise ValueError("evaluate: expected at least one example, got none")
    was_training = net.training
    net.eval()
    try:
        outputs = [net.forward(X[i:i + batch_size])
                   for i in range(0, len(X), batch_size)]
    finally:
        net.train(was_training)
    yhat = np.concatenate(outputs)
    value = float(loss.forward(Y, yhat).mean())
    return (value, metric(Y, yhat)) if metric else (value, None)


def _metric(metric):
    if metric is None or callable(metric):
        return metric
    if metric == "accuracy":
        return accuracy
    raise ValueError(
        f"SGD: expected metric None, 'accuracy' or a function f(y, yhat), "
        f"got {metric!r}"
    )


def SGD(net, loss, X, Y, batch_size=32, epochs=10, eps=1e-3, rule="sgd",
        weight_decay=0.0, validation_data=None, metric=None, iterations=None,
        shuffle=True, rng=None, progress=True, optim=None):
    """Mini-batch training of ``net`` on ``(X, Y)``; returns a :class:`History`.

    ``history.loss`` holds, for each epoch, the mean of the batch losses during
    the epoch, each computed before that batch's step (see :class:`History`).

    Each epoch visits every example once, in shuffled batches of ``batch_size``
    (``batch_size=len(X)`` is full-batch gradient descent, ``1`` is stochastic).
    ``iterations``, when given, stops after that many steps instead. ``metric``
    (``"accuracy"`` or ``f(y, yhat)``) is recorded per epoch on the training
    batches and on ``validation_data=(X_val, Y_val)``. ``rng`` seeds the shuffling.
    ``progress`` shows a bar (tqdm, when installed). Pass ``optim`` to go on with
    an existing :class:`Optim` (and its momentum or Adam state).

    Raises :class:`~diy_nn.errors.DivergenceError` (with ``.history``) when the
    loss turns NaN or infinite.
    """
    from .data import minibatches
    from .init import get_rng

    X, Y = np.asarray(X), np.asarray(Y)
    # One generator for the whole run: an int seed must not repeat each epoch's order.
    rng = get_rng(rng)
    if X.ndim == 0 or Y.ndim == 0:
        raise ValueError("SGD: expected X and Y batch first, got a scalar")
    if len(X) != len(Y):
        raise ValueError(f"SGD: X has {len(X)} examples but Y has {len(Y)}")
    if len(X) == 0:
        raise ValueError("SGD: expected at least one example, got none")
    batch_size = check_positive_int("SGD", "batch_size", batch_size)
    epochs = check_positive_int("SGD", "epochs", epochs)
    if iterations is not None:
        iterations = check_positive_int("SGD", "iterations", iterations)
    if validation_data is not None and (
        not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2
    ):
        raise TypeError(
            "SGD: expected validation_data to be a pair (X_val, Y_val), "
            f"got {type(validation_data).__name__}"
        )
    if optim is None:
        check_net_and_loss("SGD", net, loss)
        check_rate("SGD", "the learning rate eps", eps)
        optim = Optim(net, loss, eps, rule, weight_decay)
    elif not isinstance(optim, Optim):
        raise TypeError(f"SGD: expected optim to be an Optim, got {optim!r}")
    metric = _metric(metric)
    name = None if metric is None else getattr(metric, "__name__", "metric")
    batches_per_epoch = math.ceil(len(X) / batch_size)
    if iterations is not None:
        epochs = math.ceil(iterations / batches_per_epoch)
    history = History(epoch=[], loss=[], time=[])
    if validation_data is not None:
        history["val_loss"] = []
    if metric:
        history[name] = []
        if validation_data is not None:
            history["val_" + name] = []

    bar = _progress_bar(epochs, progress)
    start, steps = time.perf_counter(), 0
    net.train()
    try:
        for epoch in range(1, epochs + 1):
            total, seen, score = 0.0, 0, 0.0
            for xb, yb in minibatches(X, Y, batch_size, shuffle=shuffle, rng=rng):
                total += optim.step(xb, yb) * len(xb)
                if metric:
                    score += metric(yb, optim.last_output) * len(xb)
                seen += len(xb)
                steps += 1
                if iterations is not None and steps >= iterations:
                    break
            optim.check_parameters()
            history["epoch"].append(epoch)
            history["loss"].append(total / seen)
            if metric:
                history[name].append(score / seen)
            if validation_data is not None:
                val_loss, val_score = evaluate(
                    net, loss, *validation_data, metric=metric
                )
                history["val_loss"].append(val_loss)
                if metric:
                    history["val_" + name].append(val_score)
            history["time"].append(time.perf_counter() - start)
            if bar is not None:
                bar.update(1)
                bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.items()
                                 if k not in ("epoch", "time")})
    except DivergenceError as e:
        raise DivergenceError(f"SGD, epoch {epoch}: {e}", history) from None
    finally:
        if bar is not None:
            bar.close()
    return history


def _progress_bar(epochs, progress):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", leave=False)
