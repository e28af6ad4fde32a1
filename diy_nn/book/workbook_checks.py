"""How the workbook checks each module the student writes: ``CHECKS``.

Each entry maps the name of a library object to a function ``(student,
reference) -> CheckResult``. Most run :func:`~diy_nn.book.exercises.check_module`
or :func:`~diy_nn.book.exercises.check_loss` in several configurations, one
after the other (:func:`~diy_nn.book.exercises.check_configs`): a mistake that
one configuration cannot see, another does. A bias ignored when ``bias=False``
needs ``bias=False``; a stride ignored in ``backward_delta`` needs a stride of 2;
a pooling that adds up overlapping windows with ``=`` needs windows that
overlap; a maximum shared by two positions needs ties; a softmax without the
max-subtraction needs large logits. Each configuration says what it adds, and
what a failure there most likely means.

``tests/test_mutants.py`` keeps this honest: a catalogue of the mistakes students
make, each a small change to the library's class, must fail here.
"""
import copy

import numpy as np

from .exercises import (
    CheckResult, Config, check_configs, check_loss, check_module, check_value,
    record_loss, record_module, _call, _close, _error, _largest_difference,
    _not_answered_result, _shape,
)


def _lib(name):
    from .workbook import original
    return original(name)


def _args_text(args, kwargs):
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return ", ".join(parts)


class Setting:
    """One configuration of a module check: the constructor's arguments, the
    input, and what this configuration adds (``feature``) and means (``hint``).

    ``X``: a function ``rng -> input`` (else a standard normal input of
    ``input_shape``); ``large``: the student's code runs with NumPy's floating
    point errors raised (an overflow in ``exp`` is then an error, not a warning);
    ``gradcheck``: False where finite differences mean nothing (ties, large
    inputs); ``hints``: see :func:`~diy_nn.book.exercises.check_module`.
    """

    def __init__(self, *init_args, input_shape=(4, 5), feature="", hint="", X=None,
                 large=False, gradcheck=True, hints=None, **init_kwargs):
        self.init_args, self.init_kwargs = init_args, init_kwargs
        self.input_shape, self.feature, self.hint = input_shape, feature, hint
        self.X, self.large, self.gradcheck = X, large, gradcheck
        self.hints = hints or {}

    def label(self, name):
        args = ("..." if self.init_args and callable(self.init_args[0])
                else _args_text(self.init_args, self.init_kwargs))
        return f"{name}({args}) on {_shape(self.input_shape)}"

    def config(self, name, reference):
        def run(student):
            rng = np.random.default_rng(0)
            X = self.X(rng) if self.X is not None else None
            args = self.init_args
            record = record_module(reference, self.input_shape,
                                   args[0] if args and callable(args[0]) else args,
                                   self.init_kwargs, rng=0, X=X)
            with _errstate(self.large):
                return check_module(student, record, rng=1, gradcheck=self.gradcheck,
                                    hints=self.hints)
        return Config(self.label(name), run, self.feature or self.label(name),
                      self.hint)


def _errstate(large):
    if large:
        return np.errstate(over="raise", invalid="raise", divide="raise")
    return np.errstate()


def modules(*settings):
    """A check of a module in each of ``settings`` (:class:`Setting`), in order."""
    def run(student, reference):
        name = _name(student)
        return check_configs(student, [s.config(name, reference) for s in settings],
                             title=name)
    return run


class LossSetting:
    """One configuration of a loss check: ``y(rng)`` and ``yhat(rng)``."""

    def __init__(self, y, yhat, feature="", hint="", large=False, gradcheck=True):
        self.y, self.yhat, self.feature, self.hint = y, yhat, feature, hint
        self.large, self.gradcheck = large, gradcheck and not large

    def config(self, name, reference):
        rng = np.random.default_rng(0)
        y, yhat = self.y(rng), self.yhat(rng)
        label = f"{name} on y {_shape(np.shape(y))}, yhat {_shape(np.shape(yhat))}"

        def run(student):
            record = record_loss(reference, y, yhat)
            with _errstate(self.large):
                return check_loss(student, record, gradcheck=self.gradcheck)
        return Config(label, run, self.feature or label, self.hint)


def losses(*settings):
    def run(student, reference):
        name = _name(student)
        return check_configs(student, [s.config(name, reference) for s in settings],
                             title=name)
    return run


def loss(y, yhat):
    """One configuration of a loss check (kept for a chapter's own line)."""
    return losses(LossSetting(y, yhat))


def module(init_args=(), input_shape=(4, 5), init_kwargs=None):
    """One configuration of a module check (kept for a chapter's own line)."""
    args = (init_args,) if callable(init_args) else tuple(init_args)
    return modules(Setting(*args, input_shape=input_shape, **(init_kwargs or {})))


def function(*input_shapes, extra=(), settings=None):
    """``student(*arrays, *extra)`` against ``reference(*arrays, *extra)`` on random
    arrays of ``input_shapes``; ``settings``: more configurations, as ``(feature,
    hint, make_arrays(rng), extra, large)``."""
    def one(make, extra_args, large):
        def run(student, reference, name):
            rng = np.random.default_rng(0)
            arrays = make(rng)
            expected = reference(*[a.copy() for a in arrays], *extra_args)
            result = CheckResult(name, total=1)
            try:
                with _errstate(large):
                    got = student(*[a.copy() for a in arrays], *extra_args)
            except NotImplementedError as exc:
                return _not_answered_result(name, str(exc))
            except Exception as exc:        # noqa: BLE001 - a checker never raises
                result.add(f"{name} runs", False, _error(name, exc))
                return result
            result = check_value(got, expected, name=name)
            hint = _row_sums_hint(got, expected)
            if not result.passed and hint:
                name_, ok, message = result.checks[-1]
                result.checks[-1] = (name_, ok, message + hint)
            return result
        return run

    base = [("", "", lambda rng: [rng.standard_normal(s) for s in input_shapes],
             extra, False)]
    all_settings = base + list(settings or ())

    def run(student, reference):
        name = _name(student)
        configs = []
        for feature, hint, make, extra_args, large in all_settings:
            shapes = ", ".join(_shape(np.shape(a))
                               for a in make(np.random.default_rng(0)))
            label = f"{name} on {shapes}"
            label += f" with {extra_args}" if extra_args else ""
            label += f" ({feature})" if feature else ""
            run_one = one(make, extra_args, large)
            configs.append(Config(label, lambda s, r=run_one: r(s, reference, name),
                                  feature or label, hint))
        return check_configs(student, configs, title=name)
    return run


def _row_sums_hint(got, expected):
    """A softmax normalised along the wrong axis."""
    try:
        got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return ""
    if got.shape != expected.shape or got.ndim < 2:
        return ""
    if (np.allclose(expected.sum(axis=-1), 1) and not np.allclose(got.sum(axis=-1), 1)
            and np.allclose(got.sum(axis=0), 1)):
        return ("; each row (one example) must sum to 1: normalise along the last "
                "axis (axis=-1, keepdims=True), not the batch axis")
    return ""


def _name(obj):
    return getattr(obj, "__name__", type(obj).__name__)


def _not_answered(title, message):
    return _not_answered_result(title, message)


# --- inputs ---------------------------------------------------------------------


def _normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def _uniform(low, high, *shape):
    return lambda rng: rng.uniform(low, high, shape)


def _classes(n, classes):
    return lambda rng: rng.integers(0, classes, n)


def _one_hot(n, classes):
    return lambda rng: np.eye(classes)[rng.integers(0, classes, n)]


def _signs(n, classes):
    def make(rng):
        y = -np.ones((n, classes))
        y[np.arange(n), rng.integers(0, classes, n)] = 1
        return y
    return make


def _large(*shape):
    """Inputs of about ±1000: one entry of each row is huge, 800 to 1200 (positive
    in the even rows, negative in the odd ones). A softmax or a sigmoid written
    without its stable form overflows on them."""
    def make(rng):
        X = 3 * rng.standard_normal(shape)
        rows = X.reshape(-1, shape[-1])
        signs = np.where(np.arange(len(rows)) % 2 == 0, 1.0, -1.0)
        where = rng.integers(0, shape[-1], len(rows))
        rows[np.arange(len(rows)), where] = signs * rng.uniform(800, 1200, len(rows))
        return rows.reshape(shape)
    return make


def _ties(*shape):
    """Small integers: many windows hold their maximum more than once."""
    return lambda rng: rng.integers(0, 3, shape).astype(np.float64)


LARGE = "large inputs (about ±1000)"
LARGE_HINT = ("does {method} overflow? Compute exp only of numbers <= 0: subtract "
              "the maximum (softmax), or use exp(-|x|) (sigmoid)")
BIAS = ("with bias=False there is no parameter 'b': does {method} use b only when "
        "self.bias is true?")
STRIDE = "is the stride used in {method}? (window t starts at t * stride)"
OVERLAP = ("with stride 1 the windows overlap: is the stride used in {method}, and "
           "does a position add up (+=) what it receives from every window that "
           "covers it, rather than keep the last (=)?")
PADDING = ("is the padding used in {method}? (padding zeros on every side in "
           "forward; backward_delta crops them off again)")
TIES = ("when a window holds its maximum twice, all of delta goes to the first of "
        "them, as in PyTorch: does {method} send it to every maximum, or to the "
        "last?")


def _pool_factors(k, area):
    factors = {area: f"did you forget to divide by the window's size "
                     f"({'k_size' if area == k else 'k_size²'} = {area})?"}
    if area != k:
        factors[area / k] = (f"did you divide by k_size = {k}? A window holds "
                             f"k_size² = {area} pixels.")
    return {"factors": factors}


def _pools_1d(kind):
    avg = kind == "avg"
    return modules(
        Setting(2, 2, input_shape=(3, 10, 3),
                hints=_pool_factors(2, 2) if avg else None),
        Setting(3, 1, input_shape=(3, 9, 3), feature="overlapping windows "
                "(k_size=3, stride=1)", hint=OVERLAP,
                hints=_pool_factors(3, 3) if avg else None),
        Setting(3, 2, input_shape=(3, 12, 3), feature="stride=2, k_size=3",
                hint=STRIDE),
        *([] if avg else [Setting(3, 2, input_shape=(3, 11, 3), X=_ties(3, 11, 3),
                                  gradcheck=False, feature="ties in the windows",
                                  hint=TIES)]),
    )


def _pools_2d(kind):
    avg = kind == "avg"
    return modules(
        Setting(2, 2, input_shape=(3, 6, 6, 3),
                hints=_pool_factors(2, 4) if avg else None),
        Setting(3, 1, input_shape=(3, 5, 5, 2), feature="overlapping windows "
                "(k_size=3, stride=1)", hint=OVERLAP,
                hints=_pool_factors(3, 9) if avg else None),
        Setting(3, 2, input_shape=(3, 8, 7, 2), feature="stride=2, k_size=3",
                hint=STRIDE),
        *([] if avg else [Setting(2, 2, input_shape=(2, 6, 6, 2), X=_ties(2, 6, 6, 2),
                                  gradcheck=False, feature="ties in the windows",
                                  hint=TIES),
                          Setting(3, 2, input_shape=(2, 7, 7, 2), X=_ties(2, 7, 7, 2),
                                  gradcheck=False, feature="ties in overlapping "
                                  "windows", hint=TIES)]),
    )


def _activation(*extra, large=True, diagnose=()):
    hints = {"diagnose": list(diagnose)}
    settings = [Setting(input_shape=(5, 4), hints=hints)]
    settings += list(extra)
    if large:
        settings.append(Setting(input_shape=(5, 4), X=_large(5, 4), large=True,
                                gradcheck=False, feature=LARGE, hint=LARGE_HINT,
                                hints=hints))
    return modules(*settings)


_FROM_INPUT = ("The derivative is a function of the output f(x), and you computed "
               "it from the input x: {formula}")
TANH_FROM_INPUT = ("backward_delta", lambda X, d: d * (1 - X ** 2),
                   _FROM_INPUT.format(formula="1 - tanh(x)², not 1 - x²."))
SIGMOID_FROM_INPUT = ("backward_delta", lambda X, d: d * X * (1 - X),
                      _FROM_INPUT.format(formula="s(x) (1 - s(x)), not x (1 - x)."))


# --- dedicated checks: containers, optimisers, dropout --------------------------------


def _backward_config(name, make_pair, input_shape):
    """``forward(X)`` then ``backward(delta)``: the returned dL/dX and the
    gradients it accumulates, against the library's."""
    def run(student):
        result = CheckResult(name, total=2)
        rng = np.random.default_rng(2)
        ref, mine = make_pair(student)
        X = rng.standard_normal(input_shape)
        out = ref.forward(X.copy())
        delta = rng.standard_normal(out.shape)
        ref.zero_grad()
        ref_dX = ref.backward(delta.copy())
        ref_grads = {n: g.copy() for n, _, g in ref.named_parameters()}
        for (n, p, _), (_, q, _) in zip(ref.named_parameters(),
                                        mine.named_parameters()):
            q[...] = p
        try:
            mine.zero_grad()
        except Exception as exc:        # noqa: BLE001
            result.add("backward returns dL/dX", False, _error("zero_grad", exc))
            return result
        ok, _ = _call(result, "backward returns dL/dX", "forward", mine.forward,
                      X.copy())
        if not ok:
            return result
        ok, dX = _call(result, "backward returns dL/dX", "backward", mine.backward,
                       delta.copy())
        if not ok:
            return result
        dX = None if dX is None else np.asarray(dX, dtype=np.float64)
        if dX is None or dX.shape != X.shape or not _close(dX, ref_dX):
            detail = ("it returned None: return the delta of the first module"
                      if dX is None else
                      f"shape {_shape(dX.shape)}, expected {_shape(X.shape)}"
                      if dX.shape != X.shape else _largest_difference(dX, ref_dX))
            result.add("backward returns dL/dX", False,
                       f"backward(delta) after forward(X) must return dL/dX: {detail}")
            return result
        result.add("backward returns dL/dX", True)
        for (n, _, g) in mine.named_parameters():
            if not _close(np.asarray(g, dtype=np.float64), ref_grads[n]):
                result.add("backward accumulates the gradients", False,
                           f"after backward, dL/d{n} is wrong: "
                           f"{_largest_difference(np.asarray(g, float), ref_grads[n])}:"
                           f" backward must call backward_update_gradient of every "
                           f"module, last module first, each with its own input")
                return result
        result.add("backward accumulates the gradients", True)
        return result
    return Config(f"{name}: forward, then backward(delta)", run,
                  "backward(delta) after forward",
                  "backward runs the modules in reverse order, each with the input "
                  "forward kept for it, and returns dL/dX")


ORDER = (" A module received the delta of another one: backward runs the modules "
         "from the last to the first, each with the delta the module after it "
         "returned (and its own input).")


def _order_hint(result):
    """A container whose module got a delta of the wrong shape most often runs
    its modules in the wrong order: say so after the module's own message."""
    for i, (name, ok, message) in enumerate(result.checks):
        if not ok and "expected delta of shape" in message and ORDER not in message:
            end = "" if message.rstrip().endswith(".") else "."
            result.checks[i] = (name, ok, message + end + ORDER)
    return result


def _sequential(student, reference):
    lin, tanh = _lib("Linear"), _lib("TanH")

    def flat():
        return (lin(3, 5, rng=0), tanh(), lin(5, 2, rng=1))

    def nested(cls):
        return cls(cls(lin(3, 4, rng=0), tanh()), lin(4, 2, rng=1)).astype(np.float64)

    def run_nested(st):
        mine = nested(st) if isinstance(st, type) else st
        return check_module(mine, nested(reference), input_shape=(4, 3), rng=1)

    def pair(children):
        def make(student_cls):
            ref = reference(*children()).astype(np.float64)
            mine = student_cls(*children()).astype(np.float64)
            return ref, mine
        return make

    configs = [Setting(flat, input_shape=(4, 3)).config("Sequential", reference),
               _backward_config("Sequential", pair(flat), (4, 3)),
               Config("Sequential(Sequential(Linear(3, 4), TanH()), Linear(4, 2)) on "
                      "(4, 3)", run_nested, "a Sequential inside a Sequential",
                      "does {method} work when a module is itself a Sequential?")]
    configs[0].label = "Sequential(Linear(3, 5), TanH(), Linear(5, 2)) on (4, 3)"
    return _order_hint(check_configs(student, configs, title="Sequential"))


def _autoencoder_parts():
    seq, lin = _lib("Sequential"), _lib("Linear")
    return (seq(lin(6, 3, rng=0), _lib("TanH")()),
            seq(lin(3, 6, rng=1), _lib("Sigmoid")()))


def _autoencoder(student, reference):
    def tied():
        return (*_autoencoder_parts(), True)

    def pair(make_args):
        def make(student_cls):
            return (reference(*make_args()).astype(np.float64),
                    student_cls(*make_args()).astype(np.float64))
        return make

    configs = [Setting(_autoencoder_parts, input_shape=(4, 6)).config(
                   "AutoEncoder", reference),
               _backward_config("AutoEncoder", pair(_autoencoder_parts), (4, 6)),
               Setting(tied, input_shape=(4, 6), feature="tied=True",
                       hint="with tied weights, does {method} go through the "
                       "decoder's TiedLinear like any module?").config(
                   "AutoEncoder", reference)]
    configs[0].label = "AutoEncoder(encoder 6 -> 3, decoder 3 -> 6) on (4, 6)"
    configs[2].label = "AutoEncoder(..., tied=True) on (4, 6)"
    return _order_hint(check_configs(student, configs, title="AutoEncoder"))


def _tied_linear(student, reference):
    lin, seq = _lib("Linear"), _lib("Sequential")

    def alone():
        return (lin(3, 5, rng=0, dtype=np.float64),)

    first = Setting(alone, input_shape=(4, 5)).config("TiedLinear", reference)
    first.label = "TiedLinear(Linear(3, 5)) on (4, 5)"

    def both(student_cls):
        layer = lin(3, 5, rng=0, dtype=np.float64)
        return seq(layer, student_cls(layer))

    def run(student_cls):
        mine = both(student_cls) if isinstance(student_cls, type) else student_cls
        return check_module(mine, both(reference), input_shape=(4, 3), rng=1)
    second = Config("Sequential(Linear(3, 5), TiedLinear(that Linear)) on (4, 3)",
                    run, "the tied layer's W (used twice)",
                    "does backward_update_gradient add delta^T X to the tied "
                    "layer's gradient of W, which then sums both uses?")
    return check_configs(student, [first, second], title="TiedLinear")


def _rule_problem():
    """Two parameters and the gradient of a fixed quadratic: the gradients change
    at every step, so what a rule keeps between steps matters."""
    from ..module import Module
    holder = Module()
    holder._parameters = {"p": np.array([1.0, -1.0, 0.5]),
                          "q": np.array([[0.3, -2.0], [1.5, 0.2]])}
    holder._gradient = {k: np.zeros_like(v) for k, v in holder._parameters.items()}
    scales = {"p": np.array([1.0, 4.0, 0.25]), "q": np.array([[2.0, 0.5], [1.0, 3.0]])}

    def refresh():
        for k, p in holder._parameters.items():
            holder._gradient[k][...] = scales[k] * p + 0.1
    return holder, refresh


def _rule_steps(rule, steps=4, lr=0.1):
    holder, refresh = _rule_problem()
    for _ in range(steps):
        refresh()
        rule.update(holder, lr)
    return np.concatenate([p.ravel() for p in holder._parameters.values()])


def _direction_hint(student, reference, kwargs):
    """A hint when the student's first update moves the parameters up the
    gradient, where the library's moves them down: a sign mistake."""
    start = _rule_steps(reference(**kwargs), steps=0)
    try:
        r = student(**kwargs) if isinstance(student, type) else copy.deepcopy(student)
        mine = _rule_steps(r, steps=1) - start
    except Exception:        # noqa: BLE001  (the check above reports the error)
        return ""
    theirs = _rule_steps(reference(**kwargs), steps=1) - start
    if float(mine @ theirs) < 0:
        return (": the first update moved the parameters up the gradient; a descent "
                "step subtracts eps times the gradient (is a sign wrong?)")
    return ""


def rules(*kwargs_list):
    """Four updates of an update rule (built with each of ``kwargs_list``) on a
    quadratic of two parameters, against the library's."""
    def run(student, reference):
        name = _name(student)
        configs = []
        for kwargs in kwargs_list:
            def one(st, kwargs=kwargs):
                result = CheckResult(name, total=1)
                try:
                    r = st(**kwargs) if isinstance(st, type) else copy.deepcopy(st)
                    got = _rule_steps(r)
                except NotImplementedError as exc:
                    return _not_answered_result(name, str(exc))
                except Exception as exc:        # noqa: BLE001
                    result.add("update runs", False, _error("update", exc))
                    return result
                result = check_value(got, _rule_steps(reference(**kwargs)),
                                     name="the parameters after 4 updates")
                if not result.passed:
                    hint = _direction_hint(st, reference, kwargs)
                    if hint:
                        check_name, ok, message = result.checks[-1]
                        result.checks[-1] = (check_name, ok, message + hint)
                return result
            label = f"{name}({_args_text((), kwargs)}), 4 updates"
            configs.append(Config(label, one, _args_text((), kwargs) or label,
                                  "does update use the rule's own settings "
                                  "(self.momentum, self.beta1, ...) rather than "
                                  "numbers of its own?"))
        return check_configs(student, configs, title=name)
    return run


def _toy_problem(n=12):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 3))
    Y = X @ rng.standard_normal((3, 2)) + 0.1 * rng.standard_normal((n, 2))
    return X, Y


def _net():
    seq, lin, tanh = _lib("Sequential"), _lib("Linear"), _lib("TanH")
    return seq(lin(3, 4, rng=0, dtype=np.float64), tanh(),
               lin(4, 2, rng=1, dtype=np.float64))


def _trained(train, loss=None):
    """``(what train returns, parameters)`` after ``train(net, loss, X, Y)``."""
    net, mse = _net(), loss or _lib("MSELoss")()
    X, Y = _toy_problem()
    out = train(net, mse, X, Y)
    params = np.concatenate([p.ravel() for p, _ in net.parameters()])
    return out, params


def _optim(student, reference):
    """Two ``step`` calls of ``Optim(net, MSELoss(), 0.1, rule)``: the returned
    losses and the parameters, against the library's."""
    def config(rule):
        def train(cls):
            def run(net, mse, X, Y):
                opt = cls(net, mse, 0.1, rule=rule)
                return [float(opt.step(X, Y)) for _ in range(2)]
            return run

        def one(st):
            result = CheckResult("Optim", total=1)
            try:
                got = _trained(train(st))
            except NotImplementedError as exc:
                return _not_answered_result("Optim", str(exc))
            except Exception as exc:            # noqa: BLE001
                result.add("step runs", False, _error("step", exc))
                return result
            expected = _trained(train(reference))
            return check_value(np.concatenate([got[0], got[1]]),
                               np.concatenate([expected[0], expected[1]]),
                               name="Optim.step: losses, then parameters after 2 steps")
        return Config(f"Optim(net, MSELoss(), 0.1, rule={rule!r}), 2 steps", one,
                      f"rule={rule!r}", "does step update with self.rule.update(net, "
                      "self.eps), the rule the Optim was given?")
    return check_configs(student, [config("sgd"), config("momentum")], title="Optim")


def _spy_loss():
    """MSELoss that records the examples (their ids in the first column of y)
    and the mean loss of every batch it sees."""
    base = _lib("MSELoss")

    class Spy(base):
        def __init__(self):
            super().__init__()
            self.batches, self.means, self.steps = [], [], 0

        def forward(self, y, yhat):
            values = super().forward(y, yhat)
            self.batches.append(np.asarray(y)[:, 0].tolist())
            self.means.append(float(np.mean(values)))
            return values

        def backward(self, y, yhat):
            self.steps += 1
            return super().backward(y, yhat)
    return Spy()


def _sgd(student, reference):
    """Full-batch SGD against the library's; then mini-batches, spied on."""
    def full(st):
        def train(net, mse, X, Y):
            st(net, mse, X, Y, batch_size=len(X), epochs=3, eps=0.1, rng=0,
               progress=False)
            return []
        result = CheckResult("SGD", total=1)
        try:
            got = _trained(train)
        except NotImplementedError as exc:
            return _not_answered_result("SGD", str(exc))
        except Exception as exc:            # noqa: BLE001
            result.add("SGD runs", False, _error("SGD", exc))
            return result
        expected = _trained(lambda net, mse, X, Y: reference(
            net, mse, X, Y, batch_size=len(X), epochs=3, eps=0.1, rng=0,
            progress=False))
        return check_value(got[1], expected[1],
                           name="SGD: parameters after 3 full-batch epochs")

    def batches(st):
        result = CheckResult("SGD", total=4)
        X, _ = _toy_problem(10)
        Y = np.column_stack([np.arange(10.0), np.zeros(10)]) / 10
        spy = _spy_loss()
        try:
            history = st(_net(), spy, X, Y, batch_size=4, epochs=2, eps=0.01, rng=0,
                         progress=False)
        except Exception as exc:            # noqa: BLE001
            result.add("SGD runs", False, _error("SGD", exc))
            return result
        batches = [[round(10 * v) for v in b] for b in spy.batches]
        if spy.steps != 6 or len(batches) < 6:
            result.add("update steps", False,
                       f"10 examples in batches of 4 make 3 steps an epoch (4, 4, "
                       f"then 2), 6 in 2 epochs; yours made {spy.steps}: "
                       + ("is the last, smaller batch left out? (range(0, n, "
                          "batch_size) keeps it)" if spy.steps < 6 else
                          "does each epoch visit every batch once?"))
            return result
        result.add("update steps", True, "3 an epoch")
        epochs = [sum(batches[:3], []), sum(batches[3:6], [])]
        if any(sorted(e) != list(range(10)) for e in epochs):
            result.add("every example once an epoch", False,
                       "an epoch must visit every example exactly once: split a "
                       "permutation of the indices into batches")
            return result
        result.add("every example once an epoch", True)
        if epochs[0] == epochs[1] or epochs[0] == list(range(10)):
            result.add("shuffled", False,
                       "the examples come in the same order every epoch (or in "
                       "their own order): shuffle them at every epoch "
                       "(rng.permutation(n))")
            return result
        result.add("shuffled", True)
        sizes = np.array([len(b) for b in batches[:6]], dtype=float)
        means = np.array(spy.means[:6])
        expected = [float(np.sum(means[i:i + 3] * sizes[i:i + 3]) / 10)
                    for i in (0, 3)]
        try:
            got = [float(v) for v in history["loss"]]
        except Exception:                   # noqa: BLE001
            got = None
        if got is None or len(got) != 2 or not np.allclose(got, expected):
            result.add("history.loss", False,
                       f"history['loss'] must hold, for each epoch, the mean loss of "
                       f"its examples (each batch's mean loss weighted by its size): "
                       f"expected {[round(e, 6) for e in expected]}, got {got}")
            return result
        result.add("history.loss", True)
        return result

    return check_configs(student, [
        Config("SGD, 3 full-batch epochs", full, "full batch"),
        Config("SGD on 10 examples, batch_size=4, 2 epochs", batches,
               "mini-batches of 4 (the last one of 2)")], title="SGD")


def _dropout(student, reference):
    """Dropout(0.3): in training, each output is 0 or ``x / (1 - p)``, about 30 %
    of them 0, a new mask at every forward, and ``backward_delta`` uses the mask
    of the last forward; in evaluation mode, the identity."""
    result = CheckResult(_name(student), total=4)
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 2, (200, 10))
    delta = rng.standard_normal(X.shape)
    p = 0.3
    try:
        d = student(p, rng=0) if isinstance(student, type) else student
        out = np.asarray(d.forward(X.copy()), dtype=np.float64)
        back = np.asarray(d.backward_delta(X.copy(), delta), dtype=np.float64)
        second = np.asarray(d.forward(X.copy()), dtype=np.float64)
        d.eval()
        same = np.asarray(d.forward(X.copy()), dtype=np.float64)
    except NotImplementedError as exc:
        return _not_answered_result(_name(student), str(exc))
    except Exception as exc:            # noqa: BLE001
        result.add("forward and backward_delta run", False, _error("Dropout", exc))
        return result
    kept = np.isclose(out, X / (1 - p))
    ok = out.shape == X.shape and bool(np.all(kept | (out == 0)))
    frac = 1 - kept.mean()
    if not ok and out.shape == X.shape and np.all(np.isclose(out, X) | (out == 0)):
        message = ("the kept outputs equal x: multiply them by 1 / (1 - p), so that "
                   "each output keeps its expected value")
    else:
        message = f"{frac:.0%} dropped" if ok else "some outputs are neither"
    result.add("training: each output 0 or x / (1 - p)", ok, message)
    if not ok:
        return result
    ok = 0.2 < frac < 0.4
    result.add("about p = 30 % dropped", ok, "" if ok else
               f"{frac:.0%} of the outputs are 0, expected about 30 %: a unit is "
               f"dropped with probability p (kept where rng.random(shape) >= p)")
    if not ok:
        return result
    ok = np.allclose(back, np.where(kept, delta / (1 - p), 0)) \
        and not np.array_equal(second, out)
    result.add("a new mask at each forward; backward_delta uses the last one", ok,
               "" if ok else "forward draws a new mask each time, and backward_delta "
               "returns delta * mask with the mask of the last forward")
    if not ok:
        return result
    result.add("evaluation mode: the identity", np.allclose(same, X),
               "" if np.allclose(same, X) else "after eval(), forward must return X")
    return result


def _sequential_children():
    return (_lib("Linear")(3, 5, rng=0), _lib("TanH")(), _lib("Linear")(5, 2, rng=1))


# How to check each exercise: the name of the library's object -> a function
# (student, reference) -> CheckResult. A chapter that shows a new module adds a line.
CHECKS = {
    "Linear": modules(
        Setting(3, 2, input_shape=(5, 3)),
        Setting(3, 2, bias=False, input_shape=(5, 3), feature="bias=False",
                hint=BIAS)),
    "MSELoss": losses(LossSetting(_normal(6, 3), _normal(6, 3)),
                      LossSetting(_normal(5, 1), _normal(5, 1),
                                  feature="one output per example")),
    "BCELoss": losses(
        LossSetting(_uniform(0, 1, 6, 3), _uniform(0.05, 0.95, 6, 3)),
        LossSetting(_uniform(0, 1, 6, 3), lambda rng: rng.integers(0, 2, (6, 3)) * 1.0,
                    feature="probabilities of exactly 0 and 1", gradcheck=False,
                    hint="is the log clipped at -100 (and its gradient 0 there)?")),
    "BCEWithLogitsLoss": losses(
        LossSetting(_uniform(0, 1, 6, 3), _normal(6, 3)),
        LossSetting(_uniform(0, 1, 6, 3), _large(6, 3), feature="large logits",
                    large=True, hint="does {method} overflow, or take the log of 0? "
                    "Use max(z, 0) - y z + log(1 + exp(-|z|)), equation (12)")),
    "CELoss": losses(
        LossSetting(_classes(6, 4), _normal(6, 4)),
        LossSetting(_one_hot(6, 4), _normal(6, 4), feature="one-hot targets",
                    hint="does {method} take one-hot rows y as well as indices?"),
        LossSetting(_classes(6, 4), _large(6, 4), feature="large logits", large=True,
                    hint="does {method} overflow? Subtract each row's maximum "
                    "before exp (log-sum-exp)")),
    "HingeLoss": losses(LossSetting(_signs(6, 4), _normal(6, 4)),
                        LossSetting(_signs(5, 1), _normal(5, 1), feature="one output")),
    "TanH": _activation(diagnose=[TANH_FROM_INPUT]),
    "Sigmoid": _activation(diagnose=[SIGMOID_FROM_INPUT]),
    "ReLU": _activation(large=False),
    "LeakyReLU": _activation(
        Setting(0.3, input_shape=(5, 4), feature="negative_slope=0.3",
                hint="does {method} use self.negative_slope?"), large=False),
    "ELU": _activation(
        Setting(0.5, input_shape=(5, 4), feature="alpha=0.5",
                hint="does {method} use self.alpha?")),
    "Softmax": _activation(),
    "LogSoftmax": _activation(),
    "softmax": function((5, 4), settings=[
        (LARGE, LARGE_HINT.replace("{method}", "softmax"),
         lambda rng: [_large(5, 4)(rng)], (), True)]),
    "log_softmax": function((5, 4), settings=[
        (LARGE, "does log_softmax take the log of a probability that rounds to 0, "
         "or overflow? Compute z - max - log(sum(exp(z - max)))",
         lambda rng: [_large(5, 4)(rng)], (), True)]),
    "Dropout": _dropout,
    "Sequential": _sequential,
    "Optim": _optim,
    "SGD": _sgd,
    "GradientDescent": rules({}),
    "Momentum": rules({}, {"momentum": 0.5}),
    "Adam": rules({}, {"beta1": 0.5, "beta2": 0.9, "stabiliser": 0.1}),
    "AutoEncoder": _autoencoder,
    "TiedLinear": _tied_linear,
    "Flatten": modules(Setting(input_shape=(2, 4, 3)),
                       Setting(input_shape=(2, 3, 2, 2), feature="a 4-d input")),
    "windows": function((2, 10, 3), extra=(3, 2), settings=[
        ("k_size=4, stride=3", STRIDE.replace("{method}", "windows"),
         lambda rng: [rng.standard_normal((2, 13, 2))], (4, 3), False)]),
    "Conv1D": modules(
        Setting(3, 2, 4, input_shape=(2, 10, 2)),
        Setting(3, 2, 4, stride=2, input_shape=(2, 12, 2), feature="stride=2",
                hint=STRIDE),
        Setting(2, 2, 3, stride=2, input_shape=(2, 9, 2), feature="stride = k_size "
                "= 2 (windows that tile the sequence)", hint=STRIDE),
        Setting(3, 2, 4, bias=False, input_shape=(2, 10, 2), feature="bias=False",
                hint=BIAS)),
    "MaxPool1D": _pools_1d("max"),
    "AvgPool1D": _pools_1d("avg"),
    "ConvTranspose1D": modules(
        Setting(3, 2, 4, input_shape=(2, 5, 2)),
        Setting(3, 2, 4, stride=2, input_shape=(2, 5, 2), feature="stride=2",
                hint=STRIDE.replace("window t starts", "input position t sends to "
                                    "output positions starting")),
        Setting(3, 2, 4, bias=False, input_shape=(2, 5, 2), feature="bias=False",
                hint=BIAS)),
    "Conv2D": modules(
        Setting(3, 2, 4, input_shape=(2, 6, 6, 2)),
        Setting(3, 2, 4, stride=2, input_shape=(2, 8, 7, 2), feature="stride=2",
                hint=STRIDE),
        Setting(3, 2, 4, padding=1, input_shape=(2, 5, 6, 2), feature="padding=1",
                hint=PADDING),
        Setting(3, 2, 4, stride=2, padding=1, input_shape=(2, 7, 6, 2),
                feature="stride=2 and padding=1", hint=PADDING),
        Setting(3, 2, 4, bias=False, input_shape=(2, 6, 6, 2), feature="bias=False",
                hint=BIAS)),
    "MaxPool2D": _pools_2d("max"),
    "AvgPool2D": _pools_2d("avg"),
    "DoubleConv1D": modules(
        Setting(3, 2, 4, input_shape=(2, 6, 6, 2)),
        Setting(3, 2, 4, stride=2, padding=1, input_shape=(2, 7, 6, 2),
                feature="stride=2 and padding=1", hint=PADDING),
        Setting(3, 2, 4, bias=False, input_shape=(2, 6, 6, 2), feature="bias=False",
                hint=BIAS)),
}
