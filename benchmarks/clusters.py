"""Story clustering against gold stories (story-engine issue).

    .venv/bin/python benchmarks/clusters.py [--json]

For giveme5w1h-news-cluster and MEANTIME (../shared/datasets): B-cubed precision, recall
and F1 of `storylens eval clusters` (incremental, one configuration for both), beside a
plain batch baseline: whole-text USE embeddings (title + newline + text) and average-link
agglomerative clustering on cosine distance, at (a) the one threshold that is best for
the two corpora together and (b) each corpus's own best threshold (an oracle).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from storylens.evaluate.clusters import BCubed

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
CORPORA = {"giveme5w1h": DATASETS / "giveme5w1h-news-cluster" / "articles.jsonl",
           "meantime": DATASETS / "meantime" / "articles.jsonl"}
THRESHOLDS = np.round(np.arange(0.10, 0.80, 0.01), 2)


def baseline(path: Path) -> dict[float, BCubed]:
    """B-cubed of average-link clustering of whole-text USE vectors, per distance threshold."""
    from sklearn.cluster import AgglomerativeClustering

    from storylens.analyze.embed import embed
    from storylens.evaluate.clusters import bcubed, read_labelled_articles

    articles, gold = read_labelled_articles(path)
    vectors = embed([f"{a.title}\n{a.text}" for a in articles])
    out = {}
    for t in THRESHOLDS:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=float(t)).fit_predict(vectors)
        out[float(t)] = bcubed([str(x) for x in labels], gold)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from storylens.evaluate.clusters import eval_clusters

    missing = [str(p) for p in CORPORA.values() if not p.exists()]
    if missing:
        raise SystemExit(f"benchmark data absent: {', '.join(missing)} (../shared beside the checkout)")
    ours = {name: eval_clusters(path) for name, path in CORPORA.items()}
    base = {name: baseline(path) for name, path in CORPORA.items()}
    shared_t = float(max(THRESHOLDS, key=lambda t: sum(base[n][float(t)].f1 for n in CORPORA)))
    own_t = {name: max(base[name], key=lambda t: base[name][t].f1) for name in CORPORA}
    if args.json:
        print(json.dumps({name: {"storylens": ours[name].to_dict(),
                                 "baseline_shared_threshold": {"threshold": shared_t, **base[name][shared_t].to_dict()},
                                 "baseline_own_best_threshold": {"threshold": own_t[name],
                                                                 **base[name][own_t[name]].to_dict()}}
                          for name in CORPORA}, indent=2))
        return
    print("| corpus | method | B-cubed P | R | F1 | stories (gold) |")
    print("|---|---|---|---|---|---|")
    for name in CORPORA:
        s = ours[name]
        print(f"| {name} | storylens (incremental, one configuration) | {s.bcubed.precision:.3f} | "
              f"{s.bcubed.recall:.3f} | **{s.bcubed.f1:.3f}** | {s.stories_predicted} ({s.gold}) |")
        for label, t in (("one threshold for both", shared_t), ("its own best threshold", own_t[name])):
            b = base[name][t]
            print(f"| {name} | USE + average-link, {label} ({t:.2f}) | {b.precision:.3f} | "
                  f"{b.recall:.3f} | {b.f1:.3f} | |")


if __name__ == "__main__":
    main()
