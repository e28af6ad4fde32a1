"""Build the student workbook from the book's chapters: ``make workbook``.

    python tools/build_workbook.py [--out workbook] [--zip FILE] [--check]
                                   [book/NN_x.ipynb ...]

For each chapter ``book/NN_x.ipynb`` it writes ``workbook/NN_x.ipynb`` (committed:
Binder and Colab open it from the repository), and then
``_build/workbook/diy_nn-workbook.zip`` with all of them (for the website).
``--check`` writes nothing and fails when the committed notebooks are not what
the chapters give. Nothing is copied by hand: every workbook chapter is computed
from the chapter and the library's source, so it follows both. The rules (see
tools/README.md for the chapter author's side):

- a ``{literalinclude} ../diy_nn/x.py`` with ``:pyobject: X`` becomes a skeleton
  of ``X`` to fill in (signatures and docstrings from the source, parsed with
  ``ast``; ``__init__``, dunder methods and ``_check*`` helpers given, and the
  file's private helpers the methods use imported; every other body
  ``raise NotWritten(...)``), then ``use(X)`` and a checker cell ``check(X)``
  (:mod:`diy_nn.book.workbook`). ``:pyobject: X.method`` listings give a subclass of
  the library's ``X`` that overrides those methods. The framework's base classes
  (``Module``, ``Loss``, ``Activation``) are given: their code is shown as text.
  ``<!-- workbook: given | drop | exercise -->`` just before a directive says
  otherwise;
- ``{solution}`` blocks and cells tagged ``solution`` or ``workbook-drop`` go;
  ``{exercise}`` blocks become plain Markdown; equations are numbered as on the
  website; a ``{glue:text}`` role becomes the value the chapter's stored
  output glued (as the website pastes it); outputs are cleared;
- a chapter's own checker cell that names a class the student now writes runs
  ``with library():`` (its reference is the library's), unless tagged
  ``workbook-keep``;
- a first code cell calls :func:`diy_nn.book.workbook.setup`.

It is made of nbconvert preprocessors run by a ``NotebookExporter``: the
ecosystem's tool for transforming notebooks by cell and tag.
"""
import argparse
import ast
import builtins
import copy
import io
import re
import textwrap
import zipfile
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool

from diy_nn.book.glue import glued_values

ROOT = Path(__file__).resolve().parent.parent
GIVEN = {"Module", "Loss", "Activation"}        # the framework, given as in the course
KEEP_METHODS = re.compile(r"^(__\w+__|_check\w*|children|named_parameters)$")
CHECKER_CALL = re.compile(r"\bcheck_(module|loss|value|answer)\s*\(")
SETUP = '''\
# The workbook: you write the library. A cell that needs a method you have not
# written yet says so in one line; the checker cells compare your code with diy_nn's.
from diy_nn.book.workbook import NotWritten, check, library, setup, use

setup()'''
NOTE = """\
> **The workbook edition: you write the library.** Where the book shows the code of
> `diy_nn`, this notebook gives a skeleton to fill in (look for `raise NotWritten`),
> then a cell `check(Name)` that compares your code with the library's and names the
> first thing that is wrong. Once a module passes, the chapter's experiments run on
> your code. The reference for every skeleton is `diy_nn` itself: the book's website
> shows its code. The solutions of the exercises are on the website too, folded under
> each exercise; neither this notebook nor the `diy_nn` package holds them. The
> checkers compare your answers with an answer key of expected values, which the
> package does hold (`diy_nn/book/answer_key.json`): it is there to check you, not
> to read."""
ZIP_NAME = "diy_nn-workbook.zip"
ZIP_README = """\
diy_nn, the workbook
====================

The chapters of the book "diy_nn: a neural network from scratch", with the library
left for you to write. Where the book shows a module of diy_nn, the workbook gives
its skeleton (the signature, the docstring with the shapes); fill it in, run the
cell, and the checker cell below it compares your code with diy_nn's, in several
configurations (with and without a bias, with a stride, with ties...), and names
the first thing that is wrong. From then on the chapter's experiments run on your
code.

Install the package first (it holds the checkers, their answer key and the data
loaders; not the solutions):

    pip install "diy_nn[all] @ git+{repository}"

then open 01_module.ipynb in Jupyter and work through the chapters in order.
The solutions of the exercises are on the book's website, folded under each
exercise. Each chapter of the workbook also opens in Binder and Colab from the
"Workbook" menu at the top of its page on the website.
"""


# --- Markdown: directives, equations ------------------------------------------------

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}"
                   r"(?P<arg>[^\n]*)$", re.M)
MARKER = re.compile(r"<!--\s*workbook:\s*(?P<what>\w+)\s*-->\s*\n?$")


def find_directives(text, name=None):
    """``(start, end, name, argument, options, body)`` of each top-level MyST
    directive (```` ```{name} ```` or ``:::{name}``) in ``text``."""
    found, pos = [], 0
    while True:
        m = FENCE.search(text, pos)
        if not m:
            return found
        fence = m.group("fence")
        close = re.compile(r"^[ \t]*" + re.escape(fence) + r"[ \t]*$", re.M)
        c = close.search(text, m.end())
        end = c.end() if c else len(text)
        inner = text[m.end() + 1:c.start() if c else len(text)]
        options, body = {}, []
        lines = inner.split("\n")
        i = 0
        while i < len(lines) and re.match(r"^\s*:[\w-]+:", lines[i]):
            key, _, value = lines[i].strip()[1:].partition(":")
            options[key.strip()] = value.strip()
            i += 1
        body = "\n".join(lines[i:])
        if name is None or m.group("name") == name:
            found.append((m.start(), end, m.group("name"), m.group("arg").strip(),
                          options, body))
        pos = end
    return found


EQUATION = re.compile(r"\$\$(?P<math>.+?)\$\$[ \t]*\((?P<label>[\w:.-]+)\)", re.S)


def number_equations(cells):
    """``label -> n`` for the labelled equations, in order (as the website
    numbers them on each page)."""
    numbers = {}
    for cell in cells:
        if cell.cell_type == "markdown":
            for m in EQUATION.finditer(cell.source):
                numbers.setdefault(m.group("label"), len(numbers) + 1)
    return numbers


def plain_markdown(text, numbers):
    """Replace MyST roles and labelled equations that Jupyter does not render."""
    def tag(m):
        n = numbers.get(m.group("label"))
        return f"$${m.group('math').rstrip()} \\tag{{{n}}}$$" if n else m.group(0)
    text = EQUATION.sub(tag, text)
    text = re.sub(r"\{eq\}`([^`]+)`",
                  lambda m: f"({numbers[m.group(1)]})" if m.group(1) in numbers
                  else m.group(0), text)
    text = re.sub(r"\{math\}`([^`]+)`", r"$\1$", text)
    text = re.sub(r"\{(?:ref|numref|doc)\}`([^`<]+?)\s*<[^`>]+>`", r"\1", text)
    text = re.sub(r"\{(?:ref|numref|doc)\}`([^`]+)`", r"\1", text)
    return text


CONTAINERS = {"note", "tip", "hint", "warning", "caution", "attention", "important",
              "seealso", "admonition", "dropdown", "margin", "sidebar", "topic"}


def unwrap_containers(text):
    """Admonitions and dropdowns (which Jupyter shows as raw fences) become a bold
    title and their body, so that listings inside them are found too."""
    for start, end, name, title, _, body in reversed(find_directives(text)):
        if name in CONTAINERS:
            heading = title or name.capitalize()
            inner = unwrap_containers(body.strip("\n"))
            text = text[:start] + f"**{heading}**\n\n{inner}" + text[end:]
    return text


def drop_solutions(text):
    for start, end, *_ in reversed(find_directives(text, "solution")):
        text = text[:start] + text[end:]
    return text


def exercises_as_markdown(text):
    for start, end, _, title, options, body in reversed(
            find_directives(text, "exercise")):
        heading = "**Exercise" + (f" — {title}**" if title else "**")
        text = text[:start] + heading + "\n\n" + body.strip("\n") + text[end:]
    return text


# --- skeletons from the library's source ----------------------------------------------

class Source:
    """A file of the library, parsed."""

    _cache = {}

    def __init__(self, path):
        self.path = path
        self.text = path.read_text()
        self.lines = self.text.splitlines()
        self.tree = ast.parse(self.text)
        self.module = "diy_nn." + path.stem if path.parent.name == "diy_nn" else (
            ".".join(path.relative_to(ROOT).with_suffix("").parts))
        self.top = {}
        self.imports = {}         # name -> the import statement that binds it
        self.full = {}            # name -> (module, "module.name") for qualified()
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.top[node.name] = node
                self.full[node.name] = (self.module, f"{self.module}.{node.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    self.imports[a.asname or a.name.split(".")[0]] = (
                        f"import {a.name}" + (f" as {a.asname}" if a.asname else ""))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = self.module.rsplit(".", node.level)[0]
                    base = package + ("." + base if base else "")
                for a in node.names:
                    self.full[a.asname or a.name] = (base, f"{base}.{a.name}")
                    self.imports[a.asname or a.name] = (
                        f"from {base} import {a.name}"
                        + (f" as {a.asname}" if a.asname else ""))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = (node.targets if isinstance(node, ast.Assign)
                           else [node.target])
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.top[t.id] = node
                        self.full[t.id] = (self.module, f"{self.module}.{t.id}")

    @classmethod
    def get(cls, path):
        if path not in cls._cache:
            cls._cache[path] = cls(path)
        return cls._cache[path]

    def segment(self, node):
        """The source of ``node``, with relative imports made absolute (the code
        runs in a notebook, not in the package)."""
        first = min([node.lineno] + [d.lineno for d in
                                     getattr(node, "decorator_list", [])])
        return self._absolute("\n".join(self.lines[first - 1:node.end_lineno]))

    def qualified(self, node):
        """``(source, modules)``: :meth:`segment` with every name of the file's
        module level (its functions and classes, and names it imports with
        ``from``) written in full, ``diy_nn.activation.sigmoid``, so that the
        code does not depend on the notebook's names (a chapter may well call a
        variable ``sigmoid``); ``modules`` are the modules to import."""
        first = min([node.lineno] + [d.lineno for d in
                                     getattr(node, "decorator_list", [])])
        lines = [line.encode() for line in self.lines[first - 1:node.end_lineno]]
        local = {n.id for n in ast.walk(node)
                 if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
        local |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
                  for a in n.args + n.kwonlyargs + n.posonlyargs
                  + [x for x in (n.vararg, n.kwarg) if x]}
        edits, modules = [], set()
        for n in ast.walk(node):
            if (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                    and n.id not in local and n.id in self.full):
                module, full = self.full[n.id]
                modules.add(module)
                edits.append((n.lineno - first, n.col_offset, n.end_col_offset, full))
        for row, start, end, full in sorted(edits, reverse=True):
            lines[row] = lines[row][:start] + full.encode() + lines[row][end:]
        text = "\n".join(line.decode() for line in lines)
        return self._absolute(text), modules

    def _absolute(self, text):
        def absolute(m):
            package = self.module.rsplit(".", len(m.group(1)))[0]
            return f"from {package}{'.' + m.group(2) if m.group(2) else ''} import"
        return re.sub(r"\bfrom (\.+)(\w*) import", absolute, text)

    def find(self, pyobject):
        parts = pyobject.split(".")
        node = self.top.get(parts[0])
        for part in parts[1:]:
            node = next((n for n in node.body
                         if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                         and n.name == part), None) if node is not None else None
        if node is None:
            raise LookupError(f"{self.path}: no {pyobject}")
        return node


def _docstring_end(node):
    body = node.body
    if (body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return body[0].end_lineno
    return None


def blank_function(src, node, owner, section):
    """The function's header and docstring, with the body
    ``raise NotWritten("owner.name", section)``."""
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    end = _docstring_end(node)
    if end is None:
        end = node.body[0].lineno - 1
    header = "\n".join(src.lines[first - 1:end])
    if end < node.lineno or node.body[0].lineno == node.lineno:    # one-line def
        copy_ = copy.deepcopy(node)
        copy_.body = [ast.Pass()]
        header = textwrap.indent(ast.unparse(copy_).rsplit("\n", 1)[0],
                                 " " * node.col_offset)
    indent = " " * (node.col_offset + 4)
    what = f"{owner}.{node.name}" if owner else node.name
    return f"{header}\n{indent}raise NotWritten({what!r}, {section!r})"


def _loaded_names(nodes):
    names = set()
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                names.add(n.id)
    return names


def _given_methods(cls):
    """The names of the methods of ``cls`` that are given: ``__init__`` and the
    other dunder methods, ``children``, ``named_parameters``, the ``_check*``
    input checks, and every method these use (``self.name``), so that a module
    can always be built."""
    methods = {n.name: n for n in cls.body
               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    keep = {name for name in methods if KEEP_METHODS.match(name)}
    todo = list(keep)
    while todo:
        for n in ast.walk(methods[todo.pop()]):
            if (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                    and n.value.id == "self" and n.attr in methods
                    and n.attr not in keep):
                keep.add(n.attr)
                todo.append(n.attr)
    return keep


class Skeleton:
    """The code cell for some listings of one file."""

    def __init__(self, src, section, known, fill=False):
        self.src, self.section, self.known, self.fill = src, section, known, fill
        self.parts, self.names, self.used = [], [], set()
        self.given_imports = []
        self.modules = set()         # modules the filled code names in full
        self.helpers = set()         # private helpers of the file, given

    def add_filled(self, node):
        """The library's own code for ``node`` (the tests' solved workbook)."""
        text, modules = self.src.qualified(node)
        self.parts.append(text)
        self.modules |= modules
        self.used |= _loaded_names([node]) & set(self.src.imports)
        self.names.append(node.name)

    def add_class(self, node):
        if self.fill:
            return self.add_filled(node)
        kept, lines = [], []
        header_end = _docstring_end(node) or node.lineno
        lines.append("\n".join(self.src.lines[
            min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1:
            header_end]))
        self.used |= _loaded_names(node.bases + node.decorator_list + node.keywords)
        start = 1 if _docstring_end(node) else 0
        keep = _given_methods(node)
        for item in node.body[start:]:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if self.fill or item.name in keep:
                    lines.append("\n" + self.src.segment(item))
                    kept.append(item)
                else:
                    lines.append("\n" + blank_function(self.src, item, node.name,
                                                        self.section))
                    self.used |= _loaded_names(item.args.defaults
                                               + item.args.kw_defaults
                                               + item.decorator_list)
                    self.helpers |= self._private_helpers(item)
            elif isinstance(item, ast.ClassDef):
                lines.append("\n" + self.src.segment(item))
                kept.append(item)
            else:
                lines.append(self.src.segment(item))
                kept.append(item)
        self.used |= _loaded_names(kept)
        self.parts.append("\n".join(lines))
        self.names.append(node.name)

    def _private_helpers(self, node):
        """The helpers the library's code of ``node`` calls, given to the student
        (as the book's text describes them): the file's private functions
        (``_same_shape``), and the functions it imports from the library's other
        modules (``windows``, ``offset_views``)."""
        helpers = set()
        for name in _loaded_names([node]):
            top = self.src.top.get(name)
            if (name.startswith("_") and not name.startswith("__")
                    and isinstance(top, ast.FunctionDef)):
                helpers.add(name)
            elif (name in self.src.imports and name in self.src.full
                  and self.src.full[name][0].startswith("diy_nn")
                  and _is_function(*self.src.full[name])):
                helpers.add(name)
        return helpers

    def helper_notes(self, names):
        """``#   name(args): first paragraph of its docstring`` for each helper."""
        import importlib
        import inspect
        notes = []
        for name in names:
            module = (self.src.full[name][0] if name in self.src.imports
                      else self.src.module)
            function = getattr(importlib.import_module(module), name)
            args = ", ".join(inspect.signature(function).parameters)
            doc = (inspect.getdoc(function) or "").split("\n\n")[0]
            doc = " ".join(doc.split()).replace("``", "")
            notes += textwrap.wrap(f"{name}({args}): {doc}", 88,
                                   initial_indent="#   ",
                                   subsequent_indent="#       ")
        return notes

    def add_methods(self, cls_node, methods):
        name = cls_node.name
        base = name if name in self.known else f"Library{name}"
        if name not in self.known:
            self.given_imports.append(
                f"from {self.src.module} import {name} as Library{name}")
        body = [f"class {name}({base}):",
                f'    """The rest of {name} is given (the library\'s): write the '
                f'methods below."""']
        for m in methods:
            if self.fill:
                text, modules = self.src.qualified(m)
                body.append("\n" + text)
                self.modules |= modules
                self.used |= _loaded_names([m]) & set(self.src.imports)
                continue
            body.append("\n" + blank_function(self.src, m, name, self.section))
            self.used |= _loaded_names(m.args.defaults + m.args.kw_defaults
                                       + m.decorator_list)
            self.helpers |= self._private_helpers(m)
        self.parts.append("\n".join(body))
        self.names.append(name)

    def add_function(self, node):
        if self.fill:
            return self.add_filled(node)
        self.parts.append(blank_function(self.src, node, "", self.section))
        self.used |= _loaded_names(node.args.defaults + node.args.kw_defaults
                                   + node.decorator_list)
        self.names.append(node.name)

    def code(self):
        defined = set(self.names) | set(dir(builtins)) | self.known
        imports, froms = [], []
        for name in sorted(self.used - defined):
            if name in self.src.imports:
                imports.append(self.src.imports[name])
            elif name in self.src.top:       # defined in the file itself
                froms.append(name)
            # else: a local name of a kept method
        head = textwrap.wrap(f"Exercise: write {', '.join(self.names)} (section "
                             f"\"{self.section}\"), then run this cell.", 86,
                             initial_indent="# ", subsequent_indent="# ")
        head.append("# What is not `raise NotWritten(...)` is given.")
        helpers = (sorted(self.helpers - set(self.names) - self.known)
                   if not self.fill else [])
        if helpers:
            head.append("# Given helpers, yours to use:")
            head += self.helper_notes(helpers)
            imports += [self.src.imports[h] for h in helpers if h in self.src.imports]
            froms = sorted(set(froms) | {h for h in helpers
                                         if h not in self.src.imports})
        head += _merge_imports(imports)
        head += [f"import {m}" for m in sorted(self.modules)]
        if froms:
            head.append(_wrap(f"from {self.src.module} import ", froms))
        head += self.given_imports
        code = "\n".join(head) + "\n\n\n" + "\n\n\n".join(
            p for p in self.parts) + "\n\n\n" + f"use({', '.join(self.names)})"
        code += "    # from here on, diy_nn's names are yours"
        return code


def _is_function(module, full):
    """Whether ``full`` (``module.name``) names a function of the library."""
    import importlib
    import inspect
    try:
        obj = getattr(importlib.import_module(module), full.rsplit(".", 1)[1])
    except (ImportError, AttributeError):
        return False
    return inspect.isfunction(obj)


def _merge_imports(statements):
    """``import x`` lines first, then one ``from m import a, b`` line per module."""
    plain = sorted({s for s in statements if s.startswith("import ")})
    froms = {}
    for s in statements:
        if s.startswith("from "):
            module, _, name = s[5:].partition(" import ")
            froms.setdefault(module, set()).add(name)
    return plain + [_wrap(f"from {m} import ", sorted(names))
                    for m, names in sorted(froms.items())]


def _wrap(prefix, names):
    line = prefix + ", ".join(names)
    if len(line) <= 88:
        return line
    return prefix + "(\n" + textwrap.fill(", ".join(names), 84,
                                          initial_indent="    ",
                                          subsequent_indent="    ") + ",\n)"


# --- the preprocessor ---------------------------------------------------------------

def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def _code(text, **metadata):
    cell = nbformat.v4.new_code_cell(text)
    cell.metadata.update(metadata)
    return cell


def _checks():
    import diy_nn.book.workbook
    return diy_nn.book.workbook.CHECKS


def _ambiguous():
    """The names that more than one file of the library defines."""
    if not hasattr(_ambiguous, "names"):
        seen, twice = set(), set()
        for path in sorted((ROOT / "diy_nn").glob("*.py")):
            for name, node in Source.get(path).top.items():
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    (twice if name in seen else seen).add(name)
        _ambiguous.names = twice
    return _ambiguous.names


class WorkbookPreprocessor(Preprocessor):
    """Listings into skeletons, solutions out, checker cells on the library, the
    setup cell in. See the module's docstring. ``fill=True`` writes the library's
    own code into the skeletons (the tests' "solved" workbook)."""

    fill = Bool(False).tag(config=True)

    def preprocess(self, nb, resources):
        self.numbers = number_equations(nb.cells)
        self.known = set()       # names the student writes in this chapter
        self.exercises = []      # (name, kind) in order, for the tests
        self.section = ""
        self.headings = {}
        cells = []
        for cell in nb.cells:
            made = self.cell(cell)
            # Stable cell ids (the workbook is committed: a rebuild must not
            # change what did not change): the chapter cell's, then "-1", "-2"...
            origin = cell.get("id") or f"cell{len(cells)}"
            for j, new in enumerate(made):
                new["id"] = origin if j == 0 else f"{origin}-{j}"
            cells.extend(made)
        cells = self.insert_setup(cells)
        nb.cells = cells
        nb.metadata.pop("widgets", None)
        nb.metadata["diy_nn_workbook"] = {
            "exercises": [list(e) for e in self.exercises]}
        return nb, resources

    def insert_setup(self, cells):
        note = _md(NOTE)
        note["id"] = "workbook-note"
        for i, cell in enumerate(cells):
            if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
                cells = cells[:i + 1] + [note] + cells[i + 1:]
                break
        else:
            cells = [note] + cells
        setup = _code(SETUP, tags=["workbook-setup"])
        setup["id"] = "workbook-setup"
        for i, cell in enumerate(cells):
            if cell.cell_type != "code":
                continue
            if "find_spec" in cell.source or "pip install" in cell.source:
                return cells[:i + 1] + [setup] + cells[i + 1:]
            return cells[:i] + [setup] + cells[i:]
        return cells + [setup]

    def cell(self, cell):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            return self.markdown(cell)
        if cell.cell_type != "code":
            return [cell]
        if tags and {"remove-cell", "hide-input", "remove-input"} & set(tags):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        if "workbook-keep" in tags:
            return [cell]
        if CHECKER_CALL.search(cell.source):
            cell.source = ("with library():    # the checker's reference: diy_nn's own "
                           "classes\n" + textwrap.indent(cell.source, "    "))
        return [cell]

    def names_known(self, source):
        try:
            tree = ast.parse(_no_magics(source))
        except SyntaxError:
            return False
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        return bool(used & self.known)

    def markdown(self, cell):
        text = unwrap_containers(exercises_as_markdown(drop_solutions(cell.source)))
        listings = []        # (start, end, marker, path argument, options)
        for start, end, _, arg, options, _ in find_directives(text, "literalinclude"):
            m = MARKER.search(text[:start])
            listings.append((m.start() if m else start, end,
                             m.group("what") if m else None, arg, options))
        # Listings of methods of one class make one skeleton, after the last of them.
        last_of = {}
        for i, (_, _, marker, _, options) in enumerate(listings):
            pyobject = options.get("pyobject", "")
            if "." in pyobject and marker not in ("given", "drop"):
                last_of[pyobject.split(".")[0]] = i
        cells, pos = [], 0
        for i, (start, end, marker, arg, options) in enumerate(listings):
            self.markdown_text(cells, text[pos:start])
            pos = end
            pyobject = options.get("pyobject", "")
            cls = pyobject.split(".")[0]
            if cls in last_of and "." in pyobject and marker not in ("given", "drop"):
                if last_of[cls] == i:
                    methods = [o["pyobject"] for _, _, mk, _, o in listings
                               if o.get("pyobject", "").startswith(cls + ".")
                               and mk not in ("given", "drop")]
                    cells.extend(self.listing(arg, options, marker, methods))
                continue
            cells.extend(self.listing(arg, options, marker))
        self.markdown_text(cells, text[pos:])
        return cells

    def markdown_text(self, cells, text):
        # The section of what follows: "Heading › Subheading" (below the title).
        for hashes, title in re.findall(r"^(#{1,6})\s+(.+)$", text, re.M):
            level = len(hashes)
            self.headings = {k: v for k, v in self.headings.items() if k < level}
            self.headings[level] = _plain(title)
            self.section = " › ".join(v for k, v in sorted(self.headings.items())
                                      if k > 1)
        text = plain_markdown(text.strip("\n"), self.numbers)
        # A link to a page of the book (notation.md) has no file beside the workbook.
        text = re.sub(r"\]\((?!\w+:)([\w./-]+\.md)\)",
                      lambda m: f"]({repository()}/blob/main/book/{m.group(1)})", text)
        if text.strip():
            cells.append(_md(text))

    def listing(self, arg, options, marker, methods=None):
        path = (ROOT / "book" / arg).resolve()
        pyobject = options.get("pyobject")
        if marker == "drop":
            return []
        if not path.exists():
            return [_md(f"*(listing `{arg}` not found)*")]
        if path.parent.name != "diy_nn" or not pyobject:
            return [_md(f"```python\n{path.read_text()}\n```")]
        src = Source.get(path)
        node = src.find(pyobject)
        name = pyobject.split(".")[0]
        # The framework's base classes and private helpers are given.
        given = (marker == "given") or (
            (name in GIVEN or name.startswith("_")) and marker != "exercise")
        if given:
            return [_md(f"`{pyobject}` is given (from `{src.module}`):\n\n"
                        f"```python\n{textwrap.dedent(src.segment(node))}\n```")]
        skeleton = Skeleton(src, self.section, set(self.known), self.fill)
        if methods:
            skeleton.add_methods(src.find(name), [src.find(m) for m in methods])
            kind, pyobject = "method", ",".join(methods)
        elif isinstance(node, ast.ClassDef):
            skeleton.add_class(node)
            kind = "class"
        else:
            skeleton.add_function(node)
            kind = "function"
        cell = _code(skeleton.code(), tags=["workbook-skeleton"])
        cell.metadata["diy_nn_workbook"] = {
            "module": src.module, "pyobject": pyobject, "kind": kind,
            "section": self.section}
        self.known.add(name)
        self.exercises.append((pyobject, kind))
        cells = [cell]
        library = f', library="{src.module}"' if name in _ambiguous() else ""
        if library:
            cell.source = cell.source.replace(f"use({name})", f"use({name}{library})")
        if name in _checks() or f"{src.module}.{name}" in _checks():
            cells.append(_code(f"check({name}{library})", tags=["workbook-check"]))
        return cells


def _plain(heading):
    return re.sub(r"[`*]", "", heading).strip()


def _no_magics(source):
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


# --- the build ----------------------------------------------------------------------

def exporter(fill=False):
    exp = NotebookExporter()
    exp.register_preprocessor(ClearOutputPreprocessor(), enabled=True)
    exp.register_preprocessor(TagRemovePreprocessor(
        remove_cell_tags=("solution", "workbook-drop")), enabled=True)
    exp.register_preprocessor(WorkbookPreprocessor(fill=fill), enabled=True)
    return exp


GLUE_ROLE = re.compile(r"\{glue:text\}`(?P<ref>[^`]+)`")


def paste_glue(nb, path):
    """Replace each ``{glue:text}`[notebook.ipynb::]name[:format]``` of the
    Markdown cells by its glued value, as myst-nb's role does: quotes stripped, the
    format applied when the value is a number. Jupyter would show the role as
    written. A role whose value no stored output holds is an error: the chapter
    must be re-executed (``make notebooks``)."""
    stores = {}

    def value(m):
        ref = m.group("ref")
        # "name", "name:fmt", "nb.ipynb::name", "nb.ipynb::name:fmt": an odd count
        # of colons means a format follows the last one (myst-nb always splits at
        # the last colon, so the book writes "nb.ipynb::name:s")
        key, _, spec = ref.rpartition(":") if ref.count(":") % 2 else (ref, "", "")
        source, _, name = key.rpartition("::")
        where = (path.parent / source).resolve() if source else path.resolve()
        if where not in stores:
            stores[where] = (glued_values(nb) if where == path.resolve() else
                             glued_values(nbformat.read(str(where), as_version=4)))
        if name not in stores[where]:
            raise KeyError(f"{path.name}: {{glue:text}}`{ref}`: no stored output of "
                           f"{where.name} glues {name!r}; run make notebooks")
        text = stores[where][name].strip("'")
        if spec:
            try:
                text = f"{float(text):>{spec}}"
            except ValueError:
                pass
        return text

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = GLUE_ROLE.sub(value, cell.source)
    return nb


def build_notebook(path, fill=False):
    """The workbook chapter of ``path``, as a notebook node (with the library's
    code in the skeletons when ``fill``)."""
    nb = paste_glue(nbformat.read(str(path), as_version=4), Path(path))
    text, _ = exporter(fill).from_notebook_node(nb)
    return nbformat.reads(text, as_version=4)


def repository():
    """The repository's address, from _config.yml (its one home)."""
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)",
                      (ROOT / "_config.yml").read_text(), re.M)
    return match.group(1).rstrip("/")


def render(nb):
    """The notebook as the text written to disk (what the up-to-date check
    compares)."""
    return nbformat.writes(nb) + "\n"


def build(paths, out, zip_path=None):
    """Write the workbook chapter of each of ``paths`` into ``out`` (and the zip
    of them all to ``zip_path``); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        target = out / path.name
        target.write_text(render(build_notebook(path)))
        written.append(target)
    if zip_path is not None:
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("diy_nn-workbook/README.txt",
                       ZIP_README.format(repository=repository()))
            for target in written:
                z.write(target, f"diy_nn-workbook/{target.name}")
        zip_path.write_bytes(buffer.getvalue())
    return written


def stale(paths, out):
    """The workbook chapters in ``out`` that differ from a fresh build (or are
    missing), and the files of ``out`` that no chapter makes."""
    wrong = [out / p.name for p in paths
             if not (out / p.name).exists()
             or (out / p.name).read_text() != render(build_notebook(p))]
    names = {p.name for p in paths}
    extra = [f for f in sorted(out.glob("*.ipynb")) if f.name not in names]
    return wrong + extra


def chapters():
    return sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "workbook",
                        help="the folder of the workbook's notebooks (committed)")
    parser.add_argument("--zip", type=Path,
                        default=ROOT / "_build" / "workbook" / ZIP_NAME,
                        help="the zip for the website")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if the notebooks in --out are not "
                             "what the chapters give")
    args = parser.parse_args(argv)
    paths = args.chapters or chapters()
    if args.check:
        wrong = stale(paths, args.out)
        for path in wrong:
            print(f"out of date: {path}")
        if wrong:
            raise SystemExit("the workbook is out of date: run `make workbook` and "
                             "commit workbook/")
        return
    written = build(paths, args.out, args.zip)
    for target in written:
        print(target)
    print(args.zip)


if __name__ == "__main__":
    main()
