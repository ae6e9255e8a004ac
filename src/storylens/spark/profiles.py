"""``profile``: ``ARTICLES`` -> ``PROFILES``, on the executors, through Arrow batches.

Each Python worker loads the models once (the first batch it gets) with one CPU thread:
Spark runs one task per core, so a task's thread is its core. A batch is profiled by
``cluster.profile.profile_articles``, the very function the single-machine engine calls;
rows that carry a read error pass through with empty profile fields.
"""

from __future__ import annotations

from collections.abc import Iterator

from storylens.settings import Settings, current
from storylens.spark.schema import PROFILE_COLUMNS, PROFILES, profile_fields, row_article

_EMPTY = {"profile_language": None, "vector": None, "keys": None, "numbers": None, "fingerprint": None,
          "shingles": None, "terms": None}


def _worker_setup(settings: Settings) -> None:
    """Once per Python worker: this task's settings, one thread per task."""
    from storylens import settings as settings_module
    from storylens.threads import set_threads

    if settings_module.current() is not settings:
        settings_module.use(settings)
    set_threads(1)


def _profiled(batches: Iterator, settings: Settings) -> Iterator:
    import pandas as pd

    from storylens.cluster.profile import profile_articles

    _worker_setup(settings)
    for batch in batches:
        rows = batch.to_dict("records")
        good = [r for r in rows if r["error"] is None]
        profiles = iter(profile_articles([row_article(r) for r in good])) if good else iter(())
        out = []
        for row in rows:
            out.append({**row, **(profile_fields(next(profiles)) if row["error"] is None else _EMPTY)})
        yield pd.DataFrame(out, columns=list(PROFILE_COLUMNS))


def profile(articles, settings: Settings | None = None, partitions: int | None = None):
    """The ``PROFILES`` DataFrame of an ``ARTICLES`` DataFrame. ``partitions`` (default:
    at least two tasks per core) spreads a few large inputs over all executors."""
    parallel = articles.sparkSession.sparkContext.defaultParallelism
    wanted = partitions or 2 * parallel
    if articles.rdd.getNumPartitions() < wanted:
        articles = articles.repartition(wanted)
    return profile_partitions(articles, settings)


def profile_partitions(articles, settings: Settings | None = None):
    """``profile`` partition by partition as they stand: each row keeps its partition and
    its place in it (the job's placement order)."""
    settings = settings or current()
    return articles.mapInPandas(lambda batches: _profiled(batches, settings), PROFILES)
