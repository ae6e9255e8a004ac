"""Inputs as an ``ARTICLES`` DataFrame, read on the executors by storylens's own readers.

Each input is a file, folder or glob on any Hadoop file system (``file://``, ``hdfs://``,
``s3a://``, ...). Folders and globs expand, on the driver, to their files, sorted, as
``storylens ingest`` sorts them, and each file keeps its place (``order_input``):

- JSON Lines (``.jsonl``, ``.ndjson``): split into lines by Spark, each line parsed by
  ``ingest.records`` (a bad line is an error row; the lines after it are still read). The
  driver first reads each file's first bytes, as ``storylens ingest`` does: an empty file,
  or one of binary content, is one error row, not one per line;
- Parquet (``.parquet``, a file or a folder of parts): one article per row, fields as in
  JSON Lines (``id``, ``text``, ``title``, ``url``, ``outlet``, ``published``, ...);
- any other article file (HTML, feeds, WARC and ARC archives, text, JSON): read by
  ``ingest.read_articles`` on an executor; a file it refuses is one error row. A local file
  (``file:``, also a shared mount every executor sees) is read where it lies, an archive
  record by record; a file of another file system is first copied whole to the executor
  (Spark's ``binaryFiles``: held in memory, at most 2 GB).

Every article is cut to the text limit in force and dated by its dateline when undated,
as the single-machine engine does before it profiles.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from storylens.engine import ARTICLE_SUFFIXES
from storylens.errors import InputError
from storylens.settings import Settings, current
from storylens.spark.schema import ARTICLE_COLUMNS, ARTICLES, article_row
from storylens.spark.session import hadoop_path, read_bytes

JSONL_SUFFIXES = (".jsonl", ".ndjson")
HEAD_BYTES = 8192  # what is looked at for binary content (``ingest.files.stream_lines`` looks at as much)
PARQUET_SUFFIX = ".parquet"
FIELDS = ("id", "text", "title", "url", "outlet", "published", "language", "authors")


def _prepared(article, settings: Settings):
    from storylens.ingest.dateline import with_dateline
    from storylens.ingest.limits import bound_text

    return with_dateline(bound_text(article, settings.ingest.max_text_chars))


def _error(order: tuple[int, int], exc: InputError) -> dict[str, Any]:
    return article_row(order, None, f"{exc.source}: {exc.problem}")


def _head(spark, name: str) -> bytes:
    """The first ``HEAD_BYTES`` of a file of any Hadoop file system."""
    local = local_path(name)
    if local is not None:
        with local.open("rb") as handle:
            return handle.read(HEAD_BYTES)
    return read_bytes(spark, name, HEAD_BYTES)


def _refused(spark, name: str) -> InputError | None:
    """Why a JSON Lines file is not read at all, if it is not: empty, or binary content."""
    from py4j.protocol import Py4JJavaError

    from storylens.ingest.files import check_text_head

    try:
        check_text_head(_head(spark, name), name)
    except OSError as exc:
        return InputError(name, f"cannot read: {exc.strerror or exc}")
    except Py4JJavaError as exc:
        return InputError(name, f"cannot read: {exc.java_exception.toString()}")
    except InputError as exc:
        return exc
    return None


def _jsonl_rows(index: int, name: str, lines: Iterable[tuple[str, int]], settings: Settings) -> Iterator[dict]:
    from storylens.ingest.records import article_from_record, json_lines

    stem = PurePosixPath(name).stem
    for line, offset in lines:
        lineno = offset + 1
        try:
            for _, source, obj in json_lines([(lineno, line)], name):
                article = article_from_record(obj, source, f"{stem}-{lineno}")
                yield article_row((index, lineno), _prepared(article, settings))
        except InputError as exc:
            yield _error((index, lineno), exc)


def _file_rows(index: int, name: str, data: bytes, settings: Settings) -> Iterator[dict]:
    """The articles of one whole file, read from a local copy named like it."""
    with tempfile.TemporaryDirectory(prefix="storylens-spark-") as folder:
        local = Path(folder) / PurePosixPath(name).name
        local.write_bytes(data)
        yield from _local_rows(index, name, local, settings)


def _local_rows(index: int, name: str, local: Path, settings: Settings) -> Iterator[dict]:
    """The articles of the file ``name``, read where it lies on this machine (``local``):
    as ``storylens ingest`` reads it, an archive record by record."""
    import dataclasses

    from storylens.ingest import read_articles

    count = 0
    try:
        for count, article in enumerate(read_articles(local), start=1):
            source = (article.source or "").replace(str(local), name, 1) or name
            yield article_row((index, count), _prepared(dataclasses.replace(article, source=source), settings))
    except InputError as exc:
        yield _error((index, count + 1), InputError(exc.source.replace(str(local), name, 1), exc.problem))


def local_path(name: str) -> Path | None:
    """The path of a local file as Hadoop names it (``file:/a/b``, ``file:///a/b``,
    ``file://localhost/a/b``; the path as it is, ``#``, ``?`` and spaces included), else None."""
    if not name.startswith("file:"):
        return None
    rest = name[len("file:"):]
    if rest.startswith("//"):  # an authority, empty or a host name, before the path
        rest = rest[rest.find("/", 2):] if rest.find("/", 2) >= 0 else "/"
    return Path(rest)


def _parquet_rows(index: int, name: str, frame, settings: Settings) -> Iterator[dict]:
    from storylens.ingest.records import article_from_record

    stem = PurePosixPath(name.rstrip("/")).stem
    for record in frame.to_dict("records"):
        order = int(record.pop("_order"))
        obj = {k: _plain(v) for k, v in record.items() if k in FIELDS and _plain(v) is not None}
        source = f"{name}[{order}]"
        try:
            yield article_row((index, order), _prepared(article_from_record(obj, source, f"{stem}-{order}"), settings))
        except InputError as exc:
            yield _error((index, order), exc)


def _plain(value: Any) -> Any:
    """A Parquet cell as JSON would give it: timestamps as ISO text, arrays as lists."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, float) and value != value:
        return None
    return value


def input_files(spark, inputs: Iterable[str]) -> list[str]:
    """Each input's files, sorted, in the order the inputs are given (a Parquet folder is
    one input); an input that matches nothing is an ``InputError``."""
    files: list[str] = []
    for raw in inputs:
        fs, path = hadoop_path(spark, raw)
        statuses = fs.globStatus(path)
        if not statuses:
            raise InputError(raw, "no such file or folder")
        found = []
        for status in statuses:
            name = str(status.getPath().toString())
            if status.isDirectory() and not name.endswith(PARQUET_SUFFIX):
                listing = fs.listFiles(status.getPath(), True)
                while listing.hasNext():
                    child = str(listing.next().getPath().toString())
                    leaf = PurePosixPath(child).name
                    if not leaf.startswith((".", "_")) and leaf.lower().endswith(ARTICLE_SUFFIXES + (PARQUET_SUFFIX,)):
                        found.append(child)  # the files `storylens ingest` would read from the folder
            else:
                found.append(name)
        files.extend(sorted(found))
    return files


def read_inputs(spark, inputs: Iterable[str], settings: Settings | None = None):
    """The articles of ``inputs`` as an ``ARTICLES`` DataFrame (see the module's text)."""
    settings = settings or current()
    files = input_files(spark, inputs)
    if not files:
        raise InputError(", ".join(inputs), "holds no files")
    sc = spark.sparkContext
    parts, refused = [], []
    whole = [(i, name) for i, name in enumerate(files)
             if not name.lower().endswith(JSONL_SUFFIXES + (PARQUET_SUFFIX,))]
    for i, name in enumerate(files):
        low = name.lower()
        if low.endswith(JSONL_SUFFIXES):
            problem = _refused(spark, name)
            if problem is not None:
                refused.append(_error((i, 0), problem))
                continue
            lines = sc.textFile(name).zipWithIndex()
            parts.append(lines.mapPartitions(lambda it, i=i, name=name: _jsonl_rows(i, name, it, settings)))
        elif low.endswith(PARQUET_SUFFIX):
            parts.append(_parquet_input(spark, i, name, settings))
    where = [(i, name, local_path(name)) for i, name in whole]
    local = [w for w in where if w[2] is not None]
    if local:  # read where they lie: a large archive is streamed, not held; a few tasks per core
        slices = min(len(local), 4 * sc.defaultParallelism)
        parts.append(sc.parallelize(local, slices).flatMap(
            lambda each: _local_rows(each[0], each[1], each[2], settings)))
    remote = [(i, name) for i, name, path in where if path is None]
    if remote:  # copied whole to the executor first (Spark's binaryFiles)
        index = {name: i for i, name in remote}
        data = sc.binaryFiles(",".join(name for _, name in remote))
        parts.append(data.flatMap(lambda pair: _file_rows(index.get(pair[0], _match(index, pair[0])), pair[0],
                                                           pair[1], settings)))
    if refused:
        parts.append(sc.parallelize(refused, 1))
    rows = parts[0] if len(parts) == 1 else sc.union(parts)
    return spark.createDataFrame(rows.map(lambda r: tuple(r[c] for c in ARTICLE_COLUMNS)), ARTICLES)


def _match(index: dict[str, int], name: str) -> int:
    """The input number of a file Spark names in another spelling (``file:/x`` for ``file:///x``)."""
    tail = name.split(":", 1)[-1].lstrip("/")
    for known, i in index.items():
        if known.split(":", 1)[-1].lstrip("/") == tail:
            return i
    return len(index)


def _parquet_input(spark, index: int, name: str, settings: Settings):
    from pyspark.sql import functions as F

    frame = spark.read.parquet(name)
    if "text" not in frame.columns:
        raise InputError(name, f"a Parquet input needs a 'text' column (it has {', '.join(frame.columns)})")
    keep = [c for c in FIELDS if c in frame.columns]
    frame = frame.select(*keep).withColumn("_order", F.monotonically_increasing_id() + 1)

    def rows(batches):
        import pandas as pd

        for batch in batches:
            out = list(_parquet_rows(index, name, batch, settings))
            yield pd.DataFrame(out, columns=list(ARTICLE_COLUMNS))

    return frame.mapInPandas(rows, ARTICLES).rdd.map(lambda r: r.asDict())


def errors(articles, limit: int = 20) -> list[str]:
    """The first ``limit`` read errors of an ``ARTICLES`` DataFrame, in input order."""
    bad = articles.where("error IS NOT NULL").orderBy("order_input", "order_record").limit(limit)
    return [r["error"] for r in bad.collect()]

