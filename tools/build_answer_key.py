"""Build the exercises' answer key, ``diy_nn/book/answer_key.json``.

    python tools/build_answer_key.py            # every entry
    python tools/build_answer_key.py --direct   # keep the chapter entries as they are

Each entry comes from its recipe in ``tools/answer_recipes.py``, which uses the
reference solutions of ``tools/solutions`` (not part of the package). Most are
computed here. An answer that needs the chapter's own state (a
:class:`~answer_recipes.ChapterValue`: the chapter's arrays, a network it trained)
is computed in the chapter's kernel: the chapter is executed (up to its last such
checker cell) with ``DIY_NN_ANSWER_KEY_RECORD`` set, and its ``check_answer``
calls record the recipe's value there, with the fingerprint of the ``inputs``
the cell passes. Run it after changing an exercise, a solution, or a chapter's
data: re-executing the chapters (nbval) fails with "rebuild the key" when a
chapter entry no longer matches its chapter.
"""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
KEY = ROOT / "diy_nn" / "book" / "answer_key.json"
sys.path.insert(0, str(TOOLS))

HEADER = ("The exercises' answer key: data computed from the reference solutions "
          "(tools/solutions) by tools/build_answer_key.py. Do not edit by hand.")


def direct_entries():
    """``{exercise: entry}`` of every recipe computed here."""
    from answer_recipes import RECIPES
    return {name: recipe.entry() for name, recipe in RECIPES.items()
            if not recipe.needs_chapter}


def chapter_entries(chapters=None):
    """``{exercise: entry}`` of the recipes that need their chapter's kernel."""
    from answer_recipes import RECIPES
    wanted = {}
    for name, recipe in RECIPES.items():
        if recipe.needs_chapter:
            wanted.setdefault(recipe.chapter, []).append(name)
    entries = {}
    for chapter, names in sorted(wanted.items()):
        if chapters and chapter not in chapters:
            continue
        entries.update(_run_chapter(chapter, names))
    return entries


def _run_chapter(chapter, names):
    """Execute ``book/<chapter>.ipynb`` up to its last checker cell of ``names``,
    recording their entries."""
    from nbclient import NotebookClient

    nb = nbformat.read(str(ROOT / "book" / f"{chapter}.ipynb"), as_version=4)
    last = max(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and any(f'"{n}"' in c.source for n in names))
    nb.cells = nb.cells[:last + 1]
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "record.jsonl"
        env = {"DIY_NN_ANSWER_KEY_RECORD": str(record),
               "PYTHONPATH": os.pathsep.join(
                   [str(TOOLS), os.environ.get("PYTHONPATH", "")]),
               "MPLBACKEND": "Agg"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            print(f"executing {chapter} up to cell {last}...", flush=True)
            NotebookClient(nb, timeout=3600, kernel_name="python3",
                           resources={"metadata": {"path": str(ROOT / "book")}}
                           ).execute()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        lines = record.read_text().splitlines() if record.exists() else []
    found = {json.loads(line)["exercise"]: json.loads(line)["entry"] for line in lines}
    missing = sorted(set(names) - set(found))
    if missing:
        raise SystemExit(f"{chapter}: no check_answer call recorded {missing}")
    return found


def read_key():
    return json.loads(KEY.read_text())["answers"] if KEY.exists() else {}


def write_key(answers):
    """One exercise a line: a change to one answer is a change to one line."""
    lines = [f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
             for name, entry in sorted(answers.items())]
    KEY.write_text("{\n" + f' "about": {json.dumps(HEADER)},\n "answers": {{\n'
                   + ",\n".join(lines) + "\n }\n}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--direct", action="store_true",
                        help="recompute the direct entries only; keep the chapter "
                             "entries of the current key")
    parser.add_argument("--chapters", nargs="*",
                        help="re-execute only these chapters (e.g. 02_linear)")
    args = parser.parse_args(argv)
    answers = read_key()
    from answer_recipes import RECIPES
    answers = {k: v for k, v in answers.items() if k in RECIPES}
    answers.update(direct_entries())
    if not args.direct:
        answers.update(chapter_entries(args.chapters))
    write_key(answers)
    print(f"{KEY.relative_to(ROOT)}: {len(answers)} answers")


if __name__ == "__main__":
    main()
