"""The SQL of the ``Store`` queries the CLI and the HTTP API need, for ``SQLiteStore``.

``find_stories`` filters and pages the story list (with the total), ``stored_article``
fetches one article by id, ``analysed_ids`` tells which articles already have a stored
full analysis, and ``snapshot`` runs several reads against one consistent state of the
file (a WAL read transaction: it never blocks the writer). ``SQLiteStore`` offers each as
a method of the ``Store`` port; nothing else calls these.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storylens.errors import StoreNotFound
from storylens.records import copy_fields
from storylens.store.base import StoryPage
from storylens.store.connect import guarded
from storylens.store.rows import ANALYSIS_VERSION, IDS_PER_QUERY, copy_row, read_date, story_query, story_row

if TYPE_CHECKING:
    from storylens.store.sqlite import SQLiteStore


def _casefold(value: Any) -> str:
    return value.casefold() if isinstance(value, str) else ""


def prepare(conn) -> None:
    """Register the SQL functions these queries use (Unicode-aware ``casefold``)."""
    conn.create_function("casefold", 1, _casefold, deterministic=True)


@contextmanager
def snapshot(store: SQLiteStore) -> Iterator[SQLiteStore]:
    """Run the reads inside the block against one committed state of the store."""
    if store.conn.in_transaction:
        yield store
        return
    store.conn.execute("BEGIN")
    try:
        yield store
    finally:
        store.conn.execute("COMMIT")


@guarded
def find_stories(store: SQLiteStore, *, language: str | None = None, outlet: str | None = None,
                 since: datetime | None = None, until: datetime | None = None, q: str | None = None,
                 limit: int = 50, offset: int = 0) -> StoryPage:
    """Live stories, most recently updated first, filtered and paged.

    ``language``/``outlet``: a member article has it (outlet compared case-insensitively);
    ``since``/``until``: the story's publication span overlaps the range; ``q``: the words
    occur (case-insensitively) in the story's title or a member's title.
    """
    sql, args = story_query(language=language, outlet=outlet, since=since, until=until, q=q)
    with snapshot(store):
        total = store.conn.execute(f"SELECT COUNT(*) FROM ({sql})", args).fetchone()[0]
        rows = store.conn.execute(sql + " LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
    return StoryPage(total=total, limit=limit, offset=offset, stories=[story_row(r) for r in rows])


@guarded
def stored_article(store: SQLiteStore, article_id: str) -> dict[str, Any]:
    """One stored article as a JSON-ready dict (fields of a JSONL record, plus its story)."""
    row = store.conn.execute(
        "SELECT id, url, outlet, title, text, published, declared_language, authors, language, story_id,"
        " duplicate_of, duplicate_kind, overlap, story_score, ingested_at FROM articles WHERE id = ?",
        (article_id,)).fetchone()
    if row is None:
        raise StoreNotFound(f"no article {article_id!r} in {store.path}")
    published = read_date(row[5])
    return {"id": row[0], "url": row[1], "outlet": row[2], "title": row[3], "text": row[4],
            "published": published.isoformat() if published else None, "language": row[6],
            "authors": json.loads(row[7]), "detected_language": row[8], "story_id": row[9],
            **copy_fields(copy_row(row[10], row[11], row[12])), "score": row[13],
            "ingested_at": row[14]}


@guarded
def analysed_ids(store: SQLiteStore, article_ids: Sequence[str]) -> set[str]:
    """The ids among ``article_ids`` whose full analysis (this analysis version) is stored."""
    out: set[str] = set()
    for start in range(0, len(article_ids), IDS_PER_QUERY):
        chunk = list(article_ids[start:start + IDS_PER_QUERY])
        marks = ",".join("?" * len(chunk))
        out.update(r[0] for r in store.conn.execute(
            f"SELECT a.id FROM analyses n JOIN articles a ON a.rowid = n.article_rowid"
            f" WHERE n.version = ? AND a.id IN ({marks})", (ANALYSIS_VERSION, *chunk)))
    return out


@guarded
def languages(store: SQLiteStore) -> list[tuple[str, int]]:
    """The articles' detected languages with their article counts, most common first."""
    return [(r[0], r[1]) for r in store.conn.execute(
        "SELECT language, COUNT(*) FROM articles GROUP BY language ORDER BY COUNT(*) DESC, language")]
