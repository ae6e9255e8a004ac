"""Pair features: the numbers a scorer turns into similarity and the SemEval dimensions."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

from storylens.analyze.deep import DIM as DEEP_DIM
from storylens.analyze.deep import DeepVectors
from storylens.article import AnalyzedArticle, Entity, Mention

CONTENT_TYPES = ("PERSON", "ORG", "NAME", "EVENT")
PLACE_TYPES = ("PLACE",)
# The language pairs people labelled (SemEval-2022 Task 8): one indicator each, so that a
# scorer can learn how each pair's judgements sit on the scale; other pairs have none set.
LANGUAGE_PAIRS = ("ar-ar", "de-de", "de-en", "en-en", "es-es", "fr-fr", "pl-pl", "tr-tr")
PASSAGE_ALIGNED = 0.88  # e5 cosine at which two passages say the same thing (not a setting: part of the fitted model)
PRODUCT_DIM = 2 * DEEP_DIM  # element-wise products of the whole-text and lead e5 vectors
DEEP_PREFIXES = ("e5_", "passages_")  # the fields that need e5 (``compare --fast`` leaves them NaN)


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
    # e5 (analyze.deep): cosines of whole texts, leads and titles (-1 without both titles)
    e5_whole_cosine: float
    e5_lead_cosine: float
    e5_title_cosine: float
    # e5 passages: mean best cosine of each side's passages on the other side, both means,
    # the best pair, the mean of all pairs, the share of each side's passages aligned
    e5_best_mean_a: float
    e5_best_mean_b: float
    e5_best_mean: float
    e5_best_max: float
    e5_mean: float
    e5_aligned_share_a: float
    e5_aligned_share_b: float
    e5_centroid_cosine: float
    e5_head_cosine: float  # first passages
    e5_tail_cosine: float  # last passages
    e5_head_tail_cosine: float  # first of one with last of the other, both ways, summed
    passages_a: float
    passages_b: float
    language_pair: tuple[float, ...]  # one indicator per LANGUAGE_PAIRS
    e5_product: np.ndarray = field(repr=False)  # (PRODUCT_DIM,) for a learned weighted cosine

    def as_vector(self) -> np.ndarray:
        """The scalar features in ``names()`` order, then the e5 product."""
        scalars = [getattr(self, f.name) for f in fields(self)][:-2]
        return np.concatenate([np.array(scalars, dtype=np.float64), np.asarray(self.language_pair, dtype=np.float64),
                               np.asarray(self.e5_product, dtype=np.float64)])

    @classmethod
    def from_vector(cls, x: np.ndarray) -> PairFeatures:
        """The inverse of ``as_vector``."""
        n = len(fields(cls)) - 2
        k = len(LANGUAGE_PAIRS)
        return cls(*map(float, x[:n]), tuple(map(float, x[n:n + k])), np.asarray(x[n + k:]))

    @classmethod
    def names(cls) -> list[str]:
        """Names of the scalar features (``as_vector`` minus the e5 product)."""
        return [f.name for f in fields(cls)][:-2] + [f"language_pair={p}" for p in LANGUAGE_PAIRS]


def dice(shared: int, na: int, nb: int) -> float:
    """2|A∩B| / (|A|+|B|), or -1 when both sets are empty (no evidence either way)."""
    return -1.0 if na + nb == 0 else 2 * shared / (na + nb)


def _typed(entities: tuple[Entity, ...], types: tuple[str, ...]) -> set[str]:
    return {e.key for e in entities if e.type in types}


def _values(mentions: tuple[Mention, ...], kinds: tuple[str, ...]) -> set[str]:
    return {m.value for m in mentions if m.kind in kinds}


def set_overlap(a: set[str], b: set[str]) -> float:
    return dice(len(a & b), len(a), len(b))


def deep_features(da: DeepVectors | None, db: DeepVectors | None) -> dict:
    """The e5 fields of ``PairFeatures``; NaN (product: zeros) without e5 vectors."""
    if da is None or db is None:
        names = [f.name for f in fields(PairFeatures) if f.name.startswith(DEEP_PREFIXES)]
        return {**dict.fromkeys(names, float("nan")), "e5_product": np.zeros(PRODUCT_DIM)}
    A, B = da.passages, db.passages
    S = A @ B.T
    best_a, best_b = S.max(axis=1), S.max(axis=0)
    ca, cb = A.mean(axis=0), B.mean(axis=0)
    centroid = float(ca @ cb / max(float(np.linalg.norm(ca) * np.linalg.norm(cb)), 1e-9))
    return {
        "e5_whole_cosine": float(da.whole @ db.whole),
        "e5_lead_cosine": float(da.lead @ db.lead),
        "e5_title_cosine": float(da.title @ db.title) if da.title is not None and db.title is not None else -1.0,
        "e5_best_mean_a": float(best_a.mean()),
        "e5_best_mean_b": float(best_b.mean()),
        "e5_best_mean": float(best_a.mean() + best_b.mean()) / 2,
        "e5_best_max": float(S.max()),
        "e5_mean": float(S.mean()),
        "e5_aligned_share_a": float((best_a > PASSAGE_ALIGNED).mean()),
        "e5_aligned_share_b": float((best_b > PASSAGE_ALIGNED).mean()),
        "e5_centroid_cosine": centroid,
        "e5_head_cosine": float(S[0, 0]),
        "e5_tail_cosine": float(S[-1, -1]),
        "e5_head_tail_cosine": float(S[0, -1] + S[-1, 0]),
        "passages_a": float(len(A)),
        "passages_b": float(len(B)),
        "e5_product": np.concatenate([da.whole * db.whole, da.lead * db.lead]).astype(np.float64),
    }


def language_indicators(language_a: str, language_b: str) -> tuple[float, ...]:
    pair = "-".join(sorted((language_a, language_b)))
    return tuple(float(pair == p) for p in LANGUAGE_PAIRS)


def pair_features(
    a: AnalyzedArticle, b: AnalyzedArticle, aligned: int, shared_entities: list, shared_quotes: int,
    sentence_best_mean: float, da: DeepVectors | None = None, db: DeepVectors | None = None,
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
        language_pair=language_indicators(a.language, b.language),
        **deep_features(da, db),
    )


def log_days(days: float) -> float:
    return math.log1p(days) if days >= 0 else -1.0
