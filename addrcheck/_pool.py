"""Local worker pools shared by ``addrcheck check`` and the audit: one process per core, forked warm.

The parent validates one address first (loading the division tables) and loads the village table,
freezes the garbage collector's view of what it holds, then forks: the workers share the tables
copy-on-write and the collector never walks them (without ``gc.freeze`` every full collection touches
the tables' pages, which both costs time and un-shares them). Where fork is unavailable (macOS, Windows) the workers start fresh and load the
tables themselves, through ``initializer``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def die_with_parent(parent: int) -> None:
    """In a pool worker: exit when the main process dies, even by SIGKILL.

    Workers wait on a pipe that their siblings also hold open, so they never see EOF; without this a
    killed parent leaves its workers behind. Linux only (prctl); elsewhere a no-op.
    """
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    # Ctrl-C reaches the whole process group; only the parent acts on it (and shuts the pool down).
    # A worker interrupted mid-task leaves the pool broken, and shutting it down then can hang.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by start_pool while forking
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def start_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A process pool of ``workers``, forked (where possible) from this already warmed-up process.

    Call it before this process starts any thread of its own: forking a threaded process can copy a
    held lock. ``initializer(*initargs)`` runs in each worker before its first task.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if context.get_start_method() == "fork":
        # The village table loads on first need; a pool's input (thousands of lines) needs it, and loaded
        # here the workers share one copy instead of each loading its own (about 50 MB and 0.1 s each).
        from addrcheck.gazetteer import get_gazetteer

        _ = get_gazetteer().villages
    gc.freeze()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    # The workers are forked at the first task. A Ctrl-C then, before a worker ignores SIGINT, killed it
    # and broke the pool (exit 1 with a traceback instead of a clean stop): hold SIGINT back until every
    # worker has started; one pressed meanwhile arrives in this process right after.
    masked = hasattr(signal, "pthread_sigmask")
    if masked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool.submit(_started).result()
    finally:
        if masked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    return pool


def _started() -> None:
    """The first task: returns once a worker runs (start_pool waits for it)."""
