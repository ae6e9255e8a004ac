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

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

from storylens.cluster.assign import StoryClusterer
from storylens.cluster.evidence import Evidence
from storylens.cluster.threads import ThreadRule
from storylens.evaluate.clusters import BCubed, bcubed
from storylens.evaluate.join_rule import LabelledProfiles, Replay, assign_folds, fit_logistic, fold_part
from storylens.records import StoryAssignment


def engine_replay(corpus: LabelledProfiles) -> Iterator[tuple[str, StoryAssignment, list[tuple[str, Evidence]],
                                                                  dict[str, Counter]]]:
    """The shipped story engine over ``corpus`` in arrival order. For each article: its gold
    label, where it went, the evidence for each *other* candidate story that holds earlier
    articles (by its id after the article's merges), and the gold labels of each story's
    articles so far (the article's own not yet counted)."""
    clusterer = StoryClusterer()
    story_gold: dict[str, Counter] = {}
    for profile, gold in zip(corpus.profiles, corpus.gold):
        weighed = clusterer.weigh(profile)
        placed = clusterer.place([profile])[0]
        own = clusterer.where(placed.story_id)[0]
        others = [(other, evidence) for other, evidence in ((clusterer.where(s)[0], e) for s, e in weighed.items())
                  if other != own and other in story_gold]
        yield gold, placed, others, story_gold
        counts = story_gold.setdefault(own, Counter())
        counts[gold] += 1
        for merged in placed.merged:
            counts.update(story_gold.pop(merged, Counter()))


def majority(counts: Counter) -> str:
    """The gold label most of a story's articles have."""
    return counts.most_common(1)[0][0]


def thread_replay(corpus: LabelledProfiles) -> Replay:
    """Evidence rows (article x other candidate story) of an engine replay, with 0/1 labels."""
    rows: list[Evidence] = []
    labels: list[int] = []
    for gold, _, others, story_gold in engine_replay(corpus):
        for other, evidence in others:
            rows.append(evidence)
            labels.append(int(majority(story_gold[other]) == gold))
    return Replay.of(rows, labels)


def fit_thread_rule(corpora: Sequence[LabelledProfiles], c: float = 10.0,
                    weights: Mapping[str, float] | None = None) -> ThreadRule:
    """The thread rule fitted (``join_rule.fit_logistic``) on the engine replays of ``corpora``,
    each corpus's rows weighted by ``weights``; the shipped thresholds."""
    weights_, bias, lexical_weights, lexical_bias = fit_logistic(
        corpora, [thread_replay(corpus) for corpus in corpora], c, 10000, weights)
    shipped = ThreadRule()
    return ThreadRule(weights=weights_, bias=bias, lexical_weights=lexical_weights, lexical_bias=lexical_bias,
                      threshold=shipped.threshold, merge_threshold=shipped.merge_threshold)


def threads_with(corpus: LabelledProfiles, rule: ThreadRule | None = None) -> tuple[list[str], list[str]]:
    """The (story, thread) of each article of ``corpus``, clustered incrementally with the
    shipped join rule and ``rule`` for threads; both as they stand after the last article."""
    clusterer = StoryClusterer(thread_rule=rule)
    where = [clusterer.where(p.story_id) for p in clusterer.place(corpus.profiles)]
    return [story for story, _ in where], [thread for _, thread in where]


def cross_validate_threads(corpora: Sequence[LabelledProfiles], folds: int = 3, seed: int = 0,
                           train: Sequence[str] | None = None, weights: Mapping[str, float] | None = None,
                           ) -> dict[str, BCubed]:
    """Thread-level B-cubed per corpus, each fold's threads formed by a rule fitted without
    them (folds over each corpus's gold threads, as ``join_rule.assign_folds`` deals them;
    only corpora in ``train`` are fitted on)."""
    fold_of = assign_folds(corpora, folds, seed)
    predicted: dict[str, list[str]] = {c.name: [] for c in corpora}
    held: dict[str, list[str]] = {c.name: [] for c in corpora}
    for fold in range(folds):
        rule = fit_thread_rule([fold_part(c, fold_of, fold, held_out=False) for c in corpora
                                if train is None or c.name in train], weights=weights)
        for corpus in corpora:
            test = fold_part(corpus, fold_of, fold, held_out=True)
            predicted[corpus.name] += [f"{fold}:{t}" for t in threads_with(test, rule)[1]]
            held[corpus.name] += list(test.gold)
    return {name: bcubed(predicted[name], held[name]) for name in predicted}
