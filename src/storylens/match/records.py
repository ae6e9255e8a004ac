"""The records of a comparison of two articles: frozen, typed, each with its JSON form.

``compare`` fills them; the terminal renderer, the web page and the API read them, and
``to_dict`` is called only where JSON is written (docs/compare.md has the JSON form).
Entities and quotes found in one article alone are the analysis records themselves
(``article.Entity``, ``article.Quote``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storylens.article import AnalyzedArticle, Entity, Quote


@dataclass(frozen=True)
class ComparedArticle:
    """One side of a comparison, as the report names it."""

    id: str
    title: str
    outlet: str | None
    url: str | None
    published: str | None  # ISO 8601, or None when undated
    language: str | None
    source: str | None
    sentences: int

    @classmethod
    def of(cls, x: AnalyzedArticle) -> ComparedArticle:
        article = x.article
        return cls(id=article.id, title=article.title, outlet=article.outlet, url=article.url,
                   published=article.published.isoformat() if article.published else None,
                   language=x.language, source=article.source, sentences=len(x.sentences))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "outlet": self.outlet, "url": self.url,
                "published": self.published, "language": self.language, "source": self.source,
                "sentences": self.sentences}


def entity_json(entity: Entity | SharedEntity) -> dict[str, Any]:
    return {"name": entity.name, "variants": list(entity.variants), "type": entity.type}


@dataclass(frozen=True)
class SharedEntity:
    """A person, place or organisation both articles name: the fuller name, both articles'
    spellings, the more specific type."""

    name: str
    type: str
    variants: tuple[str, ...]

    @classmethod
    def of(cls, ea: Entity, eb: Entity) -> SharedEntity:
        name = max((ea.name, eb.name), key=lambda n: (len(n.split()), n == ea.name))
        types = (ea.type, eb.type)
        kind = "PERSON" if "PERSON" in types else ea.type if ea.type != "NAME" else eb.type
        return cls(name=name, type=kind, variants=tuple(dict.fromkeys([*ea.variants, *eb.variants])))

    def to_dict(self) -> dict[str, Any]:
        return entity_json(self)


@dataclass(frozen=True)
class SharedQuote:
    """A quotation both articles print, in each one's wording."""

    a: Quote
    b: Quote
    speaker: str | None  # the shared person's fuller name when both articles agree on who it is
    identical: bool  # same words
    score: float
    changes: tuple[tuple[str, str], ...]  # differing word runs (a's, b's); empty across languages

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a.text, "b": self.b.text, "identical": self.identical, "speaker": self.speaker,
                "speaker_a": self.a.speaker, "speaker_b": self.b.speaker,
                "source_a": self.a.source, "source_b": self.b.source, "score": round(self.score, 3),
                "changes": [{"a": a, "b": b} for a, b in self.changes]}


def quote_json(quote: Quote) -> dict[str, Any]:
    return {"text": quote.text, "speaker": quote.speaker, "source": quote.source}


@dataclass(frozen=True)
class AlignedSentences:
    """A sentence of each article that says the same thing."""

    a: str
    b: str
    score: float  # the sentence vectors' cosine

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": round(self.score, 3)}


@dataclass(frozen=True)
class EntityMatch:
    shared: tuple[SharedEntity, ...]
    only_a: tuple[Entity, ...]
    only_b: tuple[Entity, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"shared": [e.to_dict() for e in self.shared], "only_a": [entity_json(e) for e in self.only_a],
                "only_b": [entity_json(e) for e in self.only_b]}


@dataclass(frozen=True)
class QuoteMatch:
    shared: tuple[SharedQuote, ...]
    only_a: tuple[Quote, ...]
    only_b: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"shared": [q.to_dict() for q in self.shared], "only_a": [quote_json(q) for q in self.only_a],
                "only_b": [quote_json(q) for q in self.only_b]}
