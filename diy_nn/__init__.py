"""diy_nn: a neural-network library built from scratch in NumPy, one chapter at a time.

This package is the library a student builds: modules, losses, Sequential,
optimisers, gradcheck and data helpers. It imports NumPy and the standard
library only (``tests/test_architecture.py`` checks it; tqdm draws SGD's
progress bar when it is installed). Two sub-packages sit on top of it and bring
their own dependencies; nothing here imports them:

- ``diy_nn.datasets``: verified downloads and loaders of the book's data sets;
- ``diy_nn.book``: the book's machinery (plots, exercise checkers, quizzes,
  widgets, the tie rule of its studies, the workbook's runtime).

Importing it sets, once, how the C library's ``malloc`` reuses freed memory, so
that a training step does not pay for fresh pages at every batch
(``diy_nn.memory``; ``DIY_NN_KEEP_FREED_MEMORY=0`` leaves it alone).
"""
from . import memory  # noqa: F401  (first: it sets malloc before any array)
from .activation import ELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, TanH
from .autoencoder import AutoEncoder, TiedLinear
from .conv1d import AvgPool1D, Conv1D, MaxPool1D
from .conv2d import AvgPool2D, Conv2D, MaxPool2D
from .conv_transpose import ConvTranspose1D
from .data import (
    checkerboard, four_gaussians, linear_1d, minibatches, one_hot, two_gaussians,
)
from .double_conv import DoubleConv1D
from .dropout import Dropout
from .flatten import Flatten
from .dtype import get_default_dtype, set_default_dtype
from .errors import DivergenceError, NonFiniteInputError
from .gradcheck import GradcheckResult, gradcheck
from .init import manual_seed
from .linear import Linear
from .loss import BCELoss, BCEWithLogitsLoss, CELoss, HingeLoss, MSELoss
from .metrics import accuracy
from .module import Loss, Module
from .optim import SGD, Adam, GradientDescent, History, Momentum, Optim, evaluate
from .sequential import Sequential

__version__ = "0.1.0"

__all__ = [
    "Module", "Loss",
    "Linear",
    "TanH", "Sigmoid", "ReLU", "LeakyReLU", "ELU", "Softmax", "LogSoftmax",
    "Dropout",
    "Conv1D", "MaxPool1D", "AvgPool1D", "Flatten",
    "Conv2D", "MaxPool2D", "AvgPool2D", "ConvTranspose1D", "DoubleConv1D",
    "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CELoss", "HingeLoss",
    "Sequential",
    "AutoEncoder", "TiedLinear",
    "Optim", "SGD", "GradientDescent", "Momentum", "Adam", "History", "evaluate",
    "gradcheck", "GradcheckResult",
    "one_hot", "minibatches", "linear_1d",
    "two_gaussians", "four_gaussians", "checkerboard",
    "accuracy",
    "set_default_dtype", "get_default_dtype", "manual_seed",
    "DivergenceError", "NonFiniteInputError",
]
