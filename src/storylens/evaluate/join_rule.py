"""Fitting the story engine's ``JoinRule`` on gold-labelled corpora, and judging it.

A *gold-state replay* takes a labelled corpus's articles in arrival order. Before each
article is put in its gold story, the evidence for every candidate story is recorded:
label 1 for the gold story, 0 for the others. Wire copies, which join by fingerprint
and never reach the rule, are skipped. A logistic regression over the replays of all
corpora gives the rule's weights (``fit_rule``).

``cross_validate_rule`` splits each corpus's gold stories into folds, fits the rule on
the replays of the other folds (of every corpus), clusters the held-out fold's articles
incrementally with it, and scores all held-out folds together with B-cubed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from storylens.cluster.assign import StoryClusterer
from storylens.cluster.evidence import LEXICAL_FEATURES, Evidence, JoinRule
from storylens.cluster.profile import profile_articles
from storylens.evaluate.clusters import BCubed, arrival_order, bcubed, read_labelled_articles
from storylens.ingest.dateline import with_dateline
from storylens.match.duplicates import PARTIAL
from storylens.records import StoryProfile, story_name


@dataclass(frozen=True)
class LabelledProfiles:
    """A gold-labelled corpus, profiled, in arrival order."""

    name: str
    profiles: tuple[StoryProfile, ...]
    gold: tuple[str, ...]

    def subset(self, stories: set[str]) -> LabelledProfiles:
        keep = [i for i, g in enumerate(self.gold) if g in stories]
        return LabelledProfiles(self.name, tuple(self.profiles[i] for i in keep), tuple(self.gold[i] for i in keep))


def labelled_profiles(path: str | Path, name: str | None = None) -> LabelledProfiles:
    articles, gold = read_labelled_articles(path)
    articles = [with_dateline(a) for a in articles]  # as the engine dates them
    order = arrival_order(articles)
    profiles = profile_articles([articles[i] for i in order])
    return LabelledProfiles(name or Path(path).parent.name, tuple(profiles), tuple(gold[i] for i in order))


@dataclass(frozen=True)
class Replay:
    """The evidence rows of gold-state replays: encoder features, lexical features, whether
    the row's basis is lexical, and the 0/1 label (1 for the gold story)."""

    encoder: np.ndarray
    lexical: np.ndarray
    is_lexical: np.ndarray
    labels: np.ndarray

    @staticmethod
    def concat(replays: Sequence[Replay]) -> Replay:
        return Replay(*(np.concatenate([getattr(r, f.name) for r in replays]) for f in fields(Replay)))

    @staticmethod
    def of(rows: Sequence[Evidence], labels: Sequence[int]) -> Replay:
        """The rows of evidence with their labels, as feature matrices."""
        width, lexical_width = len(Evidence.FEATURES), len(LEXICAL_FEATURES)
        return Replay(np.array([e.as_vector() for e in rows]).reshape(-1, width),
                      np.array([e.lexical_vector() for e in rows]).reshape(-1, lexical_width),
                      np.array([e.basis == "lexical" for e in rows], dtype=bool), np.array(labels, dtype=int))


def fit_logistic(corpora: Sequence[LabelledProfiles], replays: Sequence[Replay], c: float, max_iter: int,
                 weights: Mapping[str, float] | None = None) -> tuple[tuple[float, ...], float, tuple[float, ...], float]:
    """Two logistic regressions over the replays of ``corpora``: the encoder's weights on
    the rows of the encoder's basis, the lexical weights on every row's lexical features
    (rows whose languages the encoder covers stand in for those it does not). ``weights``
    give each corpus's rows a weight, by corpus name (1 when not named). Returns (encoder
    weights, bias, lexical weights, bias), rounded to three places."""
    from sklearn.linear_model import LogisticRegression

    replay = Replay.concat(replays)
    row_weight = np.concatenate([np.full(len(r.labels), (weights or {}).get(corpus.name, 1.0))
                                 for corpus, r in zip(corpora, replays)])
    encoder_rows = ~replay.is_lexical
    encoder = LogisticRegression(C=c, max_iter=max_iter).fit(
        replay.encoder[encoder_rows], replay.labels[encoder_rows], sample_weight=row_weight[encoder_rows])
    lexical = LogisticRegression(C=c, max_iter=max_iter).fit(replay.lexical, replay.labels, sample_weight=row_weight)
    return (tuple(round(float(w), 3) for w in encoder.coef_[0]), round(float(encoder.intercept_[0]), 3),
            tuple(round(float(w), 3) for w in lexical.coef_[0]), round(float(lexical.intercept_[0]), 3))


def gold_replay(corpus: LabelledProfiles) -> Replay:
    """Evidence rows (one per article and candidate story) and their 0/1 labels. A corpus
    whose name starts with ``pairs:`` is many streams of two articles each (SemEval pairs:
    every two profiles start a fresh store)."""
    rows: list[Evidence] = []
    labels: list[int] = []
    step = 2 if corpus.name.startswith("pairs:") else len(corpus.profiles)
    for start in range(0, len(corpus.profiles), max(step, 1)):
        clusterer = StoryClusterer(checked_partial=PARTIAL)  # copies by fingerprint alone, not by the rule being refitted
        story_of: dict[str, str] = {}
        for profile, gold in zip(corpus.profiles[start:start + step], corpus.gold[start:start + step]):
            story = story_of.setdefault(gold, story_name(len(story_of) + 1))
            if not clusterer.is_copy(profile):
                for candidate, evidence in clusterer.weigh(profile).items():
                    rows.append(evidence)
                    labels.append(int(candidate == story))
            clusterer.place_in(profile, story)
    return Replay.of(rows, labels)


def fit_rule(corpora: Sequence[LabelledProfiles], c: float = 1.0,
             weights: Mapping[str, float] | None = None) -> JoinRule:
    """The join rule fitted (``fit_logistic``) on the gold-state replays of ``corpora``,
    each corpus's rows weighted by ``weights``."""
    weights_, bias, lexical_weights, lexical_bias = fit_logistic(
        corpora, [gold_replay(corpus) for corpus in corpora], c, 5000, weights)
    return JoinRule(weights=weights_, bias=bias, lexical_weights=lexical_weights, lexical_bias=lexical_bias)


def cluster_with(corpus: LabelledProfiles, rule: JoinRule) -> list[str]:
    """Predicted story of each article of ``corpus``, clustered incrementally with ``rule``
    (a ``pairs:`` corpus pair by pair, each pair in a fresh store)."""
    if corpus.name.startswith("pairs:"):
        out = []
        for start in range(0, len(corpus.profiles), 2):
            out += [f"{start}:{a.story_id}" for a in StoryClusterer(rule=rule).place(corpus.profiles[start:start + 2])]
        return out
    return [a.story_id for a in StoryClusterer(rule=rule).place(corpus.profiles)]


def fold_group(corpus: LabelledProfiles, label: str) -> tuple[str, str]:
    """What one fold holds whole: a story of a corpus *family* (``giveme5w1h@undated`` is
    of the family ``giveme5w1h``: the same stories, dates stripped, in the same fold), or
    a pair of a ``pairs:`` corpus (labels ``p7`` and ``p7~b``)."""
    return corpus.name.split("@")[0], label.split("~")[0]


def assign_folds(corpora: Sequence[LabelledProfiles], folds: int, seed: int) -> dict[tuple[str, str], int]:
    """The fold of each ``fold_group`` of ``corpora``: each corpus's groups shuffled with
    ``seed`` and dealt out in turn."""
    fold_of: dict[tuple[str, str], int] = {}
    for corpus in corpora:
        groups = sorted({fold_group(corpus, g) for g in corpus.gold})
        random.Random(seed).shuffle(groups)
        for i, group in enumerate(groups):
            fold_of.setdefault(group, i % folds)
    return fold_of


def fold_part(corpus: LabelledProfiles, fold_of: Mapping[tuple[str, str], int], fold: int,
              held_out: bool) -> LabelledProfiles:
    """The stories of ``corpus`` in ``fold`` (``held_out``), or in every other fold."""
    return corpus.subset({g for g in set(corpus.gold) if (fold_of[fold_group(corpus, g)] == fold) == held_out})


def cross_validated_predictions(corpora: Sequence[LabelledProfiles], folds: int = 3, seed: int = 0,
                                train: Sequence[str] | None = None, weights: Mapping[str, float] | None = None,
                                ) -> dict[str, tuple[list[str], LabelledProfiles]]:
    """For each corpus, the stories its articles get from rules fitted without them (folds
    over stories, and pairs), with the held-out corpus in arrival order beside them. Only
    the corpora named in ``train`` (all by default) are fitted on, with ``weights``."""
    fold_of = assign_folds(corpora, folds, seed)
    out: dict[str, list[str]] = {c.name: [] for c in corpora}
    held: dict[str, list[LabelledProfiles]] = {c.name: [] for c in corpora}
    for fold in range(folds):
        rule = fit_rule([fold_part(c, fold_of, fold, held_out=False) for c in corpora if train is None or c.name in train],
                        weights=weights)
        for corpus in corpora:
            test = fold_part(corpus, fold_of, fold, held_out=True)
            out[corpus.name].extend(f"{fold}:{s}" for s in cluster_with(test, rule))
            held[corpus.name].append(test)
    return {name: (predicted, LabelledProfiles(name, tuple(p for t in held[name] for p in t.profiles),
                                               tuple(g for t in held[name] for g in t.gold)))
            for name, predicted in out.items()}


def cross_validate_rule(corpora: Sequence[LabelledProfiles], folds: int = 3, seed: int = 0) -> dict[str, BCubed]:
    """B-cubed per corpus of rules fitted without the stories they cluster (folds over stories)."""
    return {name: bcubed(predicted, held.gold)
            for name, (predicted, held) in cross_validated_predictions(corpora, folds, seed).items()}
