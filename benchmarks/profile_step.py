"""Where one training step's time goes in diy_nn, module by module.

    .venv/bin/python benchmarks/profile_step.py [--network conv1d] [--epochs 2]
        [--threads 2] [--json FILE] [--text FILE]

In this (fresh) process, trains a benchmark's network (``bench_<network>.py``:
the same data, weights and batches) with ``diy_nn.SGD`` for a warm-up epoch,
then times ``--epochs`` epochs with every module's ``forward``,
``backward_update_gradient`` and ``backward_delta``, the loss's ``forward`` and
``backward`` and the optimiser's update wrapped: for each, the wall time, the
CPU time of the process, and the minor page faults (a page of memory touched
for the first time since it was mapped: the count does not depend on the
machine's load). The rest of the step (drawing the batch, Python) is "other".

The table is what the book's page on speed includes (``benchmarks/results/``).
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))


class Meter:
    """Wall time, CPU time and minor page faults of the calls it wraps, by name."""

    def __init__(self):
        self.rows = {}
        self.order = []

    def wrap(self, owner, method, name):
        inner = getattr(owner, method)

        def timed(*args, **kwargs):
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            out = inner(*args, **kwargs)
            t1 = time.perf_counter()
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            row = self.rows.get(name)
            if row is None:
                row = self.rows[name] = {"calls": 0, "seconds": 0.0,
                                         "cpu_seconds": 0.0, "minor_faults": 0}
                self.order.append(name)
            row["calls"] += 1
            row["seconds"] += t1 - t0
            row["cpu_seconds"] += (r1.ru_utime + r1.ru_stime
                                   - r0.ru_utime - r0.ru_stime)
            row["minor_faults"] += r1.ru_minflt - r0.ru_minflt
            return out

        setattr(owner, method, timed)

    def reset(self):
        self.rows = {}
        self.order = []


def instrument(meter, net, loss, optim):
    for i, m in enumerate(net.modules):
        label = f"{i} {m!r}"
        for method, short in (("forward", "forward"),
                              ("backward_update_gradient", "dL/dparams"),
                              ("backward_delta", "dL/dinput")):
            if method == "backward_update_gradient" and not m._parameters:
                continue
            meter.wrap(m, method, f"{label}: {short}")
    meter.wrap(loss, "forward", f"{loss!r}: forward")
    meter.wrap(loss, "backward", f"{loss!r}: backward")
    meter.wrap(optim.rule, "update", "update of the parameters")


def profile(network, epochs, seed=1, threads=None):
    import diy_nn as nn

    bench = __import__(f"bench_{network}")
    X, y = bench.make_data()
    net = bench.make_diy_net(bench.initial_weights())
    loss = nn.CELoss()
    optim = nn.Optim(net, loss, eps=bench.LR)
    rng = np.random.default_rng(seed)
    nn.SGD(net, loss, X, y, batch_size=bench.BATCH, epochs=1, optim=optim, rng=rng,
           progress=False)                                  # warm-up, not measured
    meter = Meter()
    instrument(meter, net, loss, optim)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    nn.SGD(net, loss, X, y, batch_size=bench.BATCH, epochs=epochs, optim=optim,
           rng=rng, progress=False)
    total = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    steps = epochs * -(-len(X) // bench.BATCH)
    rows = [dict(meter.rows[name], name=name) for name in meter.order]
    rest = {
        "name": "other (batches, Python)", "calls": steps,
        "seconds": total - sum(r["seconds"] for r in rows),
        "cpu_seconds": (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
        - sum(r["cpu_seconds"] for r in rows),
        "minor_faults": (r1.ru_minflt - r0.ru_minflt)
        - sum(r["minor_faults"] for r in rows),
    }
    return {"network": bench.NAME, "key": network, "epochs": epochs, "steps": steps,
            "threads": threads,
            "batch": bench.BATCH, "seconds": total,
            "minor_faults": r1.ru_minflt - r0.ru_minflt,
            "load_average": os.getloadavg(), "rows": rows + [rest]}


def table(result):
    steps = result["steps"]
    lines = [
        f"diy_nn, {result['network']},",
        f"batches of {result['batch']}:",
        f"one training step, {result['seconds'] / steps * 1e3:.2f} ms "
        f"(mean of {steps} steps in a fresh process after a warm-up epoch;",
        f"{result['threads']} BLAS thread(s); load average "
        f"{result['load_average'][0]:.2f})", "",
        f"{'':<44} {'ms a step':>9} {'share':>6} {'CPU ms':>7} {'faults':>7}",
    ]
    for row in result["rows"]:
        lines.append(f"{row['name']:<44.44} {row['seconds'] / steps * 1e3:9.2f} "
                     f"{100 * row['seconds'] / result['seconds']:5.0f}% "
                     f"{row['cpu_seconds'] / steps * 1e3:7.2f} "
                     f"{row['minor_faults'] / steps:7.0f}")
    cpu = sum(row["cpu_seconds"] for row in result["rows"])
    lines.append(f"{'the whole step':<44} {result['seconds'] / steps * 1e3:9.2f} "
                 f"{100:5.0f}% {cpu / steps * 1e3:7.2f} "
                 f"{result['minor_faults'] / steps:7.0f}")
    lines += ["", "ms a step: wall-clock time; CPU ms: the process's CPU time (less "
              "sensitive to", "other programs); faults: minor page faults a step "
              "(pages fresh from the kernel)."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default="conv1d",
                        choices=("mlp", "conv1d", "conv2d"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2,
                        help="BLAS threads (default 2, as the speed table)")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--text", metavar="FILE")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads, user_api="blas")
    result = profile(args.network, args.epochs, threads=args.threads)
    text = table(result)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
