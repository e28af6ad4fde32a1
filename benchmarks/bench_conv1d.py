"""One epoch of the course's convolutional network, diy_nn against PyTorch.

The network is Conv1D(3, 1, 32)-MaxPool1D(2, 2)-Flatten-Linear(4064, 100)-ReLU-
Linear(100, 10) (the course report's USPS network), cross-entropy on the logits,
plain SGD with learning rate 0.1, mini-batches of 128, float32, on 8000 random
sequences of length 256 with one channel (standard normal inputs, random labels).
Both start from the same weights (diy_nn's initialisation, copied) and visit the
batches in the same shuffled order, so they do the same work; the script checks
this by comparing their losses over the first steps and over the timed epoch.

    .venv/bin/python benchmarks/bench_conv1d.py [--epochs 1] [--repeats 5] [--json FILE]

Each way is run once as a warm-up, then ``--repeats`` times, round robin; the
median time per epoch is reported with the ratio diy_nn / PyTorch (target: 1.5x).
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import diy_nn  # noqa: E402
from diy_nn import (  # noqa: E402
    CELoss, Conv1D, Flatten, Linear, MaxPool1D, Optim, ReLU, Sequential, minibatches,
)

N, LENGTH, BATCH, LR, SEED = 8000, 256, 128, 0.1, 0
CHANNELS, HIDDEN, CLASSES = 32, 100, 10
FLAT = (LENGTH - 2) // 2 * CHANNELS                  # 127 positions x 32 channels = 4064
TARGET = 1.5


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, LENGTH, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=n)
    return X, y


def make_diy_net(weights=None, seed=SEED):
    rng = np.random.default_rng(seed)
    net = Sequential(Conv1D(3, 1, CHANNELS, rng=rng), MaxPool1D(2, 2), Flatten(),
                     Linear(FLAT, HIDDEN, rng=rng), ReLU(), Linear(HIDDEN, CLASSES, rng=rng))
    if weights is not None:
        for layer, (W, b) in zip((net[0], net[3], net[5]), weights):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def initial_weights():
    """diy_nn's default initialisation: [(W, b)] of the Conv1D and the two Linear."""
    net = make_diy_net()
    return [(m._parameters["W"].copy(), m._parameters["b"].copy())
            for m in (net[0], net[3], net[5])]


# --- (1) diy_nn -----------------------------------------------------------------

def run_diy_sgd(X, y, weights, epochs, seed):
    """The user's path: diy_nn.SGD, which shuffles with ``rng`` and calls Optim.step."""
    net = make_diy_net(weights)
    history = diy_nn.SGD(net, CELoss(), X, y, batch_size=BATCH, epochs=epochs, eps=LR,
                         rng=np.random.default_rng(seed), progress=False)
    return history["loss"]


def run_diy_loop(X, y, weights, epochs, seed, steps=None):
    """An explicit loop over diy_nn.minibatches calling Optim.step."""
    net = make_diy_net(weights)
    optim = Optim(net, CELoss(), eps=LR)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        for xb, yb in minibatches(X, y, BATCH, shuffle=True, rng=rng):
            losses.append(optim.step(xb, yb))
            if steps is not None and len(losses) >= steps:
                return losses
    return losses


# --- (2) PyTorch ----------------------------------------------------------------

def run_torch(X, y, weights, epochs, seed, steps=None):
    import torch
    from torch import nn

    conv = nn.Conv1d(1, CHANNELS, 3)
    model = nn.Sequential(conv, nn.MaxPool1d(2, 2), nn.Flatten(), nn.Linear(FLAT, HIDDEN),
                          nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    (Wc, bc), (W1, b1), (W2, b2) = weights
    # diy_nn's Flatten runs over (position, channel), torch's over (channel,
    # position): permute the rows of the first Linear so both compute the same.
    n_pos = FLAT // CHANNELS
    W1_torch = W1.reshape(n_pos, CHANNELS, HIDDEN).transpose(1, 0, 2).reshape(FLAT, HIDDEN)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(Wc.transpose(2, 1, 0).copy()))
        conv.bias.copy_(torch.from_numpy(bc))
        model[3].weight.copy_(torch.from_numpy(W1_torch.T.copy()))
        model[3].bias.copy_(torch.from_numpy(b1))
        model[5].weight.copy_(torch.from_numpy(W2.T.copy()))
        model[5].bias.copy_(torch.from_numpy(b2))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    # torch's layout is (batch, chan, length): one transposed copy, outside the loop.
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 2, 1)))
    yt = torch.from_numpy(y)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(X)))
        for start in range(0, len(X), BATCH):
            idx = order[start:start + BATCH]
            xb, yb = Xt[idx], yt[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if steps is not None and len(losses) >= steps:
                return losses
    return losses


def epoch_means(step_losses, n=N):
    """Per-step batch means -> the mean loss of each epoch (weighted by batch size)."""
    sizes = [min(BATCH, n - start) for start in range(0, n, BATCH)]
    per_epoch = len(sizes)
    return [float(np.dot(step_losses[i:i + per_epoch], sizes)) / n
            for i in range(0, len(step_losses), per_epoch)]


WAYS = {
    "diy_nn SGD": lambda X, y, w, e, s: run_diy_sgd(X, y, w, e, s),
    "PyTorch": lambda X, y, w, e, s: epoch_means(run_torch(X, y, w, e, s)),
}


def blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return pool["num_threads"]
    return None


def check_same_work(X, y, weights, steps=5):
    """Losses of the first ``steps`` steps: diy_nn and PyTorch must agree."""
    seed = 123
    ref = np.array(run_torch(X, y, weights, 1, seed, steps))
    got = np.array(run_diy_loop(X, y, weights, 1, seed, steps))
    ok = bool(np.allclose(got, ref, rtol=1e-4, atol=1e-5))
    return ok, {"PyTorch": ref.tolist(), "diy_nn Optim loop": got.tolist()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1, help="epochs per timed run (default 1)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs after the warm-up (default 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--threads", type=int,
                        help="threads for NumPy's BLAS and for PyTorch "
                             "(default: what NumPy's BLAS uses)")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads, user_api="blas")
    threads = blas_threads() or os.cpu_count()
    torch.set_num_threads(threads)
    X, y = make_data()
    weights = initial_weights()

    ok, first_losses = check_same_work(X, y, weights)
    print(f"Conv1D(3,1,{CHANNELS})-MaxPool1D(2,2)-Flatten-Linear({FLAT},{HIDDEN})-ReLU-"
          f"Linear({HIDDEN},{CLASSES}), CE on logits, SGD lr {LR}, batch {BATCH}, float32, "
          f"{N} random sequences of length {LENGTH}; {threads} BLAS/torch threads; "
          f"load {os.getloadavg()[0]:.2f}")
    print("losses of the first 5 steps, from the same weights:")
    for name, losses in first_losses.items():
        print(f"  {name:<18} " + " ".join(f"{v:.6f}" for v in losses))
    print("  -> the same work" if ok else "  -> MISMATCH: the two do not compute the same thing")

    for run in WAYS.values():                            # warm-up
        run(X, y, weights, 1, SEED)
    times = {name: [] for name in WAYS}
    final_loss = {}
    # Round robin, so that a change in the machine's load hits both alike.
    for r in range(args.repeats):
        for name, run in WAYS.items():
            start = time.perf_counter()
            final_loss[name] = run(X, y, weights, args.epochs, SEED + r)[-1]
            times[name].append((time.perf_counter() - start) / args.epochs)
    spread = max(final_loss.values()) - min(final_loss.values())
    same_epoch = spread < 1e-3 * max(final_loss.values())
    ok = ok and same_epoch

    median = {name: statistics.median(runs) for name, runs in times.items()}
    print(f"\nseconds per epoch (median of {args.repeats}, after one warm-up); "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"  {'':<18} {'median':>8} {'min':>8} {'max':>8}   mean loss, last epoch")
    for name, runs in times.items():
        print(f"  {name:<18} {median[name]:8.3f} {min(runs):8.3f} {max(runs):8.3f}   "
              f"{final_loss[name]:.6f}")
    print("  -> the same mean loss over the epoch" if same_epoch
          else f"  -> MISMATCH: the mean losses differ by {spread:.3g}")
    ratio = median["diy_nn SGD"] / median["PyTorch"]
    print(f"ratio diy_nn / PyTorch: {ratio:.2f}x "
          f"({'ok' if ratio <= TARGET else f'SLOWER THAN {TARGET}x'}, target {TARGET}x)")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "network": "Conv1D(3,1,32)-MaxPool1D(2,2)-Flatten-Linear(4064,100)-ReLU-"
                           "Linear(100,10)",
                "batch_size": BATCH, "lr": LR, "examples": N, "length": LENGTH,
                "dtype": "float32", "threads": threads, "epochs": args.epochs,
                "repeats": args.repeats, "load_average": os.getloadavg(),
                "python": platform.python_version(), "numpy": np.__version__,
                "torch": torch.__version__, "diy_nn": diy_nn.__version__,
                "same_work": ok, "first_losses": first_losses, "last_epoch_loss": final_loss,
                "seconds_per_epoch": times, "median": median, "ratio": ratio,
            }, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
