"""Worker processes: a pool that reads sources (or writes packages) in parallel, each worker
ending when the build does, however it ends.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def pool_context() -> BaseContext:
    """Fork on Linux (workers start at once, with everything imported); elsewhere the
    platform's safe default."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end when this process ends, however it ends
    (a killed build leaves no worker behind)."""
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context(), initializer=_die_with, initargs=(os.getpid(),)
    )


def _die_with(parent: int) -> None:
    """In a worker: end when ``parent`` does. Linux tells the worker at once (a parent-death
    signal); elsewhere a watcher thread looks every half second."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)
        return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


_inherited: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""What :func:`map_in_workers` maps, for workers forked as copies of this process."""


def map_in_workers(function: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``function`` of each item, in order, worked out in a pool of ``jobs`` processes.

    Forked workers start as copies of this process, the items included: each is sent as its
    index, not pickled (a deck's release, all its notes, takes longer to pickle and unpickle
    than to package). Elsewhere the items are pickled to the workers."""
    global _inherited
    if pool_context().get_start_method() != "fork":
        with worker_pool(jobs) as pool:
            return list(pool.map(function, items, chunksize=1))
    _inherited = (function, items)
    try:
        with worker_pool(jobs) as pool:
            return list(pool.map(_nth, range(len(items)), chunksize=1))
    finally:
        _inherited = None


def _nth(n: int) -> Any:
    """In a forked worker: the function of :func:`map_in_workers` applied to its ``n``-th item."""
    assert _inherited is not None, "a worker forked before its items were set"
    function, items = _inherited
    return function(items[n])
