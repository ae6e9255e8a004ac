"""``storylens spark ingest INPUT... --output DIR``: a corpus into Parquet tables of stories.

read (executors: ``spark/read.py``, persisted) -> less what the state store holds ->
ranges of the placement order -> profile (executors: ``spark/profiles.py``) and place
(driver: ``spark/place.py``, the single-machine engine's path, into the state store),
overlapped: the driver places one range while the executors profile the next -> export
(``spark/export.py``: what changed of the store's tables to ``DIR/<table>`` as Parquet
parts, then ``DIR/_storylens.json``).

The state store (``--state``, default ``DIR/_state/storylens.db`` for a local ``DIR``) is
the engine's SQLite store: it commits batch by batch, so a killed run, run again, resumes
after its last committed batch, and a later run with new inputs adds to the same stories.
The articles it already holds, same id and same content, are left out before profiling
(an anti-join with its ids and content hashes: those the last export wrote read from the
output's ``articles`` table, the others from the state store), so a re-run profiles only
what is new; they count as read and already stored, as the engine counts them.
A later run writes the parts of the tables that it changed (new articles, and those whose
story or thread changed), and the manifest last: a reader (``parquet:///DIR``) never sees a
half-written run as finished.

Under ``spark-submit``: ``spark-submit --master URL path/to/storylens/spark/job.py INPUT...
--output DIR`` runs the same command.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from storylens.engine import IngestReport
from storylens.errors import ConfigError
from storylens.settings import Settings, current

STATE = "_state/storylens.db"
log = logging.getLogger("storylens.spark")


@dataclass
class JobReport:
    """What one run did: the engine's report, the read errors, and each stage's seconds."""

    ingest: IngestReport
    output: str
    read_errors: list[str] = field(default_factory=list)  # the first ones, "SOURCE: problem"
    read_error_count: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # read, profile_and_place, waiting_for_profiles, export
    profiled: int = 0  # articles profiled on the executors (those the state store did not hold)

    def to_dict(self) -> dict:
        return {"output": self.output, **self.ingest.to_dict(), "profiled": self.profiled, "read_errors": self.read_errors,
                "read_error_count": self.read_error_count,
                "stage_seconds": {k: round(v, 2) for k, v in self.seconds.items()}}


def local_folder(uri: str) -> Path | None:
    """The local folder an output URI names (a plain path or ``file://``), else None."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file") or len(parsed.scheme) == 1:  # a Windows drive letter is a path
        return Path(parsed.path if parsed.scheme == "file" else uri)
    return None


def state_path(output: str, state: str | None) -> Path:
    if state:
        return Path(state)
    folder = local_folder(output)
    if folder is None:
        raise ConfigError(f"--output {output} is not a local folder: give --state PATH, a local file for the "
                          "job's state store (it is what a later run resumes from)")
    return folder / STATE


STORED = "_stored_ids"  # the state store's (id, content hash) pairs, written beside the tables for one run


def unstored(spark, articles, store, scratch: str, exported: tuple[str, int] | None = None):
    """The rows of ``articles`` (read, without errors) that ``store`` does not hold with
    the same id and content (``Article.content_hash``: SHA-1 of title, newline, text).

    ``exported``: (the output's ``articles`` table, the first rowid it lacks), when the last
    finished export wrote it: the executors read the pairs below that rowid from there, and
    only the store's later ones (a killed run's batches) go through the driver. Those, or
    all of the store's pairs without ``exported``, are written to ``scratch`` (Parquet) a
    chunk at a time, so the driver holds one chunk. The join runs on the executors."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    from storylens.store.tables import article_keys

    schema = pa.schema([("id", pa.string()), ("content_hash", pa.string())])
    held = spark.read.parquet(exported[0]).select("id", "content_hash") if exported else None
    mode = None
    for rows in article_keys(store, since=exported[1] if exported else 1):
        chunk = pa.Table.from_arrays([pa.array(c, pa.string()) for c in zip(*rows)], schema=schema)
        mode = "append" if mode else "overwrite"
        spark.createDataFrame(chunk).write.mode(mode).parquet(scratch)
    if mode is not None:
        held = spark.read.parquet(scratch) if held is None else held.unionByName(spark.read.parquet(scratch))
    if held is None:
        return articles
    content = F.sha1(F.concat(F.coalesce(F.col("title"), F.lit("")), F.lit("\n"), F.col("text")).cast("binary"))
    keyed = articles.withColumn("content_hash", content)
    return keyed.join(held, on=["id", "content_hash"], how="left_anti").drop("content_hash")


def _forget(spark, output: str, name: str) -> None:
    """Delete ``output/name`` (a file or folder), if there."""
    from storylens.spark.session import hadoop_path

    fs, path = hadoop_path(spark, f"{output.rstrip('/')}/{name}")
    if fs.exists(path):
        fs.delete(path, True)


READ_ERRORS_LISTED = 20  # read errors a report lists (it counts them all)


def run(inputs: Sequence[str], output: str, *, master: str | None = None, state: str | None = None,
        spark=None, settings: Settings | None = None, part_rows: int | None = None,
        progress: Callable[[int], None] | None = None, on_stage: Callable[[str], None] | None = None) -> JobReport:
    """Read, profile and place, export (see the module's text; ``part_rows``: rows of an
    exported part, ``export.PART_ROWS`` by default; a later run with another size writes all)."""
    from pyspark import StorageLevel

    from storylens.spark.export import PART_ROWS, ExportLog, export, previous_export
    from storylens.spark.place import place_in_order, placement_order, ranges
    from storylens.spark.profiles import profile_partitions
    from storylens.spark.read import errors, read_inputs
    from storylens.spark.session import session
    from storylens.store import open_store

    settings = settings or current()
    where = state_path(output, state)
    where.parent.mkdir(parents=True, exist_ok=True)
    spark = spark or session(master)
    stage = on_stage or (lambda name: None)
    seconds: dict[str, float] = {}

    start = time.perf_counter()
    stage("read")
    # on disk: read once, then counted, sampled for the ranges, and profiled
    articles = read_inputs(spark, inputs, settings).persist(StorageLevel.DISK_ONLY)
    try:
        total = articles.count()
        error_count = articles.where("error IS NOT NULL").count()
        read_errors = errors(articles, READ_ERRORS_LISTED)
        seconds["read"] = time.perf_counter() - start

        start = time.perf_counter()
        stage("profile and place")
        store = open_store(str(where))
        exported = None
        try:
            exported = ExportLog(where)
            previous = previous_export(spark, output, exported)
            table = (f"{output.rstrip('/')}/articles", previous.next_keys["articles"]) if previous else None
            fresh = unstored(spark, articles.where("error IS NULL"), store, f"{output.rstrip('/')}/{STORED}", table)
            profiled = fresh.count()
            ordered = placement_order(fresh, ranges(profiled, spark.sparkContext.defaultParallelism))
            report, waited = place_in_order(profile_partitions(ordered, settings), store, settings, progress)
            held = total - error_count - profiled  # left out: the store holds them
            report.read += held
            report.skipped += held
            seconds["profile_and_place"] = time.perf_counter() - start
            seconds["waiting_for_profiles"] = waited

            start = time.perf_counter()
            stage("export")
            export(spark, store, output, log=exported, part_rows=part_rows or PART_ROWS, inputs=inputs)
        finally:
            if exported is not None:
                exported.close()
            store.close()
    finally:
        articles.unpersist()
        try:
            _forget(spark, output, STORED)
        except Exception as exc:  # noqa: BLE001 - a failed clean-up must not hide why the run stopped
            log.warning("could not remove %s/%s: %s", output.rstrip("/"), STORED, exc)
    seconds["export"] = time.perf_counter() - start
    return JobReport(report, output, read_errors, error_count, seconds, profiled)


if __name__ == "__main__":  # spark-submit .../storylens/spark/job.py INPUT... --output DIR
    import sys

    from storylens.cli import main

    sys.argv = ["storylens", "spark", "ingest", *sys.argv[1:]]
    main()
