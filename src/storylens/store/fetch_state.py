"""What the fetcher remembers between runs, kept in the store (migration ``0003_fetch_state``).

``fetch_state`` holds each URL's validators (ETag, Last-Modified) and last status, so a
feed that has not changed is asked for conditionally and costs a 304; local files use the
same table with ``file:`` keys and a size-and-mtime "etag". ``seen_entries`` holds the
entry keys of each feed that were handled (stored, or skipped as a copy of a stored
article), so a feed that changed only in part costs nothing for its old entries.

Validators and seen entries are written only after the articles they cover are
committed: a run killed in between fetches again and the engine skips what it has.
A store other than SQLite gets an in-memory log (nothing persists).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from storylens.records import Validators
from storylens.store.connect import guarded
from storylens.store.rows import IDS_PER_QUERY
from storylens.store.schema import now


class FetchLog:
    """Validators per URL and seen entries per source, over a store's SQLite connection."""

    def __init__(self, conn: sqlite3.Connection | None = None, path=None) -> None:
        self.conn = conn
        self.path = path  # the store's file, named by the StoreError a SQLite failure becomes
        self._validators: dict[str, Validators] = {}
        self._seen: set[tuple[str, str]] = set()

    @guarded
    def validators(self, url: str) -> Validators | None:
        if self.conn is None:
            return self._validators.get(url)
        row = self.conn.execute("SELECT etag, last_modified FROM fetch_state WHERE url = ?", (url,)).fetchone()
        return Validators(row[0], row[1]) if row and (row[0] or row[1]) else None

    @guarded
    def save(self, url: str, validators: Validators, status: int) -> None:
        if self.conn is None:
            self._validators[url] = validators
            return
        self.conn.execute("INSERT OR REPLACE INTO fetch_state (url, etag, last_modified, fetched_at, status)"
                          " VALUES (?, ?, ?, ?, ?)", (url, validators.etag, validators.last_modified, now(), status))

    @guarded
    def seen(self, source: str, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        if self.conn is None:
            return {k for k in keys if (source, k) in self._seen}
        found: set[str] = set()
        for start in range(0, len(keys), IDS_PER_QUERY):
            chunk = keys[start:start + IDS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT entry_id FROM seen_entries WHERE source = ? AND entry_id IN ({marks})", (source, *chunk)))
        return found

    @guarded
    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these article ids the store already holds."""
        ids = list(ids)
        if self.conn is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start:start + IDS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return found

    @guarded
    def mark_seen(self, source: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if self.conn is None:
            self._seen.update((source, k) for k in keys)
            return
        stamp = now()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany("INSERT OR IGNORE INTO seen_entries VALUES (?, ?, ?)", [(source, k, stamp) for k in keys])
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite has already rolled back after a full disk
                self.conn.execute("ROLLBACK")
            raise
