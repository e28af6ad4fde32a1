"""What the three benchmarks share: fresh processes, timing, checks, the table.

A benchmark (``bench_mlp.py``, ``bench_conv1d.py``, ``bench_conv2d.py``) is a
module that defines

- ``KEY`` (``"mlp"``), ``NAME`` (the network, one line), ``DATA`` (the data,
  in words) and ``N`` (examples);
- ``make_data()`` -> ``(X, y)``, seeded, NumPy alone;
- ``initial_weights()`` -> a list of arrays (diy_nn's initialisation);
- ``WAYS``: an ordered dict from a name (``"diy_nn"``, ``"PyTorch"``,
  ``"NumPy by hand"``) to a :class:`Way`.

Each way runs in its own fresh Python process (:func:`worker`), which imports
only what that way needs: the diy_nn process never imports torch, the PyTorch
process never imports diy_nn. The parent (:func:`measure`) makes the initial
weights once, hands them to every process in a file, starts the processes in
turn (the order reversed every other round, so that a change in the machine's
load hits every way alike), and reads back what each wrote: its seconds per
epoch, its page faults, and its losses, which must agree (same weights, same
batches: the same work). It also runs the old way, every way in one process
with PyTorch first, to show how much that misleads.
"""
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The targets, one table for the three networks: the largest ratio
# diy_nn / baseline accepted, in fresh processes (median of the rounds).
TARGETS = {
    "mlp": {"PyTorch": 1.0, "NumPy by hand": 1.05},
    "conv1d": {"PyTorch": 1.2},
    "conv2d": {"PyTorch": 1.2},
}
NETWORKS = ("mlp", "conv1d", "conv2d")
DIY, TORCH = "diy_nn", "PyTorch"

# The first steps, from the initial weights, on batches shuffled with this
# seed: every way must give the same losses. They are also each process's
# warm-up (lazy imports, BLAS threads, the allocator's first growth).
CHECK_SEED, CHECK_STEPS = 123, 5
RTOL, ATOL = 1e-4, 1e-5          # float32: the first steps' losses
EPOCH_RTOL = 1e-3                # the timed epoch's mean loss, after many steps


class Way:
    """One implementation of a benchmark's training.

    ``train(X, y, weights, seed, epochs)`` trains from ``weights`` and returns the
    mean loss of each epoch; ``steps(X, y, weights, seed, n)`` returns the losses
    of the first ``n`` steps. Both shuffle the examples with
    ``np.random.default_rng(seed).permutation`` at each epoch, as
    ``diy_nn.minibatches`` does.
    ``prepare(X, y)``, when given, converts the data once, untimed (PyTorch's
    tensors, channels first), and ``train`` and ``steps`` get what it returns.
    """

    def __init__(self, train, steps, prepare=None):
        self.train, self.steps = train, steps
        self.prepare = prepare or (lambda X, y: (X, y))


def diy_way(make_net, batch, lr):
    """diy_nn the way a student trains: ``diy_nn.SGD`` for the epochs, an
    ``Optim`` loop for the first steps; ``make_net(weights)`` builds the network."""
    def train(X, y, weights, seed, epochs):
        import diy_nn as nn

        history = nn.SGD(make_net(weights), nn.CELoss(), X, y, batch_size=batch,
                         epochs=epochs, eps=lr, rng=np.random.default_rng(seed),
                         progress=False)
        return history["loss"]

    def steps(X, y, weights, seed, n):
        import diy_nn as nn

        optim = nn.Optim(make_net(weights), nn.CELoss(), eps=lr)
        batches = nn.minibatches(X, y, batch, rng=np.random.default_rng(seed))
        return [optim.step(xb, yb) for _, (xb, yb) in zip(range(n), batches)]

    return Way(train, steps)


def loop_way(run, n, batch, prepare=None):
    """A way written as one loop, ``run(X, y, weights, seed, epochs, steps=None)``
    -> the loss of every step (stopping after ``steps`` when given)."""
    return Way(lambda X, y, w, seed, epochs: epoch_means(run(X, y, w, seed, epochs),
                                                         n, batch),
               lambda X, y, w, seed, k: run(X, y, w, seed, 1, k), prepare)


def torch_sgd(model, Xt, yt, seed, epochs, steps, batch, lr):
    """PyTorch's standard training loop (``zero_grad``, ``backward``, ``step``),
    cross-entropy and plain SGD, batches shuffled as ``diy_nn.minibatches`` does;
    the loss of every step."""
    import torch

    torch.set_num_threads(threads())
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(Xt)))
        for start in range(0, len(Xt), batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if steps is not None and len(losses) >= steps:
                return losses
    return losses


def batch_sizes(n, batch):
    return [min(batch, n - start) for start in range(0, n, batch)]


def epoch_means(step_losses, n, batch):
    """Per-step batch means -> the mean loss of each epoch, weighted by batch
    size (as ``diy_nn.SGD`` reports it)."""
    sizes = batch_sizes(n, batch)
    per_epoch = len(sizes)
    return [float(np.dot(step_losses[i:i + per_epoch], sizes)) / n
            for i in range(0, len(step_losses), per_epoch)]


def threads():
    """The number of threads the parent asked for (BLAS and PyTorch)."""
    return int(os.environ.get("DIY_NN_BENCH_THREADS", "1"))


def load_bench(key):
    sys.path.insert(0, HERE)
    return __import__(f"bench_{key}")


# --- one process ----------------------------------------------------------------

def blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    return [pool["num_threads"] for pool in threadpool_info()
            if pool.get("user_api") == "blas"]


def worker(key, ways, weights_file, seed, epochs, out):
    """Run ``ways`` of benchmark ``key``, in this order, in this process; write
    what each did to the JSON file ``out``."""
    bench = load_bench(key)
    X, y = bench.make_data()
    with np.load(weights_file) as f:
        weights = [f[f"arr_{i}"] for i in range(len(f.files))]
    results = []
    for name in ways:
        way = bench.WAYS[name]
        Xw, yw = way.prepare(X, y)
        first = way.steps(Xw, yw, weights, CHECK_SEED, CHECK_STEPS)
        before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        losses = way.train(Xw, yw, weights, seed, epochs)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF)
        results.append({
            "way": name, "seconds": seconds / epochs,
            "minor_faults": (after.ru_minflt - before.ru_minflt) / epochs,
            "user_seconds": (after.ru_utime - before.ru_utime) / epochs,
            "sys_seconds": (after.ru_stime - before.ru_stime) / epochs,
            "first_losses": [float(v) for v in first],
            "epoch_losses": [float(v) for v in losses],
        })
        del Xw, yw
    info = {
        "key": key, "ways": list(ways), "seed": seed, "epochs": epochs,
        "results": results, "load_average": os.getloadavg(),
        "imported_torch": "torch" in sys.modules,
        "imported_diy_nn": "diy_nn" in sys.modules,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "blas_threads": blas_threads(),
    }
    if info["imported_torch"]:
        import torch
        info["torch_threads"] = torch.get_num_threads()
    with open(out, "w") as f:
        json.dump(info, f)


def spawn(key, ways, weights_file, seed, epochs, n_threads, tmp, tag):
    """Run :func:`worker` in a fresh Python process; returns what it wrote."""
    out = os.path.join(tmp, f"{key}-{tag}.json")
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(n_threads)
    env["DIY_NN_BENCH_THREADS"] = str(n_threads)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, os.path.join(HERE, "run.py"), "--worker", key,
           "--ways", *ways, "--weights", weights_file, "--seed", str(seed),
           "--epochs", str(epochs), "--out-file", out]
    subprocess.run(cmd, env=env, check=True)
    with open(out) as f:
        return json.load(f)


# --- the parent -----------------------------------------------------------------

def measure(keys, rounds=5, n_threads=2, epochs=1, old_way=True, log=sys.stderr):
    """Time every way of every benchmark in ``keys``: ``rounds`` rounds, each
    way in its own fresh process; plus, with ``old_way``, one process a round
    that runs PyTorch first, then the others. Returns a dict (see
    :func:`summarise`)."""
    tmp = tempfile.mkdtemp(prefix="diy_nn-bench-")
    benches = {key: load_bench(key) for key in keys}
    weights_files = {}
    for key, bench in benches.items():
        weights_files[key] = os.path.join(tmp, f"{key}-weights.npz")
        np.savez(weights_files[key], *bench.initial_weights())
    runs = {key: [] for key in keys}
    load_start = os.getloadavg()
    for r in range(rounds):
        for key, bench in benches.items():
            ways = list(bench.WAYS)
            if r % 2:
                ways.reverse()
            seed = r
            for name in ways:
                got = spawn(key, [name], weights_files[key], seed, epochs,
                            n_threads, tmp, f"{r}-{name.replace(' ', '_')}")
                runs[key].append(dict(got, round=r, mode="fresh"))
                res = got["results"][0]
                print(f"round {r + 1}/{rounds} {key:7s} {name:14s} "
                      f"{res['seconds']:7.3f} s (cpu {res['user_seconds']:.3f} + "
                      f"{res['sys_seconds']:.3f} s, {res['minor_faults']:.0f} page "
                      f"faults)   load {got['load_average'][0]:.2f}",
                      file=log, flush=True)
            if old_way:
                first = [TORCH] + [w for w in bench.WAYS if w != TORCH]
                got = spawn(key, first, weights_files[key], seed, epochs,
                            n_threads, tmp, f"{r}-same")
                runs[key].append(dict(got, round=r, mode="same process"))
                print(f"round {r + 1}/{rounds} {key:7s} same process, PyTorch "
                      "first: " + ", ".join(f"{x['way']} {x['seconds']:.3f} s"
                                             for x in got["results"]),
                      file=log, flush=True)
    load_end = os.getloadavg()
    return summarise(benches, runs, rounds, n_threads, epochs, load_start,
                     load_end)


def _spread(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "all": values}


def check_same_work(bench, runs):
    """Every process's first-step losses against PyTorch's, and each round's
    epoch mean loss against PyTorch's of the same round; returns (ok, problems)."""
    problems = []
    ref_first, ref_epoch = None, {}
    for run in runs:
        for res in run["results"]:
            if res["way"] == TORCH and run["mode"] == "fresh":
                ref_first = res["first_losses"]
                ref_epoch[run["round"]] = res["epoch_losses"]
    for run in runs:
        for res in run["results"]:
            where = f"{res['way']} ({run['mode']}, round {run['round'] + 1})"
            if not np.allclose(res["first_losses"], ref_first, rtol=RTOL, atol=ATOL):
                problems.append(f"{where}: first losses {res['first_losses']} "
                                f"!= PyTorch's {ref_first}")
            ref = ref_epoch[run["round"]]
            if not np.allclose(res["epoch_losses"], ref, rtol=EPOCH_RTOL):
                problems.append(f"{where}: epoch loss {res['epoch_losses']} "
                                f"!= PyTorch's {ref}")
            if res["way"] == DIY and run["mode"] == "fresh" and run["imported_torch"]:
                problems.append(f"{where}: the diy_nn process imported torch")
            if (res["way"] == TORCH and run["mode"] == "fresh"
                    and run["imported_diy_nn"]):
                problems.append(f"{where}: the PyTorch process imported diy_nn")
    return not problems, problems


def summarise(benches, runs, rounds, n_threads, epochs, load_start, load_end):
    import diy_nn

    summary = {
        "rounds": rounds, "threads": n_threads, "epochs": epochs,
        "load_average_start": load_start, "load_average_end": load_end,
        "python": platform.python_version(), "numpy": np.__version__,
        "diy_nn": diy_nn.__version__, "machine": platform.machine(),
        "cpus": os.cpu_count(), "networks": {},
    }
    for key, bench in benches.items():
        ok, problems = check_same_work(bench, runs[key])
        net = {"name": bench.NAME, "data": bench.DATA, "ways": list(bench.WAYS),
               "same_work": ok,
               "problems": problems, "targets": TARGETS[key], "fresh": {},
               "same_process": {}, "ratios": {}, "ratios_same_process": {},
               "minor_faults": {}, "minor_faults_same_process": {},
               "cpu_seconds": {}, "blas_threads": {}}
        for mode, table in (("fresh", net["fresh"]),
                            ("same process", net["same_process"])):
            per_round = {}
            for run in runs[key]:
                if run["mode"] != mode:
                    continue
                for res in run["results"]:
                    per_round.setdefault(res["way"], {})[run["round"]] = res
                    if mode == "fresh":
                        net["blas_threads"][res["way"]] = run["blas_threads"]
            for name, by_round in per_round.items():
                table[name] = _spread([by_round[r]["seconds"]
                                       for r in sorted(by_round)])
                faults = net["minor_faults" if mode == "fresh"
                             else "minor_faults_same_process"]
                faults[name] = _spread([by_round[r]["minor_faults"]
                                        for r in sorted(by_round)])
                if mode == "fresh":
                    net["cpu_seconds"][name] = _spread(
                        [by_round[r]["user_seconds"] + by_round[r]["sys_seconds"]
                         for r in sorted(by_round)])
            ratios = net["ratios"] if mode == "fresh" else net["ratios_same_process"]
            for base in TARGETS[key]:
                if DIY in per_round and base in per_round:
                    common = sorted(set(per_round[DIY]) & set(per_round[base]))
                    ratios[base] = _spread([per_round[DIY][r]["seconds"]
                                            / per_round[base][r]["seconds"]
                                            for r in common])
        summary["networks"][key] = net
    return summary


# --- the table ------------------------------------------------------------------

def _seconds(s):
    return f"{s['median']:.3f} [{s['min']:.3f}, {s['max']:.3f}]"


def _ratio(s):
    return f"{s['median']:.2f}x [{s['min']:.2f}, {s['max']:.2f}]"


def table(summary):
    """The results as plain text, at most 88 columns: one table for the networks."""
    s = summary
    lines = [
        "diy_nn against PyTorch (CPU) and a bare NumPy loop: seconds per epoch, each",
        "library alone in a fresh Python process, the processes alternated;",
        f"{s['threads']} thread(s) (BLAS and PyTorch); median [min, max] of "
        f"{s['rounds']} rounds;",
        f"load average {s['load_average_start'][0]:.2f} at the start, "
        f"{s['load_average_end'][0]:.2f} at the end ({s['cpus']} CPUs).",
        "",
    ]
    head = (f"{'':<9}{'way':<14}{'s / epoch':>20}{'faults':>8}  "
            f"{'diy_nn / way':>18}  {'target':>6}")
    lines += [head, "-" * 86]
    for key, net in s["networks"].items():
        lines += [f"{key}: {net['name']}", f"{'':<{len(key) + 2}}{net.get('data', '')}"]
        for name in net["ways"]:
            ratio = net["ratios"].get(name)
            target = net["targets"].get(name)
            verdict = ""
            if ratio is not None:
                verdict = " ok" if ratio["median"] <= target else " MISSED"
            lines.append(
                f"{'':<9}{name:<14}{_seconds(net['fresh'][name]):>20}"
                f"{net['minor_faults'][name]['median']:>8.0f}  "
                f"{_ratio(ratio) if ratio else '':>18}  "
                f"{f'{target:.2f}x' if target else '':>6}{verdict}")
        same = ("the same work: the same losses from the same weights and batches"
                if net["same_work"]
                else "NOT THE SAME WORK: " + "; ".join(net["problems"]))
        lines.append(f"{'':<9}{same}")
    lines += ["", "The old way, every way in one process, PyTorch first (misleading:",
              "see benchmarks/README.md):", ""]
    head = f"{'':<9}{'way':<14}{'s / epoch':>20}{'faults':>8}  {'diy_nn / way':>18}"
    lines += [head, "-" * len(head)]
    for key, net in s["networks"].items():
        for name in net["ways"]:
            if name not in net["same_process"]:
                continue
            ratio = net["ratios_same_process"].get(name)
            lines.append(f"{key:<9}{name:<14}"
                         f"{_seconds(net['same_process'][name]):>20}"
                         f"{net['minor_faults_same_process'][name]['median']:>8.0f}  "
                         f"{_ratio(ratio) if ratio else '':>18}")
    lines += ["", "faults: the minor page faults of the process during the timed epoch",
              "(median over the rounds): pages the kernel had to hand out, zeroed."]
    return "\n".join(line.rstrip() for line in lines)


def all_ok(summary):
    """Whether every network did the same work and met its targets."""
    return all(net["same_work"] and all(
        net["ratios"][base]["median"] <= target
        for base, target in net["targets"].items() if base in net["ratios"])
        for net in summary["networks"].values())
