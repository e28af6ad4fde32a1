"""Shared fixtures of the diy_nn unit tests."""
import os

import numpy as np
import pytest

import diy_nn


@pytest.fixture(autouse=True)
def restore_default_dtype():
    """Every test starts with float32 as the default dtype and leaves it so."""
    saved = diy_nn.get_default_dtype()
    diy_nn.set_default_dtype(np.float32)
    yield
    diy_nn.set_default_dtype(saved)


@pytest.fixture
def rng():
    """A fresh, seeded generator: each test draws the same numbers every run."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def torch():
    """PyTorch, the oracle: the tests that need it skip where it is absent.

    CI installs it, and there a missing torch must fail, not skip: with the
    environment variable ``CI`` or ``DIY_NN_REQUIRE_TORCH`` set, it is imported
    plainly.
    """
    if os.environ.get("CI") or os.environ.get("DIY_NN_REQUIRE_TORCH"):
        import torch
    else:
        torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch
