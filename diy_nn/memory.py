"""Keep freed memory for the next batch: one setting of the C library's ``malloc``.

NumPy asks ``malloc`` for every array. On Linux, glibc's ``malloc`` serves a
block of 128 KiB or more with fresh pages from the kernel, and hands them back
when the block is freed. The first write to each fresh page of 4 KiB is a page
fault: the kernel stops the program, zeroes a page and maps it, a microsecond
or more. A training step allocates and frees the same large arrays (a layer's
output, its gradient) batch after batch, so it pays these faults at every step:
in a fresh process, a third to half of the time of a small convolutional
network's epoch (``benchmarks/README.md``).

glibc adapts by itself, but only from what the process did before: when a large
block is freed, blocks up to its size come from its heap afterwards, and memory
freed at the top of the heap is kept up to twice that size. So the same NumPy
code runs at different speeds after different histories; after PyTorch freed
its tensors in the same process, for one.

:func:`keep_freed_memory` chooses instead of the history: blocks under
``MMAP_THRESHOLD`` bytes come from the heap, and up to ``TRIM_THRESHOLD`` bytes
of freed memory stay in the process, so that the next batch reuses pages that
are already mapped. ``import diy_nn`` calls it once (set the environment
variable ``DIY_NN_KEEP_FREED_MEMORY=0`` to leave ``malloc`` alone). It changes
speed, never results. Elsewhere than Linux with glibc it does nothing.
"""
import ctypes
import os
import sys

# glibc's parameter numbers (malloc.h). The threshold cannot exceed 32 MiB on a
# 64-bit system: larger arrays still get fresh pages every time.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 2**20
TRIM_THRESHOLD = 256 * 2**20


def keep_freed_memory():
    """Set glibc's ``malloc`` so that freed blocks of less than 32 MiB are reused.
    Returns True when the setting was made, False where there is no glibc (then
    nothing changes). It cannot be undone within the process."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return (bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
            and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)))


KEEPS_FREED_MEMORY = (os.environ.get("DIY_NN_KEEP_FREED_MEMORY", "1") != "0"
                      and keep_freed_memory())
