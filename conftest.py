"""pytest hooks for `make nbval` (the unit tests have theirs in tests/conftest.py).

`make nbval` executes two chapters at a time (pytest-xdist, one chapter a worker).
Each chapter starts a Jupyter kernel on free TCP ports that its parent process
looks up a moment before the kernel binds them: two kernels started in the same
second can be handed the same port, and one of them dies ("Address already in
use": it happened in one of the first two runs that started two chapters
together). So the second worker starts its first chapter a few seconds after
the first; later chapters start whenever the one before ends, at times that
seldom coincide.
"""
import os
import time

# seconds: chapter 1 runs in 2.4 s here, its kernel's start included
# (benchmarks/README.md, the chapter times)
SECOND_WORKER_DELAY = 5
_started = False


def pytest_runtest_setup(item):
    global _started
    if not _started and os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        time.sleep(SECOND_WORKER_DELAY)
    _started = True
