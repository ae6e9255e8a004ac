"""Fitting the ``ThreadRule`` on thread-labelled corpora, and judging threads.

An *engine replay* runs the shipped story engine over a labelled corpus in arrival order
and records, for each article, the evidence for every candidate story other than the one it
went to, labelled 1 when most of that story's articles are of the article's gold thread.
Stories come from the engine, not the gold: the rule learns to link the stories the engine
actually makes. A logistic regression over the rows gives the rule (``fit_thread_rule``);
``cross_validate_threads`` fits it without one fold of threads, and scores the threads the
engine then forms for the held-out fold's articles (B-cubed at thread level).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storylens.cluster.assign import StoryClusterer
from storylens.cluster.evidence import LEXICAL_FEATURES, Evidence
from storylens.cluster.threads import ThreadRule
from storylens.evaluate.clusters import bcubed
from storylens.evaluate.join_rule import LabelledProfiles


@dataclass(frozen=True)
class ThreadRows:
    encoder: np.ndarray
    lexical: np.ndarray
    is_lexical: np.ndarray
    labels: np.ndarray


def thread_replay(corpus: LabelledProfiles) -> ThreadRows:
    """Evidence rows (article x other candidate story) of an engine replay, with 0/1 labels."""
    clusterer = StoryClusterer()
    story_gold: dict[str, Counter] = {}
    rows: list[Evidence] = []
    labels: list[int] = []
    for profile, gold in zip(corpus.profiles, corpus.gold):
        weighed = clusterer.weigh(profile)
        placed = clusterer.place([profile])[0]
        own = clusterer.where(placed.story_id)[0]
        for story_id, evidence in weighed.items():
            other = clusterer.where(story_id)[0]
            if other != own and other in story_gold:
                rows.append(evidence)
                labels.append(int(story_gold[other].most_common(1)[0][0] == gold))
        counts = story_gold.setdefault(own, Counter())
        counts[gold] += 1
        for merged in placed.merged:
            counts.update(story_gold.pop(merged, Counter()))
    return ThreadRows(np.array([e.as_vector() for e in rows]).reshape(-1, len(Evidence.FEATURES)),
                      np.array([e.lexical_vector() for e in rows]).reshape(-1, len(LEXICAL_FEATURES)),
                      np.array([e.basis == "lexical" for e in rows], dtype=bool), np.array(labels, dtype=int))


def fit_thread_rule(corpora: Sequence[LabelledProfiles], c: float = 10.0,
                    weights: Mapping[str, float] | None = None) -> ThreadRule:
    """Logistic regressions over the engine replays of ``corpora`` (the encoder's rule on
    rows of the encoder's basis, the lexical rule on every row's lexical features);
    ``weights`` weigh each corpus's rows, by name (1 when not named)."""
    from sklearn.linear_model import LogisticRegression

    replays = [thread_replay(corpus) for corpus in corpora]
    row_weight = np.concatenate([np.full(len(r.labels), (weights or {}).get(c_.name, 1.0))
                                 for c_, r in zip(corpora, replays)])
    encoder = np.concatenate([r.encoder for r in replays])
    lexical = np.concatenate([r.lexical for r in replays])
    is_lexical = np.concatenate([r.is_lexical for r in replays])
    labels = np.concatenate([r.labels for r in replays])
    keep = ~is_lexical
    enc = LogisticRegression(C=c, max_iter=10000).fit(encoder[keep], labels[keep], sample_weight=row_weight[keep])
    lex = LogisticRegression(C=c, max_iter=10000).fit(lexical, labels, sample_weight=row_weight)
    shipped = ThreadRule()
    return ThreadRule(weights=tuple(round(float(w), 3) for w in enc.coef_[0]), bias=round(float(enc.intercept_[0]), 3),
                      lexical_weights=tuple(round(float(w), 3) for w in lex.coef_[0]),
                      lexical_bias=round(float(lex.intercept_[0]), 3),
                      threshold=shipped.threshold, merge_threshold=shipped.merge_threshold)


def threads_with(corpus: LabelledProfiles, rule: ThreadRule | None = None) -> tuple[list[str], list[str]]:
    """The (story, thread) of each article of ``corpus``, clustered incrementally with the
    shipped join rule and ``rule`` for threads; both as they stand after the last article."""
    clusterer = StoryClusterer(thread_rule=rule)
    where = [clusterer.where(p.story_id) for p in clusterer.place(corpus.profiles)]
    return [story for story, _ in where], [thread for _, thread in where]


def cross_validate_threads(corpora: Sequence[LabelledProfiles], folds: int = 3, seed: int = 0,
                           train: Sequence[str] | None = None, weights: Mapping[str, float] | None = None,
                           ) -> dict[str, dict[str, float]]:
    """Thread-level B-cubed per corpus, each fold's threads formed by a rule fitted without
    them (folds over each corpus's gold threads; only corpora in ``train`` are fitted on)."""
    fold_of: dict[tuple[str, str], int] = {}
    for corpus in corpora:
        groups = sorted(set(corpus.gold))
        random.Random(seed).shuffle(groups)
        for i, group in enumerate(groups):
            fold_of[(corpus.name, group)] = i % folds
    predicted: dict[str, list[str]] = {c.name: [] for c in corpora}
    held: dict[str, list[str]] = {c.name: [] for c in corpora}
    for fold in range(folds):
        def part(corpus: LabelledProfiles, held_out: bool) -> LabelledProfiles:
            return corpus.subset({g for g in set(corpus.gold) if (fold_of[(corpus.name, g)] == fold) == held_out})
        rule = fit_thread_rule([part(c, False) for c in corpora if train is None or c.name in train], weights=weights)
        for corpus in corpora:
            test = part(corpus, True)
            predicted[corpus.name] += [f"{fold}:{t}" for t in threads_with(test, rule)[1]]
            held[corpus.name] += list(test.gold)
    return {name: bcubed(predicted[name], held[name]) for name in predicted}
