"""Threads: the events (stories) that form one developing story, linked as they arrive.

A story is one event; a thread is the run of events people follow (Syria asks Russia for
troops, then Russia's first airstrikes; a deal announced, then approved). Linking is its own
decision, made on the same evidence the story engine weighs for an article's candidate
stories (``cluster.evidence``) but by its own rule, fitted on thread-labelled data: when an
article places in story S, each *other* candidate story T gets a thread probability. A story
the article opens joins the thread of its most probable T when that reaches ``threshold``, or
opens a thread of its own. Two threads merge, the older thread's id surviving, when a link
reaches ``merge_threshold`` or when the article merges two stories of different threads (one
event cannot be in two threads). Links are only ever added, so a batch and the same articles
one by one give the same threads, and a thread id never moves (a merged-away one leads to its
survivor).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from storylens.cluster.evidence import Evidence


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class ThreadRule:
    """Logistic weights over ``Evidence`` for "this other story is an earlier (or later)
    step of the article's thread". Fitted on engine replays of giveme5w1h, whose labels are
    threads, with the labelled real pages' stories (hard negatives among them) as
    different threads (``benchmarks/threads.py``, docs/clustering.md "Threads")."""

    weights: tuple[float, ...] = (7.288, 3.22, 1.741, 7.062, 3.363, 16.602, -2.001, -0.437, -0.394, 0.0)
    bias: float = -6.638
    lexical_weights: tuple[float, ...] = (14.455, 2.718, 29.481, -2.118, -0.662, -0.333, 0.0)
    lexical_bias: float = -4.887
    threshold: float = 0.7  # a new story joins the thread of its best link from this probability
    merge_threshold: float = 0.99  # two threads merge on a link this probable (a merge cannot be undone)

    def probability(self, evidence: Evidence) -> float:
        if evidence.basis == "lexical":
            return _sigmoid(float(np.dot(self.lexical_weights, evidence.lexical_vector())) + self.lexical_bias)
        return _sigmoid(float(np.dot(self.weights, evidence.as_vector())) + self.bias)


@dataclass(frozen=True)
class ThreadStep:
    """What one article did to the threads: where its story's thread is now."""

    thread: int  # the (live) thread of the article's story
    opened: bool  # the article's story opened this thread
    merged: tuple[int, ...]  # threads folded into ``thread``
    linked_story: int | None  # the other story that linked the article's new story into ``thread``
    link_score: float | None


class ThreadLinker:
    """Keeps which thread each story is in; learned state ends in ``_``."""

    def __init__(self, rule: ThreadRule | None = None) -> None:
        self.rule = rule or ThreadRule()
        self.thread_of_: dict[int, int] = {}  # story seq -> thread seq (possibly merged since)
        self.merged_into_: dict[int, int] = {}
        self.seq_ = 0

    def restore(self, story_threads: Mapping[int, int], last_seq: int) -> ThreadLinker:
        """Take the stored threads of the live stories (story seq -> thread seq)."""
        self.thread_of_ = dict(story_threads)
        self.merged_into_ = {}
        self.seq_ = max([last_seq, *story_threads.values()]) if story_threads else last_seq
        return self

    def live(self, thread: int) -> int:
        while thread in self.merged_into_:
            thread = self.merged_into_[thread]
        return thread

    def thread_of(self, story: int) -> int:
        return self.live(self.thread_of_[story])

    def _open(self, story: int) -> int:
        self.seq_ += 1
        self.thread_of_[story] = self.seq_
        return self.seq_

    def _scored(self, story: int | None, evidence: Mapping[int, Evidence] | None) -> list[tuple[float, int]]:
        """The rule's probability that each other candidate story (one with a thread) is an
        earlier step of ``story``'s thread, best first."""
        return sorted(((self.rule.probability(e), other) for other, e in (evidence or {}).items()
                       if other != story and other in self.thread_of_), reverse=True)

    def best_link(self, story: int | None, evidence: Mapping[int, Evidence] | None) -> tuple[float, int] | None:
        """The candidate story ``story`` would be linked to if the rule agrees, with its
        probability, changing nothing; None without candidates."""
        scored = self._scored(story, evidence)
        return scored[0] if scored else None

    def link(self, story: int, opened: bool, merged_stories: tuple[int, ...] = (),
             evidence: Mapping[int, Evidence] | None = None) -> ThreadStep:
        """Place ``story`` (which an article just opened or joined) in its thread, linking it
        with the other candidate stories whose ``evidence`` the rule takes as one thread, and
        with the stories the article merged into it."""
        rule = self.rule
        scored = self._scored(story, evidence)
        linked_story = link_score = None
        thread_opened = False
        if opened or story not in self.thread_of_:
            if scored and scored[0][0] >= rule.threshold:
                link_score, linked_story = scored[0]
                self.thread_of_[story] = self.thread_of(linked_story)
            else:
                self._open(story)
                thread_opened = True
        own = self.thread_of(story)
        joined = {self.thread_of(other) for p, other in scored if p >= rule.merge_threshold}
        joined |= {self.thread_of(m) for m in merged_stories if m in self.thread_of_}
        survivor = min(joined | {own})
        merged = tuple(sorted((joined | {own}) - {survivor}))
        for thread in merged:
            self.merged_into_[thread] = survivor
        return ThreadStep(survivor, thread_opened, merged, linked_story,
                          round(link_score, 4) if link_score is not None else None)
