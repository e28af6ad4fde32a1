"""Shared fixtures of the diy_nn unit tests."""
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


@pytest.fixture
def float64():
    """Make float64 the default dtype for the test (restored afterwards by restore_default_dtype)."""
    diy_nn.set_default_dtype(np.float64)
    return np.float64


@pytest.fixture(scope="session")
def torch():
    """PyTorch, the oracle: the tests that need it skip where it is absent (CI installs it)."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch
