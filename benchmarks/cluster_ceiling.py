"""How far can batch clustering with an oracle threshold go on giveme5w1h? (story-engine issue, issue K)

    .venv/bin/python benchmarks/cluster_ceiling.py [--e5] [--supervised]

For several article representations, average-link agglomerative clustering of all 383
articles at once, at the distance threshold that is best for this corpus (an oracle that no
stream has: it reads the gold labels to choose). The figure bounds what the same signals
can give an incremental engine; it also shows what the gold labels ask for.
Representations: the engine's title-and-lead USE vector; USE of the whole text; TF-IDF of
the whole text (1-2 grams, sublinear, English stop words); IDF-weighted Jaccard of the
engine's name keys; with ``--e5``, multilingual-e5-small of the title and first 2,000
characters (``analyze.deep``, 3 to 4 minutes); and averages of these similarity matrices.
Then, for each gold story, the days between its first and last article.

giveme5w1h's labels are threads (issue K). ``--supervised`` asks what the same signals give
when a classifier learns how to weigh them, pair by pair, with the day gap between the two
articles and whether they share an outlet and a language: fitted on the article pairs of two
thirds of the gold threads (logistic regression, and scikit-learn's gradient boosting), it
scores the pairs of the held-out third, which is clustered alone by average link; 3 folds
over threads dealt as ``benchmarks/threads.py`` deals them, seeds 0, 1, 2. The threshold is
chosen on the training threads, each half scored by a model fitted on the other half
(nothing of the held-out fold is read), and, as a ceiling, at the value best for the
held-out folds' gold. TF-IDF and the name keys' IDF are over all 383 articles (no labels).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from storylens.evaluate.clusters import BCubed

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT.parent / "shared" / "datasets" / "giveme5w1h-news-cluster" / "articles.jsonl"
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)
SEEDS = (0, 1, 2)
FOLDS = 3


def average_link(similarity: np.ndarray, threshold: float) -> list[str]:
    from sklearn.cluster import AgglomerativeClustering

    return [str(x) for x in AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                                    distance_threshold=float(threshold)
                                                    ).fit_predict(np.clip(1 - similarity, 0, 2))]


def best_threshold(similarity: np.ndarray, gold: list[str]) -> tuple[float, BCubed]:
    from storylens.evaluate.clusters import bcubed

    return max(((float(t), bcubed(average_link(similarity, t), gold)) for t in THRESHOLDS), key=lambda r: r[1].f1)


def name_similarity(profiles) -> np.ndarray:
    """The engine's IDF-weighted Jaccard of name keys, with IDF over the whole corpus."""
    from storylens.cluster.evidence import TermFrequencies, weighted_jaccard

    terms = TermFrequencies()
    for p in profiles:
        terms.add(p)
    weights = terms.weigher(terms.names_)
    mine = [weights(p.keys) for p in profiles]
    out = np.eye(len(profiles))
    for i in range(len(profiles)):
        for j in range(i + 1, len(profiles)):
            out[i, j] = out[j, i] = weighted_jaccard(mine[i], profiles[j].keys, weights)
    return out


def pair_features(similarities: dict[str, np.ndarray], articles, profiles) -> np.ndarray:
    """(n, n, k): each similarity, the log of the days between the two articles, whether
    either is undated, whether both are of one outlet, and of one language."""
    days = np.array([a.published.timestamp() / 86400 if a.published else np.nan for a in articles])
    gap = np.abs(days[:, None] - days[None, :])
    undated = np.isnan(gap)
    outlets = np.array([(a.outlet or "").lower() for a in articles])
    languages = np.array([p.language for p in profiles])
    return np.stack([*similarities.values(), np.where(undated, 0.0, np.log1p(np.nan_to_num(gap))),
                     undated.astype(float), (np.equal.outer(outlets, outlets) & (outlets != "")).astype(float),
                     np.equal.outer(languages, languages).astype(float)], axis=-1)


def deal_folds(gold: list[str], folds: int, seed: int) -> np.ndarray:
    """Each article's fold, its gold thread dealt by ``evaluate.join_rule.assign_folds``
    (as for ``benchmarks/threads.py``)."""
    from storylens.evaluate.join_rule import LabelledProfiles, assign_folds, fold_group

    corpus = LabelledProfiles("giveme5w1h", (), tuple(gold))
    fold_of = assign_folds([corpus], folds, seed)
    return np.array([fold_of[fold_group(corpus, g)] for g in gold])


def _fit_pairs(features: np.ndarray, same: np.ndarray, rows: np.ndarray, make):
    upper = np.triu_indices(len(rows), 1)
    return make().fit(features[np.ix_(rows, rows)][upper], same[np.ix_(rows, rows)][upper])


def _scored(model, features: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The model's symmetric pair probabilities among ``rows``, 1 on the diagonal."""
    p = model.predict_proba(features[np.ix_(rows, rows)].reshape(-1, features.shape[-1]))[:, 1]
    p = p.reshape(len(rows), len(rows))
    p = (p + p.T) / 2
    np.fill_diagonal(p, 1.0)
    return p


def _inner_threshold(features: np.ndarray, same: np.ndarray, gold: list[str], train: np.ndarray, make,
                     seed: int) -> float:
    """The threshold best for the training threads, each half of them scored by a model
    fitted on the other half (held-out scores, as the outer fold's will be)."""
    from storylens.evaluate.clusters import bcubed

    half = deal_folds([gold[i] for i in train], 2, seed)
    scored = [(train[half == h], _scored(_fit_pairs(features, same, train[half != h], make), features,
                                         train[half == h])) for h in (0, 1)]

    def f1(threshold: float) -> float:
        predicted, truth = [], []
        for h, (rows, p) in enumerate(scored):
            predicted += [f"{h}:{label}" for label in average_link(p, threshold)]
            truth += [gold[i] for i in rows]
        return bcubed(predicted, truth).f1

    return max(THRESHOLDS, key=f1)


def supervised(features: np.ndarray, gold: list[str], make, seed: int) -> tuple[float, float]:
    """Thread-level B-cubed F1 of the held-out folds (each clustered alone by average link
    over the classifier's pair probabilities): (threshold chosen by an inner split of the
    training threads, threshold best for the held-out gold)."""
    from storylens.evaluate.clusters import bcubed

    fold = deal_folds(gold, FOLDS, seed)
    same = np.equal.outer(np.array(gold), np.array(gold)).astype(int)
    held: list[tuple[np.ndarray, np.ndarray, float]] = []
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        chosen = _inner_threshold(features, same, gold, train, make, seed)
        held.append((test, _scored(_fit_pairs(features, same, train, make), features, test), chosen))

    def f1(threshold: float | None) -> float:
        predicted = [""] * len(gold)
        for k, (test, p, chosen) in enumerate(held):
            for i, label in zip(test, average_link(p, chosen if threshold is None else threshold)):
                predicted[i] = f"{k}:{label}"
        return bcubed(predicted, gold).f1

    return f1(None), max(f1(float(t)) for t in THRESHOLDS)


def report_supervised(similarities: dict[str, np.ndarray], articles, profiles, gold: list[str]) -> None:
    import statistics

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    models = {"logistic regression": lambda: LogisticRegression(max_iter=5000),
              "gradient boosting": lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05)}
    sets = {"every signal": similarities}
    if "whole-text e5" in similarities:
        sets["without e5"] = {k: v for k, v in similarities.items() if k != "whole-text e5"}
    print(f"\nLearned pair scores, cross-validated over threads ({FOLDS} folds, seeds {SEEDS}); "
          "thread-level B-cubed F1, median (runs):\n"
          "| classifier | signals (+ day gap, outlet, language) | threshold from the training threads | best threshold for the held-out gold |\n"
          "|---|---|--:|--:|")
    for model_name, make in models.items():
        for set_name, chosen in sets.items():
            features = pair_features(chosen, articles, profiles)
            runs = [supervised(features, gold, make, seed) for seed in SEEDS]
            honest, ceiling = ([r[i] for r in runs] for i in (0, 1))
            print(f"| {model_name} | {set_name} | {statistics.median(honest):.3f} ({', '.join(f'{x:.3f}' for x in honest)})"
                  f" | {statistics.median(ceiling):.3f} ({', '.join(f'{x:.3f}' for x in ceiling)}) |")


def e5_similarity(articles) -> np.ndarray:
    from storylens.analyze.deep import WHOLE_CHARS, _encode

    e5 = np.vstack([_encode([f"{a.title}\n{a.text[:WHOLE_CHARS]}".strip()])[0] for a in articles])
    return e5 @ e5.T


def main() -> None:
    import argparse

    from sklearn.feature_extraction.text import TfidfVectorizer

    from storylens.analyze.embed import embed
    from storylens.cluster.profile import profile_articles
    from storylens.evaluate.clusters import read_labelled_articles

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--e5", action="store_true", help="also e5 vectors of the whole text (3-4 minutes)")
    parser.add_argument("--supervised", action="store_true", help="also learned pair scores, cross-validated over threads")
    args = parser.parse_args()
    if not PATH.exists():
        raise SystemExit(f"benchmark data absent: {PATH} (../shared beside the checkout)")
    articles, gold = read_labelled_articles(PATH)
    whole = [f"{a.title}\n{a.text}" for a in articles]
    profiles = profile_articles(articles)
    lead = np.array([p.vector for p in profiles])
    use = embed(whole)
    tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words="english").fit_transform(whole)
    s = {"title + lead USE (the engine's vector)": lead @ lead.T, "whole-text USE": use @ use.T,
         "whole-text TF-IDF": (tfidf @ tfidf.T).toarray(), "name keys (IDF Jaccard)": name_similarity(profiles)}
    if args.e5:
        s["whole-text e5"] = e5_similarity(articles)
    single = dict(s)
    names = list(s)
    s["whole-text USE + TF-IDF"] = (s[names[1]] + s[names[2]]) / 2
    s["lead USE + TF-IDF + names"] = (s[names[0]] + s[names[2]] + s[names[3]]) / 3
    s["whole USE + TF-IDF + names"] = (s[names[1]] + s[names[2]] + s[names[3]]) / 3
    print("| representation | best threshold | B-cubed P | R | F1 |\n|---|--:|--:|--:|--:|")
    for name, sim in s.items():
        t, b = best_threshold(sim, gold)
        print(f"| {name} | {t:.2f} | {b.precision:.3f} | {b.recall:.3f} | {b.f1:.3f} |")
    spans: dict[str, list] = defaultdict(list)
    for a, g in zip(articles, gold):
        if a.published is not None:
            spans[g].append(a.published)
    days = sorted(((max(d) - min(d)).days, len(d), g) for g, d in spans.items())
    long = [(d, n, g) for d, n, g in days if d > 30]
    print(f"\n{len(long)} of {len(spans)} gold stories span more than 30 days; they hold "
          f"{sum(n for _, n, _ in long)} of {len(articles)} articles:")
    print(", ".join(f"{g} ({n} articles, {d} days)" for d, n, g in reversed(long)))
    if args.supervised:
        report_supervised(single, articles, profiles, gold)


if __name__ == "__main__":
    main()
