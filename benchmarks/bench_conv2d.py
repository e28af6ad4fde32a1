"""One epoch of a small CNN, diy_nn against PyTorch (CPU).

The network is
Conv2D(3, 1, 32)-ReLU-MaxPool2D(2, 2)-Flatten-Linear(5408, 100)-ReLU-Linear(100, 10),
cross-entropy on the logits, plain SGD with learning rate 0.05, mini-batches of
128, float32, on 4000 random 28x28x1 images (standard normal pixels, random
labels). Both start from diy_nn's initial weights (copied into PyTorch's layout)
and see the batches in the same shuffled order: the same work, which the
harness checks.

    .venv/bin/python benchmarks/bench_conv2d.py [--rounds 5] [--threads 2]

runs this network alone (``benchmarks/run.py`` runs the three); each way in its
own fresh process (see ``harness.py``).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import diy_way, loop_way, torch_sgd  # noqa: E402

KEY = "conv2d"
N, SIDE, BATCH, LR, SEED = 4000, 28, 128, 0.05, 0
CHANNELS, HIDDEN, CLASSES = 32, 100, 10
FLAT = (SIDE - 2) // 2 * ((SIDE - 2) // 2) * CHANNELS       # 13 * 13 * 32 = 5408
NAME = ("Conv2D(3,1,32)-ReLU-MaxPool2D(2,2)-Flatten-Linear(5408,100)-ReLU-"
        "Linear(100,10)")
DATA = "4000 random images of 28x28"


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIDE, SIDE, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=n)
    return X, y


def make_diy_net(weights=None, seed=SEED):
    import diy_nn as nn

    rng = np.random.default_rng(seed)
    net = nn.Sequential(
        nn.Conv2D(3, 1, CHANNELS, rng=rng), nn.ReLU(), nn.MaxPool2D(2, 2), nn.Flatten(),
        nn.Linear(FLAT, HIDDEN, rng=rng), nn.ReLU(),
        nn.Linear(HIDDEN, CLASSES, rng=rng),
    )
    if weights is not None:
        for layer, W, b in zip((net[0], net[4], net[6]), weights[::2], weights[1::2]):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def initial_weights():
    """diy_nn's default initialisation: [W, b] of the conv and the two Linear."""
    net = make_diy_net()
    return [m._parameters[k].copy() for m in (net[0], net[4], net[6]) for k in "Wb"]


# --- (2) PyTorch: a standard training loop --------------------------------------

def torch_prepare(X, y):
    """PyTorch is channels-first, (batch, chan, h, w): one copy, untimed."""
    import torch

    return torch.from_numpy(X.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)


def torch_net(weights):
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(1, CHANNELS, 3), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(FLAT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES),
    )
    Wc, bc, W1, b1, W2, b2 = weights
    # PyTorch's conv weight is (out, in, kh, kw), and its Flatten sees (chan, h,
    # w) where ours sees (h, w, chan): reorder the rows of the first Linear so
    # that both compute the same function.
    side = (SIDE - 2) // 2
    rows = np.arange(FLAT).reshape(side, side, CHANNELS).transpose(2, 0, 1).ravel()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(Wc.transpose(3, 2, 0, 1).copy()))
        model[0].bias.copy_(torch.from_numpy(bc))
        model[4].weight.copy_(torch.from_numpy(W1[rows].T.copy()))
        model[4].bias.copy_(torch.from_numpy(b1))
        model[6].weight.copy_(torch.from_numpy(W2.T.copy()))
        model[6].bias.copy_(torch.from_numpy(b2))
    return model


def torch_run(Xt, yt, weights, seed, epochs, steps=None):
    return torch_sgd(torch_net(weights), Xt, yt, seed, epochs, steps, BATCH, LR)


WAYS = {
    "diy_nn": diy_way(make_diy_net, BATCH, LR),
    "PyTorch": loop_way(torch_run, N, BATCH, torch_prepare),
}

if __name__ == "__main__":
    from run import main
    sys.exit(main(["--only", KEY] + sys.argv[1:]))
