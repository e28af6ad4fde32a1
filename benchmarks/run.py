"""diy_nn against PyTorch (and a bare NumPy loop), each in its own fresh process.

    .venv/bin/python benchmarks/run.py                  # the three networks
    .venv/bin/python benchmarks/run.py --only conv1d --rounds 7 --threads 2
    .venv/bin/python benchmarks/run.py --memory --out benchmarks/results

prints one table for the networks (``harness.table``) and, with ``--out DIR``,
writes it to ``DIR/speed.txt`` and everything measured to ``DIR/speed.json``;
``--memory`` adds chapter 8's network's peak memory (``bench_memory.py``). The
exit status is 1 when a network misses its target or the ways disagree.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=harness.NETWORKS,
                        default=list(harness.NETWORKS), help="the networks to time")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds; each way runs once a round, in a fresh process "
                             "(default 5)")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for NumPy's BLAS and for PyTorch (default 2)")
    parser.add_argument("--epochs", type=int, default=1,
                        help="timed epochs in each process (default 1)")
    parser.add_argument("--no-old-way", action="store_true",
                        help="skip the runs with PyTorch first in the same process")
    parser.add_argument("--memory", action="store_true",
                        help="also measure the peak memory of chapter 8's network")
    parser.add_argument("--out", metavar="DIR",
                        help="write speed.txt and speed.json (and memory.*) there")
    # One process's work (used by the harness itself).
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--ways", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--weights", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out-file", dest="out_file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        harness.worker(args.worker, args.ways, args.weights, args.seed, args.epochs,
                       args.out_file)
        return 0

    memory = None
    if args.memory:
        # First, while nothing else runs: a fresh process of its own.
        import bench_memory
        memory = bench_memory.measure()
        print(bench_memory.table(memory), flush=True)
        print()
    summary = harness.measure(args.only, args.rounds, args.threads, args.epochs,
                              old_way=not args.no_old_way)
    text = harness.table(summary)
    print(text)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "speed.txt"), "w") as f:
            f.write(text + "\n")
        with open(os.path.join(args.out, "speed.json"), "w") as f:
            json.dump(summary, f, indent=1)
        if memory is not None:
            import bench_memory
            with open(os.path.join(args.out, "memory.txt"), "w") as f:
                f.write(bench_memory.table(memory) + "\n")
            with open(os.path.join(args.out, "memory.json"), "w") as f:
                json.dump(memory, f, indent=1)
    return 0 if harness.all_ok(summary) else 1


if __name__ == "__main__":
    sys.exit(main())
