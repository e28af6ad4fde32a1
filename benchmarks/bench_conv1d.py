"""One epoch of the course's convolutional network, diy_nn against PyTorch (CPU).

The network is Conv1D(3, 1, 32)-MaxPool1D(2, 2)-Flatten-Linear(4064, 100)-ReLU-
Linear(100, 10) (the course report's USPS network), cross-entropy on the logits,
plain SGD with learning rate 0.1, mini-batches of 128, float32, on 8000 random
sequences of length 256 with one channel (standard normal inputs, random
labels). Both start from diy_nn's initial weights and see the batches in the
same shuffled order: the same work, which the harness checks.

    .venv/bin/python benchmarks/bench_conv1d.py [--rounds 5] [--threads 2]

runs this network alone (``benchmarks/run.py`` runs the three); each way in its
own fresh process (see ``harness.py``).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import diy_way, loop_way, torch_sgd  # noqa: E402

KEY = "conv1d"
N, LENGTH, BATCH, LR, SEED = 8000, 256, 128, 0.1, 0
CHANNELS, HIDDEN, CLASSES = 32, 100, 10
FLAT = (LENGTH - 2) // 2 * CHANNELS          # 127 positions x 32 channels = 4064
NAME = "Conv1D(3,1,32)-MaxPool1D(2,2)-Flatten-Linear(4064,100)-ReLU-Linear(100,10)"
DATA = "8000 random sequences of 256 numbers"


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, LENGTH, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=n)
    return X, y


def make_diy_net(weights=None, seed=SEED):
    import diy_nn as nn

    rng = np.random.default_rng(seed)
    net = nn.Sequential(nn.Conv1D(3, 1, CHANNELS, rng=rng), nn.MaxPool1D(2, 2),
                        nn.Flatten(), nn.Linear(FLAT, HIDDEN, rng=rng), nn.ReLU(),
                        nn.Linear(HIDDEN, CLASSES, rng=rng))
    if weights is not None:
        for layer, W, b in zip((net[0], net[3], net[5]), weights[::2], weights[1::2]):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def initial_weights():
    """diy_nn's default initialisation: [W, b] of the Conv1D and the two Linear."""
    net = make_diy_net()
    return [m._parameters[k].copy() for m in (net[0], net[3], net[5]) for k in "Wb"]


# --- (2) PyTorch: a standard training loop --------------------------------------

def torch_prepare(X, y):
    """PyTorch's layout is (batch, chan, length): one transposed copy, untimed."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(X.transpose(0, 2, 1))), \
        torch.from_numpy(y)


def torch_run(Xt, yt, weights, seed, epochs, steps=None):
    import torch
    from torch import nn

    conv = nn.Conv1d(1, CHANNELS, 3)
    model = nn.Sequential(conv, nn.MaxPool1d(2, 2), nn.Flatten(),
                          nn.Linear(FLAT, HIDDEN), nn.ReLU(),
                          nn.Linear(HIDDEN, CLASSES))
    Wc, bc, W1, b1, W2, b2 = weights
    # diy_nn's Flatten runs over (position, channel), torch's over (channel,
    # position): permute the rows of the first Linear so both compute the same.
    n_pos = FLAT // CHANNELS
    W1_torch = W1.reshape(n_pos, CHANNELS, HIDDEN).transpose(1, 0, 2).reshape(
        FLAT, HIDDEN)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(Wc.transpose(2, 1, 0).copy()))
        conv.bias.copy_(torch.from_numpy(bc))
        model[3].weight.copy_(torch.from_numpy(W1_torch.T.copy()))
        model[3].bias.copy_(torch.from_numpy(b1))
        model[5].weight.copy_(torch.from_numpy(W2.T.copy()))
        model[5].bias.copy_(torch.from_numpy(b2))
    return torch_sgd(model, Xt, yt, seed, epochs, steps, BATCH, LR)


WAYS = {
    "diy_nn": diy_way(make_diy_net, BATCH, LR),
    "PyTorch": loop_way(torch_run, N, BATCH, torch_prepare),
}

if __name__ == "__main__":
    from run import main
    sys.exit(main(["--only", KEY] + sys.argv[1:]))
