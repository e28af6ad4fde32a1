"""No silent wrong answer: inputs a new user gets wrong (a delta of another shape,
a truthy string, infinity, swapped arguments, PyTorch's conventions) give a clear
error that names the module or argument, says what it got and expected and what
to do, and leaves every gradient as it was; or the right result. One test a
family."""
import re
import time

import numpy as np
import pytest

import diy_nn as nn

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3))
SEQ = rng.standard_normal((2, 10, 3))
IMG = rng.standard_normal((2, 8, 8, 3))
LOGITS = rng.standard_normal((4, 3))
ONE_HOT = nn.one_hot([0, 1, 2, 2], 3, dtype=np.float64)
SWAP = r"did you swap y and yhat\? diy_nn's losses take \(y, yhat\)"

MODULES = {
    "Linear": (lambda: nn.Linear(3, 2, rng=0), X),
    "TiedLinear": (lambda: nn.TiedLinear(nn.Linear(2, 3, rng=0)), X),
    "TanH": (nn.TanH, X), "Sigmoid": (nn.Sigmoid, X), "ReLU": (nn.ReLU, X),
    "LeakyReLU": (nn.LeakyReLU, X), "ELU": (nn.ELU, X), "Softmax": (nn.Softmax, X),
    "LogSoftmax": (nn.LogSoftmax, X), "Dropout": (lambda: nn.Dropout(0.5, rng=0), X),
    "Flatten": (nn.Flatten, SEQ), "Conv1D": (lambda: nn.Conv1D(3, 3, 2, rng=0), SEQ),
    "ConvTranspose1D": (lambda: nn.ConvTranspose1D(3, 3, 2, rng=0), SEQ),
    "MaxPool1D": (lambda: nn.MaxPool1D(2), SEQ), "AvgPool1D": (lambda: nn.AvgPool1D(2), SEQ),
    "Conv2D": (lambda: nn.Conv2D(3, 3, 2, rng=0), IMG),
    "DoubleConv1D": (lambda: nn.DoubleConv1D(3, 3, 2, rng=0), IMG),
    "MaxPool2D": (lambda: nn.MaxPool2D(2), IMG), "AvgPool2D": (lambda: nn.AvgPool2D(2), IMG),
    "Sequential": (lambda: nn.Sequential(nn.Linear(3, 4, rng=0), nn.TanH(),
                                         nn.Linear(4, 2, rng=1)), X),
    "AutoEncoder": (lambda: nn.AutoEncoder(nn.Sequential(nn.Linear(3, 2, rng=0), nn.TanH()),
                                           nn.Linear(2, 3, rng=1)), X),
}


def gradients(module):
    return [g.copy() for _, g in module.parameters()]


def refuses_and_keeps_gradients(module, call, error, match):
    before = gradients(module)
    with pytest.raises(error, match=match):
        call()
    for old, new in zip(before, gradients(module)):
        np.testing.assert_array_equal(old, new)


# ------------------------------------------------------------------ 1. delta's shape

# Modules without parameters have nothing to add in backward_update_gradient, so
# nothing to corrupt: their backward_delta is what checks delta.
CALLS = [(name, method) for name, (make, _) in MODULES.items()
         for method in ("backward_update_gradient", "backward_delta")
         if method == "backward_delta" or list(make().parameters())]


@pytest.mark.parametrize("name, method", CALLS, ids=["-".join(c) for c in CALLS])
@pytest.mark.parametrize("wrong", ["one column too many", "one example too few"])
def test_a_delta_of_another_shape_is_refused_before_any_gradient_changes(name, method,
                                                                         wrong):
    make, inp = MODULES[name]
    module = make()
    out = module.forward(inp)
    delta = (np.ones(out.shape[:-1] + (out.shape[-1] + 1,)) if wrong.startswith("one col")
             else np.ones(out.shape)[1:])
    refuses_and_keeps_gradients(
        module, lambda: getattr(module, method)(inp, delta), ValueError,
        r"expected delta of shape \(.*\) \(dL/doutput, the output's shape for an input "
        r"of shape \(.*\)\), got")


# ------------------------------------------------------------------ 2. kinds of value

@pytest.mark.parametrize("call, match", [
    (lambda: nn.Linear(3, 2, bias="False"), r"^Linear: expected bias to be True or False, "
     r"got 'False' \(str\) \(a string is always true in Python"),
    (lambda: nn.Conv1D(3, 1, 2, bias="False"), r"^Conv1D: expected bias to be True"),
    (lambda: nn.Conv2D(3, 1, 2, bias="False"), r"^Conv2D: expected bias to be True"),
    (lambda: nn.ConvTranspose1D(3, 1, 2, bias="no"), r"^ConvTranspose1D: expected bias"),
    (lambda: nn.DoubleConv1D(3, 1, 2, bias="False"), r"^DoubleConv1D: expected bias"),
    (lambda: nn.TiedLinear(nn.Linear(2, 3), bias="False"), r"^TiedLinear: expected bias"),
    (lambda: nn.AutoEncoder(nn.Linear(3, 2), nn.Linear(2, 3), tied="no"),
     r"^AutoEncoder: expected tied to be True or False"),
    (lambda: nn.Conv1D(3, 1, 2, dtype=np.int32), r"^Conv1D: dtype: expected a floating "
     r"dtype, np.float32 or np.float64"),
    (lambda: nn.Linear(3, 2).astype("int64"), r"^Linear.astype: expected a floating dtype"),
    (lambda: nn.Sequential(nn.Linear(2, 2)).train("False"),
     r"^Sequential.train: expected mode to be True or False"),
    (lambda: next(nn.minibatches(X, X, 2, shuffle="False")),
     r"^minibatches: expected shuffle to be True or False"),
    (lambda: nn.AutoEncoder(nn.Linear(3, 2), nn.Linear(2, 3)).decode(
        np.zeros((1, 2)), probabilities="no"), r"^AutoEncoder.decode: expected probabilities"),
], ids=["Linear", "Conv1D", "Conv2D", "ConvTranspose1D", "DoubleConv1D", "TiedLinear",
        "AutoEncoder-tied", "Conv1D-int-dtype", "astype", "train", "minibatches",
        "decode"])
def test_a_truthy_string_or_an_integer_dtype_is_a_type_error_naming_the_argument(
        call, match):
    with pytest.raises(TypeError, match=match):
        call()


# ------------------------------------------------------------------ 3. inf, NaN, complex

@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.Linear(3, 2)(np.where(X > 1, np.inf, X)), nn.NonFiniteInputError,
     r"^Linear\(3, 2\): the input contains \+inf \(first at index \(\d, \d\)\)"),
    (lambda: nn.ReLU()(np.where(X > 1, -np.inf, X)), nn.NonFiniteInputError,
     r"^ReLU\(\): the input contains -inf"),
    (lambda: nn.Conv2D(3, 3, 2)(np.where(IMG > 2, np.nan, IMG)), nn.NonFiniteInputError,
     r"^Conv2D\(3, 3, 2\): the input contains NaN"),
    (lambda: nn.Linear(3, 2)(X + 1j), TypeError,
     r"^Linear\(3, 2\): expected real numbers in the input, got complex128"),
    (lambda: nn.MSELoss()(X, np.where(X > 1, np.inf, X)), nn.NonFiniteInputError,
     r"^MSELoss: yhat contains \+inf"),
    (lambda: nn.MSELoss()(X + 1j, X), TypeError, r"^MSELoss: expected real numbers in the "
     r"targets y"),
    (lambda: nn.Linear(3, 2).update_parameters(np.nan), ValueError,
     r"^Linear.update_parameters: expected gradient_step in \[0, inf\), got nan"),
    (lambda: nn.Linear(3, 2)(np.array([["1", "2", "3"]])), TypeError,
     r"^Linear\(3, 2\): expected numbers in the input, got dtype <U1: strings"),
    (lambda: nn.gradcheck(nn.TanH(), X + 1j), TypeError,
     r"^gradcheck: expected real numbers in the input, got complex128"),
], ids=["inf-input", "minus-inf", "nan-image", "complex-input", "inf-yhat", "complex-y",
        "nan-step", "strings", "complex-gradcheck"])
def test_infinity_nan_and_complex_numbers_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_infinity_in_delta_never_reaches_a_gradient():
    for name in ("Linear", "Conv1D", "Conv2D", "Sequential"):
        make, inp = MODULES[name]
        module = make()
        out = module.forward(inp)
        delta = np.ones(out.shape)
        delta.flat[3] = np.inf
        call = (lambda: module.backward(delta)) if name == "Sequential" else (
            lambda: module.backward_update_gradient(inp, delta))
        refuses_and_keeps_gradients(module, call, nn.NonFiniteInputError,
                                    r"delta contains \+inf")


# ------------------------------------------------------------------ 4. the right culprit

def test_bad_data_is_blamed_by_its_row_and_divergence_on_the_learning_rate():
    X = rng.standard_normal((64, 3)).astype(np.float32)
    Y = X.sum(axis=1, keepdims=True)
    bad = X.copy()
    bad[17, 1] = np.inf
    with pytest.raises(nn.NonFiniteInputError, match=r"^SGD: X contains \+inf \(first "
                       r"at index \(17, 1\)\).*row.*The data is to blame, not the "
                       r"learning rate"):
        nn.SGD(nn.Linear(3, 1), nn.MSELoss(), bad, Y, progress=False)
    with pytest.raises(nn.NonFiniteInputError, match=r"^Optim.step: batch_x contains "
                       r"\+inf.*The data is to blame"):
        nn.Optim(nn.Linear(3, 1), nn.MSELoss()).step(bad[16:20], Y[16:20])
    with pytest.raises(nn.DivergenceError, match=r"Try a smaller learning rate"):
        nn.SGD(nn.Linear(3, 1), nn.MSELoss(), X, Y, eps=10.0, epochs=50, progress=False)


# ------------------------------------------------------------------ 5. Dropout's mask

def test_dropout_gradient_is_the_one_of_the_forward_that_saw_the_same_input():
    A, B = rng.standard_normal((2, 4, 6))
    delta = rng.standard_normal((4, 6))
    drop = nn.Dropout(0.5, rng=0)
    out = drop(A)
    np.testing.assert_array_equal(drop.backward_delta(A.copy(), delta),
                                  delta * (out != 0) * 2)
    drop.eval()         # switched after the forward: the forward's mask still holds
    np.testing.assert_array_equal(drop.backward_delta(A, delta), delta * (out != 0) * 2)
    drop.train()
    drop(A)
    drop(B)
    with pytest.raises(ValueError, match=r"^Dropout\(p=0.5\).backward_delta: the input is "
                       r"not the one the last forward was given"):
        drop.backward_delta(A, delta)
    net = nn.Sequential(nn.Linear(6, 3, rng=0), drop, nn.Linear(3, 2, rng=1))
    net(A)
    refuses_and_keeps_gradients(
        net, lambda: net.backward_update_gradient(A, np.ones((4, 2))), RuntimeError,
        r"^Sequential.backward_update_gradient runs the forward pass again.*would draw a "
        r"new mask.*Call backward\(delta\) after forward\(X\)")


# ------------------------------------------------------------------ 6. gradcheck's word

@pytest.mark.parametrize("obj, inputs, match", [
    (nn.Sequential(nn.Linear(3, 3, rng=0), nn.Dropout(0.5), nn.Linear(3, 1, rng=1)), (X,),
     None),
    (nn.ReLU(), (np.where(X > 0, X, 0.0),), r"of ReLU\(\) within 1e-04 of 0, where it "
     r"has no derivative: finite differences are wrong there"),
    (nn.MaxPool1D(2, 2), (np.array([[[1.0], [1.0], [0.0], [3.0]]]),),
     r"1 input of MaxPool1D\(2, 2\) within 1e-04 of a tie"),
    (nn.HingeLoss(), (np.array([[1.0], [-1.0]]), np.array([[1.0], [-0.5]])),
     r"of HingeLoss\(\) within 1e-04 of y \* yhat = 1"),
], ids=["dropout-in-training", "relu-at-0", "maxpool-tie", "hinge-at-1"])
def test_gradcheck_says_why_it_cannot_check_or_why_it_may_fail(obj, inputs, match):
    if match is None:
        with pytest.raises(ValueError, match=r"^gradcheck: Dropout\(p=0.5\) is in "
                           r"training mode: its mask is random.*Call eval\(\)"):
            nn.gradcheck(obj, *inputs)
        return
    result = nn.gradcheck(obj, *inputs)
    assert not result.passed
    assert result.notes and len(result.notes) == 1
    assert re.search(match, " ".join(str(result).split()))


# ------------------------------------------------------------------ 7. swapped arguments

@pytest.mark.parametrize("call, match", [
    (lambda: nn.CELoss()(LOGITS, ONE_HOT), r"^CELoss: yhat holds one-hot rows.*" + SWAP),
    (lambda: nn.CELoss()(ONE_HOT, nn.Softmax()(LOGITS)),
     r"^CELoss: yhat holds probabilities.*takes logits.*drop the Softmax"),
    (lambda: nn.CELoss()(2 * ONE_HOT - 1, LOGITS), r"labels in \{-1, \+1\} are HingeLoss's"),
    (lambda: nn.CELoss()(LOGITS, np.array([0, 1, 2, 2])), r"got \(4,\); " + SWAP),
    (lambda: nn.CELoss()(np.array([1, 2, 3, 3]), LOGITS), r"classes counted from 1\?"),
    (lambda: nn.BCELoss()(nn.Sigmoid()(LOGITS), (LOGITS > 0) * 1.0), SWAP),
    (lambda: nn.BCEWithLogitsLoss()(LOGITS, (LOGITS > 0) * 1.0), SWAP),
    (lambda: nn.HingeLoss()(LOGITS, 2 * ONE_HOT - 1), SWAP),
    (lambda: nn.MSELoss()(np.array([0, 1, 2, 2]), LOGITS),
     r"y looks like class indices and yhat has 3 columns: for classification use CELoss"),
    (lambda: nn.accuracy(LOGITS, np.array([0, 1, 2, 2])),
     r"^accuracy: y has 3 columns but yhat one output per example; did you swap"),
    (lambda: nn.accuracy([0, 1, 2, 2], LOGITS[:, :1]),
     r"^accuracy: yhat has one output per example.*y holds values up to 2"),
], ids=["ce-logits-onehot", "ce-probabilities", "ce-plus-minus-1", "ce-labels-as-yhat",
        "ce-from-1", "bce", "bce-logits", "hinge", "mse-class-indices", "accuracy-swapped",
        "accuracy-one-output"])
def test_swapped_or_misread_targets_are_refused_with_the_likely_cause(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_string_labels_say_how_to_map_them_to_class_indices():
    labels = np.array(["cat", "dog", "cat", "bird"])
    for call in (lambda: nn.CELoss()(labels, LOGITS), lambda: nn.accuracy(labels, LOGITS),
                 lambda: nn.one_hot(labels)):
        with pytest.raises(TypeError, match=r"strings\. Class labels\? Map them to the "
                           r"integers 0\.\.C-1: names, y = np\.unique"):
            call()


# ------------------------------------------------------------------ 8. hints

@pytest.mark.parametrize("call, error, match", [
    (lambda: nn.Conv2D(3, 1, 8)(np.zeros((64, 1, 16, 16))), ValueError,
     r"channels first, PyTorch's order\? diy_nn's images are channels last.*"
     r"X\.transpose\(0, 2, 3, 1\)"),
    (lambda: nn.Conv2D(1, 8, 3)(np.zeros((64, 16, 16, 1))), ValueError,
     r"the arguments of Conv2D are \(k_size, chan_in, chan_out\), not PyTorch's.*"
     r"write Conv2D\(3, 1, 8\)"),
    (lambda: nn.Conv2D(3, 1, 8)(np.zeros((64, 256))), ValueError,
     r"a flat batch of vectors\? .*X\.reshape\(-1, 16, 16, 1\).*flat=False"),
    (lambda: nn.Linear(784, 10)(np.zeros((2, 28, 28))), ValueError,
     r"flatten each example, X\.reshape\(len\(X\), -1\), or put a Flatten\(\)"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.TanH), TypeError,
     r"got the class TanH itself: pass an instance, TanH\(\)"),
    (lambda: nn.Conv1D(10**12, 1, 1), MemoryError,
     r"^Conv1D: the weight W of shape \(1000000000000, 1, 1\) would take 3\.64 TiB"),
    (lambda: nn.ConvTranspose1D(3, 3, 2, stride=10**12)(SEQ), MemoryError,
     r"is stride=1000000000000 what you meant\?"),
    (lambda: nn.MaxPool1D(10**12)(SEQ), ValueError, r"a sequence smaller than the kernel"),
    (lambda: nn.Flatten(2), ValueError, r"^Flatten: expected start_dim=1"),
    (lambda: nn.SGD(nn.Linear(3, 1), nn.MSELoss(), X, X[:, :1], lr=0.1), TypeError,
     r"^SGD: unexpected argument lr=0\.1: the learning rate is eps"),
    (lambda: nn.Adam(eps=1e-8), TypeError, r"^Adam: eps is diy_nn's name for the "
     r"learning rate.*stabiliser"),
    (lambda: nn.Optim(nn.Linear(3, 1), nn.MSELoss(), rule=nn.Adam), TypeError,
     r"^Optim: expected an update rule, got the class Adam itself: pass an instance"),
], ids=["channels-first", "pytorch-order", "flat-batch", "images-into-linear",
        "class-not-instance", "huge-kernel", "huge-stride", "kernel-longer-than-input",
        "flatten-start-dim", "lr", "adam-eps", "rule-class"])
def test_hints_point_the_right_way_and_come_at_once(call, error, match):
    start = time.perf_counter()
    with pytest.raises(error, match=match):
        call()
    assert time.perf_counter() - start < 0.5


def test_flatten_1_is_pytorchs_default_and_the_same_layer():
    assert repr(nn.Flatten(1)) == "Flatten()"


# ------------------------------------------------------------------ 9. the API

def test_evaluate_takes_the_metric_by_name_as_sgd_does_and_help_says_what_eps_is():
    net = nn.Linear(3, 3, rng=0)
    y = np.array([0, 1, 2, 2])
    assert nn.evaluate(net, nn.CELoss(), X, y, metric="accuracy")[1] == \
        nn.accuracy(y, net(X))
    assert "``eps`` the learning rate" in nn.Optim.__doc__
    assert '``"adam"``' in nn.Optim.__doc__ and '``"momentum"``' in nn.Optim.__doc__
    assert "learning rate ``eps``" in nn.SGD.__doc__
    assert "loss(y, yhat)" in nn.Loss.__doc__
