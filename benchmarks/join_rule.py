"""Fit the story engine's join rule and judge it on data like the stream (issue G).

    .venv/bin/python benchmarks/join_rule.py [--folds 3] [--seed 0]

Corpora (../shared/datasets), each replayed as a stream (``storylens.evaluate.join_rule``):

- ``giveme5w1h``: dated reports by different outlets; ``giveme5w1h@undated``: the same
  with every date removed (the same stories, so the same folds);
- ``meantime``: four translations per story, same-topic stories (dated by their datelines);
- ``real``: the 197 labelled real pages of ``real-world/pages`` (4 groups, every other page
  its own story, hard negatives among them);
- ``pairs:semeval``: SemEval-2022 Task 8 dev pairs, each ingested alone into a fresh store
  (gold overall <= 1.5 same story, >= 2.5 different; pairs in between left out).

The rule is fitted on all five, each corpus's rows weighted (``WEIGHTS``): a story here is
one event, and giveme5w1h's labels are threads of events months apart (the Apple lawsuit
and its verdict, two launches of one missile programme), so its rows, dated and undated,
weigh half; MEANTIME's same-topic events days apart and the real pages' hard negatives,
which teach the rule what a follow-up event looks like, weigh 2.5 and 2. Prints the
shipped weights beside a refit; then, per corpus, the shipped rule (in-sample), the rule
cross-validated over stories and pairs (fitted on the other folds of every corpus), and the
rule fitted without that corpus's family at all. Scores: B-cubed F1; for the
real pages the wrong merges and split groups; for the pairs the agreement with the gold.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clusters import CORPORA, DATASETS  # noqa: E402

PAGES = DATASETS / "real-world" / "pages"
SEMEVAL = DATASETS / "semeval2022-task8" / "pairs.dev.jsonl"
WEIGHTS = {"giveme5w1h": 0.5, "giveme5w1h@undated": 0.5, "meantime": 2.5, "real": 2.0, "pairs:semeval": 1.0}



def real_pages():
    from storylens.cluster.profile import profile_articles
    from storylens.evaluate.clusters import arrival_order
    from storylens.evaluate.join_rule import LabelledProfiles
    from storylens.evaluate.real_pages import read_labelled_pages
    from storylens.ingest.dateline import with_dateline

    pages = read_labelled_pages(PAGES)
    articles, gold = [with_dateline(p.article) for p in pages], [p.story for p in pages]
    order = arrival_order(articles)
    return LabelledProfiles("real", tuple(profile_articles([articles[i] for i in order])), tuple(gold[i] for i in order))


def semeval_pairs():
    from storylens.cluster.profile import profile_articles
    from storylens.evaluate.join_rule import LabelledProfiles
    from storylens.evaluate.pairs import read_pairs

    from storylens.ingest.dateline import with_dateline

    pairs = [p for p in read_pairs(SEMEVAL) if not 1.5 < p.gold["Overall"] < 2.5]
    gold = [g for i, p in enumerate(pairs) for g in (f"p{i}", f"p{i}" if p.gold["Overall"] <= 1.5 else f"p{i}~b")]
    return LabelledProfiles("pairs:semeval", tuple(profile_articles([with_dateline(x) for p in pairs for x in (p.a, p.b)])), tuple(gold))


def undated(corpus):
    from storylens.evaluate.join_rule import LabelledProfiles

    return LabelledProfiles(corpus.name + "@undated", tuple(replace(p, published=None) for p in corpus.profiles), corpus.gold)


def score(corpus, predicted: list[str]) -> str:
    from storylens.evaluate.clusters import bcubed

    if corpus.name.startswith("pairs:"):
        same = [predicted[i] == predicted[i + 1] for i in range(0, len(predicted), 2)]
        gold = [corpus.gold[i] == corpus.gold[i + 1] for i in range(0, len(predicted), 2)]
        hits = sum(s and g for s, g in zip(same, gold))
        agree = sum(s == g for s, g in zip(same, gold)) / len(gold)
        return f"agree {agree:.3f} (P {hits / max(sum(same), 1):.2f} R {hits / max(sum(gold), 1):.2f})"
    if corpus.name == "real":
        from storylens.evaluate.real_pages import split_groups, wrong_merges

        wrong = wrong_merges([p.article_id for p in corpus.profiles], predicted, corpus.gold)
        return f"{len(wrong)} wrong merges, {len(split_groups(predicted, corpus.gold))} split groups"
    return f"{bcubed(predicted, corpus.gold).f1:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from storylens.cluster.evidence import LEXICAL_FEATURES, Evidence, JoinRule
    from storylens.evaluate.join_rule import cluster_with, cross_validated_predictions, fit_rule, labelled_profiles

    missing = [str(p) for p in [*CORPORA.values(), PAGES, SEMEVAL] if not p.exists()]
    if missing:
        raise SystemExit(f"benchmark data absent: {', '.join(missing)} (../shared beside the checkout)")
    giveme, meantime = (labelled_profiles(path, name) for name, path in CORPORA.items())
    corpora = [giveme, undated(giveme), meantime, real_pages(), semeval_pairs()]
    shipped, refitted = JoinRule(), fit_rule(corpora, weights=WEIGHTS)
    print("| rule | feature | shipped weight | refitted |\n|---|---|--:|--:|")
    for rule, names, a, b in (("encoder", Evidence.FEATURES, shipped.weights + (shipped.bias,), refitted.weights + (refitted.bias,)),
                              ("lexical", LEXICAL_FEATURES, shipped.lexical_weights + (shipped.lexical_bias,),
                               refitted.lexical_weights + (refitted.lexical_bias,))):
        for name, x, y in zip(names + ("bias",), a, b):
            print(f"| {rule} | {name} | {x:.3f} | {y:.3f} |")
    cv = cross_validated_predictions(corpora, folds=args.folds, seed=args.seed, weights=WEIGHTS)
    print("\n| corpus | shipped rule (in-sample) | cross-validated over stories "
          f"({args.folds} folds) | fitted without this corpus |\n|---|---|---|---|")
    for corpus in corpora:
        family = corpus.name.split("@")[0]
        without = fit_rule([c for c in corpora if c.name.split("@")[0] != family], weights=WEIGHTS)
        predicted, held = cv[corpus.name]
        print(f"| {corpus.name} | {score(corpus, cluster_with(corpus, shipped))} | {score(held, predicted)} | "
              f"{score(corpus, cluster_with(corpus, without))} |")


if __name__ == "__main__":
    main()
