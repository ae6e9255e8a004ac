"""Incremental story clustering: each new article joins the best story or opens one.

``StoryClusterer`` follows scikit-learn's incremental contract: parameters in
``__init__``, learned state in attributes ending in ``_``, ``partial_fit`` (or ``place``,
which also returns the assignments) to take articles in arrival order. For each article it

1. checks the MinHash index for a wire copy or near-duplicate: a copy joins its original's story;
2. retrieves the nearest earlier articles by title-and-lead vector (usearch HNSW), and the
   earlier articles that share a rare multi-word name;
3. weighs the evidence for each of their stories (``evidence.story_evidence``) and joins
   the most probable one if the ``JoinRule`` says so, else opens a new story;
4. merges a second story into the first when the article is strong evidence for both;
5. links the article's story into a thread with the other candidate stories that the
   ``ThreadRule`` takes as earlier steps of one developing story (``cluster.threads``).

With a ``window_days`` span, the live state holds only the stories that had an article
within that span of the stream's newest date (and those of the ``window_undated`` most
recent articles): every ``compact_every`` articles, when at least a quarter of the state
is outside, the others go dormant, their profiles, vectors, index entries and term counts
dropped from memory. The store keeps them; the
engine asks it for the stories a batch's copy bands and rare names point at, and
``revive`` brings those back before the batch is placed.

Articles are taken one at a time in order, so a batch and the same articles one by one
give the same stories.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from usearch.index import Index

from storylens.cluster.evidence import (
    BACKGROUND_PRIOR,
    Candidate,
    Evidence,
    JoinRule,
    TermFrequencies,
    encoder_covers,
    story_evidence,
    timestamp,
)
from storylens.cluster.profile_table import ProfileTable, rare_postings
from storylens.cluster.saved_state import SavedState, read_saved, read_state, write_state
from storylens.cluster.threads import ThreadLinker, ThreadRule, ThreadStep
from storylens.match.duplicates import DuplicateIndex
from storylens.settings import DEFAULTS, CopySettings, StorySettings
from storylens.records import (DIM, CopyOf, StoryAssignment, StoryId, StoryPrediction, StoryProfile, ThreadId, story_name,
                               thread_name)

# A shorter text whose 5-grams are 40-70% inside an earlier one (a wire story cut at another
# point, wrapped in other site furniture) is a partial copy only when the story evidence
# agrees: a long shared quote or a reused background paragraph is not a copy of another event.
CHECKED_PARTIAL = DEFAULTS.stories.checked_partial


def _new_index() -> Index:
    """The HNSW index of title-and-lead vectors (connectivity 16: 12 clustered worse at 100k)."""
    return Index(ndim=DIM, metric="cos", dtype="f16", connectivity=16, expansion_add=32, expansion_search=48)


def _room(rows: int) -> int:
    """Rows to make ready for a state of ``rows``: a quarter more, so that the next articles
    do not copy the arrays at once (they grow by doubling)."""
    return max(1024, rows + rows // 4)


PREDICTED_CANDIDATES = 5  # candidate stories a prediction lists
FUTURE_SLACK = 86400.0  # a publication time later than now by more than this is not believed for the live window


class StoryClusterer:
    """Places a stream of ``StoryProfile`` objects into stories."""

    def __init__(self, *, neighbors: int = DEFAULTS.stories.neighbors,
                 background_neighbors: int = DEFAULTS.stories.background_neighbors,
                 max_candidates: int = DEFAULTS.stories.max_candidates, rare_name_df: int = DEFAULTS.stories.rare_name_df,
                 max_members: int = DEFAULTS.stories.max_members, rule: JoinRule | None = None,
                 merge_threshold: float = DEFAULTS.stories.merge_threshold,
                 checked_partial: float = CHECKED_PARTIAL, thread_rule: ThreadRule | None = None,
                 window_days: float = 0.0, window_undated: int = DEFAULTS.stories.window_undated,
                 compact_every: int = DEFAULTS.stories.compact_every, copies: CopySettings = DEFAULTS.copies) -> None:
        self.neighbors = neighbors
        self.max_candidates = max_candidates
        self.background_neighbors = background_neighbors
        self.rare_name_df = rare_name_df
        self.max_members = max_members
        self.rule = rule
        self.merge_threshold = merge_threshold
        self.checked_partial = checked_partial  # ``copies.partial`` or more turns the evidence-checked band off
        self.thread_rule = thread_rule
        self.window_days = window_days  # 0: every story stays live (a clusterer without a store must keep all)
        self.window_undated = window_undated
        self.compact_every = compact_every
        self.copies = copies  # what is a copy by fingerprint alone (``match.duplicates``)

    @classmethod
    def from_settings(cls, settings: StorySettings, copies: CopySettings = DEFAULTS.copies) -> StoryClusterer:
        """A clusterer with the shipped join rule and the thresholds and limits of ``settings`` and ``copies``."""
        return cls(neighbors=settings.neighbors, background_neighbors=settings.background_neighbors,
                   max_candidates=settings.max_candidates, rare_name_df=settings.rare_name_df,
                   max_members=settings.max_members, rule=JoinRule(threshold=settings.join_threshold),
                   merge_threshold=settings.merge_threshold, checked_partial=settings.checked_partial,
                   thread_rule=ThreadRule(threshold=settings.thread_threshold,
                                          merge_threshold=settings.thread_merge_threshold),
                   window_days=settings.window_days, window_undated=settings.window_undated,
                   compact_every=settings.compact_every, copies=copies)

    # -- state -----------------------------------------------------------------
    def _init_state(self, last_seq: int, room: int = 1024) -> None:
        """An empty state with ``room`` rows (growing by doubling copies every row again)."""
        self.index_ = _new_index()
        self.profiles_ = ProfileTable()  # StoryProfile by position
        self.vectors_ = np.zeros((room, DIM), dtype=np.float32)  # row = position
        self.times_ = np.full(room, np.nan)
        self.covered_ = np.zeros(room, dtype=bool)  # the encoder covers the profile's language
        self.story_of_: list[int] = []  # story seq of each profile, by position
        self.members_: dict[int, list[int]] = {}
        self.vector_sum_: dict[int, np.ndarray] = {}
        self.languages_: dict[int, set[str]] = {}
        self.merged_into_: dict[int, int] = {}
        self.rare_names_: dict[str, list[int]] = {}  # multi-word name key -> positions, while the key is rare
        self.terms_ = TermFrequencies()
        c = self.copies
        self.duplicates_ = DuplicateIndex(c.near, min(self.checked_partial, c.partial), c.min_partial_shingles, room)  # by id
        self.position_of_: dict[str, int] = {}  # article id -> position
        self.arrival_of_: list[int] = []  # arrival number of each profile, by position
        self.linker_ = ThreadLinker(self.thread_rule)
        self.seq_ = last_seq
        self.newest_ = -np.inf  # the newest publication time seen (seconds)
        self.story_newest_: dict[int, float] = {}  # live story -> its newest member's time (-inf: undated)
        self.story_last_: dict[int, int] = {}  # live story -> its most recent member's arrival number
        self.arrivals_ = 0  # articles taken since the state was made (restored ones too)
        self.placed_since_check_ = 0

    def _ensure_state(self) -> None:
        """An empty state, on first use of a clusterer that was not restored."""
        if not hasattr(self, "index_"):
            self._init_state(0)

    def _remember(self, profile: StoryProfile, seq: int, index: bool = True, count: bool = True,
                  arrival: int | None = None) -> None:
        position = len(self.profiles_)
        if position == len(self.vectors_):
            self.vectors_ = np.resize(self.vectors_, (2 * position, DIM))
            self.times_ = np.resize(self.times_, 2 * position)
            self.covered_ = np.resize(self.covered_, 2 * position)
        when = timestamp(profile)  # a Python float: cheaper to test than the array's element
        self.vectors_[position] = profile.vector
        self.times_[position] = when
        self.profiles_.append(profile)
        self.story_of_.append(seq)
        self.members_.setdefault(seq, []).append(position)
        self.covered_[position] = encoder_covers(profile.language)
        total = self.vector_sum_.get(seq)
        if total is None:
            total = self.vector_sum_[seq] = np.zeros(DIM, dtype=np.float32)
        if self.covered_[position]:  # the centroid is of vectors the encoder vouches for
            self.vector_sum_[seq] = total + profile.vector
        self.languages_.setdefault(seq, set()).add(profile.language)
        dated = not math.isnan(when)
        if dated and when <= time.time() + FUTURE_SLACK:  # a date in 2099 moves no window
            self.newest_ = max(self.newest_, when)
        self.story_newest_[seq] = max(self.story_newest_.get(seq, -math.inf), when if dated else -math.inf)
        if arrival is None:
            arrival = self.arrivals_
            self.arrivals_ += 1
        self.story_last_[seq] = max(self.story_last_.get(seq, -1), arrival)
        self.arrival_of_.append(arrival)
        if index:
            self.index_.add(position, profile.vector, threads=1)
        if count:
            self.terms_.add(profile)
        for key in profile.keys:
            if " " in key:
                posting = self.rare_names_.setdefault(key, [])
                if self.terms_.names_[key] <= self.rare_name_df:
                    posting.append(position)
                else:
                    posting.clear()
        self.position_of_.setdefault(profile.article_id, position)
        self.duplicates_.add(profile.article_id, profile.fingerprint)

    def restore(self, profiles: Sequence[tuple[StoryProfile, str]], last_seq: int,
                story_threads: Mapping[str, str] | None = None, last_thread_seq: int = 0) -> StoryClusterer:
        """Rebuild the state by replaying stored (profile, story id) pairs, in their original
        order, with the stored thread of each live story (``story_threads``: the threads are
        taken as stored, never re-linked). The HNSW index is built again; with a live
        window, once, of the live stories."""
        self._init_state(last_seq, room=_room(len(profiles)))
        self.index_loaded_ = False
        seqs: dict[str, int] = {}  # story id -> number, parsed once a story
        for profile, story_id in profiles:
            seq = seqs.get(story_id)
            if seq is None:
                seq = seqs[story_id] = StoryId.parse(story_id).seq
            self._remember(profile, seq, index=not self.window_days)
        if self.window_days:
            self.compact(rebuild=True)  # builds the index once, of the live stories
        self._restore_threads(story_threads, last_thread_seq)
        return self

    def restore_saved(self, state: SavedState, last_seq: int, story_threads: Mapping[str, str] | None = None,
                      last_thread_seq: int = 0) -> StoryClusterer:
        """Take the state ``save_state`` kept (``saved_state.read_state``): the state that was
        saved, built from arrays without replaying a profile; each profile object is built
        when its story is first weighed."""
        columns = state.columns
        n = len(columns)
        self._init_state(last_seq, room=_room(n))
        self.index_, self.index_loaded_ = state.index, True
        self.profiles_ = ProfileTable(columns)
        self.vectors_[:n] = columns.vectors
        self.times_[:n] = columns.times
        self.covered_[:n] = np.array([encoder_covers(x) for x in columns.languages], dtype=bool)[columns.language]
        self.story_of_, self.arrival_of_ = state.stories.tolist(), state.arrivals.tolist()
        names = [columns.languages[c] for c in columns.language.tolist()]
        newest, last = self.story_newest_, self.story_last_
        for position, (seq, when, arrival) in enumerate(zip(self.story_of_, columns.times.tolist(), self.arrival_of_)):
            self.members_.setdefault(seq, []).append(position)
            self.languages_.setdefault(seq, set()).add(names[position])
            newest[seq] = max(newest.get(seq, -math.inf), -math.inf if math.isnan(when) else when)
            last[seq] = max(last.get(seq, -1), arrival)
        stories = {seq: row for row, seq in enumerate(self.members_)}
        sums = np.zeros((len(stories), DIM), dtype=np.float32)
        vectors, story_of = self.vectors_, self.story_of_
        for position in np.flatnonzero(self.covered_[:n]).tolist():  # one at a time, in order: the sums _remember makes
            sums[stories[story_of[position]]] += vectors[position]
        self.vector_sum_ = {seq: sums[row] for seq, row in stories.items()}
        believable = columns.times[columns.times <= time.time() + FUTURE_SLACK]  # NaN compares False: dated only
        self.newest_ = max(float(believable.max()) if len(believable) else -np.inf, state.newest)
        self.terms_ = TermFrequencies.of_counts(columns.keys.counts(), columns.numbers.counts(), columns.terms.counts(), n)
        self.rare_names_ = rare_postings(columns.keys, self.terms_.names_, self.rare_name_df)
        for position, article_id in enumerate(columns.ids):
            self.position_of_.setdefault(article_id, position)
        self.duplicates_.extend(columns.ids, columns.hashes, columns.sizes)
        self.arrivals_, self.placed_since_check_ = state.next_arrival, state.since_check
        for positions in state.merged_members:  # a merged story's members in their merge order
            if sorted(positions) == self.members_.get(self.story_of_[positions[0]]):
                self.members_[self.story_of_[positions[0]]] = positions
        self._restore_threads(story_threads, last_thread_seq)
        return self

    def _restore_threads(self, story_threads: Mapping[str, str] | None, last_thread_seq: int) -> None:
        story, thread = StoryId.number, ThreadId.number
        self.linker_.restore({story(s): thread(t) for s, t in (story_threads or {}).items() if t}, last_thread_seq)

    def save_state(self, path: Path, mark: str | None = None) -> None:
        """Keep the state beside the store (``saved_state.write_state``): the HNSW index in
        ``path``, the profiles, their stories and arrival numbers in ``path.npz``, and what
        they hold in ``path.json`` with ``mark``, the store's ``articles_mark`` when this
        state is of every stored article. ``read_state`` then gives it back to
        ``restore_saved`` instead of a replay."""
        if not len(self.profiles_):
            return
        write_state(path, SavedState(
            columns=self.profiles_.to_columns(), stories=np.array([self._live(s) for s in self.story_of_], dtype=np.int64),
            arrivals=np.array(self.arrival_of_, dtype=np.int64),
            merged_members=[m for m in self.members_.values() if m != sorted(m)], next_arrival=self.arrivals_,
            since_check=self.placed_since_check_, newest=self.newest_, index=self.index_), mark, self.saved_window())

    def saved_state(self, path: Path, mark: str | None) -> SavedState | None:
        """The state ``save_state`` kept in ``path`` when it is still of the store (``mark``)
        and of this clusterer's window; None when it is not, or cannot be read."""
        return read_state(path, read_saved(path), mark, self.saved_window(), _new_index)

    def saved_window(self) -> list:
        """The settings a saved state must have been saved with to be taken as it is."""
        return [self.window_days, self.window_undated]

    # -- placing articles ----------------------------------------------------------
    def _live(self, seq: int) -> int:
        while seq in self.merged_into_:
            seq = self.merged_into_[seq]
        return seq

    def _candidates(self, profile: StoryProfile) -> tuple[dict[int, Candidate], float]:
        """Candidate stories (nearest articles' and rare-name sharers' stories) and the background."""
        if not len(self.index_):
            return {}, 0.0
        found = self.index_.search(profile.vector, self.neighbors, threads=1)
        nearest = np.array(sorted({int(k) for k in found.keys}))
        cosines = self.vectors_[nearest] @ profile.vector
        # the background: the nearest cosines the encoder vouches for, a small store's
        # missing neighbours counted at the prior, and never below it: a story stands out
        # of a sparse store of unrelated articles no more than it does when alone
        known = np.sort(cosines[self.covered_[nearest]])[::-1][: self.background_neighbors]
        background = max(BACKGROUND_PRIOR, float((known.sum() + (self.background_neighbors - len(known))
                                                  * BACKGROUND_PRIOR) / self.background_neighbors))
        best: dict[int, float] = {}  # story -> best cosine among the nearest articles
        for position, cosine in zip(nearest.tolist(), cosines.tolist()):
            seq = self._live(self.story_of_[position])
            best[seq] = max(best.get(seq, -1.0), cosine)
        stories = set(sorted(best, key=best.__getitem__, reverse=True)[: self.max_candidates])
        for key in profile.keys:
            if " " in key and 0 < self.terms_.names_.get(key, 0) <= self.rare_name_df:
                stories.update(self._live(self.story_of_[p]) for p in self.rare_names_.get(key, ()))
        return {seq: self._candidate(seq) for seq in stories}, background

    def _candidate(self, seq: int) -> Candidate:
        recent = self.members_[seq][-self.max_members:]
        return Candidate(members=tuple(self.profiles_[p] for p in recent), member_vectors=self.vectors_[recent],
                         member_times=self.times_[recent], vector_sum=self.vector_sum_[seq],
                         languages=frozenset(self.languages_[seq]))

    def _copy(self, profile: StoryProfile) -> CopyOf | None:
        """The earlier article ``profile`` copies, if any: exact, near, a partial copy of most
        of it, or a lesser partial copy that the story evidence confirms."""
        duplicate = self.duplicates_.find(profile.fingerprint)
        if duplicate is None or duplicate.kind != "partial" or duplicate.containment >= self.copies.partial:
            return duplicate
        seq = self._live(self.story_of_[self.position_of_[duplicate.of]])
        candidates, background = self._candidates(profile)
        candidates.setdefault(seq, self._candidate(seq))
        evidence = story_evidence(profile, candidates, background, self.terms_)[seq]
        rule = self.rule or JoinRule()
        return duplicate if rule.probability(evidence) >= rule.threshold else None

    def _merge(self, into: int, other: int) -> None:
        self.merged_into_[other] = into
        self.members_[into].extend(self.members_.pop(other))
        self.vector_sum_[into] = self.vector_sum_[into] + self.vector_sum_.pop(other)
        self.languages_[into] |= self.languages_.pop(other)
        self.story_newest_[into] = max(self.story_newest_[into], self.story_newest_.pop(other))
        self.story_last_[into] = max(self.story_last_[into], self.story_last_.pop(other))

    def _decide(self, profile: StoryProfile) -> tuple[CopyOf | None, list[tuple[float, int]], dict[int, Evidence]]:
        """Where ``profile`` goes, changing nothing: the article it copies (it then joins
        that one's story), else the candidate stories with the rule's probability, best first,
        and the evidence for each."""
        duplicate = self._copy(profile)
        if duplicate is not None:
            seq = self._live(self.story_of_[self.position_of_[duplicate.of]])
            return duplicate, [(1.0, seq)], {}
        rule = self.rule or JoinRule()
        candidates, background = self._candidates(profile)
        evidence = story_evidence(profile, candidates, background, self.terms_)
        return None, sorted(((rule.probability(e), seq) for seq, e in evidence.items()), reverse=True), evidence

    def _place(self, profile: StoryProfile) -> StoryAssignment:
        duplicate, scored, evidence = self._decide(profile)
        if duplicate is not None:
            seq = scored[0][1]
            self._remember(profile, seq)
            placed = StoryAssignment(profile.article_id, story_name(seq), opened=False, copy_of=duplicate)
            return self._threaded(placed, self.linker_.link(seq, opened=False))
        if not scored or scored[0][0] < (self.rule or JoinRule()).threshold:
            self.seq_ += 1
            self._remember(profile, self.seq_)
            placed = StoryAssignment(profile.article_id, story_name(self.seq_), opened=True)
            return self._threaded(placed, self.linker_.link(self.seq_, opened=True, evidence=evidence))
        probability, seq = scored[0]
        merged = tuple(other for p, other in scored[1:] if p >= self.merge_threshold)
        for other in merged:
            self._merge(seq, other)
        self._remember(profile, seq)
        placed = StoryAssignment(profile.article_id, story_name(seq), opened=False, score=round(probability, 4),
                                 merged=tuple(story_name(m) for m in merged))
        return self._threaded(placed, self.linker_.link(seq, opened=False, merged_stories=merged, evidence=evidence))

    def predict(self, profiles: Sequence[StoryProfile]) -> list[StoryPrediction]:
        """Where each profile would go, each on its own against the state as it is: nothing
        is placed, the state is left as it was (the stories of a store, asked about)."""
        self._ensure_state()
        threshold = (self.rule or JoinRule()).threshold
        out = []
        linker = self.linker_
        for profile in profiles:
            duplicate, scored, evidence = self._decide(profile)
            if duplicate is not None or (scored and scored[0][0] >= threshold):  # joins a story
                story, score = scored[0][1], None if duplicate else round(scored[0][0], 4)
                thread = linker.thread_of(story) if story in linker.thread_of_ else None
            else:  # opens one, in the thread of its best link if the thread rule takes it
                story = score = thread = None
                link = linker.best_link(None, evidence)
                if link is not None and link[0] >= linker.rule.threshold:
                    thread = linker.thread_of(link[1])
            candidates = () if duplicate else tuple((story_name(c), round(p, 4)) for p, c in scored[:PREDICTED_CANDIDATES])
            out.append(StoryPrediction(profile.article_id, story_name(story) if story is not None else None, score,
                                       duplicate, thread_name(thread) if thread is not None else None, candidates))
        return out

    @staticmethod
    def _threaded(placed: StoryAssignment, step: ThreadStep) -> StoryAssignment:
        return replace(placed, thread_id=thread_name(step.thread), thread_opened=step.opened,
                       threads_merged=tuple(thread_name(t) for t in step.merged),
                       linked_story=story_name(step.linked_story) if step.linked_story is not None else None,
                       link_score=step.link_score)

    def where(self, story_id: str) -> tuple[str, str]:
        """The story ``story_id`` is part of now (itself, or the one it was merged into), and
        that story's thread."""
        seq = self._live(StoryId.parse(story_id).seq)
        return story_name(seq), thread_name(self.linker_.thread_of(seq))

    def weigh(self, profile: StoryProfile) -> dict[str, Evidence]:
        """The evidence for each candidate story of ``profile``, without placing it (used to
        fit the ``JoinRule`` on gold-state replays: ``evaluate/join_rule.py``)."""
        self._ensure_state()
        candidates, background = self._candidates(profile)
        evidence = story_evidence(profile, candidates, background, self.terms_)
        return {story_name(seq): e for seq, e in evidence.items()}

    def is_copy(self, profile: StoryProfile) -> bool:
        """True when ``profile`` is a wire copy or near-duplicate of an article already placed."""
        self._ensure_state()
        return self._copy(profile) is not None

    def place_in(self, profile: StoryProfile, story_id: str) -> None:
        """Put ``profile`` in the given story, whatever the evidence says (gold-state replays)."""
        self._ensure_state()
        seq = StoryId.parse(story_id).seq
        self.seq_ = max(self.seq_, seq)
        self._remember(profile, seq)
        self.linker_.link(seq, opened=seq not in self.linker_.thread_of_)

    def place(self, profiles: Sequence[StoryProfile]) -> list[StoryAssignment]:
        """Place each profile in arrival order and return where each went."""
        self._ensure_state()
        placed = [self._place(p) for p in profiles]
        self.placed_since_check_ += len(profiles)
        if self.window_days and self.placed_since_check_ >= self.compact_every:
            self.compact()  # after the batch: stories revived for it stay live while it is placed
        return placed

    # -- the live window -------------------------------------------------------------
    def live_stories(self) -> set[str]:
        """The ids of the stories held in memory."""
        self._ensure_state()
        return {story_name(seq) for seq in self.members_}

    def dormant(self, story_ids: Sequence[str]) -> list[str]:
        """Those of ``story_ids`` (live ids, after merges) that are not held in memory."""
        self._ensure_state()
        return [s for s in story_ids if self._live(StoryId.parse(s).seq) not in self.members_]

    def compact(self, rebuild: bool = False) -> int:
        """Let the stories outside the window go dormant; the number of articles dropped.
        The state is rebuilt only when at least a quarter of it leaves (or ``rebuild``), so
        a check costs little when few stories have aged out: the state holds at most a
        third more than the window."""
        self._ensure_state()
        self.placed_since_check_ = 0
        cutoff = self.newest_ - self.window_days * 86400.0
        recent = self.arrivals_ - self.window_undated
        newest, last = self.story_newest_, self.story_last_  # an undated story stays only while recent
        keep = {seq for seq in self.members_ if -np.inf < newest[seq] >= cutoff or last[seq] >= recent}
        gone = [seq for seq in self.members_ if seq not in keep]
        leaving = sum(len(self.members_[seq]) for seq in gone)
        if not rebuild and (not gone or 4 * leaving < len(self.profiles_)):
            return 0
        kept = sorted(p for seq in keep for p in self.members_[seq])
        old_profiles, old_arrivals, old_story, old_members = self.profiles_, self.arrival_of_, self.story_of_, self.members_
        for seq in gone:
            for p in self.members_[seq]:
                self.terms_.remove(old_profiles[p])
        carried = (self.merged_into_, self.linker_, self.seq_, self.terms_, self.newest_, self.arrivals_)
        self._init_state(self.seq_, room=_room(len(kept)))
        (self.merged_into_, self.linker_, self.seq_, self.terms_, self.newest_, self.arrivals_) = carried
        for p in kept:
            self._remember(old_profiles[p], self._live(old_story[p]), index=False, count=False, arrival=old_arrivals[p])
        renumbered = {p: i for i, p in enumerate(kept)}
        for seq in keep:  # each story's members in their old order (a merged story's are not by position)
            self.members_[seq] = [renumbered[p] for p in old_members[seq]]
        if kept:
            self.index_.add(np.arange(len(kept)), self.vectors_[:len(kept)], threads=1)
        return len(old_profiles) - len(kept)

    def revive(self, profiles: Sequence[tuple[StoryProfile, str]]) -> int:
        """Bring dormant stories back: their stored (profile, story id) pairs, in arrival
        order. Stories already live are left as they are; the number of articles revived.
        A revived story counts as the oldest arrival: unless a new article joins it, the
        next compaction lets it go again."""
        self._ensure_state()
        wanted = {seq for seq in (self._live(StoryId.parse(s).seq) for _, s in profiles) if seq not in self.members_}
        count = 0
        for profile, story_id in profiles:
            seq = self._live(StoryId.parse(story_id).seq)
            if seq in wanted and profile.article_id not in self.position_of_:
                self._remember(profile, seq, arrival=-1)
                count += 1
        return count

    def partial_fit(self, profiles: Sequence[StoryProfile]) -> StoryClusterer:
        """scikit-learn's form of ``place``: learn from the profiles, return self."""
        self.place(profiles)
        return self
