"""``assign_stories``: ``PROFILES`` -> a store's stories and threads, placed on the driver.

Placement is sequential by nature (each article is placed against the stories before it),
and cheaper than profiling (about 3.3 ms an article against 7.7 ms to profile one on a core), so it
runs on the driver, through the single-machine engine's own path
(``StoryEngine.ingest_articles``: plan -> profile -> place -> write). The profiling backend
is ``Precomputed``: the profiles the executors made, in placement order (publication time,
undated last, then input order: how ``eval clusters`` orders a stream). The results are
meant to match the single-machine engine's for the same order (benchmarks.md says how
closely); the state is the engine's store, so a killed run resumes where its last batch was
committed.

The order is cut into ranges of about ``CHUNK`` articles (``placement_order``), one
partition each. ``OrderedRows`` fetches them one Spark job per partition, a few ahead, so
the executors profile the next ranges while the driver places the current one: the profile
stage runs under placement instead of before it.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import deque
from contextlib import closing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from storylens.article import Article
from storylens.records import StoryProfile
from storylens.spark.copies import with_time
from storylens.spark.schema import row_article, row_profile

T = TypeVar("T")

CHUNK = 1000  # articles a range of the placement order: the unit the driver waits for


class Precomputed:
    """A ``ProfileBackend`` whose profiles were computed elsewhere: ``stash`` maps article
    ids to them, filled as the articles are read, emptied as they are placed."""

    def __init__(self) -> None:
        self.stash: dict[str, StoryProfile] = {}

    def map(self, jobs: Iterable[tuple[T, list[Article]]]) -> Iterator[tuple[T, list[StoryProfile]]]:
        for tag, articles in jobs:
            yield tag, [self.stash.pop(a.id) for a in articles]

    def close(self) -> None:
        self.stash.clear()


def ranges(count: int, parallelism: int) -> int:
    """How many ranges ``count`` articles are cut into: about ``CHUNK`` each, and at least
    two per executor core, so that every core has a range to profile from the start."""
    return max(2 * parallelism, math.ceil(count / CHUNK))


def placement_order(frame, partitions: int):
    """``frame`` (``ARTICLES`` or ``PROFILES``) without its read errors, as ``partitions``
    consecutive ranges of the placement order, each sorted: partition ``k`` holds the
    articles placed before partition ``k + 1``'s. A column ``_time`` is added."""
    from pyspark.sql import functions as F

    keys = [F.col("_time").asc_nulls_last(), F.col("order_input").asc(), F.col("order_record").asc()]
    return (with_time(frame).where("error IS NULL")
            .repartitionByRange(partitions, *keys).sortWithinPartitions(*keys))


AHEAD = 8  # at most: the driver places a range while that many are profiled; more only wait in memory


class OrderedRows:
    """The rows of a DataFrame, partition after partition, in order. Each partition is its own
    Spark job (what ``toLocalIterator`` does); ``ahead`` of them run while the caller takes
    the earlier ones' rows, so the executors work while the driver does. ``waited`` is the
    time the caller spent waiting for rows (the sort's shuffle included). Closing the
    iteration early cancels the jobs still running."""

    def __init__(self, frame, ahead: int) -> None:
        self.frame, self.ahead, self.waited = frame, max(1, min(ahead, AHEAD)), 0.0
        self.tag = f"storylens-rows-{uuid.uuid4().hex}"

    def _fetch(self, rdd, partition: int) -> list:
        # SparkContext.runJob without its Python mapPartitions step (pyspark 4.3's code): the
        # rows come from the JVM pickled, as toLocalIterator's do, with no second Python
        # worker per task. The tag is the pool thread's own (pinned threads), for cancelling.
        from pyspark.util import _load_from_socket

        sc = rdd.context
        sc.addJobTag(self.tag)
        sock_info = sc._jvm.PythonRDD.runJob(sc._jsc.sc(), rdd._jrdd, [partition])
        with _load_from_socket(sock_info, rdd._jrdd_deserializer) as stream:
            return list(stream)

    def __iter__(self) -> Iterator:
        start = time.perf_counter()
        rdd = self.frame.rdd  # one RDD for every job: the sample and shuffle behind the order run here, once
        count = rdd.getNumPartitions()
        self.waited += time.perf_counter() - start
        pool = ThreadPoolExecutor(max_workers=self.ahead, thread_name_prefix="storylens-partition")
        try:
            pending = deque(pool.submit(self._fetch, rdd, k) for k in range(min(self.ahead, count)))
            following = len(pending)
            while pending:
                start = time.perf_counter()
                rows = pending.popleft().result()
                self.waited += time.perf_counter() - start
                if following < count:
                    pending.append(pool.submit(self._fetch, rdd, following))
                    following += 1
                yield from rows
        finally:
            rdd.context.cancelJobsWithTag(self.tag)  # none left after a whole iteration
            pool.shutdown(wait=True)


def _articles(rows: OrderedRows, backend: Precomputed) -> Iterator[Article]:
    with closing(iter(rows)) as each:  # closed with this generator: the jobs still running are cancelled
        for row in each:
            backend.stash[row["id"]] = row_profile(row)
            yield row_article(row)


def place_in_order(ordered, store, settings=None, progress: Callable[[int], None] | None = None,
                   ahead: int | None = None):
    """Place the articles of ``ordered`` (a ``PROFILES`` DataFrame in ``placement_order``)
    into ``store``; the engine's ``IngestReport`` and the seconds the driver waited for
    profiles. ``ahead``: partitions computed at once (default: two per executor core, at
    most ``AHEAD``)."""
    from storylens.engine import StoryEngine

    backend = Precomputed()
    rows = OrderedRows(ordered, ahead or 2 * ordered.sparkSession.sparkContext.defaultParallelism)
    engine = StoryEngine(store, settings=settings, profiler=backend)
    try:
        with closing(_articles(rows, backend)) as articles:  # a failed placement cancels the jobs ahead
            return engine.ingest_articles(articles, progress), rows.waited
    finally:
        engine.close()


def assign_stories(profiles, store, settings=None, progress: Callable[[int], None] | None = None):
    """Place a ``PROFILES`` DataFrame's articles into ``store`` (a writable ``Store``);
    the engine's ``IngestReport``. ``profiles`` is computed once: persist it first."""
    parallelism = profiles.sparkSession.sparkContext.defaultParallelism
    ordered = placement_order(profiles, ranges(profiles.count(), parallelism))
    report, _ = place_in_order(ordered, store, settings, progress)
    return report
