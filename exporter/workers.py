"""Process pools whose workers end when the process that made them ends.

A worker of ``ProcessPoolExecutor`` waits on a queue whose other end it inherited
when it was forked, so if the parent is killed (SIGKILL, an out-of-memory kill, a
timeout), the worker never sees the queue close and waits forever. On Linux each
worker asks the kernel to end it when its parent dies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the pool's own shutdown is all there is
    if os.getppid() != parent:
        os._exit(1)  # the parent is already gone


def pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes that die with this one."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent,
                               initargs=(os.getpid(),))
