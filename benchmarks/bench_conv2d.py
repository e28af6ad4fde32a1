"""One epoch of the same small CNN two ways, diy_nn and PyTorch (CPU); and the peak
memory of training chapter 8's MNIST network with diy_nn.

Speed. The network is the issue's:
Conv2D(3, 1, 32)-ReLU-MaxPool2D(2, 2)-Flatten-Linear(5408, 100)-ReLU-Linear(100, 10),
cross-entropy on the logits, plain SGD with learning rate 0.05, mini-batches of
128, float32, on 4000 random 28x28x1 images (standard normal pixels, random
labels). Both start from the same weights (diy_nn's initialisation, copied into
PyTorch's layout) and visit the batches in the same shuffled order, so they do
the same work; the script checks this by comparing their losses over the first
steps and over the timed epoch.

Memory. ``--memory`` starts a fresh Python process (so that PyTorch's own memory
is not counted) that imports diy_nn alone, makes MNIST-sized data (60 000 random
training and 10 000 test images of 28x28x1, float32), trains chapter 8's wider
network
Conv2D(3, 1, 32, padding=1)-ReLU-MaxPool2D(2)-Conv2D(3, 32, 64, padding=1)-ReLU-
MaxPool2D(2)-Flatten-Linear(3136, 128)-ReLU-Linear(128, 10)
with Adam on batches of 128 for ``--memory-steps`` steps through ``diy_nn.SGD``,
then evaluates it on the test images in chunks of 500, and reports its peak
resident set size, ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: with the data
alone, after training, after the test pass. It runs before this process imports
PyTorch or makes its data: Linux carries a parent's peak into the ``ru_maxrss``
of a child it forks, so the parent must be small.

    .venv/bin/python benchmarks/bench_conv2d.py [--repeats 3] [--threads 1]
        [--memory] [--json FILE]

Each way is run once as a warm-up, then ``--repeats`` times, round robin; the
median time per epoch is reported with the ratio diy_nn / PyTorch (target: at
most 2x).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import diy_nn  # noqa: E402
from diy_nn import (  # noqa: E402
    CELoss, Conv2D, Flatten, Linear, MaxPool2D, Optim, ReLU, Sequential, minibatches,
)

N, SIDE, BATCH, LR, SEED = 4000, 28, 128, 0.05, 0
CHANNELS, HIDDEN, CLASSES = 32, 100, 10
FLAT = (SIDE - 2) // 2 * ((SIDE - 2) // 2) * CHANNELS       # 13 * 13 * 32 = 5408


def make_data(n=N, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIDE, SIDE, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=n)
    return X, y


def make_diy_net(weights=None, seed=SEED):
    rng = np.random.default_rng(seed)
    net = Sequential(
        Conv2D(3, 1, CHANNELS, rng=rng), ReLU(), MaxPool2D(2, 2), Flatten(),
        Linear(FLAT, HIDDEN, rng=rng), ReLU(), Linear(HIDDEN, CLASSES, rng=rng),
    )
    if weights is not None:
        for layer, (W, b) in zip((net[0], net[4], net[6]), weights):
            layer._parameters["W"][...] = W
            layer._parameters["b"][...] = b
    return net


def initial_weights():
    """diy_nn's default initialisation: [(W, b)] of the conv and the two Linear."""
    net = make_diy_net()
    return [(m._parameters["W"].copy(), m._parameters["b"].copy())
            for m in (net[0], net[4], net[6])]


# --- (1) diy_nn -----------------------------------------------------------------

def run_diy_sgd(X, y, weights, seed):
    """The user's path: diy_nn.SGD, which shuffles with ``rng`` and calls Optim.step."""
    net = make_diy_net(weights)
    history = diy_nn.SGD(net, CELoss(), X, y, batch_size=BATCH, epochs=1, eps=LR,
                         rng=np.random.default_rng(seed), progress=False)
    return history["loss"][-1]


def run_diy_loop(X, y, weights, seed, steps=None):
    """An explicit loop over diy_nn.minibatches calling Optim.step; the step losses."""
    net = make_diy_net(weights)
    optim = Optim(net, CELoss(), eps=LR)
    losses = []
    rng = np.random.default_rng(seed)
    for xb, yb in minibatches(X, y, BATCH, shuffle=True, rng=rng):
        losses.append(optim.step(xb, yb))
        if steps is not None and len(losses) >= steps:
            break
    return losses


# --- (2) PyTorch ----------------------------------------------------------------

def torch_net(weights):
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(1, CHANNELS, 3), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(FLAT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES),
    )
    (Wc, bc), (W1, b1), (W2, b2) = weights
    # PyTorch is channels-first: the conv weight is (out, in, kh, kw), and
    # Flatten sees (chan, h, w); our Flatten sees (h, w, chan). Reorder the rows
    # of the first Linear so that both compute the same function.
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


def run_torch(X, y, weights, seed, steps=None, Xt=None):
    """A standard PyTorch loop on the same batches; the step losses."""
    import torch

    model = torch_net(weights)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    # The images channels-first, as PyTorch wants them (converted once, untimed
    # when given).
    Xt = torch.from_numpy(X.transpose(0, 3, 1, 2).copy()) if Xt is None else Xt
    yt = torch.from_numpy(y)
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(X)))
    losses = []
    for start in range(0, len(X), BATCH):
        idx = order[start:start + BATCH]
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if steps is not None and len(losses) >= steps:
            break
    return losses


def epoch_mean(step_losses, n=N):
    """Per-step batch means -> the mean loss of the epoch, weighted by batch size."""
    sizes = [min(BATCH, n - start) for start in range(0, n, BATCH)]
    return float(np.dot(step_losses, sizes)) / n


def check_same_work(X, y, weights, steps=5):
    """Losses of the first ``steps`` steps of both ways: they must agree."""
    seed = 123
    diy = np.array(run_diy_loop(X, y, weights, seed, steps))
    ref = np.array(run_torch(X, y, weights, seed, steps))
    ok = bool(np.allclose(diy, ref, rtol=1e-4, atol=1e-5))
    return ok, {"diy_nn Optim loop": diy.tolist(), "PyTorch": ref.tolist()}


# --- memory ---------------------------------------------------------------------

MEMORY_CHILD = """
import resource, sys, time
import numpy as np
import diy_nn as nn
steps, batch, chunk = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def peak():
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        2**20 if sys.platform == "darwin" else 2**10)
rng = np.random.default_rng(0)
X = rng.standard_normal((60000, 28, 28, 1), dtype=np.float32)
y = rng.integers(0, 10, size=60000)
X_test = rng.standard_normal((10000, 28, 28, 1), dtype=np.float32)
data = peak()
net = nn.Sequential(
    nn.Conv2D(3, 1, 32, padding=1, rng=0), nn.ReLU(), nn.MaxPool2D(2),
    nn.Conv2D(3, 32, 64, padding=1, rng=1), nn.ReLU(), nn.MaxPool2D(2), nn.Flatten(),
    nn.Linear(7 * 7 * 64, 128, rng=2), nn.ReLU(), nn.Linear(128, 10, rng=3))
start = time.perf_counter()
nn.SGD(net, nn.CELoss(), X, y, batch_size=batch, iterations=steps, eps=1e-3,
       rule="adam", rng=1, progress=False)
seconds = time.perf_counter() - start
train = peak()
net.eval()
pred = np.concatenate([net(X_test[i:i + chunk]).argmax(1)
                       for i in range(0, len(X_test), chunk)])
print(data, train, peak(), seconds)
"""


def measure_memory(steps, batch=BATCH, chunk=500):
    """Peak resident memory (MiB) of a fresh diy_nn-only process: with the data
    alone, after training, after the test pass."""
    env = dict(os.environ)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(steps), str(batch), str(chunk)],
        capture_output=True, text=True, env=env, check=True).stdout
    data, train, test, seconds = map(float, out.split())
    return {"steps": steps, "batch": batch, "test_chunk": chunk, "data_mib": data,
            "train_peak_mib": train, "peak_mib": test, "train_seconds": seconds}


def blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return pool["num_threads"]
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed epochs of each way after the warm-up (default 3)")
    parser.add_argument("--threads", type=int,
                        help="threads for NumPy's BLAS and for PyTorch "
                             "(default: what NumPy's BLAS uses)")
    parser.add_argument("--memory", action="store_true",
                        help="also measure the peak memory of chapter 8's network")
    parser.add_argument("--memory-steps", type=int, default=50,
                        help="training steps of the memory run (default 50)")
    parser.add_argument("--json", metavar="FILE", help="also write the results to FILE")
    args = parser.parse_args(argv)

    # The memory run first, while this process is small: Linux carries the
    # parent's peak into ru_maxrss of a child started by fork and exec.
    memory = measure_memory(args.memory_steps) if args.memory else None

    import torch

    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads, user_api="blas")
    threads = blas_threads() or os.cpu_count()
    torch.set_num_threads(threads)
    X, y = make_data()
    weights = initial_weights()
    Xt = torch.from_numpy(X.transpose(0, 3, 1, 2).copy())

    ok, first_losses = check_same_work(X, y, weights)
    print(f"CNN Conv2D(3,1,{CHANNELS})-ReLU-MaxPool2D(2,2)-Flatten-"
          f"Linear({FLAT},{HIDDEN})"
          f"-ReLU-Linear({HIDDEN},{CLASSES}), CE, SGD lr {LR}, batch {BATCH}, float32, "
          f"{N} random {SIDE}x{SIDE}x1 images; {threads} BLAS/torch threads; "
          f"load {os.getloadavg()[0]:.2f}")
    print("losses of the first 5 steps, from the same weights:")
    for name, losses in first_losses.items():
        print(f"  {name:<18} " + " ".join(f"{v:.6f}" for v in losses))
    print("  -> the same work" if ok else "  -> MISMATCH: the two ways differ")

    ways = {
        "diy_nn SGD": lambda seed: run_diy_sgd(X, y, weights, seed),
        "diy_nn Optim loop": lambda seed: epoch_mean(run_diy_loop(X, y, weights, seed)),
        "PyTorch": lambda seed: epoch_mean(run_torch(X, y, weights, seed, Xt=Xt)),
    }
    for run in ways.values():                            # warm-up
        run(SEED)
    times = {name: [] for name in ways}
    final_loss = {}
    # Round robin, so that a change in the machine's load hits every way alike.
    for r in range(args.repeats):
        for name, run in ways.items():
            start = time.perf_counter()
            final_loss[name] = run(SEED + r)
            times[name].append(time.perf_counter() - start)
    spread = max(final_loss.values()) - min(final_loss.values())
    same_epoch = spread < 1e-3 * max(final_loss.values())
    ok = ok and same_epoch

    median = {name: statistics.median(runs) for name, runs in times.items()}
    print(f"\nseconds per epoch (median of {args.repeats}, after one warm-up); "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"  {'':<18} {'median':>8} {'min':>8} {'max':>8}   mean loss of the epoch")
    for name, runs in times.items():
        print(f"  {name:<18} {median[name]:8.3f} {min(runs):8.3f} {max(runs):8.3f}"
              f"   {final_loss[name]:.6f}")
    print("  -> the same mean loss over the epoch" if same_epoch
          else f"  -> MISMATCH: the mean losses differ by {spread:.3g}")
    ratios = {f"{diy} / PyTorch": median[diy] / median["PyTorch"]
              for diy in ("diy_nn SGD", "diy_nn Optim loop")}
    print("ratios (target: diy_nn within 2x of PyTorch):")
    for key, r in ratios.items():
        print(f"  {key:<30} {r:5.2f}x {'ok' if r <= 2 else 'SLOWER THAN 2x'}")

    if memory:
        print(f"\npeak resident memory of chapter 8's network, a fresh diy_nn-only "
              f"process (ru_maxrss), 60 000 + 10 000 random 28x28x1 images:")
        print(f"  the data alone {memory['data_mib']:8.0f} MiB")
        print(f"  + {memory['steps']} Adam steps of batch {memory['batch']}"
              f" {memory['train_peak_mib']:5.0f} MiB")
        print(f"  + the test pass in chunks of {memory['test_chunk']}"
              f" {memory['peak_mib']:5.0f} MiB   "
              f"{'ok' if memory['peak_mib'] < 2048 else 'OVER'} (target < 2048 MiB)")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "batch_size": BATCH, "lr": LR, "examples": N, "dtype": "float32",
                "threads": threads, "repeats": args.repeats,
                "load_average": os.getloadavg(), "python": platform.python_version(),
                "numpy": np.__version__, "torch": torch.__version__,
                "diy_nn": diy_nn.__version__, "same_work": ok,
                "first_losses": first_losses, "last_epoch_loss": final_loss,
                "seconds_per_epoch": times, "median": median, "ratios": ratios,
                "memory": memory,
            }, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
