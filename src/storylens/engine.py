"""The story engine: read articles, profile them, place them in stories, store them.

``StoryEngine(store).ingest(paths)`` is what ``storylens ingest`` runs. Work goes in
batches; each batch is profiled, clustered and committed as one transaction, so an
interrupted ingest resumes where it stopped, and a re-run adds nothing twice.
"""

from __future__ import annotations

import gc
import itertools
import math
import os
import time
from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storylens.article import AnalyzedArticle, Article
from storylens.cluster.assign import FUTURE_SLACK, StoryClusterer
from storylens.cluster.workers import InProcess, ProfileBackend, ProfilePool
from storylens.errors import InputError, StoreError, StorylensError
from storylens.ingest import JSONL_EXT, read_articles
from storylens.ingest.dateline import with_dateline
from storylens.settings import DEFAULTS, Settings, current
from storylens.records import CopyOf, StoryAssignment, StoryId, StoryPrediction, StoryProfile, revival_keys
from storylens.store.base import Ingested, Store

BATCH = DEFAULTS.ingest.batch_size
SEEN_LIMIT = 100_000  # ids (and contents) a run remembers; older ones are committed, and the store checks them
REVIVE_KEY_ARTICLES = 64  # a copy band or name held by more stored articles than this revives nothing,
REVIVE_KEY_STORIES = 3  # nor one held by articles of more stories than this (a name many stories share)
REVIVE_STORIES = 64  # dormant stories revived for one batch, at most: those holding most of its keys
INDEX_FILE = "hnsw"  # the clusterer's saved HNSW index beside the store (``storylens.db.hnsw``)
# Every suffix ``read_articles`` reads; a folder's other files are left alone.
ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson",
                    ".xml", ".rss", ".atom", ".rdf", ".opml", ".warc", ".warc.gz", ".arc", ".arc.gz")
Progress = Callable[[int], None]


@dataclass
class IngestReport:
    """What one ingest did; ``errors`` are the files (or records) that could not be read."""

    read: int = 0
    added: int = 0
    skipped: int = 0  # already in the store (same id, or same URL and content)
    copies: int = 0  # added as a copy of another article
    stories_opened: int = 0
    merges: int = 0
    threads_opened: int = 0
    thread_merges: int = 0
    revived: int = 0  # dormant stories brought back because the articles' copy bands or names pointed at them
    seconds: float = 0.0
    errors: list[InputError] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "errors"}
        return {**data, "articles_per_second": round(self.per_second, 1),
                "errors": [{"source": e.source, "problem": e.problem} for e in self.errors]}


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links resolved, is under ``root`` (already resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _folder_files(folder: Path) -> list[Path]:
    """The article files under a folder, sorted; hidden files and links that lead out of
    the folder are left out (a folder of downloads must not read ``/etc/passwd``)."""
    root = folder.resolve()
    found = []
    for p in folder.rglob("*"):
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        if not p.name.lower().endswith(ARTICLE_SUFFIXES) or not p.is_file():
            continue
        if p.is_symlink() and not _inside(p, root):
            continue
        found.append(p)
    return sorted(found)


def article_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file given, and every article file under each folder, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(_folder_files(path))
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(str(path), "no such file or folder")
    return out


def count_articles(files: Sequence[Path]) -> int:
    """A quick count for progress bars: lines of JSON Lines files, one per other file."""
    total = 0
    for path in files:
        if path.suffix.lower() in JSONL_EXT:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def default_workers(articles: int) -> int:
    """Worker processes worth starting for this many articles (each loads the model, ~3 s)."""
    return min(2, os.cpu_count() or 1) if articles > 1000 else 1


def _batches(articles: Iterator[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class BatchPlan:
    """One batch after the checks that need no analysis."""

    size: int  # articles in the batch, skipped ones included
    articles: list[Article]  # new to the store, in input order
    exact: dict[str, str]  # article id -> id of the earlier article with the same content
    to_profile: list[Article]
    changes: int = 0  # the store's ``changes()`` when the checks were made


def _batch_plan(size: int, articles: Iterable[Article], known: Container[str], changes: int,
            original_of: Callable[[Article], str | None]) -> BatchPlan:
    """A batch's plan: the articles not ``known`` to the store, each an exact copy of
    ``original_of(article)`` or, when that is None, one to profile."""
    plan = BatchPlan(size, [], {}, [], changes)
    for article in articles:
        if article.id in known:
            continue
        plan.articles.append(article)
        original = original_of(article)
        if original is not None:
            plan.exact[article.id] = original
        else:
            plan.to_profile.append(article)
    return plan


class StoryEngine:
    """Keeps a store's stories up to date as articles arrive.

    ``workers`` > 1 profiles batches in that many worker processes while the main process
    places and stores the previous ones; worth it from a few thousand articles on.
    """

    def __init__(self, store: Store, clusterer: StoryClusterer | None = None, batch_size: int | None = None,
                 workers: int = 1, settings: Settings | None = None, profiler: ProfileBackend | None = None) -> None:
        settings = settings or current()
        self.store = store
        self.batch_size = batch_size or settings.ingest.batch_size
        self.workers = workers
        self._profiler = profiler  # default: in this process, or a ProfilePool of ``workers`` > 1
        self._owns_profiler = profiler is None  # one this engine started is one it stops
        self.clusterer = clusterer or StoryClusterer.from_settings(settings.stories, settings.copies)
        self.revive_days = settings.stories.revive_days
        self._restore()
        self._seen: dict[str, tuple[str, str | None]] = {}  # id -> (content hash, source) in this run
        self._hashes: dict[str, str] = {}  # content hash -> id of the article profiled in this run
        self._wrote = False  # whether a batch was committed since the index was last saved

    def close(self) -> None:
        """Stop the profiling workers, if any were started, and keep the clusterer's index
        beside the store when this engine wrote (the next open loads it)."""
        path = self.store.state_path(INDEX_FILE)
        if self._wrote and path is not None and not self.store.readonly:
            try:  # the state is of every stored article unless another process wrote since it was read
                mark = self.store.articles_mark()  # before the check: a commit after it moves the mark
                self.clusterer.save_state(path, mark if self.store.changes() == self._synced else None)
            except (OSError, RuntimeError, StoreError):
                pass  # a full disk or a read-only folder: the next open rebuilds it
            self._wrote = False
        if self._owns_profiler and self._profiler is not None:
            self._profiler.close()
            self._profiler = None

    def __enter__(self) -> StoryEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start_run(self) -> None:
        """Forget which ids and contents this run has seen: repeats across runs are the
        store's to catch, and a long-lived engine (server, watch) stays small."""
        self._seen.clear()
        self._hashes.clear()

    def _restore(self) -> None:
        synced = self.store.changes()  # read first: a commit during the reads is noticed later
        self._synced = None  # until the restore is whole: a state cut short is never saved as the store's
        paused = gc.isenabled()
        gc.disable()  # millions of small objects arrive at once: the collector would rescan them all, over and over
        try:
            path = self.store.state_path(INDEX_FILE)
            threads = {"story_threads": self.store.story_threads(), "last_thread_seq": self.store.thread_seq()}
            # what the last close kept beside the store, when it is still of this store's articles
            saved = self.clusterer.saved_state(path, self.store.articles_mark()) if path is not None else None
            if saved is not None:
                self.clusterer.restore_saved(saved, self.store.story_seq(), **threads)
            else:
                self.clusterer.restore(list(self._live_profiles()), self.store.story_seq(), **threads)
        finally:
            if paused:
                gc.enable()
        self._synced = synced

    def _live_profiles(self):
        """The stored profiles a replay holds: all, or with a live window, those of the
        stories with an article within it of the store's newest believable date (not past
        now by more than ``FUTURE_SLACK``), and of the ``window_undated`` last stored."""
        window = self.clusterer.window_days
        believable = datetime.now(timezone.utc) + timedelta(seconds=FUTURE_SLACK)  # as the clusterer takes dates
        newest = self.store.newest_published(before=believable) if window else None
        if newest is None:
            return self.store.profiles()
        return self.store.profiles(since=newest - timedelta(days=window), recent=self.clusterer.window_undated)

    def _revive(self, profiles: list[StoryProfile]) -> int:
        """With a live window: bring back the dormant stories that the batch's copy bands
        and rare names point at, before it is placed; the number of stories revived. A name
        points only through articles within ``revive_days`` of the stream's newest date (or
        undated ones); a copy band, however old."""
        if not self.clusterer.window_days or not profiles:
            return 0
        keys = set()
        for profile in profiles:
            bands, names = revival_keys(profile)
            keys.update(bands + names)
        newest = self.clusterer.newest_
        names_since = (datetime.fromtimestamp(newest - self.revive_days * 86400.0, tz=timezone.utc)
                       if self.revive_days and math.isfinite(newest) else None)
        hits = self.store.stories_by_keys(sorted(keys), REVIVE_KEY_STORIES, REVIVE_KEY_ARTICLES, names_since=names_since)
        ranked = sorted(hits, key=lambda story: (-hits[story], -StoryId.parse(story).seq))  # most keys, then newest
        dormant = self.clusterer.dormant(ranked)[:REVIVE_STORIES]
        if dormant:
            self.clusterer.revive(self.store.story_profiles(dormant))
        return len(dormant)

    def plan(self, batch: list[Article], report: IngestReport) -> BatchPlan:
        """The checks that need no analysis: repeated ids, stored articles, exact copies.
        ``plan.to_profile`` are the articles to profile (here or in a worker) for ``commit``.
        An undated article takes the date of its dateline, if it has one."""
        report.read += len(batch)
        changes = self.store.changes()
        for seen in (self._seen, self._hashes):  # a long run stays small: the store has the older ones
            if len(seen) > SEEN_LIMIT:
                for key in list(itertools.islice(seen, len(seen) // 2)):
                    del seen[key]
        batch = [with_dateline(a) for a in batch]
        fresh = []
        for article in batch:
            earlier = self._seen.get(article.id)
            if earlier is None:
                self._seen[article.id] = (article.content_hash, article.source)
                fresh.append(article)
            elif earlier[0] != article.content_hash:
                raise InputError(article.source or article.id,
                                 f"duplicate id {article.id!r}, first seen in {earlier[1]} with other content")
        known = self.store.known(fresh)
        report.skipped += len(batch) - len(fresh) + len(known)
        return _batch_plan(len(batch), fresh, known, changes, self._original)

    def _original(self, article: Article) -> str | None:
        """The id of an earlier article with the same content (of this run, or stored);
        when there is none, ``article`` becomes that article for the rest of the run."""
        original = self._hashes.get(article.content_hash) or self.store.by_content(article.content_hash)
        if original is None:
            self._hashes[article.content_hash] = article.id
        return original

    def commit(self, plan: BatchPlan, profiles: list[StoryProfile], report: IngestReport) -> list[StoryAssignment]:
        """Place the profiled articles and store the whole batch (one transaction).

        Placing and storing happen under the store's write lock. When another process
        committed since this engine read the store (two ingests into one file), the stories
        are read again first and the batch's checks redone, so nothing is stored twice and
        story numbers do not collide."""
        try:
            with self.store.writing():
                changes = self.store.changes()
                if changes != self._synced:
                    self._restore()
                if changes != plan.changes:
                    plan, profiles = self._recheck(plan, profiles, report)
                items = self._place(plan, profiles, report)
                self.store.add(items)
                self._wrote = self._wrote or bool(items)
        except BaseException:
            self._restore()  # the store kept nothing of this batch: forget it too
            raise
        return [i.assignment for i in items]

    def _recheck(self, plan: BatchPlan, profiles: list[StoryProfile],
                 report: IngestReport) -> tuple[BatchPlan, list[StoryProfile]]:
        """The plan's store checks again, after another process wrote: articles it stored
        meanwhile are skipped, and copies of its articles recorded as exact copies."""
        known = self.store.known(plan.articles)
        report.skipped += len(known)
        fresh = _batch_plan(plan.size, plan.articles, known, self.store.changes(),
                        lambda a: plan.exact.get(a.id) or self.store.by_content(a.content_hash))
        keep = {a.id for a in fresh.to_profile}
        return fresh, [p for p in profiles if p.article_id in keep]

    def _place(self, plan: BatchPlan, profiles: list[StoryProfile], report: IngestReport) -> list[Ingested]:
        profile_of = {p.article_id: p for p in profiles}
        report.revived += self._revive(profiles)
        placed = {a.article_id: a for a in self.clusterer.place(profiles)}
        items: list[Ingested] = []
        in_batch: dict[str, str] = {}  # article id -> story id, for copies of articles of this batch
        for article in plan.articles:
            if article.id in plan.exact:
                original = plan.exact[article.id]
                story = (placed[original].story_id if original in placed
                         else in_batch.get(original) or self.store.story_of(original))
                assignment = StoryAssignment(article.id, story, opened=False,
                                             copy_of=CopyOf(of=original, kind="exact", overlap=1.0, containment=1.0))
                items.append(Ingested(article, None, assignment))
            else:
                assignment = placed[article.id]
                items.append(Ingested(article, profile_of[article.id], assignment))
            in_batch[article.id] = assignment.story_id
            report.added += 1
            report.copies += assignment.copy_of is not None
            report.stories_opened += assignment.opened
            report.merges += len(assignment.merged)
            report.threads_opened += assignment.thread_opened
            report.thread_merges += len(assignment.threads_merged)
        return items

    def predict(self, articles: Sequence[Article]) -> list[StoryPrediction]:
        """Where each article would go, storing nothing (a read-only store will do): the
        story and thread it would join, or None where it would open its own, the join rule's
        probability and the other candidate stories. Each is asked about on its own, against
        the store as it is; one the store has (same id, or same URL and content) is answered
        with where it is, an exact copy of a stored article with that article's story."""
        if self.store.changes() != self._synced:  # another process wrote since the state was read
            self._restore()
        articles = [with_dateline(a) for a in articles]
        known = self.store.known(articles)
        answered: dict[str, StoryPrediction] = {}
        fresh = []
        for article in articles:
            stored = article.id if known.get(article.id) == "id" else self.store.by_content(article.content_hash)
            if stored is None:
                fresh.append(article)
                continue
            story = self.store.story(self.store.story_of(stored)).story
            copy_of = None if article.id in known else CopyOf(of=stored, kind="exact", overlap=1.0, containment=1.0)
            answered[article.id] = StoryPrediction(article.id, story.id, None, copy_of, story.thread_id,
                                                   stored=article.id in known)
        profiles = [p for _, batch in self._profiler_now().map([(None, fresh)]) for p in batch] if fresh else []
        self._revive(profiles)
        answered.update((p.article_id, p) for p in self.clusterer.predict(profiles))
        return [answered[a.id] for a in articles]

    def _profiler_now(self) -> ProfileBackend:
        if self._profiler is None:  # kept for the engine's life: workers load the model once
            self._profiler = ProfilePool(self.workers) if self.workers > 1 else InProcess()
        return self._profiler

    def ingest_articles(self, articles: Iterable[Article], progress: Progress | None = None,
                        report: IngestReport | None = None,
                        on_batch: Callable[[list[StoryAssignment]], None] | None = None) -> IngestReport:
        """Add articles already read: plan -> profile (the engine's ``ProfileBackend``) ->
        place -> write, batch by batch; ``on_batch(assignments)`` after each commit. The CLI,
        ``watch``, the server and ``eval clusters`` all come through here."""
        self.start_run()
        report = report if report is not None else IngestReport()
        start = time.perf_counter()
        batches = _batches(iter(articles), self.batch_size)
        profiler = self._profiler_now()
        plans = ((plan, plan.to_profile) for plan in (self.plan(b, report) for b in batches))
        try:
            for plan, profiles in profiler.map(plans):
                placed = self.commit(plan, profiles, report)
                if on_batch:
                    on_batch(placed)
                if progress:
                    progress(plan.size)
        except StorylensError:
            raise  # refused input or a store fault: the backend is sound
        except BaseException:
            profiler.close()  # profiles still in flight belong to batches that will not be committed
            raise
        report.seconds = time.perf_counter() - start
        return report

    def ingest(self, paths: Iterable[str | Path], progress: Progress | None = None, strict: bool = False) -> IngestReport:
        """Read every article under ``paths`` into the store; ``progress(n)`` after each batch.

        A file that cannot be read is noted in ``report.errors`` and the rest go on (a file
        that fails part-way keeps the articles read before the failure); ``strict`` raises
        the first ``InputError`` instead."""
        report = IngestReport()
        return self.ingest_articles(_read_files(article_files(paths), report, strict), progress, report)


def _read_files(files: Iterable[Path], report: IngestReport, strict: bool) -> Iterator[Article]:
    for path in files:
        try:
            yield from read_articles(path)
        except InputError as exc:
            if strict:
                raise
            report.errors.append(exc)


def story_analyses(store: Store, story_id: str) -> tuple[list[AnalyzedArticle], dict[str, CopyOf]]:
    """Full analyses of a story's articles (stored ones reused, the rest analysed and kept),
    and its copies: article id -> what it copies."""
    from storylens.analyze import Analyzer

    stored = store.story_articles(story_id)
    cached = store.analyses([s.article.id for s in stored])
    missing = [s.article for s in stored if s.article.id not in cached]
    if missing:
        fresh = Analyzer().analyze_many(missing)
        if not store.readonly:
            store.save_analyses(fresh)
        cached.update((x.id, x) for x in fresh)
    copies = {s.article.id: s.copy_of for s in stored if s.copy_of}
    return [cached[s.article.id] for s in stored], copies
