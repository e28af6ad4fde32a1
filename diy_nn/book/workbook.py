"""The student workbook's runtime: skeletons, the swap, the checkers.

``make workbook`` (``tools/build_workbook.py``) turns each chapter into a workbook
chapter in which the library's listings are skeletons for the student to fill
in. A workbook chapter uses this module:

- a skeleton's unwritten method raises :class:`NotWritten`;
- ``use(Linear)`` makes the student's class the one that ``nn.Linear`` names
  from then on, so the chapter's experiments run on the student's code;
- ``check(Linear)`` compares it with the library's own ``Linear`` (taken from
  ``diy_nn.linear``, which the swap never touches), in every configuration of
  ``CHECKS`` (:mod:`diy_nn.book.workbook_checks`): with and without a bias, with
  a stride, with ties in a pooling window...;
- ``with library():`` runs a chapter's own checker cell with the library's
  classes back in place (its reference must not be the student's code);
- :func:`setup` (the workbook's first cell) makes a cell that needs an
  unwritten method print one line that names the skeleton to fill in, instead
  of a traceback, and lets "Run all" go on; a failed check, or a failed
  assertion in a later cell, ends "Run all" with one line that says which
  check to run.

The book itself never imports this module.
"""
import contextlib
import importlib
import re
import sys

import diy_nn

from .workbook_checks import CHECKS

__all__ = ["NotWritten", "CheckFailed", "use", "check", "library", "setup", "CHECKS"]

_PACKAGE = dict(vars(diy_nn))      # the package's names before any swap
_swapped = {}                      # name -> (the student's object, the library's)
_waiting = []                      # the NotWritten met in this session, in order
_checked = {}                      # name -> True / False: the last check passed
_state = {"stop_on_failure": False, "figures": set()}


class NotWritten(NotImplementedError):
    """Raised by a method of a skeleton that the student has not written yet."""

    def __init__(self, what, section=""):
        self.what, self.section = what, section
        where = f' in section "{section}"' if section else ""
        super().__init__(
            f"{what} is not written yet: fill in its skeleton{where}, run that "
            f"cell, then run this one again."
        )


class CheckFailed(Exception):
    """Raised (in a workbook notebook) by :func:`check` after showing a failed
    check, so that "Run all" stops there with one line."""


# --- the swap -------------------------------------------------------------------


def original(name, library=None):
    """The library's own object called ``name`` (from the submodule that defines
    it, or from the module ``library``: the swap changes the package's names
    only)."""
    if library is not None:
        if not isinstance(library, str) or not library.startswith("diy_nn."):
            raise ValueError(
                f"library={library!r}: expected the name of the library's module "
                f"that defines {name}, such as 'diy_nn.conv2d'")
        try:
            module = importlib.import_module(library)
        except ImportError:
            raise ValueError(f"library={library!r}: diy_nn has no such module; "
                             f"expected one such as 'diy_nn.conv2d'") from None
        if not hasattr(module, name):
            raise ValueError(f"library={library!r} has no {name}")
        return getattr(module, name)
    for module_name in sorted(sys.modules):
        if module_name != "diy_nn" and not module_name.startswith("diy_nn."):
            continue
        module = sys.modules[module_name]
        obj = getattr(module, name, None)
        if obj is not None and getattr(obj, "__module__", None) == module_name:
            return obj
    obj = _PACKAGE.get(name)
    if obj is None:
        raise LookupError(f"diy_nn has no {name!r}")
    return obj


def _written(function, obj):
    """``obj``'s name, after checking that it is what ``function`` takes: the
    class or function the student wrote, named as the library's."""
    if isinstance(obj, str):
        raise TypeError(
            f"{function}({obj!r}): pass the class or function you wrote, not its "
            f"name as a string: {function}({obj})")
    if not isinstance(obj, type) and not callable(obj):
        raise TypeError(
            f"{function}(...): expected the class or function you wrote (such as "
            f"{function}(Linear)), got {type(obj).__name__} {obj!r:.60}")
    if not isinstance(obj, type) and not hasattr(obj, "__name__"):
        cls = type(obj).__name__
        raise TypeError(
            f"{function}({cls}(...)): pass the class itself, not an instance: "
            f"{function}({cls})")
    return obj.__name__


def use(*objects, library=None):
    """From now on, ``diy_nn.<name>`` is the student's object, for each of
    ``objects`` (classes or functions named as the library's; ``library``: the
    module of the library's, when two modules have that name)."""
    if not objects:
        raise TypeError("use() needs the classes or functions you wrote, such as "
                        "use(Linear)")
    names = [_written("use", obj) for obj in objects]
    for obj, name in zip(objects, names):
        try:
            lib = original(name, library)
        except LookupError:
            raise ValueError(
                f"use({name}): diy_nn has no {name}; the workbook swaps in a class "
                f"named as the library's (Linear, Conv1D, ...): keep the "
                f"skeleton's name") from None
        _swapped[name] = (obj, lib)
        _checked.pop(name, None)
        # A skeleton run again (filled in, say) is no longer waited for.
        _waiting[:] = [w for w in _waiting if w.what.split(".")[0] != name]
        if name in _PACKAGE:
            setattr(diy_nn, name, obj)


def _user_namespace():
    shell = _shell()
    if shell is not None:
        return shell.user_ns
    return sys.modules["__main__"].__dict__


def _shell():
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython
    return get_ipython()


@contextlib.contextmanager
def library(namespace=None):
    """Put the library's own objects back for the duration of the ``with``
    block: in ``diy_nn`` and in the notebook's names (``TanH`` imported from
    diy_nn, say); then the student's again."""
    namespace = _user_namespace() if namespace is None else namespace
    students = {id(s): lib for s, lib in _swapped.values()}
    saved_ns = {k: v for k, v in namespace.items() if id(v) in students}
    saved_pkg = {name: getattr(diy_nn, name) for name in _swapped
                 if name in _PACKAGE}
    try:
        for k, v in saved_ns.items():
            namespace[k] = students[id(v)]
        for name in saved_pkg:
            setattr(diy_nn, name, _PACKAGE[name])
        yield
    finally:
        namespace.update(saved_ns)
        for name, obj in saved_pkg.items():
            setattr(diy_nn, name, obj)


# --- check ----------------------------------------------------------------------


def check(student, library=None):
    """Check the student's ``student`` (a class or function named as the
    library's; ``library``: the module of the library's, when two modules have
    that name) against the library's own, in every configuration of its entry in
    ``CHECKS``; shows the answer and returns a
    :class:`~diy_nn.book.exercises.CheckResult`. An unwritten skeleton gets "not
    answered yet". In a workbook notebook (after :func:`setup`), a failed check
    then raises :class:`CheckFailed`, so that "Run all" stops at it."""
    from . import exercises

    name = _written("check", student)
    key = f"{library}.{name}" if f"{library}.{name}" in CHECKS else name
    try:
        reference = original(name, library)
    except LookupError:
        raise ValueError(
            f"check({name}): diy_nn has no {name}; check compares a class named as "
            f"the library's (Linear, Conv1D, ...) with the library's own. For an "
            f"exercise of your own, run the checker cell below it.") from None
    if key not in CHECKS:
        result = exercises.CheckResult(name, total=1)
        result.add("checker", False, f"no automatic check for {name} yet: "
                   "add one to CHECKS in diy_nn/book/workbook_checks.py")
        return exercises._finish(result)
    finish = exercises._finish
    exercises._finish = lambda result: result       # show once, below
    try:
        result = CHECKS[key](student, reference)
    except Exception as exc:        # noqa: BLE001 - a checker never raises
        result = exercises.CheckResult(name, total=1)
        result.add("checker", False, f"the checker itself failed: "
                   f"{type(exc).__name__}: {exc}")
    finally:
        exercises._finish = finish
    failure = result.first_failure
    if failure is not None and "is not written yet" in failure[2]:
        result.not_answered = True
    result.title = name
    finish(result)
    if not result.not_answered:
        _checked[name] = result.passed
    if _state["stop_on_failure"] and not result.passed and not result.not_answered:
        raise CheckFailed(
            f"Run all stops here: {name} fails its check (above). Fix its skeleton, "
            f"run that cell, then this one again.")
    return result


# --- the notebook: one line instead of a traceback ---------------------------------

def _first_not_written(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, NotWritten):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _notice(text, stop=False):
    from IPython.display import display
    colour, background = ("#c62828", "#ffebee") if stop else ("#8a6d00", "#fff8e1")
    html = (f'<div style="border-left:6px solid {colour};background:{background};'
            'color:#1a1a1a;padding:0.4em 0.8em;font-family:sans-serif">'
            f'{_escape(text)}</div>')
    display({"text/plain": text, "text/html": html}, raw=True)


def _escape(text):
    import html
    return html.escape(text)


def _cell_source(shell):
    history = shell.user_ns.get("_ih") or [""]
    return history[-1] or ""


def _students_in(source):
    """The student's classes this cell names, else those whose check failed or
    never ran."""
    named = [n for n in _swapped if re.search(rf"\b{re.escape(n)}\b", source)]
    if named:
        return named
    return [n for n in _swapped if not _checked.get(n, False)]


def _pointer(source):
    names = _students_in(source)
    if not names:
        return ""
    failing = [n for n in names if _checked.get(n) is False]
    if failing:
        return (f" Your {', '.join(failing)} failed check({failing[0]}) above: its "
                f"message says what to fix.")
    return (f" This cell runs your {', '.join(names)}: run "
            f"{' and '.join(f'check({n})' for n in names)} for the first thing "
            f"that is wrong.")


def _where(tb):
    import traceback
    frames = [f for f in traceback.extract_tb(tb)
              if f.filename.startswith("<") or "ipykernel" in f.filename]
    frame = frames[-1] if frames else None
    if frame is None or not frame.line:
        return ""
    return f" (line {frame.lineno}: {frame.line.strip()})"


def _handler(shell, etype, value, tb, tb_offset=None):
    _close_new_figures()
    missing = _first_not_written(value)
    if missing is not None:
        _waiting.append(missing)
        _notice(f"⏸ {missing}")
        shell._workbook_handled = True
        return None
    if isinstance(value, CheckFailed):
        _notice(f"⛔ {value}", stop=True)          # an error: Run all stops here
        return None
    if _waiting:
        last = _waiting[-1]      # the most recent cell that stopped, most likely
        _notice(f"⏸ This cell needs the results of a cell above that is waiting "
                f"for {last.what} ({etype.__name__}: {value}). Fill in the "
                f"skeleton of {last.what.split('.')[0]} first.")
        shell._workbook_handled = True
        return None
    source = _cell_source(shell)
    if isinstance(value, AssertionError):
        what = str(value).strip().splitlines()[0] if str(value).strip() else (
            "an assertion of this cell failed")
        _notice(f"✗ {what}{_where(tb)}.{_pointer(source)}", stop=True)
        return None
    pointer = _pointer(source)
    if pointer:
        _notice(f"✗ {etype.__name__}: {value}.{pointer}", stop=True)
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset,
                        running_compiled_code=True)
    return None


def _before_cell(*args):
    pyplot = sys.modules.get("matplotlib.pyplot")
    _state["figures"] = set(pyplot.get_fignums()) if pyplot else set()


def _close_new_figures():
    """Close the figures this cell opened: a cell stopped half-way must not show
    half-drawn axes."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    for number in set(pyplot.get_fignums()) - _state["figures"]:
        pyplot.close(number)


def _after_cell(result):
    shell = _shell()
    if getattr(shell, "_workbook_handled", False):
        shell._workbook_handled = False
        result.error_in_exec = None       # a notice, not an error: "Run all" goes on


def setup():
    """Install the one-line notices in the running IPython (the workbook's first
    cell calls it). Outside IPython it does nothing."""
    shell = _shell()
    if shell is None:
        return
    _waiting.clear()
    _checked.clear()
    _state["stop_on_failure"] = True
    shell.set_custom_exc((Exception,), _handler)
    for event, callback in (("pre_run_cell", _before_cell),
                            ("post_run_cell", _after_cell)):
        if callback not in shell.events.callbacks[event]:
            shell.events.register(event, callback)
