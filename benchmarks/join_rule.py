"""Fit the story engine's join rule and judge it (story-engine issue).

    .venv/bin/python benchmarks/join_rule.py [--folds 3] [--seed 0]

Profiles giveme5w1h-news-cluster and MEANTIME (../shared/datasets), fits the logistic
``JoinRule`` on gold-state replays of both (``storylens.evaluate.join_rule``) and prints:
the shipped weights beside the refitted ones; B-cubed F1 of both rules on each corpus
(in-sample); the rule cross-validated over stories; and each corpus clustered by a rule
fitted on the other alone.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clusters import CORPORA  # noqa: E402  (the same two corpora as benchmarks/clusters.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from storylens.cluster.evidence import Evidence, JoinRule
    from storylens.evaluate.clusters import bcubed
    from storylens.evaluate.join_rule import cluster_with, cross_validate_rule, fit_rule, labelled_profiles

    missing = [str(p) for p in CORPORA.values() if not p.exists()]
    if missing:
        raise SystemExit(f"benchmark data absent: {', '.join(missing)} (../shared beside the checkout)")
    corpora = [labelled_profiles(path, name) for name, path in CORPORA.items()]
    shipped, refitted = JoinRule(), fit_rule(corpora)
    print("| feature | shipped weight | refitted |\n|---|--:|--:|")
    features = tuple(f.name for f in fields(Evidence))
    for name, a, b in zip(features + ("bias",), shipped.weights + (shipped.bias,), refitted.weights + (refitted.bias,)):
        print(f"| {name} | {a:.3f} | {b:.3f} |")

    def f1(corpus, rule) -> str:
        return f"{bcubed(cluster_with(corpus, rule), corpus.gold)['bcubed_f1']:.3f}"

    print("\n| rule | " + " | ".join(c.name for c in corpora) + " |\n|---|" + "--:|" * len(corpora))
    print("| shipped (in-sample) | " + " | ".join(f1(c, shipped) for c in corpora) + " |")
    print("| refitted on both (in-sample) | " + " | ".join(f1(c, refitted) for c in corpora) + " |")
    cv = cross_validate_rule(corpora, folds=args.folds, seed=args.seed)
    print(f"| cross-validated over stories ({args.folds} folds) | "
          + " | ".join(f"{cv[c.name]['bcubed_f1']:.3f}" for c in corpora) + " |")
    crossed = {c.name: f1(c, fit_rule([o for o in corpora if o is not c])) for c in corpora}
    print("| fitted on the other corpus only | " + " | ".join(crossed[c.name] for c in corpora) + " |")


if __name__ == "__main__":
    main()
