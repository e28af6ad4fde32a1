"""A chapter's functions, read from the chapter itself: a benchmark then measures
the code the book shows, not a copy of it that can drift."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chapter_functions(chapter, name):
    """The names defined by the code cell of ``book/<chapter>.ipynb`` that defines
    the function ``name``, the cell run with ``np`` (NumPy) and ``nn`` (diy_nn)
    bound, as in the chapter."""
    import numpy as np
    import diy_nn as nn

    with open(os.path.join(ROOT, "book", f"{chapter}.ipynb")) as f:
        cells = json.load(f)["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    source = next((s for s in sources if f"def {name}(" in s), None)
    if source is None:
        raise LookupError(f"book/{chapter}.ipynb defines no function {name}")
    namespace = {"np": np, "nn": nn}
    exec(compile(source, f"{chapter}.ipynb ({name})", "exec"), namespace)
    return namespace
