"""``parquet:///DIR``: the output of ``storylens spark ingest`` opened as a read-only store.

The folder holds one Parquet table per store table (``store/tables.TABLES``: ``articles``
with each article's story, thread and copy; ``stories``; ``threads``; ``profiles``; the
merges) and ``_storylens.json``, written last, which says the run finished. Opening it
loads the tables, with pyarrow, into a SQLite file in the user's cache folder
(``$STORYLENS_CACHE``, else ``$XDG_CACHE_HOME/storylens``, else ``~/.cache/storylens``),
once per finished run, and serves every port from there: the queries are the SQLite
store's own, so a Parquet store answers exactly as the SQLite store the job placed into.
The first copy costs one pass over the tables (about 5 s for 100,000 articles). After a
later run, the copy of the earlier run is the start of the new one: of the articles, the
profiles and the merge logs, only the parts the later run wrote (its manifest names the run
that wrote each part) are copied again; stories and threads whole. The old copy is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from storylens.errors import ConfigError, NotAStore, StoreNotFound, StoreReadOnly
from storylens.store.sqlite import SQLiteStore
from storylens.store.tables import KEYED, TABLES, delete_rows, insert_rows

MANIFEST = "_storylens.json"
FORMAT = 1  # the layout of the folder; a newer one is refused


def part_name(number: int) -> str:
    """The file of part ``number`` of a table (``spark/export.py`` writes them)."""
    return f"part-{number:08d}.parquet"


def part_number(name: str) -> int:
    return int(Path(name).stem.removeprefix("part-"))


def part_keys(number: int, part_rows: int) -> range:
    """The keys part ``number`` of a keyed table holds: ``part_rows`` of them, from 1."""
    return range(number * part_rows + 1, (number + 1) * part_rows + 1)


def cache_folder() -> Path:
    """Where opened Parquet stores are copied (see the module's text)."""
    if os.environ.get("STORYLENS_CACHE"):
        return Path(os.environ["STORYLENS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "storylens"


def read_manifest(folder: Path) -> dict:
    """The manifest of a finished run; errors that say what the folder is instead."""
    if not folder.is_dir():
        raise StoreNotFound(f"{folder}: no such folder (a Parquet store is the --output folder of "
                            "`storylens spark ingest`)")
    path = folder / MANIFEST
    if not path.is_file():
        raise NotAStore(f"{folder}: no {MANIFEST}: not the output of `storylens spark ingest`, or a run that did "
                        "not finish (run the job again: it resumes)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise NotAStore(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotAStore(f"{path}: a Parquet store of format {manifest.get('format') if isinstance(manifest, dict) else '?'}"
                        f"; this storylens reads format {FORMAT}")
    return manifest


def _parts(folder: Path, table: str) -> list[Path]:
    where = folder / table
    if not where.is_dir():
        raise NotAStore(f"{folder}: the table {table!r} is missing (run the job again)")
    return sorted(p for p in where.glob("*.parquet") if not p.name.startswith((".", "_")))


def _copy_part(store: SQLiteStore, table: str, part: Path) -> None:
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(part)
    columns = handle.schema_arrow.names
    for batch in handle.iter_batches(batch_size=5000):
        data = batch.to_pydict()
        insert_rows(store, table, columns, zip(*(data[c] for c in columns)))


COPIED = "parquet_parts"  # in the copy: each part copied (table, file name, the run that wrote it)


def _copied(store: SQLiteStore) -> tuple[int | None, dict[str, dict[str, str]]]:
    """The part size and the parts an earlier copy holds (none when it is not one)."""
    conn = store.conn
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (COPIED,)).fetchone():
        return None, {}
    held: dict[str, dict[str, str]] = {}
    part_rows = None
    for table, name, run, rows in conn.execute(f"SELECT tbl, name, run, part_rows FROM {COPIED}"):
        held.setdefault(table, {})[name] = run
        part_rows = rows
    return part_rows, held


def _remove(database: Path) -> None:
    """A SQLite file and its -wal and -shm files, if there."""
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)


def _materialize(folder: Path, manifest: dict, target: Path, earlier: Path | None) -> None:
    """The output's tables into the SQLite file ``target``, starting from ``earlier`` (the
    copy of an earlier run of the same output, or None): of a keyed table (``KEYED``), only
    the parts whose run differs from the copied one's are copied again (each a range of keys,
    its rows deleted first); stories and threads are copied whole."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError("reading a Parquet store needs pyarrow: pip install 'storylens[spark]'") from None
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    _remove(partial)
    listed = manifest.get("parts") if isinstance(manifest.get("parts"), dict) else None
    part_rows = manifest.get("part_rows")
    if earlier is not None and listed is not None:
        shutil.copyfile(earlier, partial)
    store = SQLiteStore(partial)
    try:
        had_rows, held = _copied(store)
        if had_rows != part_rows or listed is None:
            held = {}
        store.conn.execute(f"CREATE TABLE IF NOT EXISTS {COPIED} (tbl TEXT, name TEXT, run TEXT, part_rows INTEGER)")
        # the rows come part by part, batch by batch, each its own transaction: a story merged
        # into a story of a later part is only whole at the end, so the keys are checked then
        store.conn.execute("PRAGMA foreign_keys = OFF")
        for table in TABLES:
            files = _parts(folder, table)
            if table in KEYED and held:
                wanted, have = listed.get(table, {}), held.get(table, {})
                for name in set(have) - set(wanted):
                    delete_rows(store, table, part_keys(part_number(name), part_rows))
                for part in files:
                    if part.name in wanted and have.get(part.name) == wanted[part.name]:
                        continue
                    delete_rows(store, table, part_keys(part_number(part.name), part_rows))
                    _copy_part(store, table, part)
            else:
                delete_rows(store, table)
                for part in files:
                    _copy_part(store, table, part)
        with store._transaction():
            store.conn.execute(f"DELETE FROM {COPIED}")
            if listed is not None:
                store.conn.executemany(f"INSERT INTO {COPIED} VALUES (?, ?, ?, ?)",
                                       [(t, name, run, part_rows) for t, parts in listed.items()
                                        for name, run in parts.items()])
        broken = store.conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise NotAStore(f"{folder}: row {broken[1]} of the table {broken[0]!r} names a row of {broken[2]!r} that the output lacks "
                            "(a damaged or mixed output: run the job again into a fresh --output)")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        store.close()
        _remove(partial)
        raise
    store.close()
    os.replace(partial, target)


class ParquetStore(SQLiteStore):
    """A Spark job's output, read-only (see the module's text)."""

    def __init__(self, path: str | Path, *, readonly: bool = True) -> None:
        folder = Path(path)
        manifest = read_manifest(folder)
        key = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:16]
        run = hashlib.sha1(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:16]
        cache = cache_folder()
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / f"parquet-{key}-{run}.db"
        if not target.is_file():
            earlier = max(cache.glob(f"parquet-{key}-*.db"), key=lambda p: p.stat().st_mtime, default=None)
            _materialize(folder, manifest, target, earlier)
            for old in cache.glob(f"parquet-{key}-*.db*"):
                if old != target:
                    old.unlink(missing_ok=True)
        self.folder = folder
        super().__init__(target, readonly=True)
        self.path = folder  # what messages name

    def _transaction(self, nested: bool = True):
        raise StoreReadOnly(f"{self.folder}: a Parquet store is read-only; `storylens spark ingest INPUT... "
                            f"--output {self.folder}` adds to it")

    def state_path(self, name: str) -> Path | None:
        return None
