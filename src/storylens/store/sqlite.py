"""The default store: one SQLite file in WAL mode, one writer, any number of readers.

Every batch is one transaction, so a killed ingest leaves the file as it was after the
last whole batch; readers see committed batches only and never block the writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np

from storylens.errors import Conflict, NotAStore, StoreDamaged, StoreError, StoreNotFound, StoreReadOnly
from storylens.records import Fingerprint, StoryId, StoryProfile, ThreadId, revival_keys
from storylens.article import AnalyzedArticle, Article
from storylens.store.base import (Ingested, Store, StoredArticle, Story, StoryDetail, StoryMember, StoryPage, ThreadDetail,
                                  ThreadPage)
from storylens.store.codec import decode_analysis, encode_analysis
from storylens.store.connect import BUSY_SECONDS, guarded, open_reader, open_writer, translate
from storylens.store import queries, thread_queries
from storylens.store.rows import (ANALYSIS_VERSION, IDS_PER_QUERY, SEP, STORY_SQL, copy_row, follow_merges, read_date, split_set, story_query,
                                  story_row, utc_text)
from storylens.store.schema import migrate, now

DEFAULT_PATH = "storylens.db"


class SQLiteStore(Store):
    """``SQLiteStore(path)`` opens (and creates or migrates) a store for writing;
    ``SQLiteStore(path, readonly=True)`` opens an existing one for queries only."""

    def __init__(self, path: str | Path = DEFAULT_PATH, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.file = self.path  # the SQLite file (a Parquet store's is its cached copy; ``path`` is what messages name)
        self.readonly = readonly
        self._writing = False
        self.conn = None
        try:
            if readonly:
                self.conn = open_reader(self.path)
            else:
                self.conn = open_writer(self.path)
                migrate(self.conn)
            queries.prepare(self.conn)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            self._check_version()
        except (sqlite3.Error, ValueError, StoreError) as exc:
            if self.conn is not None:
                self.conn.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, ValueError):
                raise NotAStore(f"{self.path}: {exc}") from None
            raise translate(self.path, exc) from None

    def _check_version(self) -> None:
        from storylens.store.schema import SCHEMA_VERSION

        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version}, this storylens needs {SCHEMA_VERSION}; "
                             "open it once for writing (storylens ingest) to migrate")

    # -- transactions ---------------------------------------------------------------------
    @guarded
    def changes(self) -> int:
        """A number that changes whenever another connection (another process) commits to the file."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def reader(self) -> SQLiteStore:
        handle = SQLiteStore(self.file, readonly=True)
        handle.path = self.path  # messages name what the user opened (a Parquet store's folder)
        return handle

    @contextmanager
    def writing(self) -> Iterator[SQLiteStore]:
        """Hold the write lock for the block: one transaction, which ``add`` joins. Another
        process's write transaction is waited for (up to ``BUSY_SECONDS``); inside the block
        reads see every commit made before it."""
        if self.readonly:
            raise StoreReadOnly(f"{self.path}: opened read-only")
        if self._writing:
            yield self
            return
        self._writing = True
        try:
            with self._transaction(nested=False):
                yield self
        finally:
            self._writing = False

    @contextmanager
    def _transaction(self, nested: bool = True) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any failure (when SQLite has not
        rolled it back itself, as it does on a full disk). Inside ``writing`` it is that block's."""
        if self.readonly:
            raise StoreReadOnly(f"{self.path}: opened read-only")
        if nested and self._writing:
            yield
            return
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate(self.path, exc) from None
        try:
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the original failure says more
            if isinstance(exc, sqlite3.Error):
                raise translate(self.path, exc) from None
            raise

    # -- writing ------------------------------------------------------------------------
    @guarded
    def known(self, articles: Sequence) -> dict[str, str]:
        # two statements for the whole list, not one or two an article: each row SQLite steps
        # to hands the GIL over, which under a server's readers costs a wait each
        ids = [a.id for a in articles]
        stored = dict(self.conn.execute("SELECT id, content_hash FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                                        (json.dumps(ids),)).fetchall()) if ids else {}
        urls = [a.url for a in articles if a.url and a.id not in stored]
        by_url = set(self.conn.execute("SELECT url, content_hash FROM articles WHERE url IN (SELECT value FROM json_each(?))",
                                       (json.dumps(urls),)).fetchall()) if urls else set()
        out: dict[str, str] = {}
        for article in articles:
            if article.id in stored:
                if stored[article.id] != article.content_hash:
                    raise Conflict(f"article id {article.id!r} (from {article.source}) is already stored with "
                                     "other content; give the new version another id")
                out[article.id] = "id"
            elif article.url and (article.url, article.content_hash) in by_url:
                out[article.id] = "url"
        return out

    @guarded
    def by_content(self, content_hash: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ? ORDER BY rowid LIMIT 1",
                                (content_hash,)).fetchone()
        return row[0] if row else None

    @guarded
    def story_of(self, article_id: str) -> str:
        row = self.conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise StoreNotFound(f"no article {article_id!r} in {self.path}")
        return row[0]

    @guarded
    def add(self, batch: Sequence[Ingested]) -> None:
        stamp = now()
        conn = self.conn
        keys: list[list] = []  # (revival key, article rowid) of the whole batch
        with self._transaction():
            for item in batch:
                a, p, s = item.article, item.profile, item.assignment
                if s.thread_opened:
                    conn.execute("INSERT INTO threads (id, seq, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                                 (s.thread_id, ThreadId.parse(s.thread_id).seq, a.title, stamp, stamp))
                if s.opened:
                    conn.execute("INSERT INTO stories (id, seq, title, created_at, updated_at, thread_id, linked_story,"
                                 " link_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 (s.story_id, StoryId.parse(s.story_id).seq, a.title, stamp, stamp, s.thread_id,
                                  s.linked_story, s.link_score))
                for gone in s.merged:
                    conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (s.story_id, gone))
                    conn.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (s.story_id, stamp, gone))
                    conn.execute("INSERT INTO story_merges VALUES (?, ?, ?, ?)", (gone, s.story_id, a.id, stamp))
                dup = s.copy_of
                story_id = self._live_story(s.story_id) if not s.opened else s.story_id  # merged earlier in the batch?
                cur = conn.execute(
                    "INSERT INTO articles (id, content_hash, url, title, text, outlet, published, declared_language,"
                    " authors, source, language, story_id, duplicate_of, duplicate_kind, overlap, story_score, ingested_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, a.content_hash, a.url, a.title, a.text, a.outlet,
                     utc_text(a.published), a.language, json.dumps(list(a.authors)),
                     a.source, p.language if p else (a.language or "und"), story_id,
                     dup.of if dup else None, dup.kind if dup else None, dup.overlap if dup else None, s.score, stamp))
                if p is not None:
                    conn.execute("INSERT INTO profiles (article_rowid, vector, keys, numbers, fingerprint, shingles, terms)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)", (
                        cur.lastrowid, p.vector.astype(np.float16).tobytes(), SEP.join(sorted(p.keys)),
                        SEP.join(sorted(p.numbers)), p.fingerprint.to_bytes(), p.fingerprint.size,
                        SEP.join(sorted(p.terms))))
                    bands, names = revival_keys(p)
                    keys.extend([key, cur.lastrowid] for key in bands + names)
                if not s.opened:
                    conn.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (stamp, story_id))
                    if s.thread_opened or s.linked_story:  # a story without a thread (none so far) gets one
                        conn.execute("UPDATE stories SET thread_id = ?, linked_story = ?, link_score = ? WHERE id = ?",
                                     (s.thread_id, s.linked_story, s.link_score, story_id))
                for gone in s.threads_merged:
                    conn.execute("UPDATE stories SET thread_id = ? WHERE thread_id = ?", (s.thread_id, gone))
                    conn.execute("UPDATE threads SET merged_into = ?, updated_at = ? WHERE id = ?", (s.thread_id, stamp, gone))
                    conn.execute("INSERT INTO thread_merges VALUES (?, ?, ?, ?, ?)", (gone, s.thread_id, story_id, a.id, stamp))
                if s.thread_id is not None:
                    conn.execute("UPDATE threads SET updated_at = ? WHERE id = ?", (stamp, s.thread_id))
                else:  # an exact copy: its story's thread
                    conn.execute("UPDATE threads SET updated_at = ? WHERE id = (SELECT thread_id FROM stories WHERE id = ?)",
                                 (stamp, story_id))
            # one statement for the batch's keys: executemany steps once a row, and every step
            # hands the GIL over (under a server's readers, a wait each)
            if keys:
                conn.execute("INSERT INTO profile_keys SELECT value ->> 0, value ->> 1 FROM json_each(?)",
                             (json.dumps(keys),))

    # -- reading --------------------------------------------------------------------
    @guarded
    def profiles(self, since: datetime | None = None, recent: int = 0) -> Iterator[tuple[StoryProfile, str]]:
        if since is None:
            return self._profiles("", ())
        return self._profiles(
            " WHERE a.story_id IN (SELECT story_id FROM articles WHERE published >= ?"  # the published index
            " UNION SELECT story_id FROM articles WHERE rowid > (SELECT MAX(rowid) FROM articles) - ?)",
            (utc_text(since), recent))

    @guarded
    def profiles_of(self, article_ids: Sequence[str]) -> list[tuple[StoryProfile, str]]:
        if not article_ids:
            return []
        return list(self._profiles(" JOIN json_each(?) j ON j.value = a.id", (json.dumps(list(article_ids)),),
                                   order="j.key"))

    @guarded
    def articles_mark(self) -> str | None:
        try:
            identity = self.conn.execute("SELECT id FROM store_identity").fetchone()
        except sqlite3.OperationalError:  # an older file opened read-only, not yet migrated
            return None
        last = self.conn.execute("SELECT rowid, id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()
        count = self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        return json.dumps([identity[0] if identity else None, count, *(last or ())])

    @guarded
    def story_profiles(self, story_ids: Sequence[str]) -> list[tuple[StoryProfile, str]]:
        if not story_ids:
            return []
        return list(self._profiles(f" WHERE a.story_id IN ({', '.join('?' for _ in story_ids)})", story_ids))

    @guarded
    def stories_by_keys(self, keys: Sequence[str], max_stories: int, max_articles: int,
                        names_since: datetime | None = None) -> dict[str, int]:
        # each key one bounded look-up (a common key costs max_articles + 1 rows, not its
        # count), all keys in one statement that SQLite also judges and counts: only (story,
        # keys) rows reach Python. Every row fetched hands the GIL over and takes it back,
        # which under a server's reader threads costs a wait each (a row per article held made
        # the writer ten times slower under read load). The keys come as one JSON array and
        # each is looked up by a correlated subquery: half the time of a compound SELECT of
        # one look-up per key, which SQLite plans part by part. Whether a key is telling is
        # judged on all its articles; ``names_since`` then drops the older holders of a name
        # (a copy band is '#band:HEX')
        limit = int(max_articles) + 1
        sql = ("WITH held(k, story, published) AS (SELECT j.value, a.story_id, a.published FROM json_each(?) j"
               " JOIN articles a ON a.rowid IN (SELECT article_rowid FROM profile_keys WHERE key = j.value LIMIT ?)),"
               " telling(k) AS (SELECT k FROM held GROUP BY k HAVING COUNT(*) <= ? AND COUNT(DISTINCT story) <= ?)"
               " SELECT story, COUNT(DISTINCT k) FROM held WHERE k IN telling"
               " AND (?5 IS NULL OR k GLOB '#[0-9]*:*' OR published IS NULL OR published >= ?5) GROUP BY story")
        since = utc_text(names_since)
        return dict(self.conn.execute(sql, (json.dumps(list(keys)), limit, int(max_articles), int(max_stories), since)))

    @guarded
    def newest_published(self, before: datetime | None = None) -> datetime | None:
        if before is None:
            return read_date(self.conn.execute("SELECT MAX(published) FROM articles").fetchone()[0])
        return read_date(self.conn.execute("SELECT MAX(published) FROM articles WHERE published <= ?",
                                           (utc_text(before),)).fetchone()[0])

    @guarded  # a generator: guarded as it runs (a row SQLite fails to decode is met mid-iteration)
    def _profiles(self, where: str, args: Sequence, order: str = "p.article_rowid") -> Iterator[tuple[StoryProfile, str]]:
        rows = self.conn.execute(
            "SELECT a.id, a.language, a.published, a.story_id, p.vector, p.keys, p.numbers, p.fingerprint, p.shingles,"
            " p.terms, a.outlet FROM profiles p JOIN articles a ON a.rowid = p.article_rowid" + where
            + " ORDER BY " + order, tuple(args))
        for aid, language, published, story_id, vector, keys, numbers, fp, shingles, terms, outlet in rows:
            try:
                profile = StoryProfile(
                    article_id=aid, language=language, published=read_date(published),
                    vector=np.frombuffer(vector, dtype=np.float16).astype(np.float32), keys=split_set(keys),
                    numbers=split_set(numbers), fingerprint=Fingerprint.from_bytes(fp, shingles), terms=split_set(terms),
                    outlet=outlet.lower() if outlet else None)
            except (ValueError, TypeError, AttributeError) as exc:
                raise self._damaged(f"the story profile of article {aid!r}", exc) from None
            yield profile, story_id

    def _damaged(self, what: str, exc: Exception) -> StoreDamaged:
        """A row SQLite reads but storylens cannot decode: the file was damaged in place."""
        problem = " ".join(str(exc).split())[:120]
        return StoreDamaged(f"{self.path}: {what} cannot be read ({type(exc).__name__}: {problem}); the store file is "
                            "damaged: restore it from a backup, or recover it with `sqlite3 FILE .recover`")

    @guarded
    def story_seq(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM stories").fetchone()[0]

    @guarded
    def stories(self, language: str | None = None, since: datetime | None = None,
                limit: int | None = None, offset: int = 0) -> list[Story]:
        sql, params = story_query(language=language, since=since)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [story_row(row) for row in self.conn.execute(sql, params)]

    @guarded
    def story(self, story_id: str) -> StoryDetail:
        story_id = self._live_story(story_id)
        sql = STORY_SQL.format(where="AND s.id = ?", having="")
        story = story_row(self.conn.execute(sql, (story_id,)).fetchone())
        members = tuple(
            StoryMember(id=r[0], title=r[1], outlet=r[2], url=r[3], language=r[4], published=read_date(r[5]),
                        copy_of=copy_row(r[6], r[7], r[8]), score=r[9])
            for r in self.conn.execute(
                "SELECT id, title, outlet, url, language, published, duplicate_of, duplicate_kind, overlap, story_score"
                " FROM articles WHERE story_id = ? ORDER BY published IS NULL, published, rowid", (story_id,)))
        merged = tuple(r[0] for r in self.conn.execute("SELECT from_id FROM story_merges WHERE into_id = ?", (story_id,)))
        return StoryDetail(story=story, members=members, merged_from=merged)

    @guarded
    def _live_story(self, story_id: str) -> str:
        live = follow_merges(self.conn, "stories", story_id)
        if live is None:
            raise StoreNotFound(f"no story {story_id!r} in {self.path}; list them with `storylens stories`")
        return live

    @guarded
    def story_articles(self, story_id: str) -> list[StoredArticle]:
        story_id = self._live_story(story_id)
        rows = self.conn.execute(
            "SELECT id, title, text, url, outlet, published, declared_language, authors, source, language,"
            " duplicate_of, duplicate_kind, overlap FROM articles WHERE story_id = ?"
            " ORDER BY published IS NULL, published, rowid", (story_id,))
        return [StoredArticle(
            article=Article(id=r[0], title=r[1], text=r[2], url=r[3], outlet=r[4], published=read_date(r[5]),
                            language=r[6], authors=tuple(json.loads(r[7])), source=r[8]),
            story_id=story_id, language=r[9], copy_of=copy_row(r[10], r[11], r[12])) for r in rows]

    @guarded
    def analyses(self, article_ids: Sequence[str]) -> dict[str, AnalyzedArticle]:
        out: dict[str, AnalyzedArticle] = {}
        for start in range(0, len(article_ids), IDS_PER_QUERY):
            chunk = list(article_ids[start:start + IDS_PER_QUERY])
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT a.id, a.title, a.text, a.url, a.outlet, a.published, a.declared_language, a.authors, a.source,"
                f" n.data, n.vectors FROM analyses n JOIN articles a ON a.rowid = n.article_rowid"
                f" WHERE n.version = ? AND a.id IN ({marks})", (ANALYSIS_VERSION, *chunk))
            for r in rows:
                article = Article(id=r[0], title=r[1], text=r[2], url=r[3], outlet=r[4], published=read_date(r[5]),
                                  language=r[6], authors=tuple(json.loads(r[7])), source=r[8])
                try:
                    out[r[0]] = decode_analysis(article, r[9], r[10])
                except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:  # JSON errors are ValueErrors
                    raise self._damaged(f"the stored analysis of article {r[0]!r}", exc) from None
        return out

    @guarded
    def save_analyses(self, analysed: Sequence[AnalyzedArticle]) -> None:
        stamp = now()
        with self._transaction():
            for x in analysed:
                data, vectors = encode_analysis(x)
                self.conn.execute(
                    "INSERT OR REPLACE INTO analyses SELECT rowid, ?, ?, ?, ? FROM articles WHERE id = ?",
                    (ANALYSIS_VERSION, data, vectors, stamp, x.id))

    @guarded
    def article_stories(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT id, story_id FROM articles"))

    @guarded
    def counts(self) -> dict[str, int]:
        articles, copies = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(duplicate_of IS NOT NULL), 0) FROM articles").fetchone()
        stories = self.conn.execute("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL").fetchone()[0]
        return {"articles": articles, "stories": stories, "copies": copies}

    # -- the queries the CLI and the server need (their SQL: ``queries.py``) -----------
    def snapshot(self):
        return queries.snapshot(self)

    def find_stories(self, **filters) -> StoryPage:
        return queries.find_stories(self, **filters)

    def stored_article(self, article_id: str) -> dict:
        return queries.stored_article(self, article_id)

    def languages(self) -> list[tuple[str, int]]:
        return queries.languages(self)

    def analysed_ids(self, article_ids: Sequence[str]) -> set[str]:
        return queries.analysed_ids(self, article_ids)

    def story_threads(self) -> dict[str, str]:
        return thread_queries.story_threads(self)

    def thread_seq(self) -> int:
        return thread_queries.thread_seq(self)

    def threads(self, **filters) -> ThreadPage:
        return thread_queries.find_threads(self, **filters)

    def thread(self, thread_id: str) -> ThreadDetail:
        return thread_queries.thread(self, thread_id)

    def thread_stories(self, thread_id: str) -> list[Story]:
        return thread_queries.thread_stories(self, thread_id)

    def state_path(self, name: str) -> Path | None:
        return self.path.with_name(f"{self.path.name}.{name}")

    def fetch_log(self):
        from storylens.store.fetch_state import FetchLog

        return FetchLog(None if self.readonly else self.conn, self.path)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
