"""The job's export: the state store's tables to ``DIR/<table>/part-NNNNNNNN.parquet``, only
what changed since the last finished export into the same folder, then the manifest.

The keyed tables (``store/tables.KEYED``: articles, profiles, the merge logs) are written in
parts of ``part_rows`` consecutive keys: part ``p`` holds keys ``p * part_rows + 1`` to
``(p + 1) * part_rows``. Their rows, once written, change only as an article's story or its
story's thread does (a merge, or a story that gets a thread), so a later run writes the part
the last run ended in, the new ones, and the article parts with an article whose story was
merged or whose story's thread changed since (``ExportLog.changed_parts``). Stories and threads
are written whole, in parts of ``part_rows`` rows. The driver holds one part at a time, and
writes it itself to a local output (pyarrow), through Spark to any other file system.

The manifest (``_storylens.json``) is removed first and written last, with each part's
``run`` (the export that wrote it): a reader sees a finished output or none, and a reader's
copy (``store/parquet.py``) takes only the parts it lacks. What the last export left is
recorded in ``<state store>.exported`` (``ExportLog``) after the manifest: a run killed
during the export, or an output folder the log does not describe, gets everything written.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from storylens.store.parquet import FORMAT, MANIFEST, part_keys, part_name
from storylens.store.tables import KEYED, TABLES, last_key, row_count, table_rows, table_schema

PART_ROWS = 10_000  # rows (keys) of a part: what the driver holds at once (about 12 KB an article)
SCRATCH = "_export"  # where Spark writes a part before it is renamed into its table's folder


@dataclass(frozen=True)
class Previous:
    """What the last finished export into an output wrote, as its manifest and the log say."""

    part_rows: int
    next_keys: dict[str, int]  # per keyed table: the first key it had not exported
    parts: dict[str, dict[str, str]]  # per keyed table: part file -> the run that wrote it


class ExportLog:
    """``<state store>.exported``, a SQLite file: the last finished export (its run, output
    and where each keyed table stopped) and each story's ``merged_into`` and ``thread_id`` as
    exported, against which ``changed_parts`` finds the article rows that changed since."""

    def __init__(self, state: Path) -> None:
        self.state = Path(state)
        self.path = self.state.with_name(self.state.name + ".exported")
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            self.conn.executescript("""
                CREATE TABLE IF NOT EXISTS export (run TEXT NOT NULL, output TEXT NOT NULL, part_rows INTEGER NOT NULL,
                                                   next_keys TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, merged_into TEXT, thread_id TEXT);
            """)
            # the state store read-only (a URI): this connection writes the log only
            self.conn.execute("ATTACH DATABASE ? AS state", (f"{self.state.resolve().as_uri()}?mode=ro",))
        except BaseException:
            self.conn.close()
            raise

    def previous(self, output: str, manifest: dict | None) -> Previous | None:
        """The last export into ``output``, when its manifest is the one found there now."""
        row = self.conn.execute("SELECT run, output, part_rows, next_keys FROM export").fetchone()
        if row is None or manifest is None or row[1] != output or manifest.get("run") != row[0]:
            return None
        parts = manifest.get("parts")
        if not isinstance(parts, dict) or any(not isinstance(parts.get(t), dict) for t in KEYED):
            return None
        return Previous(row[2], json.loads(row[3]), {t: dict(parts[t]) for t in KEYED})

    def changed_parts(self, part_rows: int, below: int) -> set[int]:
        """The parts (of ``part_rows``) of the articles under key ``below`` with a row that
        changed since the last export: an article of a story merged since (now in the story
        the merges lead to) or of a story whose thread changed."""
        sql = """
            WITH RECURSIVE moved(id) AS (
                SELECT s.merged_into FROM state.stories s JOIN main.stories e ON e.id = s.id
                    WHERE e.merged_into IS NULL AND s.merged_into IS NOT NULL
                UNION SELECT s.merged_into FROM state.stories s JOIN moved m ON s.id = m.id
                    WHERE s.merged_into IS NOT NULL),
            rethreaded(id) AS (
                SELECT s.id FROM state.stories s JOIN main.stories e ON e.id = s.id
                    WHERE e.thread_id IS NOT s.thread_id)
            SELECT DISTINCT (a.rowid - 1) / ? FROM state.articles a
            WHERE a.rowid < ? AND a.story_id IN (SELECT id FROM moved UNION SELECT id FROM rethreaded)
        """
        return {r[0] for r in self.conn.execute(sql, (part_rows, below))}

    def record(self, run: str, output: str, part_rows: int, next_keys: dict[str, int]) -> None:
        """After the manifest: what this export left, and the stories as it wrote them."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM export")
            self.conn.execute("INSERT INTO export VALUES (?, ?, ?, ?)", (run, output, part_rows, json.dumps(next_keys)))
            self.conn.execute("DELETE FROM main.stories")
            self.conn.execute("INSERT INTO main.stories SELECT id, merged_into, thread_id FROM state.stories")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()


def _arrow_schema(store, table: str):
    import pyarrow as pa

    kinds = {"long": pa.int64(), "string": pa.string(), "double": pa.float64(), "binary": pa.binary()}
    fields = [part.split()[:2] for part in table_schema(store, table).split(", ")]
    return pa.schema([(name.strip("`"), kinds[kind]) for name, kind in fields])


class _Writer:
    """Rows to ``output/<table>/<name>``, one file a part. A local output is written by
    pyarrow, each file under a hidden name then renamed into place; any other Hadoop URI by
    Spark, under ``output/_export``, then renamed into place through Hadoop."""

    def __init__(self, spark, output: str) -> None:
        from storylens.spark.job import local_folder
        from storylens.spark.session import hadoop_path

        self.spark, self.output = spark, output.rstrip("/")
        self.local = local_folder(self.output)
        self.fs, _ = hadoop_path(spark, self.output)
        self.path = lambda name: hadoop_path(spark, f"{self.output}/{name}")[1]

    def remove(self, name: str) -> None:
        if self.fs.exists(self.path(name)):
            self.fs.delete(self.path(name), True)

    def write(self, schema, rows: list[tuple], table: str, name: str) -> None:
        import pyarrow as pa

        arrays = [pa.array([r[i] for r in rows], type=schema.field(i).type) for i in range(len(schema))]
        data = pa.Table.from_arrays(arrays, schema=schema)
        if self.local is not None:
            import pyarrow.parquet as pq

            folder = self.local / table
            folder.mkdir(parents=True, exist_ok=True)
            hidden = folder / f".{name}.partial"  # readers skip names that start with a dot
            pq.write_table(data, hidden)
            os.replace(hidden, folder / name)
            return
        scratch = f"{SCRATCH}/{table}-{name}"
        self.spark.createDataFrame(data).coalesce(1).write.mode("overwrite").parquet(f"{self.output}/{scratch}")
        written = [s.getPath() for s in self.fs.listStatus(self.path(scratch)) if s.getPath().getName().endswith(".parquet")]
        if len(written) != 1:
            raise RuntimeError(f"{self.output}/{scratch}: Spark wrote {len(written)} Parquet files for one part, not 1")
        target = self.path(f"{table}/{name}")
        self.fs.mkdirs(target.getParent())
        self.fs.delete(target, False)
        if not self.fs.rename(written[0], target):
            raise OSError(f"{self.output}/{table}/{name}: could not move the written part into place")
        self.fs.delete(self.path(scratch), True)


def _manifest(writer: _Writer) -> dict | None:
    """The output's manifest, or None (absent or unreadable: then everything is written)."""
    from storylens.spark.session import read_bytes

    if not writer.fs.exists(writer.path(MANIFEST)):
        return None
    try:
        manifest = json.loads(read_bytes(writer.spark, f"{writer.output}/{MANIFEST}").decode("utf-8"))  # a line a part
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) else None


def previous_export(spark, output: str, log: ExportLog) -> Previous | None:
    """The last finished export into ``output``, when ``log`` describes what is there (the
    job asks before its anti-join, ``export`` again before it writes)."""
    return log.previous(output, _manifest(_Writer(spark, output)))


def export(spark, store, output: str, *, log: ExportLog | None = None, part_rows: int = PART_ROWS,
           inputs: list[str] | tuple = ()) -> dict[str, int]:
    """The store's tables into ``output`` (see the module's text), the manifest last; with a
    ``log`` that describes the output, only what changed. Rows per table."""
    writer = _Writer(spark, output)
    previous = previous_export(spark, output, log) if log else None
    if previous is not None and previous.part_rows != part_rows:
        previous = None
    run = uuid.uuid4().hex
    writer.remove(MANIFEST)
    writer.remove(SCRATCH)
    counts: dict[str, int] = {}
    parts: dict[str, dict[str, str]] = {}
    next_keys: dict[str, int] = {}
    for table in TABLES:
        schema = _arrow_schema(store, table)
        if table not in KEYED:  # written whole
            writer.remove(table)
            counts[table] = 0
            _, rows = table_rows(store, table)
            for number in itertools.count():
                batch = list(itertools.islice(rows, part_rows))
                if batch or number == 0:  # an empty table is still written, with its schema
                    writer.write(schema, batch, table, part_name(number))
                    counts[table] += len(batch)
                if len(batch) < part_rows:
                    break
            continue
        last = last_key(store, table)
        next_keys[table] = last + 1
        if previous is None:
            writer.remove(table)
            kept, todo = {}, set(range(max(1, -(-last // part_rows))))
        else:
            start = previous.next_keys.get(table, 1)
            kept = previous.parts[table]
            todo = set(range((start - 1) // part_rows, -(-last // part_rows))) if last >= start else set()
            if table == "articles":
                todo |= log.changed_parts(part_rows, start)
        parts[table] = dict(kept)
        for part in sorted(todo):
            _, rows = table_rows(store, table, part_keys(part, part_rows))
            writer.write(schema, list(rows), table, part_name(part))
            parts[table][part_name(part)] = run
        counts[table] = row_count(store, table)
    writer.remove(SCRATCH)
    manifest = {"format": FORMAT, "run": run, "part_rows": part_rows, "tables": counts, "parts": parts,
                "inputs": list(inputs), "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    stream = writer.fs.create(writer.path(MANIFEST), True)
    try:
        stream.write(bytearray(json.dumps(manifest, indent=1).encode("utf-8")))
    finally:
        stream.close()
    if log is not None:
        log.record(run, output, part_rows, next_keys)
    return counts
