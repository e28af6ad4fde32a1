"""How long each chapter takes to execute, each in a fresh kernel.

    .venv/bin/python benchmarks/chapter_times.py [--only 07_convolution ...]
        [--readme benchmarks/README.md] [--json benchmarks/results/chapter_times.json]

executes every ``book/*.ipynb`` (a copy: the chapters are not touched) in a fresh
Jupyter kernel with nbclient, in the environment ``make nbval`` gives them
(``MPLBACKEND=Agg``, ``MATPLOTLIBRC=.ci/matplotlibrc``, one BLAS and OpenMP
thread: ``OPENBLAS_NUM_THREADS=1``, ``OMP_NUM_THREADS=1``), one after the other,
and writes a table of the wall times, with each chapter's slowest cells and
the machine's load average, between the markers ``<!-- chapter-times -->``
and ``<!-- /chapter-times -->`` of ``--readme``. Set ``DIY_NN_DATA`` as for
``make nbval``. A load average above 1.5 (on
two cores) makes the numbers worth little: the table says what it was.
"""
import argparse
import datetime
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
START, END = "<!-- chapter-times -->", "<!-- /chapter-times -->"


def cell_seconds(cell):
    """The execution time of a code cell, from nbclient's timing metadata."""
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.datetime.fromisoformat(
            timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.datetime.fromisoformat(
            timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def run_chapter(path, timeout):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            record_timing=True,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    load = os.getloadavg()[0]
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            s = cell_seconds(cell)
            if s is not None:
                first = next((line for line in cell.source.splitlines()
                              if line.strip() and not line.startswith("#")), "")
                cells.append({"index": i, "id": cell.get("id"), "seconds": s,
                              "first_line": first[:60]})
    cells.sort(key=lambda c: -c["seconds"])
    return {"chapter": os.path.basename(path), "seconds": seconds,
            "load_before": load, "load_after": os.getloadavg()[0],
            "slowest_cells": cells[:3]}


def table(result):
    lines = [
        f"Measured {result['date']} by `benchmarks/chapter_times.py` on "
        f"{result['cpus']} CPUs (each chapter in a fresh kernel, `MPLBACKEND=Agg`, "
        f"OPENBLAS_NUM_THREADS={result['blas_threads_env']}); "
        f"load average {result['load_start']:.2f} at the start, "
        f"{result['load_end']:.2f} at the end"
        + (" (above 1.5: the machine was busy, the times are inflated)."
           if max(result["load_start"], result["load_end"]) > 1.5 else "."),
        "",
        "| chapter | seconds | load (1 min) before "
        "| slowest cells (seconds, first line) |",
        "|---|---:|---:|---|",
    ]
    for ch in result["chapters"]:
        slow = "; ".join(f"{c['seconds']:.0f} s `{c['first_line']}`"
                         for c in ch["slowest_cells"] if c["seconds"] >= 1)
        lines.append(f"| {ch['chapter']} | {ch['seconds']:.0f} | "
                     f"{ch['load_before']:.2f} | {slow.replace('|', '/')} |")
    lines.append(f"| **all** | **{result['total_seconds']:.0f}** "
                 f"({result['total_seconds'] / 60:.1f} min) | | |")
    return "\n".join(lines)


def write_readme(path, text):
    with open(path) as f:
        old = f.read()
    if START not in old or END not in old:
        raise SystemExit(f"{path}: no {START} ... {END} markers to write between")
    head, rest = old.split(START, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(f"{head}{START}\n{text}\n{END}{tail}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", help="chapter names (without .ipynb)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    parser.add_argument("--json", default=os.path.join(HERE, "results",
                                                       "chapter_times.json"))
    args = parser.parse_args(argv)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["MATPLOTLIBRC"] = os.path.join(ROOT, ".ci", "matplotlibrc")
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    paths = sorted(glob.glob(os.path.join(ROOT, "book", "*.ipynb")))
    if args.only:
        paths = [p for p in paths if os.path.basename(p)[:-6] in args.only]
    result = {"date": datetime.date.today().isoformat(), "cpus": os.cpu_count(),
              "load_start": os.getloadavg()[0], "chapters": [],
              "blas_threads_env": os.environ["OPENBLAS_NUM_THREADS"]}
    for path in paths:
        ch = run_chapter(path, args.timeout)
        print(f"{ch['chapter']:<28} {ch['seconds']:7.1f} s   load "
              f"{ch['load_before']:.2f} -> {ch['load_after']:.2f}", flush=True)
        result["chapters"].append(ch)
    result["load_end"] = os.getloadavg()[0]
    result["total_seconds"] = sum(ch["seconds"] for ch in result["chapters"])
    text = table(result)
    print(text)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
    if not args.only:
        write_readme(args.readme, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
