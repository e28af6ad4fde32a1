"""The exercise checkers: a right answer passes, each kind of wrong answer fails at
the right check with a message that says what was expected, and nothing raises."""
import numpy as np
import pytest

import diy_nn as nn
from diy_nn.book.exercises import CheckResult, check_loss, check_module, check_value


# --- student modules: one right, several wrong in one specific way ---------------------

class MyLinear(nn.Module):
    def __init__(self, input, output):
        super().__init__()
        self._parameters["W"] = np.zeros((input, output))
        self._parameters["b"] = np.zeros(output)
        self._gradient = {k: np.zeros_like(v) for k, v in self._parameters.items()}

    def forward(self, X):
        return X @ self._parameters["W"] + self._parameters["b"]

    def backward_update_gradient(self, input, delta):
        self._gradient["W"] += input.T @ delta
        self._gradient["b"] += delta.sum(axis=0)

    def backward_delta(self, input, delta):
        return delta @ self._parameters["W"].T


class WrongForward(MyLinear):
    def forward(self, X):
        return X @ self._parameters["W"] * 2 + self._parameters["b"]


class NoBias(MyLinear):
    def forward(self, X):
        return X @ self._parameters["W"]


class BiasMean(MyLinear):
    """dL/db averaged over the batch instead of summed."""

    def backward_update_gradient(self, input, delta):
        self._gradient["W"] += input.T @ delta
        self._gradient["b"] += delta.mean(axis=0)


class BiasNotSummed(MyLinear):
    """dL/db not reduced over the batch at all: shape (batch, output)."""

    def backward_update_gradient(self, input, delta):
        self._gradient["W"] += input.T @ delta
        self._gradient["b"] = self._gradient["b"] + delta


class DeltaTransposed(MyLinear):
    def backward_delta(self, input, delta):
        return (delta @ self._parameters["W"].T).T


class Overwrites(MyLinear):
    """Replaces the gradient instead of adding to it."""

    def backward_update_gradient(self, input, delta):
        self._gradient["W"] = input.T @ delta
        self._gradient["b"] = delta.sum(axis=0)


class MissingBias(nn.Module):
    def __init__(self, input, output):
        super().__init__()
        self._parameters["W"] = np.zeros((input, output))
        self._gradient["W"] = np.zeros((input, output))


class NoSuperInit(nn.Module):
    def __init__(self, input, output):
        self.W = np.zeros((input, output))


class Skeleton(nn.Module):
    def forward(self, X):
        raise NotImplementedError("Skeleton.forward")

    def backward_delta(self, input, delta):
        raise NotImplementedError("Skeleton.backward_delta")


class HalfDone(nn.Module):
    def forward(self, X):
        return np.tanh(X)

    def backward_delta(self, input, delta):
        raise NotImplementedError


class MyTanH(nn.Module):
    def forward(self, X):
        return np.tanh(X)

    def backward_delta(self, input, delta):
        return delta * (1 - np.tanh(input) ** 2)


class Crashes(nn.Module):
    def forward(self, X):
        return X @ np.ones((7, 7))


class InPlace(nn.Module):
    def forward(self, X):
        np.tanh(X, out=X)
        return X


def run(student, reference=nn.Linear, shape=(4, 3), **kw):
    kw.setdefault("init_args", (3, 2) if reference is nn.Linear else ())
    return check_module(student, reference, shape, **kw)


def failure(result):
    assert not result and not result.passed
    name, ok, message = result.first_failure
    assert not ok
    return name, message


# --- check_module ---------------------------------------------------------------------

def test_a_correct_module_passes_every_check(capsys):
    result = run(MyLinear)
    assert isinstance(result, CheckResult)
    assert result and result.passed and result.first_failure is None
    names = [name for name, ok, _ in result.checks]
    assert names == ["parameters", "forward runs", "forward shape", "forward values",
                     "backward_delta shape", "backward_delta values", "parameter gradients",
                     "gradcheck", "gradients accumulate"]
    assert all(ok for _, ok, _ in result.checks)
    assert "all 9 checks passed" in capsys.readouterr().out


def test_an_instance_is_checked_and_left_unchanged(capsys):
    student = MyLinear(3, 2)
    reference = nn.Linear(3, 2, rng=1)
    W_before = reference._parameters["W"].copy()
    assert check_module(student, reference, (5, 3))
    assert np.all(student._parameters["W"] == 0)          # the student's instance was copied
    assert np.array_equal(reference._parameters["W"], W_before)


def test_an_activation_without_parameters_passes():
    result = run(MyTanH, nn.TanH, (5, 3))
    assert result.passed
    assert [n for n, _, _ in result.checks] == ["forward runs", "forward shape", "forward values",
                                                "backward_delta shape", "backward_delta values",
                                                "gradcheck"]


def test_wrong_forward_fails_at_forward_values():
    name, message = failure(run(WrongForward))
    assert name == "forward values"
    assert "largest difference" in message and "expected" in message


def test_forgotten_bias_gets_a_hint():
    name, message = failure(run(NoBias))
    assert name == "forward values"
    assert "Did you forget to add the bias b?" in message


def test_bias_gradient_averaged_instead_of_summed():
    name, message = failure(run(BiasMean))
    assert name == "parameter gradients"
    assert "dL/db" in message
    assert "Did you forget the sum over the batch in dL/db?" in message
    assert "4 times too small" in message


def test_bias_gradient_not_reduced_over_the_batch():
    name, message = failure(run(BiasNotSummed))
    assert name == "parameter gradients"
    assert "dL/db has shape (4, 2), expected (2,)" in message
    assert "forget the sum over the batch in dL/db" in message


def test_backward_delta_transposed():
    name, message = failure(run(DeltaTransposed))
    assert name == "backward_delta shape"
    assert "returned shape (3, 4), expected the input's shape (4, 3)" in message
    assert "transposed" in message


def test_gradient_overwritten_instead_of_accumulated():
    result = run(Overwrites)
    name, message = failure(result)
    assert name == "gradients accumulate"
    assert "+=" in message and "twice" in message
    # everything before it passed
    assert all(ok for _, ok, _ in result.checks[:-1]) and len(result.checks) == 9


def test_missing_parameter_is_the_first_failure():
    result = run(MissingBias)
    name, message = failure(result)
    assert name == "parameters" and len(result.checks) == 1
    assert "your module has no parameter 'b' in _parameters" in message


def test_missing_super_init():
    name, message = failure(run(NoSuperInit))
    assert name == "parameters"
    assert "super().__init__()" in message


def test_not_implemented_becomes_not_written_yet(capsys):
    result = run(Skeleton, nn.TanH, (5, 3))
    name, message = failure(result)
    assert (name, message) == ("forward runs", "forward is not written yet")
    out = capsys.readouterr().out
    assert "forward is not written yet" in out and "Traceback" not in out


def test_not_implemented_backward_delta():
    name, message = failure(run(HalfDone, nn.TanH, (5, 3)))
    assert (name, message) == ("backward_delta shape", "backward_delta is not written yet")


def test_any_other_exception_gives_its_type_and_message():
    name, message = failure(run(Crashes, nn.TanH, (5, 3)))
    assert name == "forward runs"
    assert message.startswith("forward raised ValueError:")
    assert "X @ np.ones((7, 7))" in message        # the student's line


def test_forward_that_changes_its_input():
    name, message = failure(run(InPlace, nn.TanH, (5, 3)))
    assert name == "forward runs" and "in place" in message


def test_a_failing_constructor_does_not_raise():
    class Broken(nn.Module):
        def __init__(self, *args):
            raise NotImplementedError

    name, message = failure(run(Broken))
    assert message == "__init__ is not written yet"


# --- check_loss -----------------------------------------------------------------------

class MyMSE(nn.Loss):
    def forward(self, y, yhat):
        return ((y - yhat) ** 2).sum(axis=1)

    def backward(self, y, yhat):
        return 2 * (yhat - y) / len(yhat)


class MSEMeanAlready(MyMSE):
    def forward(self, y, yhat):
        return ((y - yhat) ** 2).sum(axis=1).mean()


class MSENoDivide(MyMSE):
    def backward(self, y, yhat):
        return 2 * (yhat - y)


class MSESkeleton(nn.Loss):
    pass


@pytest.fixture
def y_yhat():
    rng = np.random.default_rng(0)
    return rng.standard_normal((6, 2)), rng.standard_normal((6, 2))


def test_a_correct_loss_passes(y_yhat):
    result = check_loss(MyMSE, nn.MSELoss, *y_yhat)
    assert result.passed and len(result.checks) == 7


def test_loss_with_the_mean_taken_too_early(y_yhat):
    name, message = failure(check_loss(MSEMeanAlready, nn.MSELoss, *y_yhat))
    assert name == "forward shape"
    assert "returned shape (), expected (6,)" in message and "mean" in message


def test_loss_gradient_not_divided_by_the_batch(y_yhat):
    name, message = failure(check_loss(MSENoDivide(), nn.MSELoss(), *y_yhat))
    assert name == "backward values"
    assert "6 (the batch size) times too large" in message


def test_loss_not_written_yet(y_yhat):
    name, message = failure(check_loss(MSESkeleton, nn.MSELoss, *y_yhat))
    assert (name, message) == ("forward runs", "forward is not written yet")


def test_check_loss_with_class_indices():
    rng = np.random.default_rng(1)
    yhat = rng.standard_normal((5, 3))
    y = rng.integers(0, 3, 5)
    assert check_loss(nn.CELoss, nn.CELoss, y, yhat)


# --- check_value ----------------------------------------------------------------------

def test_check_value_right_and_wrong(capsys):
    expected = 1 / (1 + np.exp(-2.0))
    assert check_value(expected, expected, name="s")
    result = check_value(0.5, expected, name="s")
    name, message = failure(result)
    assert name == "s" and "difference" in message
    assert "Answer s" in capsys.readouterr().out


def test_check_value_rounded_answer_is_told_to_keep_digits():
    _, message = failure(check_value(0.105, 0.10499358540350662))
    assert "more digits" in message


def test_check_value_arrays():
    assert check_value([1.0, 2.0], np.array([1.0, 2.0]))
    _, message = failure(check_value([1.0, 2.5], [1.0, 2.0]))
    assert "largest difference 0.5 at index (1,)" in message
    _, message = failure(check_value([1.0, 2.0, 3.0], [1.0, 2.0]))
    assert "expected shape (2,), got (3,)" in message


@pytest.mark.parametrize("answer", [None, ...])
def test_check_value_not_answered_yet(answer, capsys):
    result = check_value(answer, 3.0)
    assert not result and result.not_answered
    assert "not answered yet" in capsys.readouterr().out


def test_check_value_not_a_number():
    _, message = failure(check_value("three", 3.0))
    assert "expected a number" in message


# --- display --------------------------------------------------------------------------

def test_plain_text_outside_a_notebook(capsys):
    result = run(BiasMean)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "✗ BiasMean: check 7 of 9 failed (parameter gradients)"
    assert "<div" not in out
    assert out.strip() == result.report()


def test_the_title_names_the_students_class_never_the_reference():
    class _PrivateReference(nn.TanH):
        pass

    result = check_module(HalfDone, _PrivateReference, (5, 3))
    assert "_PrivateReference" not in result.report() + result.html()
    assert result.summary().startswith("… HalfDone")


def test_a_skeleton_is_not_answered_yet_and_shows_what_is_checked(capsys):
    result = run(Skeleton, nn.TanH, (5, 3))
    assert not result and result.not_answered
    report = capsys.readouterr().out
    assert report.splitlines()[0] == "… Skeleton: not answered yet"
    assert "forward is not written yet: write it, then run this cell again." in report
    assert "1. forward runs on a random batch" in report
    assert "6. a gradient check" in report
    assert "✗" not in report and "failed" not in report
    box = result.html()
    assert "#8a6d00" in box and "#c62828" not in box             # amber, not red


def test_the_plan_of_a_module_with_parameters_lists_its_nine_checks():
    class LinearSkeleton(nn.Module):
        def __init__(self, input, output):
            raise NotImplementedError

    result = run(LinearSkeleton)
    assert result.not_answered
    assert len(result.plan) == result.total == 9
    assert "zero_grad resets them" in result.plan[-1]


def test_half_done_is_not_answered_yet_after_what_passed():
    result = run(HalfDone, nn.TanH, (5, 3))
    assert result.not_answered
    assert [name for name, ok, _ in result.checks if ok] == [
        "forward runs", "forward shape", "forward values"]


def test_an_unwritten_loss_is_not_answered_yet(capsys):
    class LossSkeleton(nn.Loss):
        def forward(self, y, yhat):
            raise NotImplementedError

        def backward(self, y, yhat):
            raise NotImplementedError

    rng = np.random.default_rng(0)
    result = check_loss(LossSkeleton, nn.MSELoss, rng.normal(size=(4, 2)),
                        rng.normal(size=(4, 2)))
    assert result.not_answered and len(result.plan) == result.total
    assert "not answered yet" in capsys.readouterr().out


def test_html_box_says_the_same():
    result = run(Overwrites)
    box = result.html()
    assert box.startswith("<div") and "#c62828" in box          # red
    assert "gradients accumulate" in box and "+=" in box
    assert "#2e7d32" in run(MyLinear).html()                      # green


def test_a_module_that_aliases_its_parameters_passes():
    class Aliased(MyLinear):
        def __init__(self, input, output):
            super().__init__(input, output)
            self.W, self.b = self._parameters["W"], self._parameters["b"]

        def forward(self, X):
            return X @ self.W + self.b

        def backward_delta(self, input, delta):
            return delta @ self.W.T

    assert run(Aliased).passed


def test_float32_output_gets_a_dtype_hint():
    class Float32(MyTanH):
        def forward(self, X):
            return np.tanh(X).astype(np.float32)

    # float32 is within rtol 1e-6 of the values, but too coarse for finite differences
    name, message = failure(run(Float32, nn.TanH, (5, 3)))
    assert name == "gradcheck" and "float32" in message


def test_in_a_notebook_one_html_box_per_cell(monkeypatch):
    """The checker displays an HTML box; the returned result, as the cell's last
    expression, shows nothing more in that cell, and shows the box again later."""
    from diy_nn.book import exercises

    class Shell:
        execution_count = 1

    shown = []
    shell = Shell()
    monkeypatch.setattr(exercises, "_ipython_shell", lambda: shell)
    ipython_display = pytest.importorskip("IPython.display")
    monkeypatch.setattr(ipython_display, "display", lambda data, raw=False: shown.append(data))

    result = run(MyTanH, nn.TanH, (5, 3))
    assert len(shown) == 1
    assert set(shown[0]) == {"text/html", "text/plain"}
    assert "all 6 checks passed" in shown[0]["text/html"]
    result._ipython_display_()              # the cell's last expression: nothing more
    assert len(shown) == 1
    shell.execution_count = 2               # a later cell that shows the result
    result._ipython_display_()
    assert len(shown) == 2


def test_a_chain_of_modules_is_checked_with_its_childrens_parameters():
    """Parameters of children are matched by their names ("0.W", "2.b"), as named_parameters gives them."""
    class MySequential(nn.Module):
        def __init__(self, *modules):
            super().__init__()
            self.modules = list(modules)

        def children(self):
            return self.modules

        def forward(self, X):
            self.inputs = []
            for m in self.modules:
                self.inputs.append(X)
                X = m.forward(X)
            return X

        def backward_update_gradient(self, input, delta):
            self.forward(input)
            for m, X in zip(reversed(self.modules), reversed(self.inputs)):
                m.backward_update_gradient(X, delta)
                delta = m.backward_delta(X, delta)

        def backward_delta(self, input, delta):
            self.forward(input)
            for m, X in zip(reversed(self.modules), reversed(self.inputs)):
                delta = m.backward_delta(X, delta)
            return delta

    student = MySequential(nn.Linear(3, 4, rng=5), nn.TanH(), nn.Linear(4, 2, rng=6))
    reference = nn.Sequential(nn.Linear(3, 4, rng=0), nn.TanH(), nn.Linear(4, 2, rng=1))
    result = check_module(student, reference, (5, 3))
    assert result.passed, result.report()
    assert "0.W (3, 4)" in result.checks[0][2]

    short = MySequential(nn.Linear(3, 4), nn.TanH())
    name, message = failure(check_module(short, reference, (5, 3)))
    assert name == "parameters" and "no parameter '2.W'" in message


def test_messages_are_the_same_on_every_run():
    first = run(NoBias).first_failure
    nn.Linear(3, 2)                       # the package's generator moves on in between
    assert run(NoBias).first_failure == first
