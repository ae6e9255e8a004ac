"""The ``eval pairs`` and ``train pairs`` jobs as library calls (the CLI only prints)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.evaluate.metrics import (PearsonTable, SameStoryQuality, cross_validate, pearson_table,
                                        same_story_quality)
from storylens.evaluate.pairs import analyze_pairs, article_groups, feature_matrix, gold_matrix, read_pairs
from storylens.match.scorer_arrays import default_scorer, uses_deep
from storylens.match.scoring import RuleScorer, Scorer

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PairEval:
    """Agreement of a scorer with the gold scores of labelled pairs (``eval pairs``, or the
    cross-validated part of ``train pairs``)."""

    pairs: int
    agreement: PearsonTable
    same_story: SameStoryQuality | None = None  # None: the scorer has no same-story threshold
    pairs_per_second: float | None = None  # end to end, analysis included; None: not timed

    def to_dict(self) -> dict[str, object]:
        return {"pairs": self.pairs, **self.agreement.to_dict(),
                **({"same_story": self.same_story.to_dict()} if self.same_story is not None else {}),
                **({"pairs_per_second": self.pairs_per_second} if self.pairs_per_second is not None else {})}


@dataclass(frozen=True)
class TrainResult:
    """What ``train pairs`` did: the model written, and its cross-validated agreement."""

    pairs: int
    folds: int
    seed: int
    fast: bool
    model: str  # the file written
    model_bytes: int
    cross_validated: PearsonTable
    same_story: SameStoryQuality  # at the threshold calibrated on the out-of-fold predictions

    @property
    def evaluation(self) -> PairEval:
        """The cross-validated agreement, as ``eval pairs`` reports one."""
        return PairEval(self.pairs, self.cross_validated, self.same_story)

    def to_dict(self) -> dict[str, object]:
        return {"pairs": self.pairs, "folds": self.folds, "seed": self.seed, "fast": self.fast, "model": self.model,
                "model_bytes": self.model_bytes, "cross_validated": self.cross_validated.to_dict(),
                "same_story": self.same_story.to_dict()}


def eval_pairs(path: str | Path, scorer: Scorer | None = None, progress: Progress | None = None,
               on_total: Callable[[int], None] | None = None) -> PairEval:
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
    cut = getattr(scorer, "same_story_max_overall_", None)
    return PairEval(len(pairs), pearson_table(pred, gold, languages),
                    same_story_quality(pred[:, 0], gold[:, 0], cut) if cut is not None else None,
                    round(len(pairs) / elapsed, 2))


def train_pairs(path: str | Path, out: str | Path, folds: int = 5, seed: int = 0, fast: bool = False,
                progress: Progress | None = None, on_total: Callable[[int], None] | None = None) -> TrainResult:
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
    return TrainResult(len(pairs), folds, seed, fast, str(saved), saved.stat().st_size,
                       pearson_table(pred, Y, languages), same_story_quality(pred[:, 0], Y[:, 0], cut))
