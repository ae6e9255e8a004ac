"""The records that cross the story engine's stage boundaries, one form per concept.

Profiling makes a ``StoryProfile`` (with its ``Fingerprint``); the clusterer turns it into
a ``StoryAssignment`` (with the ``Duplicate`` it copies, if any); the store keeps both.
A story is named by a ``StoryId``. Frozen, and importing numpy only: a store, a worker or
a Spark job can read them without loading a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

NUM_PERM = 128  # MinHash values of a fingerprint


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


@dataclass(frozen=True)
class Duplicate:
    """The earlier article a new one copies, and how much of it."""

    of: str  # the earlier article (its id; the clusterer's index key inside ``DuplicateIndex``)
    kind: str  # exact | near | partial
    overlap: float  # estimated Jaccard of the two shingle sets
    containment: float  # estimated share of the smaller article's shingles found in the other


_STORY_ID = re.compile(r"s(\d{6,})")


@dataclass(frozen=True, order=True)
class StoryId:
    """A story's number, written ``s000042``: the one place that format is made and read."""

    seq: int

    def __str__(self) -> str:
        return f"s{self.seq:06d}"

    @classmethod
    def parse(cls, text: str) -> StoryId:
        """``s000042`` -> StoryId(42); ValueError for anything else."""
        found = _STORY_ID.fullmatch(text)
        if found is None:
            raise ValueError(f"not a story id: {text!r} (story ids look like s000042)")
        return cls(int(found.group(1)))


def story_name(seq: int) -> str:
    """The id of story number ``seq`` as the store and the API write it."""
    return str(StoryId(seq))


@dataclass(frozen=True)
class StoryAssignment:
    """Where one article went: its story, how it got there, and any merge it caused."""

    article_id: str
    story_id: str
    opened: bool  # True when the article opened a new story
    score: float | None = None  # join probability (None when opened or copied)
    duplicate: Duplicate | None = None
    merged: tuple[str, ...] = field(default=())  # stories folded into ``story_id`` by this article
