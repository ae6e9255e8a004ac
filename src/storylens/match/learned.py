"""A pair scorer learned from human judgements (SemEval-2022 Task 8).

Overall, the score people agree on best and the one ``same_story`` rests on, comes from
an average of three regressors over the scalar ``PairFeatures`` (extra trees, an RBF
support-vector regressor and gradient boosting) plus one more input: a ridge regression
on the element-wise product of the two articles' e5 vectors, a weighted cosine that
learns which directions of the embedding matter for "same story". Its input for the
training rows is predicted out of fold, so the average never sees a fitted answer.
The six dimensions get one gradient-boosted regressor each. ``same_story`` is a
threshold on predicted overall, calibrated on cross-validated predictions.

``storylens train pairs`` fits it with a fixed seed and saves it as arrays
(``scorer_arrays``): the model that ships in ``storylens/models/`` predicts with numpy
alone, so ``compare`` never imports scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingRegressor, VotingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from storylens.errors import ConfigError
from storylens.match import scorer_arrays
from storylens.match.features import PairFeatures
from storylens.match.scoring import DIMENSIONS, Scores, scores_of

TARGETS = ("overall", *DIMENSIONS)
INNER_FOLDS = 5  # out-of-fold predictions of the product ridge for the training rows


def _regressor(seed: int, n_samples: int) -> HistGradientBoostingRegressor:
    """Leaves of at least 20 pairs, fewer on a small training file so that it still splits."""
    return HistGradientBoostingRegressor(
        max_iter=120, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=min(20, max(2, n_samples // 10)),
        l2_regularization=1.0, random_state=seed,
    )


def _overall_model(seed: int, n_samples: int) -> VotingRegressor:
    leaf = min(30, max(2, n_samples // 10))
    return VotingRegressor([
        ("trees", ExtraTreesRegressor(100, min_samples_leaf=5, max_features=0.7, random_state=seed)),
        ("svr", make_pipeline(StandardScaler(), SVR(C=1.0, epsilon=0.2))),
        ("boost", HistGradientBoostingRegressor(max_iter=300, learning_rate=0.03, max_leaf_nodes=7,
                                                min_samples_leaf=leaf, l2_regularization=1.0, random_state=seed)),
    ])


def _ridge() -> RidgeCV:
    return RidgeCV(alphas=np.logspace(-2, 3, 12))


@dataclass(frozen=True)
class LearnedScorer:
    """Fitted state only (trailing ``_``); build with ``fit_scorer``, save as arrays with ``save``."""

    models_: tuple  # overall (on scalars [+ product ridge]), then one per dimension (scalars)
    product_model_: RidgeCV | None  # None: a scorer without e5 (``compare --fast``)
    same_story_max_overall_: float
    feature_names_: tuple[str, ...]

    @property
    def uses_deep_(self) -> bool:
        return self.product_model_ is not None

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) scores in ``TARGETS`` order, clipped to the 1..4 scale."""
        scalars, product = scorer_arrays.split_columns(X, self.uses_deep_)
        if self.uses_deep_:
            scalars_in = np.column_stack([scalars, self.product_model_.predict(product)])
        else:
            scalars_in = scalars
        overall = self.models_[0].predict(scalars_in)
        dims = [m.predict(scalars) for m in self.models_[1:]]
        return np.clip(np.column_stack([overall, *dims]), 1.0, 4.0)

    def scores_from(self, row: np.ndarray) -> Scores:
        return scores_of(row, self.same_story_max_overall_)

    def score(self, features: PairFeatures) -> Scores:
        return self.scores_from(self.predict(features.as_vector())[0])

    def arrays(self) -> scorer_arrays.ArrayScorer:
        """The same scorer as arrays: numpy predicts it, scikit-learn is not needed."""
        return scorer_arrays.export(self.models_, self.product_model_, self.same_story_max_overall_, self.feature_names_)

    def save(self, path: str | Path) -> Path:
        """Write the scorer's arrays (``scorer_arrays.save``); ``scorer_arrays.load`` reads them."""
        return scorer_arrays.save(self.arrays(), path)


def _product_out_of_fold(product: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int) -> np.ndarray:
    """The product ridge's predictions for each training row from a ridge that did not see it."""
    out = np.zeros(len(y))
    folds = min(INNER_FOLDS, len(set(groups)))
    if folds < 2:
        return _ridge().fit(product, y).predict(product)
    for train, test in GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(product, y, groups):
        out[test] = _ridge().fit(product[train], y[train]).predict(product[test])
    return out


def fit_scorer(X: np.ndarray, Y: np.ndarray, groups: np.ndarray | None = None, threshold: float = 1.75,
               seed: int = 0, deep: bool = True) -> LearnedScorer:
    """Fit the scorer on rows of ``PairFeatures.as_vector()`` and gold in ``TARGETS`` order;
    ``groups`` keep pairs that share an article in one inner fold (default: each pair alone).
    ``deep=False`` fits a scorer that reads no e5 feature (``compare --fast``)."""
    if len(X) != len(Y) or Y.shape[1] != len(TARGETS):
        raise ConfigError(f"need X rows == Y rows and {len(TARGETS)} targets, got {X.shape} and {Y.shape}")
    scalars, product = scorer_arrays.split_columns(X, deep)
    groups = np.arange(len(X)) if groups is None else np.asarray(groups)
    product_model = None
    scalars_in = scalars
    if deep:
        scalars_in = np.column_stack([scalars, _product_out_of_fold(product, Y[:, 0], groups, seed)])
        product_model = _ridge().fit(product, Y[:, 0])
    overall = _overall_model(seed, len(X)).fit(scalars_in, Y[:, 0])
    dims = tuple(_regressor(seed, len(X)).fit(scalars, Y[:, k]) for k in range(1, len(TARGETS)))
    return LearnedScorer((overall, *dims), product_model, float(threshold), tuple(PairFeatures.names()))


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
