"""The records that cross the story engine's stage boundaries, one form per concept.

Profiling makes a ``StoryProfile`` (with its ``Fingerprint``); the clusterer turns it into
a ``StoryAssignment`` (with the ``CopyOf`` naming what it copies, if any, and the thread its story
is in); the store keeps both. A story is named by a ``StoryId``, a thread by a ``ThreadId``. Frozen, and importing numpy only: a store, a worker or
a Spark job can read them without loading a model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

NUM_PERM = 128  # MinHash values of a fingerprint (not a setting: stored fingerprints have this many)
DIM = 512  # the sentence encoder's vectors (USE v3): of profiles, sentences, titles and whole texts


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What the store keeps per article to find its copies (``match.duplicates``)."""

    hashvalues: np.ndarray  # (NUM_PERM,) uint64 MinHash values
    size: int  # number of distinct shingles

    def to_bytes(self) -> bytes:
        """The hash values as little-endian uint64, ``NUM_PERM * 8`` bytes."""
        return self.hashvalues.astype("<u8", copy=False).tobytes()

    @classmethod
    def from_bytes(cls, raw: bytes, size: int) -> Fingerprint:
        """The inverse of ``to_bytes``; ``size`` is kept beside the bytes."""
        if len(raw) != NUM_PERM * 8:
            raise ValueError(f"a fingerprint is {NUM_PERM * 8} bytes ({NUM_PERM} uint64 values), got "
                             f"{len(raw)}: recompute it with fingerprint(text)")
        return cls(np.frombuffer(raw, dtype="<u8").astype(np.uint64), int(size))


@dataclass(frozen=True, eq=False)
class StoryProfile:
    """What the story engine keeps of an article to place it in a story (``cluster.profile``)."""

    article_id: str
    language: str
    published: datetime | None
    vector: np.ndarray  # (512,) unit vector of title + lead
    keys: frozenset[str]  # spelling-insensitive name keys: whole names and surnames
    numbers: frozenset[str]  # normalised numbers and dates
    fingerprint: Fingerprint
    terms: frozenset[str] = frozenset()  # content-word stems (``content_terms``)
    outlet: str | None = None  # the outlet's name, lower case


REVIVAL_BANDS = 8  # copy bands (the first MinHash values) a dormant story is found again by


def revival_keys(profile: StoryProfile) -> tuple[list[str], list[str]]:
    """What points a new article at a dormant story, as the store keeps it: (copy bands,
    ``#band:HEX`` of the first ``REVIVAL_BANDS`` MinHash values; multi-word name keys)."""
    raw = profile.fingerprint.to_bytes()
    bands = [f"#{b}:{raw[8 * b:8 * b + 8].hex().upper()}" for b in range(REVIVAL_BANDS)] if profile.fingerprint.size else []
    return bands, sorted(k for k in profile.keys if " " in k)


@dataclass(frozen=True)
class CopyOf:
    """The earlier article an article copies, and how much of it: the one form of a copy,
    found by the engine, stored, listed and reported."""

    of: str  # the earlier article's id
    kind: str  # exact | near | partial
    overlap: float | None = None  # estimated Jaccard of the two shingle sets
    containment: float | None = None  # estimated share of the smaller article's shingles in the other (not stored)


def shown_overlap(copy: CopyOf | None) -> float | None:
    """A copy's overlap as the JSON gives it (3 places); None without a copy or an overlap."""
    return None if copy is None or copy.overlap is None else round(copy.overlap, 3)


def copy_fields(copy: CopyOf | None) -> dict[str, str | float | None]:
    """An article's copy as its JSON fields (``duplicate_of``, ``duplicate_kind``, ``overlap``):
    the one place the API's names for them are written."""
    return {"duplicate_of": copy.of if copy else None, "duplicate_kind": copy.kind if copy else None,
            "overlap": shown_overlap(copy)}


@dataclass(frozen=True, order=True)
class _NumberedId:
    """A number written with a letter before it: the one place those formats are made and read."""

    seq: int
    PREFIX = ""
    KIND = ""

    def __str__(self) -> str:
        return f"{self.PREFIX}{self.seq:06d}"

    @classmethod
    def written(cls, text: object) -> bool:
        """Whether ``text`` is written as such an id."""
        # what the pattern PREFIX + \d{6,} matches, without a regex: opening a store parses ids by the 100,000
        digits = text[len(cls.PREFIX):] if isinstance(text, str) and text.startswith(cls.PREFIX) else ""
        return len(digits) >= 6 and digits.isdecimal()

    @classmethod
    def parse(cls, text: str):
        """``s000042`` -> StoryId(42), ``t000042`` -> ThreadId(42); ValueError for anything else."""
        return cls(cls.number(text))

    @classmethod
    def number(cls, text: str) -> int:
        """``parse(text).seq`` without making the id (a store opens with 50,000 of them)."""
        if not cls.written(text):
            raise ValueError(f"not a {cls.KIND} id: {text!r} ({cls.KIND} ids look like {cls(42)})")
        return int(text[len(cls.PREFIX):])


@dataclass(frozen=True, order=True)
class StoryId(_NumberedId):
    """A story's number, written ``s000042``: the articles that report one event."""

    PREFIX = "s"
    KIND = "story"


@dataclass(frozen=True, order=True)
class ThreadId(_NumberedId):
    """A thread's number, written ``t000042``: the events that form one developing story."""

    PREFIX = "t"
    KIND = "thread"


@dataclass(frozen=True)
class StoryPrediction:
    """Where an article would go (``StoryEngine.predict``): nothing is stored, and the
    clusterer is left as it was."""

    article_id: str
    story_id: str | None  # the story it would join; None: it would open a story of its own
    score: float | None  # the join rule's probability for that story (None for a copy or a new story)
    copy_of: CopyOf | None  # the stored article it copies: it would join that one's story
    thread_id: str | None  # that story's thread, or the thread a new story would be linked into; None: a new one
    candidates: tuple[tuple[str, float], ...] = ()  # candidate stories and the rule's probability, best first
    stored: bool = False  # already in the store (same id, or same URL and content): where it is

    def to_dict(self) -> dict[str, object]:
        return {"id": self.article_id, "story_id": self.story_id, "score": self.score, "thread_id": self.thread_id,
                "stored": self.stored, **copy_fields(self.copy_of),
                "candidates": [{"story_id": s, "score": p} for s, p in self.candidates]}


def story_name(seq: int) -> str:
    """The id of story number ``seq`` as the store and the API write it."""
    return str(StoryId(seq))


def thread_name(seq: int) -> str:
    """The id of thread number ``seq``."""
    return str(ThreadId(seq))


@dataclass(frozen=True)
class StoryAssignment:
    """Where one article went: its story, how it got there, and any merge it caused."""

    article_id: str
    story_id: str
    opened: bool  # True when the article opened a new story
    score: float | None = None  # join probability (None when opened or copied)
    copy_of: CopyOf | None = None  # the earlier article this one copies
    merged: tuple[str, ...] = field(default=())  # stories folded into ``story_id`` by this article
    thread_id: str | None = None  # the thread of ``story_id`` after this article
    thread_opened: bool = False  # True when the article's story opened a new thread
    threads_merged: tuple[str, ...] = field(default=())  # threads folded into ``thread_id`` by this article
    linked_story: str | None = None  # the earlier story that took a newly opened story into its thread
    link_score: float | None = None  # the thread rule's probability for that link


@dataclass(frozen=True)
class Validators:
    """What a server said about a resource's version, for a conditional request: the fetcher
    sends them back, the store's fetch log keeps them."""

    etag: str | None = None
    last_modified: str | None = None
