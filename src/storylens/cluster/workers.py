"""Profiles computed in worker processes, so that every core works during a large ingest.

The main process reads articles, places them in stories and writes the store (one
writer); ``ProfilePool`` computes the batches' profiles (embedding, names, numbers,
fingerprints) ahead of it in ``workers`` processes with one BLAS thread each, and hands
them back in order.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from storylens.article import Article
from storylens.cluster.profile import profile_articles
from storylens.records import StoryProfile
from storylens.threads import for_workers, set_threads

T = TypeVar("T")


def _exit_with_parent(parent: int) -> None:
    """A killed ingest must not leave its workers computing: leave when the parent is gone."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _start_worker() -> None:
    os.environ["STORYLENS_THREADS"] = "1"
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from storylens.analyze.embed import embed

    embed(["warm up"])


class ProfilePool:
    """``map`` profiles batches in worker processes, keeping ``ahead`` batches in flight."""

    def __init__(self, workers: int = 2, ahead: int = 4) -> None:
        self.workers = workers
        self.ahead = ahead
        self._executor: ProcessPoolExecutor | None = None

    def map(self, jobs: Iterable[tuple[T, list[Article]]]) -> Iterator[tuple[T, list[StoryProfile]]]:
        """For each (tag, articles), in order: (tag, their profiles)."""
        if self._executor is None:
            set_threads(for_workers(self.workers))  # the workers take one thread each
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker)
        pending: deque[tuple[T, Future]] = deque()
        for tag, articles in jobs:
            pending.append((tag, self._executor.submit(profile_articles, articles)))
            if len(pending) >= self.ahead * self.workers:
                tag_done, future = pending.popleft()
                yield tag_done, future.result()
        while pending:
            tag_done, future = pending.popleft()
            yield tag_done, future.result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
