"""Training: update rules, :class:`Optim` (one step) and :func:`SGD` (the loop).

An update rule changes the parameters from their gradients. It only needs
``net.parameters()``, so momentum and Adam work with every module unchanged.
"""
import math
import time

import numpy as np

from .errors import (
    DivergenceError, NonFiniteInputError, as_real_array, check_finite,
    check_nonnegative, check_positive_int, check_probability, check_rate,
)
from .metrics import accuracy
from .module import Loss, Module
from .sequential import Sequential


class GradientDescent:
    """``p -= eps * g``: the course's ``update_parameters``, with ``eps`` the
    learning rate (chapter "Sequential", equation (4))."""

    def update(self, net, eps):
        net.update_parameters(eps)

    def __repr__(self):
        return "GradientDescent()"


class Momentum:
    """Heavy-ball momentum, PyTorch's convention: ``v = momentum * v + g;
    p -= eps * v``, with ``eps`` the learning rate (chapter "Sequential",
    equation (7))."""

    def __init__(self, momentum=0.9):
        self.momentum = check_probability("Momentum", "momentum", momentum)
        self._velocity = None

    def __repr__(self):
        return f"Momentum(momentum={self.momentum})"

    def update(self, net, eps):
        pairs = list(net.parameters())
        if self._velocity is None:
            self._velocity = [np.zeros_like(p) for p, _ in pairs]
        for (p, g), v in zip(pairs, self._velocity):
            v *= self.momentum
            v += g
            p -= eps * v


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, as ``torch.optim.Adam``
    (chapter "Sequential", equations (8) to (10)).

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``p -= eps * m_hat / (sqrt(v_hat) + stabiliser)`` with ``m_hat = m / (1 -
    b1^t)``, ``v_hat = v / (1 - b2^t)``; ``eps`` is the learning rate, which
    :class:`Optim` gives, and ``stabiliser`` the small number that keeps the
    division finite (PyTorch's ``eps``, 1e-8).
    """

    def __init__(self, beta1=0.9, beta2=0.999, stabiliser=1e-8, **renamed):
        if "eps" in renamed:
            raise TypeError(
                "Adam: eps is diy_nn's name for the learning rate, which Optim and "
                "SGD take (Optim(net, loss, eps, rule=Adam())); the small number "
                "added to Adam's denominator (PyTorch's eps) is called stabiliser: "
                "Adam(stabiliser=1e-8)"
            )
        if renamed:
            name = next(iter(renamed))
            hint = (": the learning rate goes to Optim or SGD, as eps" if name in (
                "lr", "learning_rate") else "")
            raise TypeError(f"Adam: unexpected argument {name!r}{hint}")
        self.beta1 = check_probability("Adam", "beta1", beta1)
        self.beta2 = check_probability("Adam", "beta2", beta2)
        self.stabiliser = check_rate("Adam", "stabiliser", stabiliser)
        self._m = self._v = None
        self._t = 0

    def __repr__(self):
        return (f"Adam(beta1={self.beta1}, beta2={self.beta2}, "
                f"stabiliser={self.stabiliser})")

    def update(self, net, eps):
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
            p -= (eps / c1) * m / (np.sqrt(v / c2) + self.stabiliser)


RULES = {"sgd": GradientDescent, "momentum": Momentum, "adam": Adam}

DATA_HINT = ("The data is to blame, not the learning rate: drop or fill the rows "
             "that hold missing or infinite values before training.")


def check_net_and_loss(owner, net, loss):
    """TypeError unless ``net`` is a :class:`Module` and ``loss`` a :class:`Loss`."""
    if not isinstance(net, Module):
        raise TypeError(f"{owner}: expected net to be a Module, got {net!r}")
    if not isinstance(loss, Loss):
        hint = " (an instance, such as MSELoss())" if isinstance(loss, type) else ""
        raise TypeError(f"{owner}: expected loss to be a Loss{hint}, got {loss!r}")


def check_no_other_arguments(owner, unexpected):
    """TypeError for keyword arguments ``owner`` does not take, with PyTorch's
    names for its own ones (``lr`` is ``eps``)."""
    if not unexpected:
        return
    name = next(iter(unexpected))
    hint = ""
    if name in ("lr", "learning_rate"):
        hint = (f": the learning rate is eps, the course's name, as in "
                f"{owner}(..., eps=0.1)")
    elif name in ("momentum", "betas"):
        hint = (": momentum and Adam are update rules, rule=Momentum(0.9) or "
                "rule=Adam(beta1=0.9, beta2=0.999)")
    raise TypeError(f"{owner}: unexpected argument {name}={unexpected[name]!r}{hint}")


def make_rule(rule):
    """An update rule from its name (``"sgd"``, ``"momentum"``, ``"adam"``)
    or itself."""
    if isinstance(rule, str):
        if rule not in RULES:
            raise ValueError(f"Optim: expected rule in {sorted(RULES)}, got {rule!r}")
        return RULES[rule]()
    if isinstance(rule, type):
        raise TypeError(f"Optim: expected an update rule, got the class "
                        f"{rule.__name__} itself: pass an instance, {rule.__name__}()")
    if not hasattr(rule, "update"):
        raise TypeError(
            f"Optim: an update rule needs an update(net, eps) method, got {rule!r}"
        )
    return rule


class Optim:
    """``Optim(net, loss, eps)``: one call of :meth:`step` is one step of training.

    ``net`` is a :class:`~diy_nn.Module`, ``loss`` a :class:`~diy_nn.Loss` (called
    as ``loss(y, yhat)``, targets first), ``eps`` the learning rate (the course's
    name; PyTorch's ``lr``), a number > 0.

    ``rule`` is how the gradients change the parameters: ``"sgd"`` (plain
    gradient descent, ``p -= eps * g``, the default), ``"momentum"`` (a
    :class:`Momentum` with its defaults), ``"adam"`` (an :class:`Adam` with its
    defaults), or an object with a method ``update(net, eps)``, such as
    ``Adam(beta1=0.8)``.
    ``weight_decay`` adds ``weight_decay * p`` to every gradient (L2
    regularisation).
    """

    def __init__(self, net, loss, eps=1e-3, rule="sgd", weight_decay=0.0,
                 **unexpected):
        check_no_other_arguments("Optim", unexpected)
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

    def _check_batch(self, batch_x, batch_y):
        """Raise :class:`~diy_nn.NonFiniteInputError` naming the batch when it holds
        NaN or infinity: then the data is to blame, not the learning rate."""
        for what, A in (("batch_x", batch_x), ("batch_y", batch_y)):
            A = np.asarray(A)
            if A.dtype.kind == "f":
                check_finite("Optim.step", A, what, hint=DATA_HINT)

    def _step(self, batch_x, batch_y):
        if len(batch_x) == 0:
            raise ValueError("Optim.step: expected a batch of at least one example, "
                             "got none")
        net = self.net
        net.zero_grad()
        try:
            yhat = net.forward(batch_x)
            mean_loss = float(self.loss.forward(batch_y, yhat).mean())
            if not math.isfinite(mean_loss):
                raise self._diverged(f"the loss became {mean_loss}")
            delta = self.loss.backward(batch_y, yhat)
            if getattr(type(net), "backward", None) is Sequential.backward:
                # Training needs no dL/dinput: skip the first module's
                # backward_delta.
                net.backward(delta, input_gradient=False)
            elif hasattr(net, "backward"):
                net.backward(delta)
            else:
                net.backward_update_gradient(batch_x, delta)
        except NonFiniteInputError as e:
            # A layer met NaN or infinity: in the data, or made by the network.
            self._check_batch(batch_x, batch_y)
            where = str(e).split(";")[0]
            raise self._diverged(f"a value inside the network became NaN or "
                                 f"infinite ({where})") from e
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
            hint = " (SGD records it when given metric=...)" if name in (
                "accuracy", "val_accuracy") else ""
            raise AttributeError(f"History has no {name!r}{hint}; it holds "
                                 f"{', '.join(self)}") from None


def evaluate(net, loss, X, Y, metric=None, batch_size=4096):
    """Mean loss (and metric) of ``net`` on ``(X, Y)`` in evaluation mode, by chunks
    of ``batch_size``; returns ``(loss, metric or None)``. ``metric`` is None,
    ``"accuracy"`` or a function ``f(y, yhat)``, as for :func:`SGD`."""
    check_net_and_loss("evaluate", net, loss)
    metric = _metric("evaluate", metric)
    batch_size = check_positive_int("evaluate", "batch_size", batch_size)
    if len(X) == 0:
        raise ValueError("evaluate: expected at least one example, got none")
    # predict: evaluation mode, and nothing kept for a backward pass.
    yhat = np.concatenate([net.predict(X[i:i + batch_size])
                           for i in range(0, len(X), batch_size)])
    value = float(loss.forward(Y, yhat).mean())
    return (value, metric(Y, yhat)) if metric else (value, None)


def _metric(owner, metric):
    """``metric`` as a function ``f(y, yhat)`` (or None): ``"accuracy"`` names
    :func:`~diy_nn.accuracy`."""
    if metric is None or callable(metric):
        return metric
    if isinstance(metric, str) and metric == "accuracy":
        return accuracy
    raise ValueError(
        f"{owner}: expected metric None, 'accuracy' or a function f(y, yhat), "
        f"got {metric!r}"
    )


def check_data(owner, X, Y, names=("X", "Y")):
    """``X`` and ``Y`` as arrays with as many examples, batch first, holding no
    NaN or infinity (the error names the row) and no complex numbers."""
    arrays = []
    for name, A in zip(names, (X, Y)):
        A = np.asarray(A)
        if A.ndim == 0:
            raise ValueError(f"{owner}: expected {name} batch first, got a scalar")
        if A.dtype.kind not in "iubf":
            as_real_array(owner, A, what=name)     # raises, saying what A holds
        check_finite(owner, A, name, hint="Its first index is the row. " + DATA_HINT)
        arrays.append(A)
    X, Y = arrays
    if len(X) != len(Y):
        raise ValueError(f"{owner}: {names[0]} has {len(X)} examples but "
                         f"{names[1]} has {len(Y)}")
    if len(X) == 0:
        raise ValueError(f"{owner}: expected at least one example, got none")
    return X, Y


def SGD(net, loss, X, Y, batch_size=32, epochs=10, eps=1e-3, rule="sgd",
        weight_decay=0.0, validation_data=None, metric=None, iterations=None,
        shuffle=True, rng=None, progress=True, optim=None, **unexpected):
    """Mini-batch training of ``net`` on ``(X, Y)`` with the learning rate ``eps``
    (the course's name; PyTorch's ``lr``); returns a :class:`History`.

    ``loss`` is called as ``loss(y, yhat)``, targets first. ``rule`` is ``"sgd"``
    (plain gradient descent, the default), ``"momentum"``, ``"adam"`` or an
    update-rule object, as for :class:`Optim`; ``weight_decay`` as there.
    ``history.loss`` holds, for each epoch, the mean of the batch losses during
    the epoch, each computed before that batch's step (see :class:`History`).

    Each epoch visits every example once, in shuffled batches of ``batch_size``
    (``batch_size=len(X)`` is full-batch gradient descent, ``1`` is stochastic).
    ``iterations``, when given, stops after that many steps instead. ``metric``
    (``"accuracy"`` or ``f(y, yhat)``) is recorded per epoch on the training
    batches and on ``validation_data=(X_val, Y_val)``. ``rng`` seeds the shuffling.
    ``progress`` shows a bar (tqdm, when installed). Pass ``optim`` to go on with
    an existing :class:`Optim` (and its momentum or Adam state).

    Data holding NaN or infinity is refused at once, naming the row.
    Raises :class:`~diy_nn.errors.DivergenceError` (with ``.history``) when the
    loss turns NaN or infinite.
    """
    from .data import minibatches
    from .init import get_rng

    check_no_other_arguments("SGD", unexpected)
    # Bad data is found here, once, naming its row: not as divergence later.
    X, Y = check_data("SGD", X, Y)
    # One generator for the whole run: an int seed must not repeat each epoch's order.
    rng = get_rng(rng)
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
    if validation_data is not None:
        validation_data = check_data("SGD", *validation_data, ("X_val", "Y_val"))
    if optim is None:
        check_net_and_loss("SGD", net, loss)
        check_rate("SGD", "the learning rate eps", eps)
        optim = Optim(net, loss, eps, rule, weight_decay)
    elif not isinstance(optim, Optim):
        raise TypeError(f"SGD: expected optim to be an Optim, got {optim!r}")
    metric = _metric("SGD", metric)
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
