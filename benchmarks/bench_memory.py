"""Peak memory of chapter 8's network on MNIST-sized data, in fresh processes.

The network is chapter 8's ``cnn((16, 32), side=28)``, read from the chapter:
Conv2D(3, 1, 16, padding=1)-MaxPool2D(2)-ReLU-Conv2D(3, 16, 32, padding=1)-
MaxPool2D(2)-ReLU-Flatten-Linear(1568, 128)-ReLU-Linear(128, 10).

Each measure runs in a fresh Python process that imports diy_nn alone (Linux
carries a parent's peak into the ``ru_maxrss`` of a child it forks, so the
parent stays small: it imports neither diy_nn nor PyTorch before this runs).
The process makes 10 000 random 28x28x1 float32 test images (and, for
training, 60 000 training images), builds the network, notes its resident
memory (the data), then does one thing and notes its peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``):

- ``predict``: ``net.predict(X_test)``, the 10 000 images in one call;
- ``eval call``: ``net.eval(); net(X_test)``, the same call a chapter makes;
- ``training call``: ``net(X_test)`` in training mode, which keeps every
  module's input for a backward pass;
- ``training``: 50 Adam steps on batches of 64 (``diy_nn.SGD``), then
  ``net.predict(X_test)``.

The target: ``predict`` under 1 GiB above the data.

    .venv/bin/python benchmarks/bench_memory.py
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET_MIB = 1024

CHILD = r"""
import json, resource, sys, time
import numpy as np
import diy_nn as nn
from chapter_code import chapter_functions

mode = sys.argv[1]


def peak_mib():
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        2**20 if sys.platform == "darwin" else 2**10)


def current_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


rng = np.random.default_rng(0)
X_test = rng.random((10000, 28, 28, 1), dtype=np.float32)
if mode == "training":
    X = rng.random((60000, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=60000)
net = chapter_functions("08_going_further", "cnn")["cnn"](side=28)
net(X_test[:2])                       # imports and first allocations
data = current_mib()
start = time.perf_counter()
if mode == "predict":
    out = net.predict(X_test)
elif mode == "eval call":
    net.eval()
    out = net(X_test)
elif mode == "training call":
    out = net(X_test)
elif mode == "training":
    nn.SGD(net, nn.CELoss(), X, y, batch_size=64, iterations=50, eps=1e-3,
           rule="adam", rng=1, progress=False)
    out = net.predict(X_test)
seconds = time.perf_counter() - start
assert out.shape == (10000, 10)
print(json.dumps({"mode": mode, "data_mib": data, "peak_mib": peak_mib(),
                  "seconds": seconds}))
"""

MODES = ("predict", "eval call", "training call", "training")


def measure_one(mode):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, HERE, env.get("PYTHONPATH", "")])
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True,
                         text=True, env=env)
    if out.returncode:
        return {"mode": mode, "error": out.stderr.strip().splitlines()[-1]}
    got = json.loads(out.stdout)
    got["above_data_mib"] = got["peak_mib"] - got["data_mib"]
    return got


def measure(modes=MODES):
    return {"target_above_data_mib": TARGET_MIB,
            "runs": [measure_one(mode) for mode in modes]}


def table(memory):
    lines = ["Peak resident memory of chapter 8's CNN on 10 000 random 28x28x1 test",
             "images in one call, a fresh diy_nn-only process each (ru_maxrss; data:",
             "the resident memory before the call):", "",
             f"{'what':<14} {'data MiB':>9} {'peak MiB':>9} {'above data':>11} "
             f"{'seconds':>8}"]
    for run in memory["runs"]:
        if "error" in run:
            lines.append(f"{run['mode']:<14} failed: {run['error']}")
            continue
        verdict = ""
        if run["mode"] == "predict":
            ok = run["above_data_mib"] < memory["target_above_data_mib"]
            verdict = (f"  {'ok' if ok else 'OVER'} (target: < "
                       f"{memory['target_above_data_mib']} MiB)")
        lines.append(f"{run['mode']:<14} {run['data_mib']:9.0f} {run['peak_mib']:9.0f} "
                     f"{run['above_data_mib']:11.0f} {run['seconds']:8.2f}{verdict}")
    lines += ["", "predict: net.predict(X); eval call: net.eval(); net(X);",
              "training call: net(X) in training mode; training: 50 Adam steps on",
              "batches of 64 of 60 000 images, then net.predict(X) (its data: both",
              "sets)."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure()))
