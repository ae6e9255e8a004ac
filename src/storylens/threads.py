"""How many threads storylens's numeric libraries may use: one budget per process.

The sentence encoder (numpy's BLAS through ``threadpoolctl``), the e5 engine and
scikit-learn (OpenMP) each size their own pools for every core by default; beside each
other, beside profiling workers, or on a machine that is busy with something else they
oversubscribe the cores and wait on each other. The budget is set once, before the first
model loads: ``--threads`` on the command line, else ``STORYLENS_THREADS``, else the cores
this process may run on (its CPU affinity and, in a container, its cgroup quota); an
``OMP_NUM_THREADS`` already set counts when ``STORYLENS_THREADS`` is not.
Profiling workers run one thread each; a process that starts ``w`` of them keeps
``max(1, budget - w)`` for itself.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

ENV = "STORYLENS_THREADS"
_POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def available_cores() -> int:
    """The cores this process may use: its affinity, capped by a cgroup v2 CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def thread_budget() -> int:
    """The budget in force: ``STORYLENS_THREADS`` when set (a positive integer), else
    ``OMP_NUM_THREADS`` when set, else the cores."""
    value = os.environ.get(ENV, "").strip()
    if not value and os.environ.get("OMP_NUM_THREADS", "").strip().isdigit():
        value = os.environ["OMP_NUM_THREADS"].strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            from storylens.errors import InputError

            raise InputError(ENV, f"must be a positive number of threads, not {value!r}")
        return n
    return available_cores()


_whole: int | None = None  # the process's whole budget, before any of it went to workers


def set_threads(n: int | None = None) -> int:
    """Fix this process's budget at ``n`` (default: ``thread_budget()``) for the libraries
    loaded from now on and, through ``threadpoolctl``, for those already loaded."""
    global _whole
    n = thread_budget() if n is None else n
    if n < 1:
        from storylens.errors import InputError

        raise InputError("--threads", f"must be at least 1, not {n}")
    _whole = n
    _apply(n)
    return n


def _apply(n: int) -> None:
    os.environ[ENV] = str(n)
    for pool in _POOLS:
        os.environ[pool] = str(n)
    import sys

    if "threadpoolctl" in sys.modules or "numpy" in sys.modules:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)


def keep_for_workers(workers: int) -> int:
    """Give ``workers`` single-threaded profiling workers their threads: this process keeps
    what they leave of its whole budget. Counted from the whole budget each time, so a pool
    started again (a dead worker replaced, a second ingest) takes nothing more."""
    global _whole
    if _whole is None:
        _whole = thread_budget()
    left = max(1, _whole - max(0, workers))
    _apply(left)
    return left
