"""Where profiles are computed: the ``ProfileBackend`` seam of the story engine.

The main process reads articles, places them in stories and writes the store (one
writer). A backend turns each batch's articles into profiles (embedding, names, numbers,
fingerprints) and hands them back in order: ``InProcess`` computes each batch when the
engine asks for it; ``ProfilePool`` computes batches ahead of the engine in ``workers``
processes with one thread each (a large ingest, and the server, whose readers' threads a
profiling main process would stall). A Spark job is a third backend.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, TypeVar

from storylens.article import Article
from storylens.cluster.profile import profile_articles
from storylens.records import StoryProfile
from storylens.threads import keep_for_workers

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


class ProfileBackend(Protocol):
    """``map`` yields (tag, profiles of the articles) for each (tag, articles), in order;
    ``close`` lets go of whatever computes them (profiles in flight are dropped)."""

    def map(self, jobs: Iterable[tuple[T, list[Article]]]) -> Iterator[tuple[T, list[StoryProfile]]]: ...

    def close(self) -> None: ...


class InProcess:
    """Profiles computed in this process, each batch when the engine asks for it."""

    def map(self, jobs: Iterable[tuple[T, list[Article]]]) -> Iterator[tuple[T, list[StoryProfile]]]:
        for tag, articles in jobs:
            yield tag, profile_articles(articles) if articles else []

    def close(self) -> None:
        pass


class ProfilePool:
    """``map`` profiles batches in worker processes, keeping ``ahead`` batches in flight. A
    worker that dies (killed, out of memory) is replaced, and its batch computed again,
    once per batch; a second death is raised."""

    def __init__(self, workers: int = 2, ahead: int = 4) -> None:
        self.workers = workers
        self.ahead = ahead
        self._executor: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            keep_for_workers(self.workers)  # the workers take one thread each
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker)
        return self._executor

    def _result(self, articles: list[Article], future: Future) -> list[StoryProfile]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            self.close()  # the next submit starts fresh workers
            return self._start().submit(profile_articles, articles).result()

    def map(self, jobs: Iterable[tuple[T, list[Article]]]) -> Iterator[tuple[T, list[StoryProfile]]]:
        """For each (tag, articles), in order: (tag, their profiles)."""
        pending: deque[tuple[T, list[Article], Future]] = deque()
        for tag, articles in jobs:
            pending.append((tag, articles, self._start().submit(profile_articles, articles)))
            if len(pending) >= self.ahead * self.workers:
                tag_done, done, future = pending.popleft()
                yield tag_done, self._result(done, future)
        while pending:
            tag_done, done, future = pending.popleft()
            yield tag_done, self._result(done, future)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
