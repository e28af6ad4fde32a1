"""Two trainings side by side on two cores, with one or two BLAS threads each.

    .venv/bin/python benchmarks/side_by_side.py [--epochs 5]

trains chapter 8's CNN (its ``cnn`` and ``fit``, read from the chapter) on USPS,
seeds 0 and 1, first alone then two processes at once, with
``OPENBLAS_NUM_THREADS`` 2 then 1, and prints each process's seconds. It is the
measurement behind `make nbval`'s one thread a process (benchmarks/README.md,
"The book's own time"). Set ``DIY_NN_DATA`` as for ``make nbval``.
"""
import argparse
import os
import subprocess
import sys
import time


def worker(seed, epochs):
    from chapter_code import chapter_functions
    from diy_nn.datasets import load_usps
    chapter = chapter_functions("08_going_further", "cnn")
    usps = load_usps(flat=False)
    net = chapter["cnn"]((16, 32), side=16, rng=seed)
    start = time.perf_counter()
    chapter["fit"](net, usps.X_train, usps.y_train, chapter["cosine"](8e-3, epochs),
                   seed=seed)
    print(f"{time.perf_counter() - start:.1f}")


def run(seeds, threads, epochs):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(s),
                               "--epochs", str(epochs)], env=env, text=True,
                              stdout=subprocess.PIPE) for s in seeds]
    return [float(p.communicate()[0]) for p in procs]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        return worker(args.worker, args.epochs)
    print(f"chapter 8's CNN, {args.epochs} epochs of USPS; seconds of each process")
    for threads in (2, 1):
        alone = run([0], threads, args.epochs)
        together = run([0, 1], threads, args.epochs)
        print(f"{threads} BLAS thread(s): alone {alone[0]:.1f} s; two at once "
              + ", ".join(f"{s:.1f} s" for s in together))


if __name__ == "__main__":
    main()
