"""Whole tables of a SQLite store, out and in: what an export to Parquet copies.

``TABLES`` are the story engine's tables, parents before children (an import in this order
meets every foreign key). ``table_rows`` reads one in the order it was written (a ``KEYED``
one also by a range of its key); the
``articles`` table also carries its story's ``thread_id``, so an exported article names
its story, thread and the article it copies (``duplicate_of``). ``insert_rows`` writes
rows back into a fresh store, keeping only the columns the table has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from storylens.store.connect import guarded

if TYPE_CHECKING:
    from storylens.store.sqlite import SQLiteStore

TABLES = ("threads", "stories", "articles", "profiles", "story_merges", "thread_merges")
# the tables whose rows are numbered by a key that only grows (an article's rowid; the merge
# logs' rowid, the order merges happened): an export can write them in ranges of that key
KEYED = {"articles": "a.rowid", "profiles": "article_rowid", "story_merges": "rowid", "thread_merges": "rowid"}
_SELECT = {
    "articles": "SELECT a.*, s.thread_id FROM articles a JOIN stories s ON s.id = a.story_id {where} ORDER BY a.rowid",
    "profiles": "SELECT * FROM profiles {where} ORDER BY article_rowid",
    "stories": "SELECT * FROM stories {where} ORDER BY seq",
    "threads": "SELECT * FROM threads {where} ORDER BY seq",
    # the merge logs have no key of their own: their rowid (the order merges happened) goes along
    "story_merges": "SELECT rowid AS rowid, * FROM story_merges {where} ORDER BY rowid",
    "thread_merges": "SELECT rowid AS rowid, * FROM thread_merges {where} ORDER BY rowid",
}


def _check(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"no table {table!r}; the store's tables are {', '.join(TABLES)}")


def _key_column(table: str) -> str:
    """The key of a ``KEYED`` table as the table names it (``KEYED`` names it as ``_SELECT`` does)."""
    return KEYED[table].removeprefix("a.")


def _sql(table: str, where: str = "") -> str:
    return _SELECT[table].format(where=where)


@guarded
def table_rows(store: SQLiteStore, table: str, keys: range | None = None) -> tuple[list[str], Iterator[tuple]]:
    """(column names, rows) of ``table``, in the order written; of a ``KEYED`` table, only
    the rows whose key is in ``keys`` (a range) when given."""
    _check(table)
    if keys is None:
        cur = store.conn.execute(_sql(table))
    else:
        key = KEYED[table]
        cur = store.conn.execute(_sql(table, f"WHERE {key} >= ? AND {key} < ?"), (keys.start, keys.stop))
    return [d[0] for d in cur.description], iter(cur)


@guarded
def last_key(store: SQLiteStore, table: str) -> int:
    """The largest key of a ``KEYED`` table (0 when empty)."""
    return store.conn.execute(f"SELECT COALESCE(MAX({_key_column(table)}), 0) FROM {table}").fetchone()[0]


@guarded
def article_keys(store: SQLiteStore, chunk: int = 100_000, since: int = 1) -> Iterator[list[tuple[str, str]]]:
    """The (id, content_hash) of every stored article from rowid ``since``, ``chunk`` rows at a time."""
    cur = store.conn.execute("SELECT id, content_hash FROM articles WHERE rowid >= ? ORDER BY rowid", (since,))
    while rows := cur.fetchmany(chunk):
        yield rows


@guarded
def insert_rows(store: SQLiteStore, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (of ``columns``) into ``table``; columns the table lacks are left out.
    The number of rows written."""
    _check(table)
    have = {r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")} | {"rowid"}
    keep = [i for i, c in enumerate(columns) if c in have]
    names = ", ".join(columns[i] for i in keep)
    marks = ", ".join("?" for _ in keep)
    with store._transaction():
        store.conn.execute("PRAGMA defer_foreign_keys = ON")  # a story merged into a later one of the same rows
        cur = store.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                     (tuple(row[i] for i in keep) for row in rows))
    return cur.rowcount


@guarded
def delete_rows(store: SQLiteStore, table: str, keys: range | None = None) -> None:
    """Remove the rows of ``table`` (of a ``KEYED`` table, those whose key is in ``keys``)."""
    _check(table)
    with store._transaction():
        if keys is None:
            store.conn.execute(f"DELETE FROM {table}")
        else:
            key = _key_column(table)
            store.conn.execute(f"DELETE FROM {table} WHERE {key} >= ? AND {key} < ?", (keys.start, keys.stop))


@guarded
def row_count(store: SQLiteStore, table: str) -> int:
    _check(table)
    return store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


_SPARK_TYPES = {"INTEGER": "long", "TEXT": "string", "REAL": "double", "BLOB": "binary"}


@guarded
def table_schema(store: SQLiteStore, table: str) -> str:
    """The Spark DDL schema of ``table_rows(store, table)``: each column's declared type."""
    _check(table)
    types = {r[1]: _SPARK_TYPES.get(r[2].upper(), "string") for r in store.conn.execute(f"PRAGMA table_info({table})")}
    columns = [d[0] for d in store.conn.execute(_sql(table) + " LIMIT 0").description]
    types.setdefault("thread_id", "string")
    types.setdefault("rowid", "long")
    return ", ".join(f"`{c}` {types[c]}" for c in columns)
