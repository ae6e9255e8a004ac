"""The records of a coverage report: frozen, typed, each with its JSON form.

Articles are referred to by ``article`` (the article id, unique in a report) and shown
with ``outlet`` (the article's label: its outlet, else its title, else its id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storylens.records import CopyOf, shown_overlap


@dataclass(frozen=True)
class Outlet:
    """One article of the story, as the report lists it."""

    article: str
    outlet: str
    title: str
    language: str
    published: str | None  # ISO 8601, or None when undated
    url: str | None
    source: str | None
    sentences: int
    copy_of: CopyOf | None = None  # the article this one copies (wire copy), when known

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "title": self.title, "language": self.language,
                "published": self.published, "url": self.url, "source": self.source, "sentences": self.sentences,
                "copy_of": self.copy_of.of if self.copy_of else None,
                "copy_kind": self.copy_of.kind if self.copy_of else None, "copy_overlap": shown_overlap(self.copy_of)}


@dataclass(frozen=True)
class Citation:
    """One article's sentence that carries a fact."""

    article: str
    outlet: str
    language: str
    sentence: int  # index of the content sentence in its article
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "language": self.language,
                "sentence": self.sentence, "text": self.text}


@dataclass(frozen=True)
class Fact:
    """A statement that several outlets make: sentences aligned across articles."""

    id: str  # "F1", "F2", ... in the report's order
    support: int  # independent outlets carrying it (a wire copy counts with its original)
    text: str  # the representative sentence, verbatim
    language: str
    article: str  # the representative sentence's article
    citations: tuple[Citation, ...]  # one sentence per carrying article, in article order
    variants: tuple[Citation, ...] = ()  # aligned sentences stating other quantities or dates
    checked: int = 0  # other articles' sentences the alignment proposed as citations
    supported: int = 0  # of those, the ones that report the same claim (cited)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "support": self.support, "text": self.text, "language": self.language,
                "article": self.article, "outlets": [c.article for c in self.citations],
                "citations": [c.to_dict() for c in self.citations],
                "variants": [c.to_dict() for c in self.variants]}


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of the summary, verbatim, with every outlet that reports its fact."""

    text: str
    article: str
    outlet: str
    sentence: int
    support: int
    fact: str | None  # the id of its fact in ``facts``, or None when one outlet alone reports it
    citations: tuple[Citation, ...]
    checked: int = 0  # other articles' sentences the alignment proposed as citations
    supported: int = 0  # of those, the ones that report the same claim (cited)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "article": self.article, "outlet": self.outlet, "sentence": self.sentence,
                "support": self.support, "fact": self.fact, "cited": [c.article for c in self.citations],
                "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class QuoteCarrier:
    """One article that prints a quote: how it credits it."""

    article: str
    outlet: str
    speaker: str | None  # as the article names the speaker
    source: str | None  # wire or outlet the article credits

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "speaker": self.speaker, "source": self.source}


@dataclass(frozen=True)
class QuoteWording:
    """One wording of a quote and the articles that print it word for word."""

    text: str
    language: str
    identical: bool  # same words as the quote's reference wording
    changes: tuple[tuple[str, str], ...]  # differing word runs (reference, this); empty across languages
    spans: tuple[tuple[int, int], ...]  # character spans of this wording's changed words
    carriers: tuple[QuoteCarrier, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "language": self.language, "identical": self.identical,
                "changes": [{"a": a, "b": b} for a, b in self.changes], "spans": [list(s) for s in self.spans],
                "carriers": [c.to_dict() for c in self.carriers]}


@dataclass(frozen=True)
class StoryQuote:
    """A quotation as the story's outlets print it."""

    speaker: str | None
    text: str  # the reference wording: the one most outlets print
    outlets: int  # articles printing it
    sources: tuple[str, ...]  # every wire or outlet credited, in first-seen order
    wordings: tuple[QuoteWording, ...]  # the reference first

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "text": self.text, "outlets": self.outlets, "sources": list(self.sources),
                "variants": [w.to_dict() for w in self.wordings]}


@dataclass(frozen=True)
class StoryEntity:
    """A person, place or organisation with every spelling the outlets use."""

    name: str
    type: str  # PERSON | ORG | PLACE | GROUP | EVENT | NAME
    variants: tuple[str, ...]
    mentions: int
    counts: tuple[tuple[str, int], ...]  # (article, mentions) for each article naming it

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "variants": list(self.variants), "mentions": self.mentions,
                "outlets": len(self.counts), "counts": dict(self.counts)}


@dataclass(frozen=True)
class OutletAdds:
    """What one outlet reports that no other (independent) outlet does."""

    article: str
    outlet: str
    sentences: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet,
                "sentences": [{"sentence": c.sentence, "text": c.text} for c in self.sentences]}


@dataclass(frozen=True)
class TermContrast:
    """Two outlets' words for the same thing in the same statement."""

    a: str
    b: str
    articles_a: tuple[str, ...]
    articles_b: tuple[str, ...]
    origin: str  # fact (aligned sentences) | quote (wordings of one quote) | lexicon: <referent>
    context_a: str
    context_b: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "articles_a": list(self.articles_a), "articles_b": list(self.articles_b),
                "origin": self.origin, "context_a": self.context_a, "context_b": self.context_b}


@dataclass(frozen=True)
class Tone:
    """A lexicon tone reading of one article (see ``coverage.tone``)."""

    article: str
    outlet: str
    language: str
    words: int
    positive: int
    negative: int
    score: float | None  # (positive - negative) per 100 words; None when the language has no lexicon
    label: str  # negative | neutral | positive | unknown
    examples: tuple[str, ...]  # the loaded words found, most frequent first

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "language": self.language, "words": self.words,
                "positive": self.positive, "negative": self.negative,
                "score": None if self.score is None else round(self.score, 2), "label": self.label,
                "examples": list(self.examples)}


@dataclass(frozen=True)
class TimelineEntry:
    """One original report in time order, with the copies of it folded under it."""

    article: str
    outlet: str
    title: str
    language: str
    published: str | None
    copies: tuple[Outlet, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "outlet": self.outlet, "title": self.title, "language": self.language,
                "published": self.published,
                "copies": [{"article": c.article, "outlet": c.outlet, "published": c.published,
                            "kind": c.copy_of.kind if c.copy_of else None, "overlap": shown_overlap(c.copy_of)}
                           for c in self.copies]}
