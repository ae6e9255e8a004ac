"""The SQLite schema as numbered migrations, applied in order and recorded in the file.

``PRAGMA user_version`` holds the number of the last migration applied; the
``migrations`` table names each one and when it ran. Add a migration, never edit one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_articles_profiles_stories", """
        CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            seq INTEGER UNIQUE NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            merged_into TEXT REFERENCES stories(id)
        );
        CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,
            id TEXT UNIQUE NOT NULL,
            content_hash TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            outlet TEXT,
            published TEXT,
            declared_language TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            language TEXT NOT NULL,
            story_id TEXT NOT NULL REFERENCES stories(id),
            duplicate_of TEXT,
            duplicate_kind TEXT,
            overlap REAL,
            story_score REAL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_url ON articles(url);
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE profiles (
            article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid),
            vector BLOB NOT NULL,
            keys TEXT NOT NULL,
            numbers TEXT NOT NULL,
            fingerprint BLOB NOT NULL,
            shingles INTEGER NOT NULL
        );
        CREATE TABLE story_merges (
            from_id TEXT NOT NULL REFERENCES stories(id),
            into_id TEXT NOT NULL REFERENCES stories(id),
            article_id TEXT NOT NULL,
            merged_at TEXT NOT NULL
        );
    """),
    ("0002_analyses", """
        CREATE TABLE analyses (
            article_rowid INTEGER PRIMARY KEY REFERENCES articles(rowid),
            version INTEGER NOT NULL,
            data TEXT NOT NULL,
            vectors BLOB NOT NULL,
            analysed_at TEXT NOT NULL
        );
    """),
    ("0003_fetch_state", """
        CREATE TABLE fetch_state (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT NOT NULL,
            status INTEGER
        );
        CREATE TABLE seen_entries (
            source TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (source, entry_id)
        );
    """),
    ("0004_profile_terms", """
        ALTER TABLE profiles ADD COLUMN terms TEXT NOT NULL DEFAULT ''
    """),
    # Threads: each story of a store made before them is a thread of its own, numbered as it is.
    ("0005_threads", """
        CREATE TABLE threads (
            id TEXT PRIMARY KEY,
            seq INTEGER UNIQUE NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            merged_into TEXT REFERENCES threads(id)
        );
        ALTER TABLE stories ADD COLUMN thread_id TEXT REFERENCES threads(id);
        ALTER TABLE stories ADD COLUMN linked_story TEXT;
        ALTER TABLE stories ADD COLUMN link_score REAL;
        INSERT INTO threads (id, seq, title, created_at, updated_at)
            SELECT 't' || substr(id, 2), seq, title, created_at, updated_at FROM stories;
        UPDATE stories SET thread_id = 't' || substr(id, 2);
        UPDATE threads SET merged_into = (SELECT 't' || substr(s.merged_into, 2) FROM stories s
                                          WHERE s.thread_id = threads.id AND s.merged_into IS NOT NULL);
        CREATE INDEX stories_thread ON stories(thread_id);
        CREATE TABLE thread_merges (
            from_id TEXT NOT NULL REFERENCES threads(id),
            into_id TEXT NOT NULL REFERENCES threads(id),
            story_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            merged_at TEXT NOT NULL
        );
        INSERT INTO thread_merges SELECT 't' || substr(from_id, 2), 't' || substr(into_id, 2), into_id, article_id,
            merged_at FROM story_merges
    """),
    # What a dormant story is found again by (``records.revival_keys``): each profile's first
    # copy bands and its multi-word name keys, those of an older store's profiles included.
    ("0006_profile_keys", """
        CREATE TABLE profile_keys (
            key TEXT NOT NULL,
            article_rowid INTEGER NOT NULL REFERENCES articles(rowid)
        );
        INSERT INTO profile_keys SELECT '#' || b.n || ':' || hex(substr(p.fingerprint, 1 + 8 * b.n, 8)), p.article_rowid
            FROM profiles p, (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                              UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) b
            WHERE p.shingles > 0;
        INSERT INTO profile_keys
            WITH RECURSIVE split(article_rowid, key, rest) AS (
                SELECT article_rowid, '', keys || char(31) FROM profiles WHERE keys != ''
                UNION ALL
                SELECT article_rowid, substr(rest, 1, instr(rest, char(31)) - 1), substr(rest, instr(rest, char(31)) + 1)
                    FROM split WHERE rest != '')
            SELECT key, article_rowid FROM split WHERE key LIKE '% %';
        CREATE INDEX profile_keys_key ON profile_keys(key)
    """),
    # A random name of this store file, made once: state saved beside a store (the
    # clusterer's) is of this file, not of another one made again at the same path.
    ("0007_store_identity", """
        CREATE TABLE store_identity (id TEXT NOT NULL);
        INSERT INTO store_identity VALUES (lower(hex(randomblob(16))))
    """),
)

SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration the file lacks, each in its own transaction; return the version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ValueError(f"schema version {version} is newer than this storylens ({SCHEMA_VERSION}); upgrade storylens")
    for number, (name, sql) in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (number, name, now()))
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite has already rolled back after a full disk
                conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
