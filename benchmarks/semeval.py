"""Pair scorer vs human judgements on SemEval-2022 Task 8 dev (issue: learned pair scorer).

    .venv/bin/python benchmarks/semeval.py [--pairs ../shared/datasets/semeval2022-task8/pairs.dev.jsonl]
                                           [--features FEATURES.npz]

Prints 5-fold grouped cross-validated Pearson (overall, each dimension, each language pair)
for the shipped scorer and the one without e5 (``--fast``), beside the plain baseline
(-cosine of whole-text USE embeddings); same-story precision and recall; overall under
other cross-validation seeds; and the time to score 1,000 already-analysed pairs.
Takes about 20 minutes on 2 cores (e5 embeds every article's passages).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from storylens.evaluate.metrics import cross_validate, pearson, pearson_table, same_story_quality
from storylens.evaluate.pairs import analyze_pairs, article_groups, feature_matrix, gold_matrix, read_pairs
from storylens.match.features import PairFeatures
from storylens.match.learned import fit_scorer

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "semeval2022-task8" / "pairs.dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", default=str(DEFAULT))
    parser.add_argument("--seeds", default="1,2,3", help="further cross-validation seeds to report overall for")
    parser.add_argument("--features", default=None,
                        help="an .npz file: written with the feature matrix, or read instead of recomputing it "
                             "(the analysis and e5 take about 25 minutes; the models a few seconds)")
    args = parser.parse_args()
    pairs = read_pairs(args.pairs)
    Y, groups = gold_matrix(pairs), article_groups(pairs)
    languages = np.array([p.language_pair for p in pairs])
    if args.features and Path(args.features).exists():  # features of an earlier run of this file
        X = np.load(args.features)["X"]
        if X.shape[0] != len(pairs):
            raise SystemExit(f"{args.features}: {X.shape[0]} rows, but {args.pairs} has {len(pairs)} pairs")
        t0 = t1 = t2 = 0.0
    else:
        t0 = time.perf_counter()
        analysed = analyze_pairs(pairs)
        t1 = time.perf_counter()
        X = feature_matrix(analysed)
        t2 = time.perf_counter()
        if args.features:
            np.savez(args.features, X=X)
    pred, cut = cross_validate(X, Y, groups)
    table = pearson_table(pred, Y, languages)
    fast_pred, fast_cut = cross_validate(X, Y, groups, deep=False)
    fast = pearson_table(fast_pred, Y, languages)
    cosine = X[:, PairFeatures.names().index("doc_cosine")]

    if t2:
        print(f"{len(pairs)} pairs; analysis {t1 - t0:.0f} s, comparison features (e5 included) {t2 - t1:.0f} s")
    else:
        print(f"{len(pairs)} pairs; features read from {args.features}")
    print("\n5-fold grouped CV, Pearson r with gold      learned   --fast    baseline (-USE cosine)")
    for k, name in enumerate(table.pearson):
        print(f"  {name:<10}                                {table.pearson[name]:.3f}     "
              f"{fast.pearson[name]:.3f}     {pearson(-cosine, Y[:, k]):.3f}")
    print("\nOverall by language pair                    learned   --fast    baseline   pairs")
    for lang, row in table.by_language.items():
        mask = languages == lang
        print(f"  {lang:<10}                                {row.overall:.3f}     "
              f"{fast.by_language[lang].overall:.3f}     {pearson(-cosine[mask], Y[mask, 0]):.3f}      {row.pairs}")
    for name, p, c in (("learned", pred, cut), ("--fast", fast_pred, fast_cut)):
        quality = same_story_quality(p[:, 0], Y[:, 0], c)
        print(f"\nsame_story, {name} (predicted overall <= {c}): precision {quality.precision:.3f}, "
              f"recall {quality.recall:.3f} ({quality.pairs} pairs with gold <= 1.5 or >= 2.5)")
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    if seeds:
        others = [pearson(cross_validate(X, Y, groups, seed=s)[0][:, 0], Y[:, 0]) for s in seeds]
        print(f"\noverall with other cross-validation seeds {seeds}: " + ", ".join(f"{r:.3f}" for r in others))
    model = fit_scorer(X, Y, groups, threshold=cut)
    batch = np.resize(X, (1000, X.shape[1]))
    t3 = time.perf_counter()
    model.predict(batch)
    print(f"scoring 1,000 analysed pairs: {(time.perf_counter() - t3) * 1000:.0f} ms (features excluded"
          + (f": {(t2 - t1) / len(pairs) * 1000:.0f} ms/pair to compare, e5 included)" if t2 else ")"))


if __name__ == "__main__":
    main()
