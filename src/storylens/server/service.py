"""What the server does, without HTTP: one writer, per-thread readers, cached coverage.

``StoryService(db_path)`` owns the process's one ``StoryEngine`` (the store has one
writer; every write goes through ``add_records`` under a lock). Reads go through a
read-only SQLite connection per thread, so they never wait for the writer (WAL).
Coverage reports are cached per story version (its live id, size and last update).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storylens.article import Article
from storylens.errors import Conflict, InputError, StoreError, StoreReadOnly, StorylensError, TooLarge, TooSmall
from storylens.settings import DEFAULTS, current
from storylens.ingest.limits import bound_text
from storylens.ingest.records import article_from_record, parse_date
from storylens.ingest.text import parse_text
from storylens.records import copy_fields
from storylens.store.base import Store, StoryPage, ThreadPage

if TYPE_CHECKING:
    from storylens.coverage.report import Coverage
    from storylens.match import Comparison
    from storylens.records import StoryPrediction

MAX_OFFSET = 1_000_000_000  # stories skipped by ?offset= (SQLite's integers end at 2**63)
MAX_QUERY_CHARS = 500  # characters of ?q=
MAX_QUERY_WORDS = 20  # words of ?q= (each one is a condition of the query)
MAX_FILTER_CHARS = 200  # characters of ?language= and ?outlet=
MAX_COMPARE_CHARS = DEFAULTS.server.max_compare_chars  # characters of one compared article's text (POST /compare)


def _article(record: Any, source: str) -> Article:
    """An Article from a JSON object; without an id, one derived from the content."""
    article = bound_text(article_from_record(record, source, default_id=""))
    if not article.id:
        article = dataclasses.replace(article, id=f"a-{article.content_hash[:16]}")
    return article


def parse_records(records: Any) -> list[Article]:
    """Validate a JSON article object or a list of them; errors name the item and field."""
    if isinstance(records, dict):
        return [_article(records, "body")]
    if not isinstance(records, list):
        raise InputError("body", f"expected an article object or a list of them, got {type(records).__name__}")
    if not records:
        raise InputError("body", "the list of articles is empty")
    most = current().server.max_list
    if len(records) > most:
        raise InputError("body", f"at most {most} articles per request, got {len(records)}: send them in parts")
    return [_article(r, f"body[{i}]") for i, r in enumerate(records)]


def compare_input(value: Any, name: str, max_chars: int = MAX_COMPARE_CHARS) -> Article:
    """One side of a comparison: a JSON article object, or plain text (first line = title).
    A text over ``max_chars`` characters is refused (``TooLarge``) before it is read."""
    text = value if isinstance(value, str) else value.get("text") if isinstance(value, dict) else None
    if isinstance(text, str) and len(text) > max_chars:
        raise TooLarge(f"{name}.text", f"{len(text):,} characters; POST /compare takes at most {max_chars:,} per "
                                       "article (compare the first part, or ingest the articles)")
    if isinstance(value, str):
        article = parse_text(value, name, name)
        if not article.text.strip():
            raise InputError(name, "field 'text' is missing or empty")
        return article
    if isinstance(value, dict):
        article = article_from_record(value, name, default_id=name)
        return article
    raise InputError(name, f"field {name!r} must be an article object or a plain text, got {type(value).__name__}")


def parse_day(value: str | None, name: str) -> datetime | None:
    """A query-string date (ISO 8601); errors name the parameter. A bare ``until`` day
    means the end of that day, so that ``until=2026-03-01`` keeps the stories of the 1st."""
    if not value:
        return None
    parsed = parse_date(value, name, name)
    if name == "until" and "T" not in value.strip() and len(value.strip()) == 10:
        parsed = parsed.replace(hour=23, minute=59, second=59, microsecond=999999)  # 9999-12-31 too
    return parsed


def check_query(language: str | None, outlet: str | None, q: str | None, limit: int, offset: int) -> None:
    """The bounds of a story-list query; ``InputError`` naming the parameter (a 400)."""
    most = current().server.max_page
    if not 1 <= limit <= most:
        raise InputError("query", f"field 'limit' must be between 1 and {most}, got {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise InputError("query", f"field 'offset' must be between 0 and {MAX_OFFSET:,}, got {offset}")
    for name, value in (("language", language), ("outlet", outlet)):
        if value is not None and len(value) > MAX_FILTER_CHARS:
            raise InputError("query", f"field {name!r} is {len(value)} characters long; at most {MAX_FILTER_CHARS}")
    if q is not None and (len(q) > MAX_QUERY_CHARS or len(q.split()) > MAX_QUERY_WORDS):
        raise InputError("query", f"field 'q' has {len(q.split())} words, {len(q)} characters; search with at most "
                                  f"{MAX_QUERY_WORDS} words and {MAX_QUERY_CHARS} characters")


@dataclasses.dataclass(eq=False)
class _CachedCoverage:
    """A cached coverage report and, once an API client asked for it, its JSON."""

    report: Coverage
    json: bytes | None = None


class StoryService:
    """The server's state: the store file, its one writer, its readers and caches."""

    def __init__(self, db_path: str | Path, profile_workers: int = 1, max_compare_chars: int = MAX_COMPARE_CHARS) -> None:
        from storylens.store import open_store

        self.location = str(db_path)
        self._writer = open_store(self.location)  # a SQLite file is created and migrated
        self.readonly = self._writer.readonly
        self.max_compare_chars = max_compare_chars
        self._coverage_cache = current().server.coverage_cache
        self._write_lock = threading.Lock()
        self._analysis_lock = threading.Lock()
        self._engine = None  # built on the first write (loads the clusterer state)
        self._pool = None
        if profile_workers and not self.readonly:
            from storylens.cluster.workers import ProfilePool

            self._pool = ProfilePool(profile_workers, ahead=1)
        self._local = threading.local()
        self._readers: list[Store] = []
        self._readers_lock = threading.Lock()
        self._coverage: OrderedDict[tuple, _CachedCoverage] = OrderedDict()  # by story version and language
        self._story_json: dict[str, bytes] = {}  # story id -> its JSON, dropped when a write touches it
        self._story_generation: dict[str, int] = {}
        self._cache_lock = threading.Lock()
        self._lists: dict[tuple, bytes] = {}  # story-list queries -> JSON, dropped on every write
        self._builders = tuple(threading.Lock() for _ in range(64))  # one builder at a time per answer
        self._writes = 0
        # other processes' writes (a CLI ingest into the served store): the changes() of a
        # reader handle move with every commit (the monitor's see ours too); the writer's
        # own move only with the others' (SQLite: each connection's data_version).
        try:
            self._monitor = self._writer.reader()
        except StorylensError:
            self._writer.close()
            raise
        self._monitor_lock = threading.Lock()
        self._seen_version = self._data_version()
        self._epoch = 0  # bumped when another process's commit dropped every cached answer
        self._writer_version = self._writer.changes()

    # -- connections --------------------------------------------------------------
    def reader(self) -> Store:
        """This thread's read-only store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._writer.reader()
            self._local.store = store
            with self._readers_lock:
                self._readers.append(store)
        return store

    # -- writes of other processes ---------------------------------------------------
    def _data_version(self) -> int:
        with self._monitor_lock:
            return self._monitor.changes()

    def check_writes(self) -> None:
        """Drop every cached answer when anything was committed since the last look that
        this process's writes have not accounted for (one PRAGMA: microseconds)."""
        version = self._data_version()
        if version != self._seen_version:
            with self._cache_lock:
                self._seen_version = version
                self._epoch += 1
                self._writes += 1
                self._lists.clear()
                self._story_json.clear()
                for story_id in self._story_generation:
                    self._story_generation[story_id] += 1

    def _committed(self, story_ids: set[str]) -> None:
        """After a commit of this process (under the write lock): forget the stories it
        touched; a commit of another process since the last look forgets everything."""
        version = self._data_version()  # first: a commit after this line is seen by check_writes
        external = self._writer.changes() != self._writer_version
        self._forget_stories(story_ids)
        if external:
            self._writer_version = self._writer.changes()
            self.check_writes()
        with self._cache_lock:
            if not external:
                self._seen_version = version

    def close(self) -> None:
        with self._monitor_lock:
            self._monitor.close()
        with self._readers_lock:
            for store in self._readers:
                try:
                    store.close()
                except Exception:  # a reader of another thread may be mid-query at shutdown
                    pass
            self._readers.clear()
        with self._write_lock:
            if self._engine is not None:
                self._engine.close()  # keeps the clusterer's state beside the store for the next open
                self._engine = None
            if self._pool is not None:
                self._pool.close()
            self._writer.close()

    # -- writing ------------------------------------------------------------------
    def _engine_now(self):
        if self._engine is None:
            from storylens.engine import StoryEngine

            # profiles computed in a worker process that lives as long as the server:
            # profiling holds the GIL, which would stall the readers' threads
            self._engine = StoryEngine(self._writer, profiler=self._pool)
        return self._engine

    def add_records(self, records: Any) -> dict[str, Any]:
        """Validate, analyse and place articles. Every record's fields are checked before any
        is stored; a store conflict (an id stored with other content) stops the request after
        the batches already committed, and says how many were stored."""
        articles = parse_records(records)
        if self.readonly:
            raise StoreReadOnly(f"{self._writer.path}: the server serves a read-only store; nothing can be added "
                                "through it")
        from storylens.engine import IngestReport

        with self._write_lock:
            if self._writer.changes() != self._writer_version:  # another process wrote: drop the caches
                self._writer_version = self._writer.changes()  # (the engine reads the store again itself)
                self.check_writes()
            report = IngestReport()
            placed: dict[str, Any] = {}

            def committed(batch: list) -> None:
                placed.update((a.article_id, a) for a in batch)
                self._committed({s for a in batch for s in (a.story_id, *a.merged)})

            try:  # a failed batch leaves the engine as the store is (plan() checks before placing,
                # and commit() reads the store again when the write fails): it is kept
                self._engine_now().ingest_articles(articles, report=report, on_batch=committed)
            except Conflict as exc:
                raise Conflict(f"{exc} ({report.added} articles of this request were stored before it)") from None
            finally:  # batches committed before a failure changed their stories too
                self._forget_stories({s for a in placed.values() for s in (a.story_id, *a.merged)})
            # each story's thread as it stands after the request (a later article of it may have
            # merged the thread an earlier one was placed in), from the engine that wrote it
            clusterer = self._engine_now().clusterer
            thread_of = {story: clusterer.where(story)[1] for story in {a.story_id for a in placed.values()}}
            results = []
            reported: set[str] = set()
            for article in articles:
                a = placed.get(article.id) if article.id not in reported else None
                reported.add(article.id)
                if a is None:  # already stored (this id, or this URL and content), or repeated in this request
                    results.append(self._skipped(article))
                    continue
                results.append({"id": article.id, "status": "added", "story_id": a.story_id, "opened": a.opened,
                                "thread_id": thread_of[a.story_id], "thread_opened": a.thread_opened,
                                **copy_fields(a.copy_of), "merged": list(a.merged)})
        return {"added": report.added, "skipped": report.skipped, "copies": report.copies,
                "stories_opened": report.stories_opened, "merges": report.merges,
                "threads_opened": report.threads_opened, "thread_merges": report.thread_merges, "articles": results}

    def predict(self, records: Any) -> list[StoryPrediction]:
        """Where articles given as JSON objects would go among the stories, storing nothing."""
        articles = parse_records(records)
        with self._write_lock:  # the writer's engine: its clusterer holds the live stories
            if self._writer.changes() != self._writer_version:
                self._writer_version = self._writer.changes()
                self.check_writes()
            return self._engine_now().predict(articles)

    def _skipped(self, article: Article) -> dict[str, Any]:
        """The result of an article the store already has: under its id, or under another
        (``stored_as``) when the same URL and content were stored before."""
        try:
            return {"id": article.id, "status": "skipped", "story_id": self._writer.story_of(article.id)}
        except StoreError:
            pass
        stored_as = self._writer.by_content(article.content_hash)
        try:
            story_id = self._writer.story_of(stored_as) if stored_as else None
        except StoreError:
            story_id = None
        return {"id": article.id, "status": "skipped", "story_id": story_id, "stored_as": stored_as}

    # -- reading ------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return {"status": "ok", "db": self.location, **self.reader().counts()}

    def languages(self) -> list[tuple[str, int]]:
        return self.reader().languages()

    def article(self, article_id: str) -> dict[str, Any]:
        return self.reader().stored_article(article_id)

    def stories(self, *, language: str | None = None, outlet: str | None = None, since: str | None = None,
                until: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0) -> StoryPage:
        check_query(language, outlet, q, limit, offset)
        self.check_writes()
        return self.reader().find_stories(language=language, outlet=outlet, since=parse_day(since, "since"),
                                    until=parse_day(until, "until"), q=q, limit=limit, offset=offset)

    def threads(self, *, language: str | None = None, since: str | None = None, q: str | None = None,
                limit: int = 50, offset: int = 0) -> ThreadPage:
        """One page of the thread list (``Thread`` records: what the web page shows)."""
        check_query(language, None, q, limit, offset)
        self.check_writes()
        return self.reader().threads(language=language, since=parse_day(since, "since"), q=q, limit=limit,
                                     offset=offset)

    def threads_dict(self, **query: Any) -> dict[str, Any]:
        """The thread list as the API answers it: each thread with its stories (``ThreadReport``
        without the names)."""
        from storylens.coverage.thread import thread_report

        store = self.reader()
        with store.snapshot():
            page = self.threads(**query)
            found = [thread_report(store, t.id, explain=False).to_dict() for t in page.threads]
        return {"total": page.total, "limit": page.limit, "offset": page.offset, "threads": found}

    def thread(self, thread_id: str):
        """One thread as a timeline (``coverage.thread.ThreadReport``), with why each step was linked."""
        self.check_writes()
        from storylens.coverage.thread import thread_report

        store = self.reader()
        with store.snapshot():
            return thread_report(store, thread_id)

    def neighbours(self, story: Any) -> dict[str, Any] | None:
        """The thread of ``story`` (a ``Story``) and the steps before and after it, for the story page."""
        if not story.thread_id:
            return None
        store = self.reader()
        steps = store.thread_stories(story.thread_id)
        ids = [s.id for s in steps]
        at = ids.index(story.id) if story.id in ids else None
        pick = (lambda i: {"id": steps[i].id, "title": steps[i].title} if at is not None and 0 <= i < len(steps) else None)
        return {"id": story.thread_id, "steps": len(steps), "step": at + 1 if at is not None else None,
                "before": pick(at - 1) if at is not None else None, "after": pick(at + 1) if at is not None else None}

    def _forget_stories(self, story_ids: set[str]) -> None:
        with self._cache_lock:
            self._writes += 1
            self._lists.clear()
            for story_id in story_ids:
                self._story_json.pop(story_id, None)
                self._story_generation[story_id] = self._story_generation.get(story_id, 0) + 1

    def cached_story_json(self, story_id: str) -> bytes | None:
        """The story's JSON if no write has touched the story since it was built."""
        self.check_writes()
        return self._story_json.get(story_id)

    def _building(self, key: Any) -> threading.Lock:
        return self._builders[hash(key) % len(self._builders)]

    def story_json(self, story_id: str) -> bytes:
        """``story_dict`` as JSON bytes, kept until a write touches the story. One thread
        builds a missing answer while the others asking for it wait for that one."""
        with self._building(("story", story_id)):
            body = self._story_json.get(story_id)
            if body is not None:
                return body
            generation, epoch = self._story_generation.get(story_id, 0), self._epoch
            data = self.story_dict(story_id)
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            with self._cache_lock:
                # keep it only under a live id (a merged-away id answers with its survivor) and
                # only if no write touched the story while it was read
                if (data["id"] == story_id and self._story_generation.get(story_id, 0) == generation
                        and self._epoch == epoch):
                    self._story_json[story_id] = body
            return body

    def cached_stories_json(self, key: tuple) -> bytes | None:
        """A story-list answer for these query parameters if nothing was written since."""
        self.check_writes()
        return self._lists.get(key)

    def stories_json(self, key: tuple, **query: Any) -> bytes:
        """``stories(**query)`` as JSON bytes, kept until the next write (built once at a time)."""
        with self._building(("list", key)):
            body = self._lists.get(key)
            if body is not None:
                return body
            writes = self._writes
            body = json.dumps(self.stories(**query).to_dict(), ensure_ascii=False).encode("utf-8")
            with self._cache_lock:
                if self._writes == writes and len(self._lists) < 1024:
                    self._lists[key] = body
            return body

    def story_dict(self, story_id: str) -> dict[str, Any]:
        """``StoryDetail.to_dict()`` without the evidence; members field by field (``asdict``
        is slow on long stories)."""
        detail = self.story(story_id)
        return {**detail.story.to_dict(), "merged_from": list(detail.merged_from),
                "members": [m.to_dict() for m in detail.members]}

    def story(self, story_id: str):
        store = self.reader()
        with store.snapshot():
            return store.story(story_id)

    def coverage(self, story_id: str, language: str | None = None) -> Coverage:
        """The coverage report of a story, cached per story version."""
        return self._covered(story_id, language).report

    def coverage_json(self, story_id: str, language: str | None = None) -> bytes:
        """``coverage(...).to_dict()`` as the API's JSON bytes, kept beside the cached report
        (written once a story version, not once a request)."""
        entry = self._covered(story_id, language)
        if entry.json is None:  # two threads may both write it: the same bytes
            entry.json = json.dumps(entry.report.to_dict(), ensure_ascii=False, allow_nan=False,
                                    separators=(",", ":")).encode("utf-8")  # as JSONResponse writes it
        return entry.json

    def _covered(self, story_id: str, language: str | None) -> _CachedCoverage:
        """The cached report of the story's current version in ``language``, built when missing."""
        store = self.reader()
        with store.snapshot():
            version = store.story_version(story_id)
        if version[1] < 2:
            raise TooSmall(f"story {story_id!r} has one article; a coverage report needs at least two")
        key = (*version, language)
        cached = self._coverage.get(key)
        if cached is not None:
            return cached
        with self._analysis_lock:  # one analysis at a time: it is CPU-bound and loads models once
            cached = self._coverage.get(key)
            if cached is not None:
                return cached
            from storylens.coverage import build_coverage
            from storylens.engine import story_analyses

            with store.snapshot():
                analysed, copies = story_analyses(store, version[0])
            self._keep_analyses(analysed)
            entry = _CachedCoverage(build_coverage(analysed, language=language, copies=copies))
            self._coverage[key] = entry
            while len(self._coverage) > self._coverage_cache:
                self._coverage.popitem(last=False)
        return entry

    def _keep_analyses(self, analysed: Sequence) -> None:
        """Store the analyses a reader had to compute, so a restart need not redo them."""
        ids = [a.id for a in analysed]
        new = [] if self.readonly else [a for a in analysed if a.id not in self.reader().analysed_ids(ids)]
        if new:
            with self._write_lock:
                self._writer.save_analyses(new)
                self._committed(set())  # analyses change no story

    def compare(self, a: Any, b: Any, fast: bool = False) -> Comparison:
        """Compare two articles given as JSON objects or plain texts; ``fast``: without the
        e5 features (as ``storylens compare --fast``)."""
        first, second = compare_input(a, "a", self.max_compare_chars), compare_input(b, "b", self.max_compare_chars)
        import storylens

        with self._analysis_lock:
            return storylens.compare(storylens.analyze(first), storylens.analyze(second), fast=fast)


__all__ = ["StoryService"]
