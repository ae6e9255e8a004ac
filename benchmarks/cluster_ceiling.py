"""How far can batch clustering with an oracle threshold go on giveme5w1h? (story-engine issue)

    .venv/bin/python benchmarks/cluster_ceiling.py

For several article representations, average-link agglomerative clustering of all 383
articles at once, at the distance threshold that is best for this corpus (an oracle that no
stream has: it reads the gold labels to choose). The figure bounds what the same signals
can give an incremental engine; it also shows what the gold labels ask for.
Representations: the engine's title-and-lead USE vector; USE of the whole text; TF-IDF of
the whole text (1-2 grams, sublinear, English stop words); IDF-weighted Jaccard of the
engine's name keys; and averages of these similarity matrices. Last, for each gold story,
the days between its first and last article.
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


def best_threshold(similarity: np.ndarray, gold: list[str]) -> tuple[float, BCubed]:
    from sklearn.cluster import AgglomerativeClustering

    from storylens.evaluate.clusters import bcubed

    results = []
    for t in THRESHOLDS:
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=float(t)).fit_predict(np.clip(1 - similarity, 0, 2))
        results.append((float(t), bcubed([str(x) for x in labels], gold)))
    return max(results, key=lambda r: r[1].f1)


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


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storylens.analyze.embed import embed
    from storylens.cluster.profile import profile_articles
    from storylens.evaluate.clusters import read_labelled_articles

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


if __name__ == "__main__":
    main()
