"""One epoch of an MLP three ways: diy_nn, PyTorch (CPU), a bare NumPy loop.

The network is Linear(784, 256)-ReLU-Linear(256, 128)-ReLU-Linear(128, 10),
cross-entropy on the logits, plain SGD with learning rate 0.1, mini-batches of
128, float32, on 60 000 random examples (standard normal inputs, random labels
from 10 classes). All three start from diy_nn's initial weights and see the
batches in the same shuffled order: the same work, which the harness checks.

    .venv/bin/python benchmarks/bench_mlp.py [--rounds 5] [--threads 2]

runs this network alone (``benchmarks/run.py`` runs the three); each way in its
own fresh process (see ``harness.py``).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import diy_way, loop_way, torch_sgd  # noqa: E402

KEY = "mlp"
SIZES = (784, 256, 128, 10)
N, BATCH, LR, SEED = 60_000, 128, 0.1, 0
NAME = "Linear(784,256)-ReLU-Linear(256,128)-ReLU-Linear(128,10)"
DATA = "60 000 random vectors of 784 numbers"


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=n)
    return X, y


def make_diy_net(weights=None, seed=SEED):
    import diy_nn as nn

    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(n_in, n_out, rng=rng, dtype=np.float32))
    net = nn.Sequential(*layers)
    if weights is not None:
        for layer, W, b in zip(net.modules[::2], weights[::2], weights[1::2]):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def initial_weights():
    """diy_nn's default initialisation: [W1, b1, W2, b2, W3, b3], W as (in, out)."""
    net = make_diy_net()
    return [layer._parameters[k].copy() for layer in net.modules[::2] for k in "Wb"]


# --- (2) PyTorch: a standard training loop --------------------------------------

def torch_prepare(X, y):
    import torch

    return torch.from_numpy(X), torch.from_numpy(y)


def torch_run(Xt, yt, weights, seed, epochs, steps=None):
    import torch
    from torch import nn

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                          nn.ReLU(), nn.Linear(128, 10))
    with torch.no_grad():
        for layer, W, b in zip(model[::2], weights[::2], weights[1::2]):
            layer.weight.copy_(torch.from_numpy(W.T))   # torch's W is (out, in)
            layer.bias.copy_(torch.from_numpy(b))
    return torch_sgd(model, Xt, yt, seed, epochs, steps, BATCH, LR)


# --- (3) a bare NumPy loop, written out by hand ------------------------------------

def numpy_run(X, y, weights, seed, epochs, steps=None):
    W1, b1, W2, b2, W3, b3 = [w.copy() for w in weights]
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            idx = order[start:start + BATCH]
            xb, yb = X[idx], y[idx]
            n = len(xb)
            rows = np.arange(n)
            # forward
            h1 = xb @ W1
            h1 += b1
            np.maximum(h1, 0, out=h1)
            h2 = h1 @ W2
            h2 += b2
            np.maximum(h2, 0, out=h2)
            z = h2 @ W3
            z += b3
            # softmax cross-entropy on the logits and its gradient
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            losses.append(float(np.log(s[:, 0]).mean() - z[rows, yb].mean()))
            g = e
            g /= s
            g[rows, yb] -= 1
            g /= n
            # backward (no gradient w.r.t. the input: nothing needs it)
            gW3 = h2.T @ g
            gb3 = g.sum(axis=0)
            d2 = g @ W3.T
            d2 *= h2 > 0
            gW2 = h1.T @ d2
            gb2 = d2.sum(axis=0)
            d1 = d2 @ W2.T
            d1 *= h1 > 0
            gW1 = xb.T @ d1
            gb1 = d1.sum(axis=0)
            # update, in place
            for p, gp in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3),
                          (b3, gb3)):
                gp *= LR
                p -= gp
            if steps is not None and len(losses) >= steps:
                return losses
    return losses


WAYS = {
    "diy_nn": diy_way(make_diy_net, BATCH, LR),
    "PyTorch": loop_way(torch_run, N, BATCH, torch_prepare),
    "NumPy by hand": loop_way(numpy_run, N, BATCH),
}

if __name__ == "__main__":
    from run import main
    sys.exit(main(["--only", KEY] + sys.argv[1:]))
