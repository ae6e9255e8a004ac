"""Agreement with human judgements: Pearson per score and per language pair,
grouped cross-validation, and same-story precision/recall."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold

from storylens.match.learned import TARGETS, calibrate_threshold, decided, fit_scorer


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


@dataclass(frozen=True)
class LanguagePairAgreement:
    """The overall score's agreement on the pairs of one language pair."""

    pairs: int
    overall: float  # Pearson r, four places

    def to_dict(self) -> dict[str, object]:
        return {"pairs": self.pairs, "overall": self.overall}


@dataclass(frozen=True)
class PearsonTable:
    """Pearson r of predicted with gold scores (four places): per target, in ``TARGETS``
    order, and of the overall score per language pair ("de-en"), sorted."""

    pearson: Mapping[str, float]
    by_language: Mapping[str, LanguagePairAgreement]

    def to_dict(self) -> dict[str, object]:
        return {"pearson": dict(self.pearson), "by_language": {k: v.to_dict() for k, v in self.by_language.items()}}


@dataclass(frozen=True)
class SameStoryQuality:
    """Precision and recall of same_story at a threshold, on the pairs gold decides."""

    threshold: float  # predicted overall <= threshold: same story
    pairs: int  # pairs with gold overall <= 1.5 or >= 2.5
    precision: float
    recall: float

    def to_dict(self) -> dict[str, object]:
        return {"threshold": self.threshold, "pairs": self.pairs, "precision": self.precision, "recall": self.recall}


def pearson_table(pred: np.ndarray, gold: np.ndarray, languages: np.ndarray) -> PearsonTable:
    """Pearson r per target, and of the overall score per language pair."""
    by_language = {}
    for lang in sorted(set(languages)):
        mask = languages == lang
        by_language[lang] = LanguagePairAgreement(int(mask.sum()), round(pearson(pred[mask, 0], gold[mask, 0]), 4))
    return PearsonTable({t: round(pearson(pred[:, k], gold[:, k]), 4) for k, t in enumerate(TARGETS)}, by_language)


def same_story_quality(pred_overall: np.ndarray, gold_overall: np.ndarray, cut: float) -> SameStoryQuality:
    """Precision and recall of same_story (predicted overall <= cut) against gold
    overall <= 1.5 (same) vs >= 2.5 (different); pairs in between are left out."""
    mask, actual = decided(gold_overall)
    predicted = pred_overall[mask] <= cut
    tp = int(np.sum(predicted & actual))
    return SameStoryQuality(cut, int(mask.sum()), round(tp / max(int(predicted.sum()), 1), 4),
                            round(tp / max(int(actual.sum()), 1), 4))


def cross_validate(X: np.ndarray, Y: np.ndarray, groups: np.ndarray, folds: int = 5, seed: int = 0,
                   deep: bool = True) -> tuple[np.ndarray, float]:
    """Out-of-fold predictions (grouped: an article never sits on both sides of a split)
    and the same-story threshold calibrated on them."""
    pred = np.zeros_like(Y)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(X, Y, groups):
        pred[test] = fit_scorer(X[train], Y[train], groups[train], seed=seed, deep=deep).predict(X[test])
    return pred, calibrate_threshold(pred[:, 0], Y[:, 0])
