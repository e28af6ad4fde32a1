"""One epoch of the same MLP three ways: diy_nn, PyTorch (CPU) and a bare NumPy loop.

The network is Linear(784, 256)-ReLU-Linear(256, 128)-ReLU-Linear(128, 10),
cross-entropy on the logits, plain SGD with learning rate 0.1, mini-batches of
128, float32, on 60 000 random examples (standard normal inputs, random labels).
All three start from the same weights (diy_nn's initialisation, copied) and
visit the batches in the same shuffled order, so they do the same work; the
script checks this by comparing their losses over the first steps.

    .venv/bin/python benchmarks/bench_mlp.py [--epochs 1] [--repeats 3] [--json FILE]

Each way is run once as a warm-up, then ``--repeats`` times; the median time per
epoch is reported, with the ratios diy_nn / PyTorch and diy_nn / NumPy.
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
from diy_nn import CELoss, Linear, Optim, ReLU, Sequential, minibatches  # noqa: E402

SIZES = (784, 256, 128, 10)
N, BATCH, LR, SEED = 60_000, 128, 0.1, 0


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=n)
    return X, y


def initial_weights(seed=SEED):
    """diy_nn's default initialisation, as a list of (W, b) with W of shape (in, out)."""
    net = make_diy_net(None)
    return [(layer._parameters["W"].copy(), layer._parameters["b"].copy()) for layer in net[::2]]


def make_diy_net(weights, seed=SEED):
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        if i:
            layers.append(ReLU())
        layers.append(Linear(n_in, n_out, rng=rng, dtype=np.float32))
    net = Sequential(*layers)
    if weights is not None:
        for layer, (W, b) in zip(net.modules[::2], weights):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def orders(n, epochs, seed=SEED + 1):
    """The shuffled order of the examples for each epoch (the same for every way)."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


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

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    with torch.no_grad():
        for layer, (W, b) in zip(model[::2], weights):
            layer.weight.copy_(torch.from_numpy(W.T))   # torch stores W as (out, in)
            layer.bias.copy_(torch.from_numpy(b))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
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


# --- (3) a bare NumPy loop, written out by hand ------------------------------------

def run_numpy(X, y, weights, epochs, seed, steps=None):
    (W1, b1), (W2, b2), (W3, b3) = [(W.copy(), b.copy()) for W, b in weights]
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
            for p, gp in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
                gp *= LR
                p -= gp
            if steps is not None and len(losses) >= steps:
                return losses
    return losses


def epoch_means(step_losses, n=N):
    """Per-step batch means -> the mean loss of each epoch (weighted by batch size, as SGD does)."""
    sizes = [min(BATCH, n - start) for start in range(0, n, BATCH)]
    per_epoch = len(sizes)
    return [float(np.dot(step_losses[i:i + per_epoch], sizes)) / n
            for i in range(0, len(step_losses), per_epoch)]


# Each way returns the mean training loss of each epoch.
WAYS = {
    "diy_nn SGD": lambda X, y, w, e, s: run_diy_sgd(X, y, w, e, s),
    "diy_nn Optim loop": lambda X, y, w, e, s: epoch_means(run_diy_loop(X, y, w, e, s)),
    "PyTorch": lambda X, y, w, e, s: epoch_means(run_torch(X, y, w, e, s)),
    "NumPy by hand": lambda X, y, w, e, s: epoch_means(run_numpy(X, y, w, e, s)),
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
    """Losses of the first ``steps`` steps of each way: they must agree (float32 tolerance)."""
    seed = 123
    ref = np.array(run_numpy(X, y, weights, 1, seed, steps))
    got = {
        "diy_nn Optim loop": run_diy_loop(X, y, weights, 1, seed, steps),
        "PyTorch": run_torch(X, y, weights, 1, seed, steps),
    }
    report = {"NumPy by hand": ref.tolist()}
    ok = True
    for name, losses in got.items():
        losses = np.array(losses)
        report[name] = losses.tolist()
        if not np.allclose(losses, ref, rtol=1e-4, atol=1e-5):
            ok = False
    return ok, report


def main(argv=None):
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1, help="epochs per timed run (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs after the warm-up (default 3)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--batch-size", type=int, default=BATCH,
                        help=f"mini-batch size (default {BATCH}, the target's set-up)")
    parser.add_argument("--threads", type=int,
                        help="threads for NumPy's BLAS and for PyTorch (default: what NumPy's BLAS uses)")
    parser.add_argument("--only", nargs="+", choices=list(WAYS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    BATCH = args.batch_size

    import torch

    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads, user_api="blas")
    threads = blas_threads() or os.cpu_count()
    torch.set_num_threads(threads)
    X, y = make_data()
    weights = initial_weights()

    ok, first_losses = check_same_work(X, y, weights)
    print(f"MLP {'-'.join(map(str, SIZES))}, ReLU, CE on logits, SGD lr {LR}, batch {BATCH}, "
          f"float32, {N} random examples; {threads} BLAS/torch threads; load {os.getloadavg()[0]:.2f}")
    print("losses of the first 5 steps, from the same weights:")
    for name, losses in first_losses.items():
        print(f"  {name:<18} " + " ".join(f"{v:.6f}" for v in losses))
    print("  -> the same work" if ok else "  -> MISMATCH: the three ways do not compute the same thing")

    ways = {name: run for name, run in WAYS.items() if not args.only or name in args.only}
    for run in ways.values():                            # warm-up
        run(X, y, weights, 1, SEED)
    times = {name: [] for name in ways}
    final_loss = {}
    # Round robin, so that a change in the machine's load hits every way alike.
    for r in range(args.repeats):
        for name, run in ways.items():
            start = time.perf_counter()
            final_loss[name] = run(X, y, weights, args.epochs, SEED + r)[-1]
            times[name].append((time.perf_counter() - start) / args.epochs)
    # Every way ran the last repeat from the same weights on the same shuffled
    # batches: their mean loss over the last epoch must agree too.
    spread = max(final_loss.values()) - min(final_loss.values())
    same_epoch = spread < 1e-3 * max(final_loss.values())
    ok = ok and same_epoch

    median = {name: statistics.median(runs) for name, runs in times.items()}
    print(f"\nseconds per epoch (median of {args.repeats}, after one warm-up); "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"  {'':<18} {'median':>8} {'min':>8} {'max':>8}   mean loss, last epoch")
    for name, runs in times.items():
        print(f"  {name:<18} {median[name]:8.3f} {min(runs):8.3f} {max(runs):8.3f}   {final_loss[name]:.6f}")
    print("  -> the same mean loss over the epoch" if same_epoch
          else f"  -> MISMATCH: the mean losses differ by {spread:.3g}")
    ratios = {}
    for diy in ("diy_nn SGD", "diy_nn Optim loop"):
        for base in ("PyTorch", "NumPy by hand"):
            if diy in median and base in median:
                ratios[f"{diy} / {base}"] = median[diy] / median[base]
    if ratios:
        print("ratios (target: diy_nn within 1.2x of both):")
        for key, r in ratios.items():
            print(f"  {key:<34} {r:5.2f}x {'ok' if r <= 1.2 else 'SLOWER THAN 1.2x'}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "network": SIZES, "batch_size": BATCH, "lr": LR, "examples": N, "dtype": "float32",
                "threads": threads, "epochs": args.epochs, "repeats": args.repeats,
                "load_average": os.getloadavg(), "python": platform.python_version(),
                "numpy": np.__version__, "torch": torch.__version__, "diy_nn": diy_nn.__version__,
                "same_work": ok, "first_losses": first_losses, "last_epoch_loss": final_loss,
                "seconds_per_epoch": times, "median": median, "ratios": ratios,
            }, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
