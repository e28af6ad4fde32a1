"""The student workbook's runtime: skeletons, the swap, the checkers.

``make workbook`` (``tools/workbook.py``) turns each chapter into a workbook
chapter in which the library's listings are skeletons for the student to fill
in. A workbook chapter uses this module:

- a skeleton's unwritten method raises :class:`NotWritten`;
- ``use(Linear)`` makes the student's class the one that ``nn.Linear`` names
  from then on, so the chapter's experiments run on the student's code;
- ``check(Linear)`` compares it with the library's own ``Linear`` (taken from
  ``diy_nn.linear``, which the swap never touches) with
  :func:`diy_nn.exercises.check_module` or :func:`~diy_nn.exercises.check_loss`;
- ``with library():`` runs a chapter's own checker cell with the library's
  classes back in place (its reference must not be the student's code);
- :func:`setup` (the workbook's first cell) makes a cell that needs an
  unwritten method print one line that names the skeleton to fill in, instead
  of a traceback, and lets "Run all" go on.

The book itself never imports this module.
"""
import contextlib
import copy
import sys

import numpy as np

import diy_nn

__all__ = ["NotWritten", "use", "check", "library", "setup", "CHECKS"]

_PACKAGE = dict(vars(diy_nn))      # the package's names before any swap
_swapped = {}                      # name -> (the student's object, the library's)
_waiting = []                      # the NotWritten met in this session, in order


class NotWritten(NotImplementedError):
    """Raised by a method of a skeleton that the student has not written yet."""

    def __init__(self, what, section=""):
        self.what, self.section = what, section
        where = f' in section "{section}"' if section else ""
        super().__init__(
            f"{what} is not written yet: fill in its skeleton{where}, run that "
            f"cell, then run this one again."
        )


# --- the swap -------------------------------------------------------------------


def original(name, library=None):
    """The library's own object called ``name`` (from the submodule that defines
    it, or from the module ``library``: the swap changes the package's names
    only)."""
    if library is not None:
        import importlib
        return getattr(importlib.import_module(library), name)
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


def use(*objects, library=None):
    """From now on, ``diy_nn.<name>`` is the student's object, for each of
    ``objects`` (classes or functions named as the library's; ``library``: the
    module of the library's, when two modules have that name)."""
    for obj in objects:
        name = obj.__name__
        _swapped[name] = (obj, original(name, library))
        # A skeleton run again (filled in, say) is no longer waited for.
        _waiting[:] = [w for w in _waiting if w.what.split(".")[0] != name]
        if name in _PACKAGE:
            setattr(diy_nn, name, obj)


def _user_namespace():
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython and "IPython" in sys.modules else None
    if shell is not None:
        return shell.user_ns
    return sys.modules["__main__"].__dict__


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


# --- the checkers -----------------------------------------------------------------


def _lib(name):
    return original(name)


def module(init_args=(), init_kwargs=None, input_shape=(4, 5)):
    """A check with :func:`~diy_nn.exercises.check_module`; ``init_args`` may be
    a function that returns them (built anew for each check)."""
    def run(student, reference):
        from .exercises import check_module
        args = init_args() if callable(init_args) else init_args
        return check_module(student, reference, input_shape, args, init_kwargs)
    return run


def loss(y, yhat):
    """A check with :func:`~diy_nn.exercises.check_loss` on ``y(rng)``,
    ``yhat(rng)``."""
    def run(student, reference):
        from .exercises import check_loss
        rng = np.random.default_rng(0)
        return check_loss(student, reference, y(rng), yhat(rng))
    return run


def function(*input_shapes, extra=()):
    """``student(*arrays, *extra)`` against ``reference(*arrays, *extra)`` on
    random arrays of ``input_shapes``."""
    def run(student, reference):
        from .exercises import check_value
        rng = np.random.default_rng(0)
        arrays = [rng.standard_normal(s) for s in input_shapes]
        try:
            got = student(*[a.copy() for a in arrays], *extra)
        except NotImplementedError as exc:
            return _not_answered(student.__name__, str(exc))
        except Exception as exc:        # noqa: BLE001 - a checker never raises
            got = f"{type(exc).__name__}: {exc}"
        return check_value(got, reference(*arrays, *extra), name=student.__name__)
    return run


def _rule(student, reference):
    """Three updates of an update rule on one parameter, against the library's."""
    from .exercises import check_value
    from .module import Module
    results = []
    for rule in (student, reference):
        holder = Module()
        holder._parameters["p"] = np.array([1.0, -1.0, 0.5])
        holder._gradient["p"] = np.array([0.5, 2.0, -1.0])
        try:
            r = rule() if isinstance(rule, type) else copy.deepcopy(rule)
            for _ in range(3):
                r.update(holder, 0.1)
        except NotImplementedError as exc:
            return _not_answered(_name(student), str(exc))
        except Exception as exc:        # noqa: BLE001
            results.append(f"{type(exc).__name__}: {exc}")
            continue
        results.append(holder._parameters["p"])
    return check_value(results[0], results[1],
                       name=f"{_name(student)}: parameters after 3 updates")


def _toy_problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 3))
    Y = X @ rng.standard_normal((3, 2)) + 0.1 * rng.standard_normal((12, 2))
    return X, Y


def _net():
    seq, lin, tanh = _lib("Sequential"), _lib("Linear"), _lib("TanH")
    return seq(lin(3, 4, rng=0, dtype=np.float64), tanh(),
               lin(4, 2, rng=1, dtype=np.float64))


def _trained(train):
    """``(loss, parameters)`` after ``train(net, loss_fn, X, Y)``, or the
    exception as a message."""
    net, mse = _net(), _lib("MSELoss")()
    X, Y = _toy_problem()
    out = train(net, mse, X, Y)
    params = np.concatenate([p.ravel() for p, _ in net.parameters()])
    return out, params


def _optim(student, reference):
    """Two ``step`` calls of ``Optim(net, MSELoss(), 0.1)``: the returned loss
    and the parameters, against the library's."""
    from .exercises import check_value

    def train(cls):
        def run(net, mse, X, Y):
            opt = cls(net, mse, 0.1)
            return [float(opt.step(X, Y)) for _ in range(2)]
        return run
    try:
        got = _trained(train(student))
    except NotImplementedError as exc:
        return _not_answered("Optim", str(exc))
    except Exception as exc:            # noqa: BLE001
        got = (f"{type(exc).__name__}: {exc}", None)
    expected = _trained(train(reference))
    if isinstance(got[0], str):
        return check_value(got[0], expected[0], name="Optim.step")
    return check_value(np.concatenate([got[0], got[1]]),
                       np.concatenate([expected[0], expected[1]]),
                       name="Optim.step: losses, then parameters after 2 steps")


def _sgd(student, reference):
    """Three epochs of full-batch ``SGD`` (the order of the examples does not
    matter then): the parameters, against the library's."""
    from .exercises import check_value

    def train(fn):
        def run(net, mse, X, Y):
            fn(net, mse, X, Y, batch_size=len(X), epochs=3, eps=0.1, rng=0,
               progress=False)
            return []
        return run
    try:
        got = _trained(train(student))
    except NotImplementedError as exc:
        return _not_answered("SGD", str(exc))
    except Exception as exc:            # noqa: BLE001
        got = (None, f"{type(exc).__name__}: {exc}")
    expected = _trained(train(reference))
    return check_value(got[1], expected[1],
                       name="SGD: parameters after 3 full-batch epochs")


def _dropout(student, reference):
    """Dropout(0.5): in training, each output is 0 or ``x / (1 - p)``, about
    half of them 0, and ``backward_delta`` uses the same mask; in evaluation
    mode, the identity."""
    from .exercises import CheckResult, _finish
    result = CheckResult(f"{_name(student)} against {_name(reference)}", total=3)
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 2, (200, 10))
    delta = rng.standard_normal(X.shape)
    try:
        d = student(0.5, rng=0) if isinstance(student, type) else student
        out = np.asarray(d.forward(X.copy()), dtype=np.float64)
        back = np.asarray(d.backward_delta(X.copy(), delta), dtype=np.float64)
        d.eval()
        same = np.asarray(d.forward(X.copy()), dtype=np.float64)
    except NotImplementedError as exc:
        return _not_answered(_name(student), str(exc))
    except Exception as exc:            # noqa: BLE001
        result.add("forward and backward_delta run", False,
                   f"{type(exc).__name__}: {exc}")
        return _finish(result)
    kept = np.isclose(out, 2 * X)
    ok = out.shape == X.shape and np.all(kept | (out == 0))
    frac = 1 - kept.mean()
    result.add("training: each output 0 or x / (1 - p)", ok,
               f"{frac:.0%} dropped" if ok else "some outputs are neither")
    if not ok:
        return _finish(result)
    ok = np.allclose(back, np.where(kept, 2 * delta, 0)) and 0.4 < frac < 0.6
    result.add("backward_delta uses the mask of the last forward", ok,
               "" if ok else "expected delta * mask, with about half dropped")
    if not ok:
        return _finish(result)
    result.add("evaluation mode: the identity", np.allclose(same, X),
               "" if np.allclose(same, X) else "after eval(), forward must return X")
    return _finish(result)


def _name(obj):
    return getattr(obj, "__name__", type(obj).__name__)


def _not_answered(title, message):
    from .exercises import CheckResult, _finish
    result = CheckResult(title, total=1)
    result.not_answered = True
    result.add(title, False, message.split(":")[0])
    return _finish(result)


def _normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def _uniform(low, high, *shape):
    return lambda rng: rng.uniform(low, high, shape)


def _classes(n, classes):
    return lambda rng: rng.integers(0, classes, n)


def _signs(n, classes):
    def make(rng):
        y = -np.ones((n, classes))
        y[np.arange(n), rng.integers(0, classes, n)] = 1
        return y
    return make


def _sequential_children():
    return (_lib("Linear")(3, 5, rng=0), _lib("TanH")(), _lib("Linear")(5, 2, rng=1))


def _autoencoder_parts():
    seq, lin = _lib("Sequential"), _lib("Linear")
    return (seq(lin(6, 3, rng=0), _lib("TanH")()),
            seq(lin(3, 6, rng=1), _lib("Sigmoid")()))


# How to check each exercise: the name of the library's object -> a function
# (student, reference) -> CheckResult. A chapter that shows a new module adds a line.
CHECKS = {
    "Linear": module((3, 2), input_shape=(5, 3)),
    "MSELoss": loss(_normal(6, 3), _normal(6, 3)),
    "BCELoss": loss(_uniform(0, 1, 6, 3), _uniform(0.05, 0.95, 6, 3)),
    "BCEWithLogitsLoss": loss(_uniform(0, 1, 6, 3), _normal(6, 3)),
    "CELoss": loss(_classes(6, 4), _normal(6, 4)),
    "HingeLoss": loss(_signs(6, 4), _normal(6, 4)),
    "TanH": module(input_shape=(5, 4)),
    "Sigmoid": module(input_shape=(5, 4)),
    "ReLU": module(input_shape=(5, 4)),
    "LeakyReLU": module(input_shape=(5, 4)),
    "ELU": module(input_shape=(5, 4)),
    "Softmax": module(input_shape=(5, 4)),
    "LogSoftmax": module(input_shape=(5, 4)),
    "softmax": function((5, 4)),
    "log_softmax": function((5, 4)),
    "Dropout": _dropout,
    "Sequential": module(_sequential_children, input_shape=(4, 3)),
    "Optim": _optim,
    "SGD": _sgd,
    "GradientDescent": _rule,
    "Momentum": _rule,
    "Adam": _rule,
    "AutoEncoder": module(_autoencoder_parts, input_shape=(4, 6)),
    "TiedLinear": module(lambda: (_lib("Linear")(3, 5, rng=0, dtype=np.float64),),
                         input_shape=(4, 5)),
    "Flatten": module(input_shape=(2, 4, 3)),
    "windows": function((2, 10, 3), extra=(3, 2)),
    "diy_nn.conv2d.windows": function((2, 6, 6, 3), extra=(3, 2)),
    "Conv1D": module((3, 2, 4), input_shape=(2, 10, 2)),
    "MaxPool1D": module((2, 2), input_shape=(2, 10, 3)),
    "AvgPool1D": module((2, 2), input_shape=(2, 10, 3)),
    "ConvTranspose1D": module((3, 2, 4), input_shape=(2, 5, 2)),
    "Conv2D": module((3, 2, 4), input_shape=(2, 6, 6, 2)),
    "MaxPool2D": module((2, 2), input_shape=(2, 6, 6, 3)),
    "AvgPool2D": module((2, 2), input_shape=(2, 6, 6, 3)),
    "DoubleConv1D": module((3, 2, 4), input_shape=(2, 6, 6, 2)),
}


def check(student, library=None):
    """Check the student's ``student`` (a class or function named as the
    library's; ``library``: the module of the library's, when two modules have
    that name) against the library's own; shows the answer and returns a
    :class:`~diy_nn.exercises.CheckResult`. An unwritten skeleton gets "not
    answered yet"."""
    name = student.__name__
    key = f"{library}.{name}" if f"{library}.{name}" in CHECKS else name
    if key not in CHECKS:
        from .exercises import CheckResult, _finish
        result = CheckResult(name, total=1)
        result.add("checker", False, f"no automatic check for {name} yet: "
                   "add one to CHECKS in diy_nn/workbook.py")
        return _finish(result)
    from . import exercises
    finish = exercises._finish
    exercises._finish = lambda result: result       # show once, below
    try:
        result = CHECKS[key](student, original(name, library))
    except Exception as exc:        # noqa: BLE001 - a checker never raises
        result = exercises.CheckResult(name, total=1)
        result.add("checker", False, f"the checker itself failed: "
                   f"{type(exc).__name__}: {exc}")
    finally:
        exercises._finish = finish
    failure = result.first_failure
    if failure is not None and "is not written yet" in failure[2]:
        result.not_answered = True
    return finish(result)


# --- the notebook: one line instead of a traceback ---------------------------------

def _first_not_written(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, NotWritten):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _notice(text):
    from IPython.display import display
    html = ('<div style="border-left:6px solid #8a6d00;background:#fff8e1;'
            'color:#1a1a1a;padding:0.4em 0.8em;font-family:sans-serif">'
            f'{_escape(text)}</div>')
    display({"text/plain": text, "text/html": html}, raw=True)


def _escape(text):
    import html
    return html.escape(text)


def _handler(shell, etype, value, tb, tb_offset=None):
    missing = _first_not_written(value)
    if missing is not None:
        _waiting.append(missing)
        _notice(f"⏸ {missing}")
        shell._workbook_handled = True
        return None
    if _waiting:
        last = _waiting[-1]      # the most recent cell that stopped, most likely
        _notice(f"⏸ This cell needs the results of a cell above that is waiting "
                f"for {last.what} ({etype.__name__}: {value}). Fill in the "
                f"skeleton of {last.what.split('.')[0]} first.")
        shell._workbook_handled = True
        return None
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset,
                        running_compiled_code=True)
    return None


def _after_cell(result):
    import IPython
    shell = IPython.get_ipython()
    if getattr(shell, "_workbook_handled", False):
        shell._workbook_handled = False
        result.error_in_exec = None       # a notice, not an error: "Run all" goes on


def setup():
    """Install the one-line notices in the running IPython (the workbook's first
    cell calls it). Outside IPython it does nothing."""
    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython
    shell = get_ipython()
    if shell is None:
        return
    _waiting.clear()
    shell.set_custom_exc((Exception,), _handler)
    callbacks = shell.events.callbacks["post_run_cell"]
    if _after_cell not in callbacks:
        shell.events.register("post_run_cell", _after_cell)


