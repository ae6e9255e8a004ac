"""Scorers turn ``PairFeatures`` into a similarity and the SemEval-2022 Task 8 scores.

Scale of the scores: 1 = very similar ... 4 = very dissimilar (as the task's annotators
used it). ``RuleScorer`` is a transparent first version: each dimension is a weighted mix
of the features that speak to it, with the embedding cosine as the fallback where an
article gives no evidence (no places, no dates). A learned scorer can replace it through
the same ``Scorer`` interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storylens.match.features import PairFeatures

DIMENSIONS = ("geography", "entities", "time", "narrative", "style", "tone")


def scores_of(row, same_story_max_overall: float) -> Scores:
    """``Scores`` of a learned scorer's predicted row (overall, then ``DIMENSIONS``)."""
    overall = float(row[0])
    return Scores(similarity=round((4.0 - overall) / 3.0, 4), same_story=overall <= same_story_max_overall,
                  overall=round(overall, 2), dimensions={name: round(float(v), 2) for name, v in zip(DIMENSIONS, row[1:])})


@dataclass(frozen=True)
class Scores:
    similarity: float  # 0..1
    same_story: bool
    overall: float  # 1..4
    dimensions: dict[str, float]  # 1..4 each


class Scorer(Protocol):
    def score(self, features: PairFeatures) -> Scores: ...


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def cosine_evidence(cosine: float) -> float:
    """USE cosine -> 0..1: unrelated news sits near 0.2, one story above 0.6."""
    return _clip((cosine - 0.25) / 0.45)


def _or(value: float, fallback: float) -> float:
    """A Dice feature, or the fallback where neither article had anything to compare."""
    return fallback if value < 0 else value


def to_scale(similarity: float) -> float:
    """0..1 similarity -> the 1 (very similar) .. 4 (very dissimilar) scale."""
    return round(4.0 - 3.0 * _clip(similarity), 2)


@dataclass(frozen=True)
class RuleScorer:
    """Hand-weighted scorer; ``same_story_threshold`` applies to ``similarity``."""

    same_story_threshold: float = 0.5

    def score(self, f: PairFeatures) -> Scores:
        semantic = cosine_evidence(f.doc_cosine)
        coverage = _clip((f.aligned_share_a + f.aligned_share_b) / 2 * 1.5)
        sentences = _clip((f.sentence_best_mean - 0.35) / 0.4)
        entities = _or(f.entity_overlap, semantic)
        time = semantic
        if f.days_apart >= 0:
            time = 0.5 * semantic + 0.5 * (1.0 if f.days_apart <= 2 else 0.5 if f.days_apart <= 14 else 0.0)
        time = 0.7 * time + 0.3 * _or(f.date_overlap, time)
        narrative = 0.4 * semantic + 0.35 * coverage + 0.25 * sentences
        similarity = _clip(0.5 * semantic + 0.2 * coverage + 0.15 * sentences + 0.1 * entities
                           + 0.05 * _or(f.quote_overlap, semantic))
        dims = {
            "geography": 0.5 * semantic + 0.5 * _or(f.place_overlap, semantic),
            "entities": 0.4 * semantic + 0.6 * entities,
            "time": time,
            "narrative": narrative,
            "style": 0.7 * semantic + 0.3 * f.length_ratio,
            "tone": 0.8 * semantic + 0.2 * _or(f.quote_overlap, semantic),
        }
        return Scores(
            similarity=round(similarity, 4),
            same_story=similarity >= self.same_story_threshold,
            overall=to_scale(similarity),
            dimensions={k: to_scale(v) for k, v in dims.items()},
        )
