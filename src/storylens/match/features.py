"""Pair features: the numbers a scorer turns into similarity and the SemEval dimensions."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from storylens.article import AnalyzedArticle, Entity, Mention

CONTENT_TYPES = ("PERSON", "ORG", "NAME", "EVENT")
PLACE_TYPES = ("PLACE",)


@dataclass(frozen=True)
class PairFeatures:
    doc_cosine: float
    title_cosine: float
    sentence_best_mean: float
    aligned_share_a: float
    aligned_share_b: float
    entity_overlap: float  # Dice over people, organisations and unknown-type names
    place_overlap: float  # Dice over places; -1 when neither names a place
    quote_overlap: float  # Dice over quotes; -1 when neither quotes anyone
    date_overlap: float  # Dice over dates and weekdays; -1 when neither has any
    number_overlap: float  # Dice over numbers; -1 when neither has any
    days_apart: float  # publication dates; -1 when unknown
    length_ratio: float  # shorter / longer, in words
    same_language: float

    def as_vector(self) -> np.ndarray:
        return np.array(list(asdict(self).values()), dtype=np.float64)

    @classmethod
    def names(cls) -> list[str]:
        return list(cls.__dataclass_fields__)


def dice(shared: int, na: int, nb: int) -> float:
    """2|A∩B| / (|A|+|B|), or -1 when both sets are empty (no evidence either way)."""
    return -1.0 if na + nb == 0 else 2 * shared / (na + nb)


def _typed(entities: tuple[Entity, ...], types: tuple[str, ...]) -> set[str]:
    return {e.key for e in entities if e.type in types}


def _values(mentions: tuple[Mention, ...], kinds: tuple[str, ...]) -> set[str]:
    return {m.value for m in mentions if m.kind in kinds}


def set_overlap(a: set[str], b: set[str]) -> float:
    return dice(len(a & b), len(a), len(b))


def pair_features(
    a: AnalyzedArticle, b: AnalyzedArticle, aligned: int, shared_entities: list, shared_quotes: int,
    sentence_best_mean: float,
) -> PairFeatures:
    """Features of one pair, given the alignment and matches already computed."""
    na, nb = max(len(a.sentences), 1), max(len(b.sentences), 1)
    content_a = [e for e in a.entities if e.type in CONTENT_TYPES]
    content_b = [e for e in b.entities if e.type in CONTENT_TYPES]
    shared_content = sum(1 for ea, eb in shared_entities if ea.type in CONTENT_TYPES or eb.type in CONTENT_TYPES)
    places_a, places_b = _typed(a.entities, PLACE_TYPES), _typed(b.entities, PLACE_TYPES)
    shared_places = sum(1 for ea, eb in shared_entities if "PLACE" in (ea.type, eb.type))
    days = -1.0
    if a.article.published and b.article.published:
        days = abs((a.article.published - b.article.published).total_seconds()) / 86400
    wa, wb = a.stats.get("words", 0.0), b.stats.get("words", 0.0)
    return PairFeatures(
        doc_cosine=float(a.doc_embedding @ b.doc_embedding),
        title_cosine=float(a.title_embedding @ b.title_embedding),
        sentence_best_mean=sentence_best_mean,
        aligned_share_a=aligned / na,
        aligned_share_b=aligned / nb,
        entity_overlap=dice(shared_content, len(content_a), len(content_b)),
        place_overlap=dice(shared_places, len(places_a), len(places_b)),
        quote_overlap=dice(shared_quotes, len(a.quotes), len(b.quotes)),
        date_overlap=set_overlap(_values(a.mentions, ("date", "weekday", "year")), _values(b.mentions, ("date", "weekday", "year"))),
        number_overlap=set_overlap(_values(a.mentions, ("number",)), _values(b.mentions, ("number",))),
        days_apart=days,
        length_ratio=min(wa, wb) / max(wa, wb, 1.0),
        same_language=float(a.language == b.language),
    )


def log_days(days: float) -> float:
    return math.log1p(days) if days >= 0 else -1.0
