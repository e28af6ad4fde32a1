"""The same diy_nn epoch, in processes with different histories.

    .venv/bin/python benchmarks/process_state.py [--network conv1d] [--rounds 5]
        [--threads 2] [--text FILE] [--json FILE]

Times one epoch of a benchmark's network with diy_nn (``bench_<network>.py``:
same data, weights and batches; after a warm-up of a few steps, as the
harness does) in fresh processes that first do one of:

- nothing (a student's fresh kernel);
- ``import torch``;
- train one epoch of the same network with PyTorch (the old benchmarks: both
  libraries in one process, PyTorch first);
- allocate and free one array of 8 MiB with NumPy;
- nothing, with diy_nn's allocator setting switched off
  (``DIY_NN_KEEP_FREED_MEMORY=0``, see ``diy_nn/memory.py``).

and reports, for each, the median seconds per epoch and the minor page faults
of the epoch (pages the kernel had to hand out and zero: a count that does not
depend on the machine's load). The histories alternate within each round.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import harness  # noqa: E402

PRELUDES = {
    "fresh process": ("", {}),
    "after import torch": ("import torch", {}),
    "after a PyTorch epoch": ("torch", {}),
    "after freeing 8 MiB": ("import numpy as np; a = np.ones(8 << 20, np.uint8); del a",
                            {}),
    "fresh, allocator setting off": ("", {"DIY_NN_KEEP_FREED_MEMORY": "0"}),
}

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {here!r})
key, prelude, weights_file, out = sys.argv[1:5]
import numpy as np
import harness
bench = harness.load_bench(key)
X, y = bench.make_data()
with np.load(weights_file) as f:
    weights = [f[f"arr_{{i}}"] for i in range(len(f.files))]
if prelude == "torch":
    way = bench.WAYS["PyTorch"]
    Xt, yt = way.prepare(X, y)
    way.train(Xt, yt, weights, 0, 1)
    del Xt, yt
elif prelude:
    exec(prelude)
way = bench.WAYS["diy_nn"]
way.steps(X, y, weights, harness.CHECK_SEED, harness.CHECK_STEPS)
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
way.train(X, y, weights, 1, 1)
seconds = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
with open(out, "w") as f:
    json.dump({{"seconds": seconds, "minor_faults": r1.ru_minflt - r0.ru_minflt,
               "cpu_seconds": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
               "load": os.getloadavg()[0]}}, f)
"""


def table(result):
    """The measurements as text, at most 88 columns."""
    lines = ["diy_nn, one epoch of", f"  {result['network']}",
             f"on {result['data']}, in fresh processes that first did",
             f"something else; {result['threads']} thread(s); median [min, max] of "
             f"{result['rounds']} rounds;",
             f"load average {result['load_average_start']:.2f} at the start, "
             f"{result['load_average_end']:.2f} at the end.", "",
             f"{'the process first':<30} {'s / epoch':>22} {'page faults':>12}"]
    for name, got in result["runs"].items():
        s = [g["seconds"] for g in got]
        faults = statistics.median(g["minor_faults"] for g in got)
        lines.append(f"{name:<30} {statistics.median(s):7.3f} [{min(s):.3f}, "
                     f"{max(s):.3f}] {faults:12.0f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--network", default="conv1d", choices=harness.NETWORKS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--text", metavar="FILE")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    bench = harness.load_bench(args.network)
    tmp = tempfile.mkdtemp(prefix="diy_nn-state-")
    weights_file = os.path.join(tmp, "weights.npz")
    import numpy as np
    np.savez(weights_file, *bench.initial_weights())
    runs = {name: [] for name in PRELUDES}
    load_start = os.getloadavg()[0]
    child = CHILD.format(here=HERE)
    for r in range(args.rounds):
        names = list(PRELUDES)
        if r % 2:
            names.reverse()
        for name in names:
            prelude, extra = PRELUDES[name]
            env = dict(os.environ, **extra)
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                env[var] = str(args.threads)
            env["DIY_NN_BENCH_THREADS"] = str(args.threads)
            env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
            out = os.path.join(tmp, "out.json")
            subprocess.run([sys.executable, "-c", child, args.network, prelude,
                            weights_file, out], env=env, check=True)
            with open(out) as f:
                got = json.load(f)
            runs[name].append(got)
            print(f"round {r + 1}/{args.rounds} {name:<30} {got['seconds']:6.3f} s "
                  f"(cpu {got['cpu_seconds']:.3f} s) "
                  f"{got['minor_faults']:8d} page faults  load {got['load']:.2f}",
                  file=sys.stderr, flush=True)
    result = {"network": bench.NAME, "data": bench.DATA, "threads": args.threads,
              "rounds": args.rounds, "load_average_start": load_start,
              "load_average_end": os.getloadavg()[0], "runs": runs}
    text = table(result)
    print(text)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
