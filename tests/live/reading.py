"""What a student must not read in a live chapter, as rules on the visible text.

Each function takes a :class:`notebook_page.Cell` that has been read and
returns the problems it finds, as short sentences that quote the text.
"""
import re

# MyST that Jupyter's own Markdown renderer shows as it is written.
_FENCE = re.compile(r"^\s*(:{3,}|`{3,}|~{3,})\s*\{[\w:.-]+\}.*$", re.M)
_FENCE_END = re.compile(r"^\s*:{3,}\s*$", re.M)
_OPTION = re.compile(r"^\s*:[a-z][\w-]*:(\s.*)?$", re.M)
_ROLE = re.compile(r"\{[a-z][\w:.-]*\}(?=[\w`'\"(.-])")
# ``$$ ... $$ (eq-label)``: the label follows the equation, in brackets.
_LABEL = re.compile(r"\((eq|fig|tab|ex|sec)-[\w.-]+\)")
# ``(sec-label)=``: a target, on a line of its own before a heading.
_TARGET = re.compile(r"^\s*\([\w.-]+\)=\s*$", re.M)
_GLUE = re.compile(r"\{glue(:\w+)?\}`[^`]*`")

# TeX that no typesetter turned into maths (typeset maths reads as ⟨math⟩).
_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\$[^$\n]{1,80}\$|\\(frac|partial|begin|mathbf|mathrm|"
    r"mathbb|sum|left|right|lambda|theta|eta|delta|sigma|hat|tilde|cdot|top|le|ge|"
    r"infty|sqrt|text)(?![a-zA-Z])")

# Python reprs that stand for an output that did not render.
# (IPython prints an object without a repr of its own as <module.Class at 0x...>.)
_REPR = re.compile(r"<IPython\.core\.display\.\w+ object>|<[\w.]+(?: object)? at "
                   r"0x[0-9a-f]+>|<Figure size [^>]*>")

# What the widget manager writes when a widget cannot be shown.
_WIDGET_FAILURE = re.compile(r"Error displaying widget|Loading widget\.\.\.|"
                             r"Failed to (load|create) (model|view)|could not draw",
                             re.I)


def _lines(pattern, text, what):
    return [f"{what}: {m.group(0).strip()[:100]!r}" for m in pattern.finditer(text)]


def _prose(cell):
    """The cell's visible text without its Markdown code blocks: a listing of
    Python (``f"{i}."``) is code, not MyST left as written."""
    text = cell.text
    for line in getattr(cell, "code", "").splitlines():
        if line.strip():
            text = text.replace(line, "")
    return text


def raw_myst(cell, glue=True):
    """MyST markup shown as written: directive fences (``:::{exercise}``, a
    code block of language ``{literalinclude}``), their ``:option:`` lines, a
    closing ``:::``, roles (``{eq}`label```), equation labels and targets
    (``(sec-x)=``). ``glue=False`` leaves out the glue roles
    (``{glue:text}`key```), which :func:`glue_roles` finds."""
    problems = [f"a directive fence shown as a code block: ```{name}" for name in
                cell.fences]
    text = _prose(cell)
    problems += _lines(_FENCE, text, "a directive fence")
    problems += _lines(_FENCE_END, text, "a closing fence")
    problems += _lines(_OPTION, text, "a directive option")
    problems += _lines(_ROLE, text, "a role")
    problems += _lines(_LABEL, text, "an equation label")
    problems += _lines(_TARGET, text, "a label target")
    if not glue:
        problems = [p for p in problems if not p.startswith("a role: '{glue")]
    return problems


def glue_roles(cell):
    """``{glue:text}`key``` shown as written instead of the number it stands for."""
    return _lines(_GLUE, cell.text, "a glue role")


def code_blocks_holding(cell, lines):
    """The ``lines`` (source lines of prose) that the student reads inside a code
    block of the rendered cell: prose that did not render as Markdown."""
    code = " ".join(cell.code.split())
    return [f"prose shown as code: {line[:80]!r}" for line in lines
            if " ".join(line.split()) in code]


def raw_tex(text):
    """Maths left as TeX source."""
    problems = []
    for line in text.splitlines():
        match = _TEX.search(line)
        if match:
            problems.append(f"raw TeX {match.group(0)!r} in: {line.strip()[:120]!r}")
    return problems


def object_reprs(text):
    """``<IPython.core.display.Javascript object>`` and the like."""
    return _lines(_REPR, text, "an object's repr instead of its output")


def widget_failures(text):
    return _lines(_WIDGET_FAILURE, text, "a widget that failed")


def describe(cell, problems):
    """One block of the failure message: the cell, then its problems."""
    return f"{cell}:\n" + "\n".join(f"  - {p}" for p in problems)
