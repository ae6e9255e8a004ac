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
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from storylens.cluster.assign import StoryClusterer, story_name
from storylens.cluster.evidence import LEXICAL_FEATURES, Evidence, JoinRule
from storylens.cluster.profile import StoryProfile, profile_articles
from storylens.evaluate.clusters import arrival_order, bcubed, read_labelled_articles


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


def gold_replay(corpus: LabelledProfiles) -> Replay:
    """Evidence rows (one per article and candidate story) and their 0/1 labels. A corpus
    whose name starts with ``pairs:`` is many streams of two articles each (SemEval pairs:
    every two profiles start a fresh store)."""
    rows: list[Evidence] = []
    labels: list[int] = []
    step = 2 if corpus.name.startswith("pairs:") else len(corpus.profiles)
    for start in range(0, len(corpus.profiles), max(step, 1)):
        clusterer = StoryClusterer()
        story_of: dict[str, str] = {}
        for profile, gold in zip(corpus.profiles[start:start + step], corpus.gold[start:start + step]):
            story = story_of.setdefault(gold, story_name(len(story_of) + 1))
            if not clusterer.is_copy(profile):
                for candidate, evidence in clusterer.weigh(profile).items():
                    rows.append(evidence)
                    labels.append(int(candidate == story))
            clusterer.place_in(profile, story)
    width, lexical_width = len(Evidence.FEATURES), len(LEXICAL_FEATURES)
    return Replay(np.array([e.as_vector() for e in rows]).reshape(-1, width),
                  np.array([e.lexical_vector() for e in rows]).reshape(-1, lexical_width),
                  np.array([e.basis == "lexical" for e in rows], dtype=bool), np.array(labels, dtype=int))


def fit_rule(corpora: Sequence[LabelledProfiles], c: float = 1.0) -> JoinRule:
    """Two logistic regressions over the gold-state replays of ``corpora``: the encoder's
    rule on the rows of the encoder's basis, the lexical rule on every row's lexical
    features (rows whose languages the encoder covers stand in for those it does not)."""
    from sklearn.linear_model import LogisticRegression

    replay = Replay.concat([gold_replay(corpus) for corpus in corpora])
    encoder_rows = ~replay.is_lexical
    encoder = LogisticRegression(C=c, max_iter=5000).fit(replay.encoder[encoder_rows], replay.labels[encoder_rows])
    lexical = LogisticRegression(C=c, max_iter=5000).fit(replay.lexical, replay.labels)
    return JoinRule(weights=tuple(round(float(w), 3) for w in encoder.coef_[0]), bias=round(float(encoder.intercept_[0]), 3),
                    lexical_weights=tuple(round(float(w), 3) for w in lexical.coef_[0]),
                    lexical_bias=round(float(lexical.intercept_[0]), 3))


def cluster_with(corpus: LabelledProfiles, rule: JoinRule) -> list[str]:
    """Predicted story of each article of ``corpus``, clustered incrementally with ``rule``
    (a ``pairs:`` corpus pair by pair, each pair in a fresh store)."""
    if corpus.name.startswith("pairs:"):
        out = []
        for start in range(0, len(corpus.profiles), 2):
            out += [f"{start}:{a.story_id}" for a in StoryClusterer(rule=rule).place(corpus.profiles[start:start + 2])]
        return out
    return [a.story_id for a in StoryClusterer(rule=rule).place(corpus.profiles)]


def cross_validate_rule(corpora: Sequence[LabelledProfiles], folds: int = 3, seed: int = 0) -> dict[str, dict]:
    """B-cubed per corpus of rules fitted without the stories they cluster (folds over stories)."""
    fold_of: dict[tuple[str, str], int] = {}
    for corpus in corpora:
        stories = sorted(set(corpus.gold))
        random.Random(seed).shuffle(stories)
        fold_of.update({(corpus.name, s): i % folds for i, s in enumerate(stories)})
    predicted: dict[str, list[str]] = {c.name: [] for c in corpora}
    gold: dict[str, list[str]] = {c.name: [] for c in corpora}
    for fold in range(folds):
        def part(corpus: LabelledProfiles, held_out: bool) -> LabelledProfiles:
            return corpus.subset({s for s in set(corpus.gold) if (fold_of[(corpus.name, s)] == fold) == held_out})

        rule = fit_rule([part(c, held_out=False) for c in corpora])
        for corpus in corpora:
            test = part(corpus, held_out=True)
            predicted[corpus.name] += [f"{fold}:{s}" for s in cluster_with(test, rule)]
            gold[corpus.name] += list(test.gold)
    return {name: bcubed(predicted[name], gold[name]) for name in predicted}
