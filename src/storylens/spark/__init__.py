"""The story engine on Apache Spark (``pip install 'storylens[spark]'``; Java 17 or later).

DataFrame -> DataFrame functions, each schema in ``spark/schema.py``:

- ``read_inputs(spark, inputs)`` -> ``ARTICLES`` (JSON Lines, Parquet, WARC and other files
  on any Hadoop file system URI, read by storylens's own readers on the executors);
- ``profile(articles)`` -> ``PROFILES`` (``mapInPandas``: models loaded once per Python worker);
- ``find_copies(profiles)`` -> ``COPIES`` (an LSH band self-join of the MinHash fingerprints);
- ``assign_stories(profiles, store)``: places the articles in stories and threads on the
  driver, with the single-machine engine, into a writable store.

``job.run`` (``storylens spark ingest``) chains them and writes Parquet tables that open as
a read-only store (``--db parquet:///DIR``). See docs/spark.md.
"""

from __future__ import annotations

__all__ = ["assign_stories", "find_copies", "profile", "read_inputs", "run", "session"]


def __getattr__(name: str):
    if name == "read_inputs":
        from storylens.spark.read import read_inputs
        return read_inputs
    if name == "profile":
        from storylens.spark.profiles import profile
        return profile
    if name == "find_copies":
        from storylens.spark.copies import find_copies
        return find_copies
    if name == "assign_stories":
        from storylens.spark.place import assign_stories
        return assign_stories
    if name == "run":
        from storylens.spark.job import run
        return run
    if name == "session":
        from storylens.spark.session import session
        return session
    raise AttributeError(name)
