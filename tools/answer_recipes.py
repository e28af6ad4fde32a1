"""How each exercise's answer is computed: the recipes of the answer key.

``tools/build_answer_key.py`` turns these into ``diy_nn/book/answer_key.json``.
They use the reference solutions (``tools/solutions``), which are not part of the
package. Keys are the exercises' labels (``:label: ex-linear-huber`` in the
chapter); an exercise with two answers has two keys, ``label:part``.

Kinds of recipe:

- :class:`Value` — a number or an array computed here, from the solutions and
  the numbers the exercise states (``mentions``: the text that must stay in the
  exercise for the value to hold; a test checks it);
- :class:`ChapterValue` — an answer that needs the chapter's own state (its
  arrays, a trained network): computed in the chapter's kernel, at its checker
  cell, while the builder executes the chapter; the cell passes ``inputs``,
  whose fingerprint the key stores;
- :class:`Module`, :class:`Loss` — the reference's outputs and gradients at
  fixed inputs, in one or more configurations;
- :class:`Function`, :class:`Rule` — a function's result on fixed arguments; an
  update rule's parameters after a few steps (``diy_nn.book.answers.rule_steps``).
"""
import numpy as np

import diy_nn as nn
from diy_nn.book.answers import rule_steps
from diy_nn.book.exercises import record_loss, record_module
from solutions import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08


def _array(value):
    return np.asarray(value, dtype=np.float64).tolist()


class Value:
    needs_chapter = False
    mentions = ()

    def __init__(self, compute, name, rtol=1e-6, mentions=()):
        self.compute, self.name, self.rtol = compute, name, rtol
        self.mentions = tuple(mentions)

    def entry(self):
        return {"kind": "value", "name": self.name, "rtol": self.rtol,
                "expected": _array(self.compute())}


class ChapterValue(Value):
    needs_chapter = True

    def __init__(self, compute, name, chapter, rtol=1e-6, inputs_rtol=1e-6):
        super().__init__(compute, name, rtol)
        self.chapter, self.inputs_rtol = chapter, inputs_rtol

    def in_chapter(self, namespace):
        return {"kind": "value", "name": self.name, "rtol": self.rtol,
                "inputs_rtol": self.inputs_rtol,
                "expected": _array(self.compute(namespace))}


class Module:
    """``configs``: ``(label, feature, hint, kwargs of record_module, gradcheck)``."""
    needs_chapter = False
    mentions = ()

    def __init__(self, cls, *configs, name=None):
        self.cls, self.configs, self.name = cls, configs, name

    def entry(self):
        records = []
        for label, feature, hint, kwargs, gradcheck in self.configs:
            record = record_module(self.cls, rng=0, **kwargs)
            records.append({"label": label, "feature": feature, "hint": hint,
                            "gradcheck": gradcheck, "record": record.to_dict()})
        return {"kind": "module", "name": self.name or self.cls.__name__,
                "records": records}


class Loss:
    needs_chapter = False
    mentions = ()

    def __init__(self, cls, y, yhat, name=None):
        self.cls, self.y, self.yhat, self.name = cls, y, yhat, name

    def entry(self):
        record = record_loss(self.cls, self.y, self.yhat)
        label = (f"{self.name or self.cls.__name__} on y {tuple(np.shape(self.y))}, "
                 f"yhat {tuple(np.shape(self.yhat))}")
        return {"kind": "loss", "name": self.name or self.cls.__name__,
                "records": [{"label": label, "feature": "", "hint": "",
                             "gradcheck": True, "record": record.to_dict()}]}


class Function:
    needs_chapter = False
    mentions = ()

    def __init__(self, fn, args, name):
        self.fn, self.args, self.name = fn, args, name

    def entry(self):
        args = [_array(a) if isinstance(a, np.ndarray) else a for a in self.args]
        return {"kind": "function", "name": self.name, "args": args,
                "expected": _array(self.fn(*self.args))}


class Rule:
    needs_chapter = False
    mentions = ()

    def __init__(self, cls, name):
        self.cls, self.name = cls, name

    def entry(self):
        return {"kind": "rule", "name": self.name,
                "expected": _array(rule_steps(self.cls()))}


def _module(shape, *init_args, label, **init_kwargs):
    kwargs = {"input_shape": shape, "init_args": init_args, "init_kwargs": init_kwargs}
    return (label, "", "", kwargs, True)


def _sigmoid_slope(a):
    s = 1 / (1 + np.exp(-a))
    return s * (1 - s)


def _huber_inputs():
    rng = np.random.default_rng(0)
    return rng.normal(0, 2, (6, 3)), rng.normal(0, 2, (6, 3))


def _nll_inputs():
    rng = np.random.default_rng(6)
    y = nn.one_hot(rng.integers(0, 4, size=6), 4, dtype=np.float64)
    return y, nn.LogSoftmax()(rng.standard_normal((6, 4)))


def _l1_inputs():
    rng = np.random.default_rng(7)
    return rng.uniform(0, 1, (6, 5)), rng.uniform(0, 1, (6, 5))


def _tied_arguments():
    rng = np.random.default_rng(6)
    W = nn.Linear(5, 3, rng=0, dtype=np.float64)
    return (rng.standard_normal((4, 5)), rng.standard_normal((4, 5)),
            W._parameters["W"].copy(), W._parameters["b"].copy())


def _shift_accuracies(ns):
    model, test, labels = ns["usps_rows"], ns["X_rows_test"], ns["usps"].y_test
    return [ns["test_accuracy"](model, ns["shifted"](test, 2, 0), labels),
            ns["test_accuracy"](model, ns["shifted"](test, 0, 2), labels)]


def _two_maps(ns):
    X, A, B, y = ns["X_ex"], ns["A_ex"], ns["B_ex"], ns["y_ex"]
    return 2 / len(X) * (X @ A @ B - y) @ B.T


RECIPES = {
    # chapter 1, "The module"
    "ex-module-count": Value(lambda: [32 * 6, 10 * 6 + 6],
                             "[delta^2, gradient of Linear(10, 6)]",
                             mentions=["Linear(10, 6)", "n = 32"]),
    "ex-module-two-maps": ChapterValue(_two_maps, "delta^1", "01_module", rtol=1e-5),
    "ex-module-step": ChapterValue(
        lambda ns: ch01.best_step(ns["mean_loss"], ns["W1"], (0, 1), ns["dW1"][0, 1]),
        "best step h", "01_module"),
    "ex-module-scale": Module(ch01.Scale,
                              _module((5, 3), 3, label="Scale(3) on (5, 3)")),
    # chapter 2, "Linear"
    "ex-linear-sum": Value(lambda: 0.3 / 13210, "eta_sum",
                           mentions=["13 210", "0.3"]),
    "ex-linear-expected": Value(lambda: 3 / 4, "2 / lambda_1 for endless data",
                                mentions=["[-2, 2]"]),
    "ex-linear-fastest": ChapterValue(
        lambda ns: ch02.fastest_rate(ns["x"], ns["y"], steps=10),
        "fastest learning rate", "02_linear", rtol=0.03),
    "ex-linear-huber": Loss(ch02.HuberLoss, *_huber_inputs()),
    # chapter 3, "Non-linear"
    "ex-nl-slope": Value(lambda: _sigmoid_slope(2.0), "sigmoid'(2)",
                         mentions=["x = 2"]),
    "ex-nl-mistake": Value(
        lambda: [2 * (1 / (1 + np.exp(4)) - 1) * _sigmoid_slope(-4.0),
                 1 / (1 + np.exp(4)) - 1],
        "[MSE gradient, BCE gradient] at a = -4", rtol=1e-4, mentions=["a = -4"]),
    "ex-nl-scale": ChapterValue(
        lambda ns: ch03.smallest_failing_scale(ns["X_xor"], ns["Y_xor"], hidden=8,
                                               seed=0),
        "smallest failing scale s", "03_nonlinear"),
    "ex-nl-softplus": Module(
        ch03.Softplus,
        _module((5, 3), label="Softplus() on (5, 3)"),
        ("Softplus() at -1000, 0 and 1000", "inputs -1000, 0 and 1000",
         "does forward overflow? Compute it as max(x, 0) + log(1 + exp(-|x|))",
         {"X": [[-1000.0, 0.0, 1000.0]]}, False)),
    # chapter 4, "Sequential"
    "ex-seq-batch": Value(lambda: 10 * -(-6561 // 64), "update steps on USPS",
                          mentions=["6561", "batch_size=64, epochs=10"]),
    "ex-seq-effective": Value(lambda: 0.02 / (1 - 0.9),
                              "the equivalent plain learning rate",
                              mentions=[r"\mu = 0.9", r"\eta = 0.02"]),
    "ex-seq-momentum-limit": Value(
        lambda: ch04.momentum_limit(mu=0.9),
        "largest stable learning rate with momentum 0.9", rtol=0.05,
        mentions=['rule="momentum"', "5 %"]),
    "ex-seq-rmsprop": Rule(ch04.RMSprop, "parameters after 5 RMSprop steps"),
    # chapter 5, "Multi-class"
    "ex-mc-dropout": Value(lambda: 1 - 0.2, "the factor in evaluation mode",
                           mentions=["p = 0.2"]),
    "ex-mc-mse-slow": Value(
        lambda: ch05.mse_softmax_gradient([0.9, 0.05, 0.05], [0, 1, 0]),
        "d loss / dz for MSE on softmax", mentions=["(0.9, 0.05, 0.05)"]),
    "ex-mc-leaky-gain": Value(lambda: ch05.leaky_gain(slope=0.3), "the gain c",
                              rtol=0.05, mentions=["LeakyReLU(0.3)"]),
    "ex-mc-nll": Loss(ch05.NLLLoss, *_nll_inputs()),
    # chapter 6, "The auto-encoder"
    "ex-ae-tied-grad": Function(ch06.tied_gradient, _tied_arguments(), "dL/dW"),
    "ex-ae-pca-number:error": Value(lambda: ch06.pca_error([5, 2, 0.8, 0.2], 2),
                                    "reconstruction error",
                                    mentions=["5, 2, 0.8 and 0.2", "size 2"]),
    "ex-ae-pca-number:kept": Value(lambda: 7 / 8, "fraction of the variance kept",
                                   mentions=["5, 2, 0.8 and 0.2", "size 2"]),
    "ex-ae-l1": Loss(ch06.L1Loss, *_l1_inputs()),
    "ex-ae-sparse": Function(ch06.sparse_gradient,
                             (np.random.default_rng(8).standard_normal((5, 4)), 0.3),
                             "d penalty / dZ"),
    # chapter 7, "Convolution in one dimension"
    "ex-conv-padding": Value(lambda: ch07.out_length_padded(28, 5, stride=2,
                                                            padding=1),
                             "output length", mentions=["28 positions", "stride 2"]),
    "ex-conv-dx-paper": Value(
        lambda: ch07.conv1d_input_gradient([1, 2, -1], [1, 3], 5, stride=2),
        "dL/dX", mentions=["W = (1, 2, -1)", r"\delta = (1, 3)"]),
    "ex-conv-shift": ChapterValue(_shift_accuracies,
                                  "accuracies (rows down, columns right)",
                                  "07_convolution", rtol=0.02, inputs_rtol=0.01),
    "ex-conv-gap": Module(ch07.GlobalAvgPool1D,
                          _module((3, 7, 4), label="GlobalAvgPool1D() on (3, 7, 4)")),
    "ex-conv-padded": Module(
        ch07.PaddedConv1D,
        _module((2, 9, 2), 3, 2, 4, stride=2, padding=1,
                label="PaddedConv1D(3, 2, 4, stride=2, padding=1) on (2, 9, 2)")),
    # chapter 8, "Going further"
    "ex-gf-out-shape": Value(
        lambda: ch08.conv2d_output_shape(32, 30, 5, 8, stride=2, padding=1),
        "(h_out, w_out, chan_out)", mentions=["Conv2D(5, 3, 8, stride=2, padding=1)",
                                              "(n, 32, 30, 3)"]),
    "ex-gf-receptive": Value(lambda: ch08.receptive_field([(3, 1), (2, 2), (3, 1)]),
                             "side of the receptive field",
                             mentions=["MaxPool2D(2)"]),
    "ex-gf-params": Value(lambda: ch08.conv_net_parameters((16, 32), side=28),
                          "parameters of the MNIST network",
                          mentions=["cnn((16, 32), side=28)"]),
    "ex-gf-gap": Module(ch08.GlobalAvgPool2D,
                        _module((2, 5, 4, 3),
                                label="GlobalAvgPool2D() on (2, 5, 4, 3)")),
    "ex-gf-upsample": Module(ch08.Upsample2D,
                             _module((2, 3, 4, 2), 2,
                                     label="Upsample2D(2) on (2, 3, 4, 2)")),
}
