"""Agreement with human judgements: Pearson per score and per language pair,
grouped cross-validation, and same-story precision/recall."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold

from storylens.match.learned import TARGETS, calibrate_threshold, decided, fit_scorer


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def pearson_table(pred: np.ndarray, gold: np.ndarray, languages: np.ndarray) -> dict:
    """{"pearson": {target: r}, "by_language": {"de-en": {"pairs": n, "overall": r}}}."""
    table = {"pearson": {t: round(pearson(pred[:, k], gold[:, k]), 4) for k, t in enumerate(TARGETS)}}
    by_language = {}
    for lang in sorted(set(languages)):
        mask = languages == lang
        by_language[lang] = {"pairs": int(mask.sum()), "overall": round(pearson(pred[mask, 0], gold[mask, 0]), 4)}
    table["by_language"] = by_language
    return table


def same_story_quality(pred_overall: np.ndarray, gold_overall: np.ndarray, cut: float) -> dict:
    """Precision and recall of same_story (predicted overall <= cut) against gold
    overall <= 1.5 (same) vs >= 2.5 (different); pairs in between are left out."""
    mask, actual = decided(gold_overall)
    predicted = pred_overall[mask] <= cut
    tp = int(np.sum(predicted & actual))
    return {"threshold": cut, "pairs": int(mask.sum()),
            "precision": round(tp / max(int(predicted.sum()), 1), 4),
            "recall": round(tp / max(int(actual.sum()), 1), 4)}


def cross_validate(X: np.ndarray, Y: np.ndarray, groups: np.ndarray, folds: int = 5, seed: int = 0,
                   deep: bool = True) -> tuple[np.ndarray, float]:
    """Out-of-fold predictions (grouped: an article never sits on both sides of a split)
    and the same-story threshold calibrated on them."""
    pred = np.zeros_like(Y)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(X, Y, groups):
        pred[test] = fit_scorer(X[train], Y[train], groups[train], seed=seed, deep=deep).predict(X[test])
    return pred, calibrate_threshold(pred[:, 0], Y[:, 0])
