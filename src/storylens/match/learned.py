"""A pair scorer learned from human judgements (SemEval-2022 Task 8).

One gradient-boosted regressor per score (overall and the six dimensions) over
``PairFeatures``; ``same_story`` is a threshold on the predicted overall, calibrated on
cross-validated predictions. The trained model ships in ``storylens/models/`` and loads
without network; ``storylens train pairs`` rebuilds it with a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor

from storylens.errors import ConfigError
from storylens.match.features import PairFeatures
from storylens.match.scoring import DIMENSIONS, RuleScorer, Scorer, Scores

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "pair_scorer.joblib"
TARGETS = ("overall", *DIMENSIONS)
FORMAT_VERSION = 1


def _regressor(seed: int, n_samples: int) -> HistGradientBoostingRegressor:
    """Leaves of at least 20 pairs, fewer on a small training file so that it still splits."""
    return HistGradientBoostingRegressor(
        max_iter=120, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=min(20, max(2, n_samples // 10)),
        l2_regularization=1.0, random_state=seed,
    )


@dataclass(frozen=True)
class LearnedScorer:
    """Fitted state only (trailing ``_``); build with ``fit_scorer`` or ``load``."""

    models_: tuple
    same_story_max_overall_: float
    feature_names_: tuple[str, ...]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) scores in ``TARGETS`` order, clipped to the 1..4 scale."""
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        return np.clip(np.column_stack([m.predict(X) for m in self.models_]), 1.0, 4.0)

    def scores_from(self, row: np.ndarray) -> Scores:
        overall = float(row[0])
        return Scores(
            similarity=round((4.0 - overall) / 3.0, 4),
            same_story=overall <= self.same_story_max_overall_,
            overall=round(overall, 2),
            dimensions={name: round(float(v), 2) for name, v in zip(DIMENSIONS, row[1:])},
        )

    def score(self, features: PairFeatures) -> Scores:
        return self.scores_from(self.predict(features.as_vector())[0])

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": FORMAT_VERSION, "sklearn": sklearn.__version__, "models": list(self.models_),
                     "threshold": self.same_story_max_overall_, "features": list(self.feature_names_)},
                    path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> LearnedScorer:
        path = Path(path)
        try:
            state = joblib.load(path)
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such model file") from None
        except Exception as exc:
            raise ConfigError(f"{path}: not a storylens pair model ({type(exc).__name__})") from None
        if not isinstance(state, dict) or state.get("format") != FORMAT_VERSION:
            raise ConfigError(f"{path}: not a storylens pair model of format {FORMAT_VERSION}")
        if tuple(state["features"]) != tuple(PairFeatures.names()):
            raise ConfigError(f"{path}: trained on other features; retrain with `storylens train pairs`")
        return cls(tuple(state["models"]), float(state["threshold"]), tuple(state["features"]))


def fit_scorer(X: np.ndarray, Y: np.ndarray, threshold: float = 1.75, seed: int = 0) -> LearnedScorer:
    """Fit one regressor per column of Y (``TARGETS`` order)."""
    if len(X) != len(Y) or Y.shape[1] != len(TARGETS):
        raise ConfigError(f"need X rows == Y rows and {len(TARGETS)} targets, got {X.shape} and {Y.shape}")
    models = tuple(_regressor(seed, len(X)).fit(X, Y[:, k]) for k in range(len(TARGETS)))
    return LearnedScorer(models, float(threshold), tuple(PairFeatures.names()))


def decided(gold_overall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of pairs whose gold is clearly same (<= 1.5) or different (>= 2.5), is-same)."""
    mask = (gold_overall <= 1.5) | (gold_overall >= 2.5)
    return mask, gold_overall[mask] <= 1.5


def calibrate_threshold(predicted_overall: np.ndarray, gold_overall: np.ndarray) -> float:
    """The predicted-overall cut that best separates gold same-story (<= 1.5) from
    different-story (>= 2.5) pairs, by F1 of the same-story class."""
    mask, same = decided(gold_overall)
    pred = predicted_overall[mask]
    best, best_f1 = 2.0, -1.0
    for cut in np.arange(1.2, 3.01, 0.05):
        predicted_same = pred <= cut
        tp = np.sum(predicted_same & same)
        f1 = 2 * tp / max(np.sum(predicted_same) + np.sum(same), 1)
        if f1 > best_f1:
            best, best_f1 = float(round(cut, 2)), f1
    return best


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped learned scorer, or the rule scorer when no model file is installed."""
    return LearnedScorer.load(MODEL_PATH) if MODEL_PATH.exists() else RuleScorer()
