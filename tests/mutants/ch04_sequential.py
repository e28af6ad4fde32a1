"""Chapter 4: Sequential (forward, backward), Optim.step, the update rules, SGD."""
import numpy as np

import diy_nn as nn

from . import mutant


@mutant("Sequential", "forward keeps the outputs of the modules, not their inputs")
def sequential_keeps_outputs():
    class Sequential(nn.Sequential):
        def forward(self, X):
            self._inputs = []
            for m in self.modules:
                X = m.forward(X)
                self._inputs.append(X)
            return X
    return Sequential


@mutant("Sequential", "backward runs the modules first to last")
def sequential_backward_in_order():
    class Sequential(nn.Sequential):
        def backward(self, delta, input_gradient=True):
            for m, X in zip(self.modules, self._inputs):
                m.backward_update_gradient(X, delta)
                delta = m.backward_delta(X, delta)
            return delta if input_gradient else None
    return Sequential


@mutant("Sequential", "backward forgets backward_update_gradient")
def sequential_backward_no_gradients():
    class Sequential(nn.Sequential):
        def backward(self, delta, input_gradient=True):
            for m, X in zip(reversed(self.modules), reversed(self._inputs)):
                delta = m.backward_delta(X, delta)
            return delta if input_gradient else None
    return Sequential


@mutant("Sequential", "backward returns None instead of dL/dX")
def sequential_backward_returns_none():
    class Sequential(nn.Sequential):
        def backward(self, delta, input_gradient=True):
            for m, X in zip(reversed(self.modules), reversed(self._inputs)):
                m.backward_update_gradient(X, delta)
                delta = m.backward_delta(X, delta)
    return Sequential


@mutant("Sequential", "backward never passes the new delta on")
def sequential_backward_same_delta():
    class Sequential(nn.Sequential):
        def backward(self, delta, input_gradient=True):
            for m, X in zip(reversed(self.modules), reversed(self._inputs)):
                m.backward_update_gradient(X, delta)
                m.backward_delta(X, delta)
            return delta if input_gradient else None
    return Sequential


@mutant("Optim", "step forgets zero_grad: gradients pile up from step to step")
def optim_no_zero_grad():
    class Optim(nn.Optim):
        def step(self, batch_x, batch_y):
            yhat = self.net.forward(batch_x)
            loss = self.loss.forward(batch_y, yhat).mean()
            self.net.backward(self.loss.backward(batch_y, yhat))
            self.rule.update(self.net, self.eps)
            self.last_output = yhat
            return float(loss)
    return Optim


@mutant("Optim", "step returns the sum of the losses, not their mean")
def optim_returns_sum():
    class Optim(nn.Optim):
        def step(self, batch_x, batch_y):
            self.net.zero_grad()
            yhat = self.net.forward(batch_x)
            loss = self.loss.forward(batch_y, yhat).sum()
            self.net.backward(self.loss.backward(batch_y, yhat))
            self.rule.update(self.net, self.eps)
            self.last_output = yhat
            return float(loss)
    return Optim


@mutant("Optim", "step ignores the rule: plain update_parameters")
def optim_ignores_rule():
    class Optim(nn.Optim):
        def step(self, batch_x, batch_y):
            self.net.zero_grad()
            yhat = self.net.forward(batch_x)
            loss = self.loss.forward(batch_y, yhat).mean()
            self.net.backward(self.loss.backward(batch_y, yhat))
            self.net.update_parameters(self.eps)
            self.last_output = yhat
            return float(loss)
    return Optim


@mutant("GradientDescent", "p += lr * g: a step up the gradient")
def gd_wrong_sign():
    class GradientDescent(nn.optim.GradientDescent):
        def update(self, net, lr):
            for p, g in net.parameters():
                p += lr * g
    return GradientDescent


@mutant("Momentum", "the velocity is a running mean, (1 - momentum) g")
def momentum_ema():
    class Momentum(nn.optim.Momentum):
        def update(self, net, lr):
            pairs = list(net.parameters())
            if self._velocity is None:
                self._velocity = [np.zeros_like(p) for p, _ in pairs]
            for (p, g), v in zip(pairs, self._velocity):
                v *= self.momentum
                v += (1 - self.momentum) * g
                p -= lr * v
    return Momentum


@mutant("Momentum", "the velocity is not kept between steps")
def momentum_forgets():
    class Momentum(nn.optim.Momentum):
        def update(self, net, lr):
            for p, g in net.parameters():
                v = self.momentum * np.zeros_like(p) + g
                p -= lr * v
    return Momentum


@mutant("Momentum", "momentum hard-coded to 0.9")
def momentum_hard_coded():
    class Momentum(nn.optim.Momentum):
        def update(self, net, lr):
            pairs = list(net.parameters())
            if self._velocity is None:
                self._velocity = [np.zeros_like(p) for p, _ in pairs]
            for (p, g), v in zip(pairs, self._velocity):
                v *= 0.9
                v += g
                p -= lr * v
    return Momentum


@mutant("Adam", "no bias correction")
def adam_no_correction():
    class Adam(nn.optim.Adam):
        def update(self, net, lr):
            pairs = list(net.parameters())
            if self._m is None:
                self._m = [np.zeros_like(p) for p, _ in pairs]
                self._v = [np.zeros_like(p) for p, _ in pairs]
            for (p, g), m, v in zip(pairs, self._m, self._v):
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                p -= lr * m / (np.sqrt(v) + self.stabiliser)
    return Adam


@mutant("Adam", "eps inside the square root")
def adam_eps_inside():
    class Adam(nn.optim.Adam):
        def update(self, net, lr):
            pairs = list(net.parameters())
            if self._m is None:
                self._m = [np.zeros_like(p) for p, _ in pairs]
                self._v = [np.zeros_like(p) for p, _ in pairs]
            self._t += 1
            c1, c2 = 1 - self.beta1 ** self._t, 1 - self.beta2 ** self._t
            for (p, g), m, v in zip(pairs, self._m, self._v):
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                p -= (lr / c1) * m / np.sqrt(v / c2 + self.stabiliser)
    return Adam


@mutant("Adam", "the step counter t never moves on")
def adam_t_fixed():
    class Adam(nn.optim.Adam):
        def update(self, net, lr):
            pairs = list(net.parameters())
            if self._m is None:
                self._m = [np.zeros_like(p) for p, _ in pairs]
                self._v = [np.zeros_like(p) for p, _ in pairs]
            c1, c2 = 1 - self.beta1, 1 - self.beta2
            for (p, g), m, v in zip(pairs, self._m, self._v):
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                p -= (lr / c1) * m / (np.sqrt(v / c2) + self.stabiliser)
    return Adam


def _sgd(order="shuffle", drop_last=False, unweighted=False, epochs_off=0):
    """An SGD loop with one mistake switched on."""
    def SGD(net, loss, X, Y, batch_size=32, epochs=10, eps=1e-3, rule="sgd",
            weight_decay=0.0, validation_data=None, metric=None, iterations=None,
            shuffle=True, rng=None, progress=True, optim=None):
        X, Y = np.asarray(X), np.asarray(Y)
        rng = np.random.default_rng(rng)
        optim = optim or nn.Optim(net, loss, eps, rule, weight_decay)
        history = nn.optim.History(epoch=[], loss=[], time=[])
        n = len(X)
        for epoch in range(1, epochs + 1 - epochs_off):
            index = rng.permutation(n) if order == "shuffle" else np.arange(n)
            stop = n - batch_size + 1 if drop_last else n
            losses, sizes = [], []
            for start in range(0, stop, batch_size):
                batch = index[start:start + batch_size]
                losses.append(optim.step(X[batch], Y[batch]))
                sizes.append(len(batch))
            history["epoch"].append(epoch)
            history["loss"].append(float(np.mean(losses)) if unweighted else
                                   float(np.dot(losses, sizes) / sum(sizes)))
            history["time"].append(0.0)
        return history
    return SGD


@mutant("SGD", "the last, smaller batch of an epoch is left out")
def sgd_drops_last():
    return _sgd(drop_last=True)


@mutant("SGD", "the examples are never shuffled")
def sgd_no_shuffle():
    return _sgd(order="fixed")


@mutant("SGD", "history.loss is the mean of the batch means (not weighted)")
def sgd_unweighted():
    return _sgd(unweighted=True)


@mutant("SGD", "one epoch too few (range(1, epochs))")
def sgd_epoch_short():
    return _sgd(epochs_off=1)
