"""diy_nn.memory: importing diy_nn makes glibc's malloc keep freed blocks, so that a
training step reuses pages instead of paying a page fault for each fresh one,
whatever the process did before."""
import os
import subprocess
import sys

import pytest

import diy_nn

glibc = pytest.mark.skipif(not diy_nn.memory.KEEPS_FREED_MEMORY,
                           reason="only Linux with glibc has mallopt")

# Four arrays of 4 MiB made and freed ten times, like the temporaries of a
# training step: glibc's own adaptation gives freed memory at the top of its heap
# back to the kernel beyond twice the largest block freed (8 MiB here), so each
# turn faults again on about half of its 4 x 1024 pages.
CHILD = """
import resource
import numpy as np
import diy_nn
def turn():
    arrays = [np.ones(1 << 20, np.float32) for _ in range(4)]
    del arrays
turn(); turn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    turn()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
"""


def _faults_per_turn(setting):
    env = dict(os.environ, DIY_NN_KEEP_FREED_MEMORY=setting)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out)


@glibc
def test_freed_arrays_are_reused_without_page_faults():
    assert _faults_per_turn("1") < 100


@glibc
def test_without_the_setting_the_same_arrays_fault_at_every_turn():
    # The control: what the setting removes (so the test above tests something).
    assert _faults_per_turn("0") > 1000


def test_the_setting_can_be_left_off():
    env = dict(os.environ, DIY_NN_KEEP_FREED_MEMORY="0")
    out = subprocess.run(
        [sys.executable, "-c",
         "import diy_nn; print(diy_nn.memory.KEEPS_FREED_MEMORY)"],
        env=env, check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"
