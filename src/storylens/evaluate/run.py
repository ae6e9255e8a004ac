"""The ``eval pairs`` and ``train pairs`` jobs as library calls (the CLI only prints)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from storylens.evaluate.metrics import cross_validate, pearson_table, same_story_quality
from storylens.evaluate.pairs import analyze_pairs, article_groups, feature_matrix, gold_matrix, read_pairs
from storylens.match.scorer_arrays import default_scorer, uses_deep
from storylens.match.scoring import RuleScorer, Scorer

Progress = Callable[[int], None]


def eval_pairs(path: str | Path, scorer: Scorer | None = None, progress: Progress | None = None,
               on_total: Callable[[int], None] | None = None) -> dict:
    """Score every pair of a labelled file and measure agreement with the gold scores."""
    pairs = read_pairs(path)
    if on_total:
        on_total(2 * len(pairs))  # analysis, then comparison
    scorer = scorer or default_scorer()
    start = time.perf_counter()
    X = feature_matrix(analyze_pairs(pairs, progress=progress), deep=uses_deep(scorer), progress=progress)
    if not isinstance(scorer, RuleScorer):  # a learned scorer, as arrays or fitted: all rows at once
        pred = scorer.predict(X)
    else:
        from storylens.match.features import PairFeatures

        rows = [scorer.score(PairFeatures.from_vector(x)) for x in X]
        pred = np.array([[r.overall, *r.dimensions.values()] for r in rows])
    elapsed = time.perf_counter() - start
    gold = gold_matrix(pairs)
    languages = np.array([p.language_pair for p in pairs])
    result = {"pairs": len(pairs), **pearson_table(pred, gold, languages)}
    cut = getattr(scorer, "same_story_max_overall_", None)
    if cut is not None:
        result["same_story"] = same_story_quality(pred[:, 0], gold[:, 0], cut)
    result["pairs_per_second"] = round(len(pairs) / elapsed, 2)
    return result


def train_pairs(path: str | Path, out: str | Path, folds: int = 5, seed: int = 0, fast: bool = False,
                progress: Progress | None = None, on_total: Callable[[int], None] | None = None) -> dict:
    """Cross-validate on the file, then fit on all of it and save the model to ``out``.
    ``fast``: a scorer without e5 features (``compare --fast``)."""
    from storylens.match.learned import fit_scorer

    pairs = read_pairs(path)
    if on_total:
        on_total(2 * len(pairs))  # analysis, then comparison
    X = feature_matrix(analyze_pairs(pairs, progress=progress), deep=not fast, progress=progress)
    Y = gold_matrix(pairs)
    languages = np.array([p.language_pair for p in pairs])
    groups = article_groups(pairs)
    pred, cut = cross_validate(X, Y, groups, folds=folds, seed=seed, deep=not fast)
    model = fit_scorer(X, Y, groups, threshold=cut, seed=seed, deep=not fast)
    saved = model.save(out)
    return {"pairs": len(pairs), "folds": folds, "seed": seed, "fast": fast, "model": str(saved),
            "model_bytes": saved.stat().st_size, "cross_validated": pearson_table(pred, Y, languages),
            "same_story": same_story_quality(pred[:, 0], Y[:, 0], cut)}
