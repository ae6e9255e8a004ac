"""The shipped pair scorer as plain arrays: predicting needs numpy only, not scikit-learn.

``learned.fit_scorer`` fits scikit-learn models; ``export`` turns a fitted ``LearnedScorer``
into arrays (every tree's nodes, the SVR's support vectors, the scaler's and ridges'
coefficients), which ``save`` writes to one ``.npz`` file and ``ArrayScorer`` predicts
from. Importing scikit-learn and unpickling its models cost about a second of every
``compare`` process; reading the arrays about 20 ms. The predictions are scikit-learn's,
to rounding (a test compares them on real pairs).

What is written here by hand is the prediction rule of each model, as scikit-learn
documents and implements it:

- a regression tree (extra trees): from the root, ``x[feature] <= threshold`` goes left,
  with ``x`` cast to float32 as scikit-learn does; a missing value goes where the node's
  ``missing_go_to_left`` says; the leaf's value is the prediction; the forest averages;
- histogram gradient boosting: the same walk over float64 values (a missing value as the
  node says), the baseline plus the sum of the leaves' values;
- an RBF support-vector regression: ``dual_coef @ exp(-gamma |x - sv|^2) + intercept`` on
  the standard-scaled row;
- ridge: ``x @ coef + intercept``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.errors import ConfigError
from storylens.match.features import DEEP_PREFIXES, PairFeatures
from storylens.match.scoring import RuleScorer, Scorer, Scores, scores_of

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "pair_scorer.npz"
FAST_MODEL_PATH = MODEL_PATH.with_name("pair_scorer_fast.npz")  # without e5 features
FORMAT = "storylens-pair-scorer-arrays/1"
N_SCALAR = len(PairFeatures.names())
NO_DEEP = np.array([k for k, name in enumerate(PairFeatures.names()) if not name.startswith(DEEP_PREFIXES)])


def split_columns(X: np.ndarray, deep: bool) -> tuple[np.ndarray, np.ndarray]:
    """(scalar features, e5 product) of rows of ``PairFeatures.as_vector()``; without
    ``deep``, the scalars that need no e5."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    return (X[:, :N_SCALAR] if deep else X[:, NO_DEEP]), X[:, N_SCALAR:]


@dataclass(frozen=True, eq=False)
class Forest:
    """Trees as flat node arrays (children are indices into the same arrays, -1 at a leaf)."""

    roots: np.ndarray  # (trees,) the root node of each tree
    left: np.ndarray
    right: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray  # bool: where a missing value goes
    value: np.ndarray  # the prediction at a leaf
    float32: bool  # compare values cast to float32 (scikit-learn's trees) or as float64 (boosting)
    baseline: float  # added to the sum of the trees (boosting); NaN: the mean of the trees (a forest)

    def predict(self, X: np.ndarray) -> np.ndarray:
        data = X.astype(np.float32).astype(np.float64) if self.float32 else X
        rows = np.arange(len(X))[None, :]
        node = np.repeat(self.roots[:, None], len(X), axis=1)  # (trees, rows)
        while True:
            inner = self.left[node] >= 0
            if not inner.any():
                break
            x = data[rows, self.feature[node]]
            go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        leaves = self.value[node]
        return leaves.mean(axis=0) if np.isnan(self.baseline) else self.baseline + leaves.sum(axis=0)


def _flat(trees: list[dict[str, np.ndarray]], float32: bool, baseline: float) -> Forest:
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("left", "right", "feature", "threshold", "missing_left", "value")}
    roots, offset = [], 0
    for tree in trees:
        roots.append(offset)
        for key in ("left", "right"):
            parts[key].append(np.where(tree[key] >= 0, tree[key] + offset, -1))
        for key in ("feature", "threshold", "missing_left", "value"):
            parts[key].append(tree[key])
        offset += len(tree["left"])
    return Forest(np.array(roots, dtype=np.int64), *(np.concatenate(parts[k]) for k in
                  ("left", "right", "feature", "threshold", "missing_left", "value")), float32, baseline)


def _extra_trees(model) -> Forest:
    trees = []
    for estimator in model.estimators_:
        t = estimator.tree_
        leaf = t.children_left < 0
        trees.append({"left": np.where(leaf, -1, t.children_left.astype(np.int64)),
                      "right": np.where(leaf, -1, t.children_right.astype(np.int64)),
                      "feature": np.maximum(t.feature, 0).astype(np.int64), "threshold": t.threshold.astype(np.float64),
                      "missing_left": t.missing_go_to_left.astype(bool), "value": t.value[:, 0, 0].astype(np.float64)})
    return _flat(trees, float32=True, baseline=float("nan"))


def _boosting(model) -> Forest:
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise ConfigError("a boosted model with categorical splits cannot be exported to arrays")
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({"left": np.where(leaf, -1, nodes["left"].astype(np.int64)),
                      "right": np.where(leaf, -1, nodes["right"].astype(np.int64)),
                      "feature": nodes["feature_idx"].astype(np.int64), "threshold": nodes["num_threshold"].astype(np.float64),
                      "missing_left": nodes["missing_go_to_left"].astype(bool), "value": nodes["value"].astype(np.float64)})
    return _flat(trees, float32=False, baseline=float(np.ravel(model._baseline_prediction)[0]))


@dataclass(frozen=True, eq=False)
class Kernel:
    """A standard scaler followed by an RBF support-vector regression."""

    mean: np.ndarray
    scale: np.ndarray
    support: np.ndarray  # (n_support, features), scaled
    dual: np.ndarray  # (n_support,)
    gamma: float
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        Z = (X - self.mean) / self.scale
        distances = (Z * Z).sum(axis=1)[:, None] - 2 * Z @ self.support.T + (self.support ** 2).sum(axis=1)[None, :]
        return np.exp(-self.gamma * np.maximum(distances, 0.0)) @ self.dual + self.intercept


@dataclass(frozen=True, eq=False)
class Linear:
    coef: np.ndarray
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coef + self.intercept


@dataclass(frozen=True, eq=False)
class ArrayScorer:
    """The ``Scorer`` that ``LearnedScorer`` exports to; same predictions, numpy only."""

    overall_: tuple[Forest, Kernel, Forest]  # averaged: extra trees, SVR, boosting
    dimensions_: tuple[Forest, ...]  # one boosted model per dimension
    product_: Linear | None  # the ridge on the e5 product; None: a scorer without e5
    same_story_max_overall_: float
    feature_names_: tuple[str, ...]

    @property
    def uses_deep_(self) -> bool:
        return self.product_ is not None

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) scores in overall-then-dimensions order, clipped to the 1..4 scale."""
        scalars, product = split_columns(X, self.uses_deep_)
        inputs = np.column_stack([scalars, self.product_.predict(product)]) if self.uses_deep_ else scalars
        overall = np.mean([model.predict(inputs) for model in self.overall_], axis=0)
        dims = [model.predict(scalars) for model in self.dimensions_]
        return np.clip(np.column_stack([overall, *dims]), 1.0, 4.0)

    def scores_from(self, row: np.ndarray) -> Scores:
        return scores_of(row, self.same_story_max_overall_)

    def score(self, features: PairFeatures) -> Scores:
        return self.scores_from(self.predict(features.as_vector())[0])


def export(models: tuple, product, threshold: float, feature_names: tuple[str, ...]) -> ArrayScorer:
    """The arrays of fitted scikit-learn models (``LearnedScorer``'s fields)."""
    trees, svr, boost = models[0].estimators_
    scaler, regressor = svr.steps[0][1], svr.steps[-1][1]
    kernel = Kernel(scaler.mean_.astype(np.float64), scaler.scale_.astype(np.float64),
                    regressor.support_vectors_.astype(np.float64), regressor.dual_coef_[0].astype(np.float64),
                    float(regressor._gamma), float(regressor.intercept_[0]))
    linear = None if product is None else Linear(product.coef_.astype(np.float64), float(product.intercept_))
    return ArrayScorer((_extra_trees(trees), kernel, _boosting(boost)), tuple(_boosting(m) for m in models[1:]),
                       linear, float(threshold), tuple(feature_names))


def _forest_arrays(prefix: str, forest: Forest) -> dict[str, np.ndarray]:
    out = {f"{prefix}.{k}": getattr(forest, k) for k in ("roots", "left", "right", "feature", "threshold",
                                                          "missing_left", "value")}
    out[f"{prefix}.scalars"] = np.array([float(forest.float32), forest.baseline])
    return out


def _forest(prefix: str, data) -> Forest:
    float32, baseline = data[f"{prefix}.scalars"]
    return Forest(*(data[f"{prefix}.{k}"] for k in ("roots", "left", "right", "feature", "threshold", "missing_left",
                                                    "value")), bool(float32), float(baseline))


def save(scorer: ArrayScorer, path: str | Path) -> Path:
    """One ``.npz`` file (no pickles): the arrays and a JSON header."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    trees, kernel, boost = scorer.overall_
    arrays = {**_forest_arrays("overall.trees", trees), **_forest_arrays("overall.boost", boost),
              **{f"overall.svr.{k}": np.asarray(getattr(kernel, k)) for k in ("mean", "scale", "support", "dual",
                                                                              "gamma", "intercept")}}
    for k, model in enumerate(scorer.dimensions_):
        arrays.update(_forest_arrays(f"dimension{k}", model))
    if scorer.product_ is not None:
        arrays["product.coef"], arrays["product.intercept"] = scorer.product_.coef, np.asarray(scorer.product_.intercept)
    header = {"format": FORMAT, "threshold": scorer.same_story_max_overall_, "features": list(scorer.feature_names_),
              "dimensions": len(scorer.dimensions_), "deep": scorer.uses_deep_}
    with path.open("wb") as handle:
        np.savez_compressed(handle, header=np.array(json.dumps(header)), **arrays)
    return path


def load(path: str | Path) -> ArrayScorer:
    """A scorer saved by ``save``; ``ConfigError`` naming the file for anything else."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            if header.get("format") != FORMAT:
                raise ValueError(f"format {header.get('format')!r}")
            kernel = Kernel(*(data[f"overall.svr.{k}"] for k in ("mean", "scale", "support", "dual")),
                            float(data["overall.svr.gamma"]), float(data["overall.svr.intercept"]))
            product = (Linear(data["product.coef"], float(data["product.intercept"])) if header["deep"] else None)
            scorer = ArrayScorer((_forest("overall.trees", data), kernel, _forest("overall.boost", data)),
                                 tuple(_forest(f"dimension{k}", data) for k in range(header["dimensions"])),
                                 product, float(header["threshold"]), tuple(header["features"]))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such model file") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a storylens pair model ({type(exc).__name__}: {exc}); retrain with "
                          "`storylens train pairs`") from None
    if scorer.feature_names_ != tuple(PairFeatures.names()):
        raise ConfigError(f"{path}: trained on other features; retrain with `storylens train pairs`")
    return scorer


@lru_cache(maxsize=2)
def default_scorer(fast: bool = False) -> Scorer:
    """The shipped learned scorer (``fast``: the one without e5), or the rule scorer when
    no model file is installed."""
    path = FAST_MODEL_PATH if fast else MODEL_PATH
    return load(path) if path.exists() else RuleScorer()


def uses_deep(scorer: Scorer) -> bool:
    """Whether ``scorer`` reads the e5 features (the rule scorer does not)."""
    return bool(getattr(scorer, "uses_deep_", False))
