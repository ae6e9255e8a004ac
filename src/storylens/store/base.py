"""What the story store holds and answers, whatever keeps it (SQLite by default).

Records returned by a store are frozen dataclasses; only the store writes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storylens.article import AnalyzedArticle, Article
from storylens.errors import ConfigError
from storylens.records import CopyOf, StoryAssignment, StoryProfile, copy_fields


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class StoryMember:
    """One article as listed under its story."""

    id: str
    title: str
    outlet: str | None
    url: str | None
    language: str
    published: datetime | None
    copy_of: CopyOf | None  # the earlier article it copies
    score: float | None  # how strongly it joined the story (None: it opened the story)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "outlet": self.outlet, "url": self.url, "language": self.language,
                "published": _jsonable(self.published), **copy_fields(self.copy_of), "score": self.score}


@dataclass(frozen=True)
class Story:
    """A story: the articles that report one event, with their outlets, languages and span."""

    id: str
    title: str
    articles: int
    reports: int  # articles that are not copies of another
    copies: int
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    first_published: datetime | None
    last_published: datetime | None
    updated_at: str
    thread_id: str | None = None  # the thread (developing story) this event is a step of

    def to_dict(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Thread:
    """A thread: the stories (events) that form one developing story."""

    id: str
    title: str
    stories: int
    articles: int
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    first_published: datetime | None
    last_published: datetime | None
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ThreadStory:
    """One step of a thread: a story, its first report, and what linked it in."""

    story: Story
    lead: StoryMember  # the story's first report (the earliest article that is not a copy)
    lead_text: str  # the start of that report's text
    linked_story: str | None  # the story whose evidence took this one into the thread (None: it opened it)
    link_score: float | None  # the thread rule's probability for that link
    article_ids: tuple[str, ...] = ()  # the story's articles, in time order


@dataclass(frozen=True)
class ThreadDetail:
    thread: Thread
    steps: tuple[ThreadStory, ...]  # in time order
    merged_from: tuple[str, ...]  # ids of threads merged into this one


@dataclass(frozen=True)
class ThreadPage:
    """One page of the thread list and how many threads match in all."""

    total: int
    limit: int
    offset: int
    threads: list[Thread]


@dataclass(frozen=True)
class StoryDetail:
    story: Story
    members: tuple[StoryMember, ...]
    merged_from: tuple[str, ...]  # ids of stories merged into this one

    @property
    def evidence(self) -> dict[str, Any]:
        """What the story's grouping could rest on (``analyze.embed.evidence_basis``)."""
        from storylens.analyze.embed import evidence_basis

        return evidence_basis(self.story.languages)

    def to_dict(self) -> dict[str, Any]:
        return {**self.story.to_dict(), "merged_from": list(self.merged_from), "evidence": self.evidence,
                "members": [m.to_dict() for m in self.members]}


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, with where it sits: its story and what it copies."""

    article: Article
    story_id: str
    language: str
    copy_of: CopyOf | None  # the earlier article it copies


@dataclass(frozen=True)
class Ingested:
    """One new article as the store records it."""

    article: Article
    profile: StoryProfile | None  # None for an exact copy of a stored article
    assignment: StoryAssignment


@dataclass(frozen=True)
class StoryPage:
    """One page of the story list and how many stories match in all."""

    total: int
    limit: int
    offset: int
    stories: list[Story]

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "offset": self.offset,
                "stories": [s.to_dict() for s in self.stories]}


class Store(ABC):
    """A persistent collection of articles, their profiles and their stories. Every backend
    passes the same contract tests (``tests/test_store_contract.py``)."""

    readonly: bool = False  # True for a store opened only to read (nothing is written to it)

    @abstractmethod
    def known(self, articles: Sequence[Article]) -> dict[str, str]:
        """For each article already stored (same id, or same URL and content), why: ``id`` or ``url``."""

    @abstractmethod
    def by_content(self, content_hash: str) -> str | None:
        """The id of the first stored article with this content, if any."""

    @abstractmethod
    def story_of(self, article_id: str) -> str:
        """The story id of a stored article."""

    @abstractmethod
    def add(self, batch: Sequence[Ingested]) -> None:
        """Record a batch in one transaction: all of it or none."""

    def changes(self) -> int:
        """A number that changes when another process commits to the store (so that a
        writer's picture of the stories is stale); a store only this process writes: 0."""
        return 0

    def reader(self) -> Store:
        """Another handle on this store, read-only, for one more thread: what it reads is
        what is committed, and its ``changes`` moves with every commit, this handle's too
        (the server gives each thread one, and watches one for writes). A backend without
        such handles cannot be served: ``ConfigError``."""
        raise ConfigError(f"a {type(self).__name__} opens no read-only handles: the server cannot serve it")

    def writing(self) -> AbstractContextManager:
        """Hold the store's write lock for the block (``add`` joins its transaction): what a
        writer reads inside is what it writes over. A store without one: a no-op."""
        return nullcontext(self)

    @abstractmethod
    def profiles(self, since: datetime | None = None, recent: int = 0) -> Iterator[tuple[StoryProfile, str]]:
        """Every stored profile with its story id, in ingest order; with ``since``, only those
        of the stories with an article published since then or among the ``recent`` last
        stored (the clusterer's live window)."""

    def profiles_of(self, article_ids: Sequence[str]) -> list[tuple[StoryProfile, str]]:
        """The stored profiles of these articles with their story ids, in the order given;
        an id without a stored profile is left out."""
        wanted = {aid: k for k, aid in enumerate(article_ids)}
        found = [(p, s) for p, s in self.profiles() if p.article_id in wanted]
        return sorted(found, key=lambda pair: wanted[pair[0].article_id])

    def articles_mark(self) -> str | None:
        """A token that changes whenever an article is stored or removed (None: the store
        cannot tell): saved clusterer state is trusted only while it is the same."""
        return None

    def story_profiles(self, story_ids: Sequence[str]) -> list[tuple[StoryProfile, str]]:
        """The profiles of these (live) stories' articles, with their story ids, in ingest order."""
        raise NotImplementedError(f"{type(self).__name__} keeps no profiles to revive stories from")

    def stories_by_keys(self, keys: Sequence[str], max_stories: int, max_articles: int,
                        names_since: datetime | None = None) -> dict[str, int]:
        """The stories of the stored articles that hold some of ``keys`` (``records.revival_keys``),
        each with how many of them it holds, counting only the keys held by at most
        ``max_articles`` articles of at most ``max_stories`` stories (a common key, or one
        many stories share, points at nothing). With ``names_since``, a name (a key that is
        not a copy band) points only through articles published since then, or undated."""
        return {}

    def newest_published(self, before: datetime | None = None) -> datetime | None:
        """The latest publication time of a stored article, of those before ``before`` when
        given (None when none is dated)."""
        return None

    @abstractmethod
    def story_seq(self) -> int:
        """The highest story number handed out so far (0 for an empty store)."""

    @abstractmethod
    def stories(self, language: str | None = None, since: datetime | None = None,
                limit: int | None = None, offset: int = 0) -> list[Story]:
        """Live stories (not merged away), most recently updated first."""

    @abstractmethod
    def story(self, story_id: str) -> StoryDetail:
        """One story with its members; a merged-away id leads to the story it joined."""

    @abstractmethod
    def story_articles(self, story_id: str) -> list[StoredArticle]:
        """The articles of a story (a merged-away id leads to its survivor), in time order."""

    @abstractmethod
    def analyses(self, article_ids: Sequence[str]) -> dict[str, AnalyzedArticle]:
        """Full analyses stored for these articles by this version of the analysis."""

    @abstractmethod
    def save_analyses(self, analysed: Sequence[AnalyzedArticle]) -> None:
        """Keep full analyses so that nothing is analysed twice (one transaction)."""

    @abstractmethod
    def article_stories(self) -> dict[str, str]:
        """Article id -> story id, for every stored article."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Numbers of articles, stories and copies."""

    # -- the queries the CLI and the server need ---------------------------------------
    def snapshot(self) -> AbstractContextManager:
        """Run the reads inside the block against one committed state of the store (a
        store that changes only under this process: a no-op)."""
        return nullcontext(self)

    @abstractmethod
    def find_stories(self, *, language: str | None = None, outlet: str | None = None,
                     since: datetime | None = None, until: datetime | None = None, q: str | None = None,
                     limit: int = 50, offset: int = 0) -> StoryPage:
        """Live stories, most recently updated first, filtered and paged: ``language``/``outlet``:
        a member article has it (outlet case-insensitively); ``since``/``until``: the story's
        publication span overlaps the range; ``q``: the words occur (case-insensitively) in
        the story's title or a member's title."""

    @abstractmethod
    def story_threads(self) -> dict[str, str]:
        """Story id -> thread id, for every live story."""

    @abstractmethod
    def thread_seq(self) -> int:
        """The highest thread number handed out so far (0 for an empty store)."""

    @abstractmethod
    def threads(self, *, language: str | None = None, since: datetime | None = None, q: str | None = None,
                limit: int = 50, offset: int = 0) -> ThreadPage:
        """Live threads, most recently updated first, filtered and paged: ``language``, a
        member article has it; ``since``, an article on or after it; ``q``, the words occur
        in the thread's title or a member's title."""

    @abstractmethod
    def thread(self, thread_id: str) -> ThreadDetail:
        """One thread with its stories in time order; a merged-away id leads to its survivor."""

    @abstractmethod
    def thread_stories(self, thread_id: str) -> list[Story]:
        """The stories of ``thread`` alone, in the same order, without leads or members."""

    @abstractmethod
    def stored_article(self, article_id: str) -> dict[str, Any]:
        """One stored article as a JSON-ready dict (the fields of a JSONL record, plus its story)."""

    @abstractmethod
    def languages(self) -> list[tuple[str, int]]:
        """The articles' detected languages with their article counts, most common first."""

    def story_version(self, story_id: str) -> tuple[str, int, str]:
        """(live story id, member count, last update): changes whenever the story does."""
        detail = self.story(story_id)
        return detail.story.id, detail.story.articles, detail.story.updated_at

    def analysed_ids(self, article_ids: Sequence[str]) -> set[str]:
        """The ids among ``article_ids`` whose full analysis (this analysis version) is stored."""
        return set(self.analyses(article_ids))

    def state_path(self, name: str) -> Path | None:
        """A file beside the store where a writer may keep derived state (the clusterer's
        index): ``None`` for a store that has no folder."""
        return None

    def fetch_log(self):
        """What the fetcher remembers between runs (``store/fetch_state.FetchLog``); a store
        that cannot keep it gives one in memory."""
        from storylens.store.fetch_state import FetchLog

        return FetchLog()

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
