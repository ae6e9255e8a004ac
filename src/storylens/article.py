"""The data that flows between stages: frozen, typed records.

``Article`` (what a reader produces) -> ``AnalyzedArticle`` (what analysis adds)
-> ``Comparison`` (in ``storylens.match.comparison``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass(frozen=True)
class Article:
    """One news article as read from a file, record or page."""

    id: str
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    language: str | None = None  # as declared by the source; analysis detects its own
    authors: tuple[str, ...] = ()
    source: str | None = None  # where it was read from (path, path#id, URL)

    @property
    def content_hash(self) -> str:
        """SHA-1 of title and text: the identity of the content, whatever its id."""
        return hashlib.sha1(f"{self.title}\n{self.text}".encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        """A short human name: outlet, else title, else id."""
        return self.outlet or (self.title[:60] if self.title else self.id)


@dataclass(frozen=True)
class Paragraph:
    """A block of the body with its role: content, or a kind of boilerplate."""

    text: str
    role: str = "content"  # content | byline | caption | footer | fragment | repeated


@dataclass(frozen=True)
class Sentence:
    """A content sentence; ``index`` counts content sentences from 0."""

    index: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Entity:
    """A named entity of one article with every surface form it appears as.

    ``key`` is a spelling-insensitive key (see ``storylens.analyze.names``);
    mentions whose keys are compatible were merged into this one entity.
    """

    name: str
    type: str  # PERSON | ORG | PLACE | GROUP | EVENT | NAME (type unknown)
    variants: tuple[str, ...]
    key: str
    mentions: int = 1


@dataclass(frozen=True)
class Quote:
    """A direct quotation with who said it and which source the article credits."""

    text: str
    sentence: int  # index of the content sentence where it starts
    speaker: str | None = None
    source: str | None = None  # wire or outlet credited: "Reuters", "TASS"
    confidence: float | None = None  # of the speaker, 0..1; None when not measured (older stores)


@dataclass(frozen=True)
class Mention:
    """A date or number mentioned in the text, normalised for matching."""

    text: str
    kind: str  # date | number
    value: str  # normalised: "2015-09-17", "2015", "09-17", "3", "40000000"


@dataclass(frozen=True, eq=False)
class AnalyzedArticle:
    """An article with everything analysis computed once for reuse."""

    article: Article
    language: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    sentence_embeddings: np.ndarray  # (n_sentences, 512), L2-normalised
    doc_embedding: np.ndarray  # (512,), L2-normalised
    title_embedding: np.ndarray  # (512,), title + lead, L2-normalised
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def content(self) -> str:
        """The body without boilerplate, paragraphs separated by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs if p.role == "content")

    @property
    def boilerplate(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.role != "content")
