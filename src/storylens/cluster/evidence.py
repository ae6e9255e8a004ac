"""Evidence that an article belongs to a story, and the rule that weighs it.

For an article and each candidate story, ``story_evidence`` measures:

- ``cosine_max``: the best title-and-lead cosine to a member of the story;
- ``gap``: that cosine minus the article's *background* (the mean cosine to its ten
  nearest earlier articles): how much the story stands out of a crowded neighbourhood;
- ``centroid_margin``: cosine to the story's centroid minus the best centroid cosine among
  the other candidates (minus the background when there is no other);
- ``names`` and ``numbers``: the best IDF-weighted Jaccard of name keys, and of numbers
  and dates, with one member (IDF over the articles seen so far);
- ``new_language``: 1 when no member is in the article's language;
- ``time``: log(1 + days to the nearest dated member) − 4, and 0 when either is undated,
  so that an undated pair counts as about 54 days apart: no bonus for closeness in time.

The relative features (``gap``, ``centroid_margin``) let one threshold serve corpora whose
absolute similarities differ: same-event reports by different outlets on one side,
translations among stories on one topic on the other (docs/clustering.md).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from storylens.cluster.profile import StoryProfile

NEUTRAL_LOG_DAYS = 4.0


@dataclass(frozen=True)
class Evidence:
    cosine_max: float
    gap: float
    centroid_margin: float
    names: float
    numbers: float
    new_language: float
    time: float

    def as_vector(self) -> np.ndarray:
        return np.array([self.cosine_max, self.gap, self.centroid_margin, self.names, self.numbers,
                         self.new_language, self.time], dtype=np.float64)


@dataclass(frozen=True)
class JoinRule:
    """Logistic weights over ``Evidence``; an article joins its most probable story when
    the probability reaches ``threshold``. Fitted by logistic regression on gold-state
    replays of giveme5w1h and MEANTIME (docs/clustering.md)."""

    weights: tuple[float, ...] = (3.003, 3.596, 8.501, 4.006, 3.797, 1.199, -0.956)
    bias: float = -6.399
    threshold: float = 0.5

    def probability(self, evidence: Evidence) -> float:
        z = float(np.dot(self.weights, evidence.as_vector())) + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


class TermFrequencies:
    """Document frequencies of name keys and numbers over the articles seen so far."""

    def __init__(self) -> None:
        self.names_: Counter[str] = Counter()
        self.numbers_: Counter[str] = Counter()
        self.n_docs_ = 0

    def add(self, profile: StoryProfile) -> None:
        self.names_.update(profile.keys)
        self.numbers_.update(profile.numbers)
        self.n_docs_ += 1

    def weigher(self, df: Counter[str]):
        """A function: term set -> {term: log((N+1)/(df+1))}, caching weights for one decision."""
        n = self.n_docs_ + 1
        cache: dict[str, float] = {}

        def weights(terms: frozenset[str]) -> dict[str, float]:
            out = {}
            for t in terms:
                w = cache.get(t)
                if w is None:
                    w = cache[t] = math.log(n / (df.get(t, 0) + 1))
                out[t] = w
            return out

        return weights


def weighted_jaccard(mine: dict[str, float], theirs: frozenset[str], weights) -> float:
    """Jaccard of two term sets, each term weighted (``mine`` comes with its weights)."""
    shared = mine.keys() & theirs
    if not shared:
        return 0.0
    inter = sum(mine[t] for t in shared)
    union = sum(mine.values()) + sum(weights(theirs).values()) - inter
    return inter / union if union > 0 else 0.0


def timestamp(profile: StoryProfile) -> float:
    """Publication time in seconds, NaN when undated."""
    return profile.published.timestamp() if profile.published is not None else math.nan


@dataclass(frozen=True, eq=False)
class Candidate:
    """A story the article might join, seen through its most recent members."""

    members: tuple[StoryProfile, ...]
    member_vectors: np.ndarray  # (len(members), 512)
    member_times: np.ndarray  # (len(members),) seconds, NaN when undated
    vector_sum: np.ndarray  # sum of every member's vector
    languages: frozenset[str]


def story_evidence(article: StoryProfile, candidates: dict[int, Candidate], background: float,
                   terms: TermFrequencies, closest: int = 3) -> dict[int, Evidence]:
    """Evidence for every candidate story at once (the centroid margin compares them).
    Names and numbers are compared with the ``closest`` members by cosine."""
    centroid = {}
    partial = {}
    name_weights, number_weights = terms.weigher(terms.names_), terms.weigher(terms.numbers_)
    names, numbers = name_weights(article.keys), number_weights(article.numbers)
    when = timestamp(article)
    for seq, c in candidates.items():
        cosines = c.member_vectors @ article.vector
        nearest = [c.members[i] for i in np.argsort(-cosines)[:closest]]
        centroid[seq] = float(c.vector_sum @ article.vector) / (float(np.linalg.norm(c.vector_sum)) + 1e-9)
        gaps = np.abs(c.member_times - when)
        days = float(np.nanmin(gaps)) / 86400 if not np.isnan(when) and not np.all(np.isnan(gaps)) else None
        partial[seq] = dict(
            cosine_max=float(cosines.max()),
            names=max(weighted_jaccard(names, m.keys, name_weights) for m in nearest),
            numbers=max(weighted_jaccard(numbers, m.numbers, number_weights) for m in nearest),
            new_language=float(article.language not in c.languages),
            time=math.log1p(days) - NEUTRAL_LOG_DAYS if days is not None else 0.0,
        )
    out = {}
    for seq, f in partial.items():
        others = [v for s, v in centroid.items() if s != seq]
        margin = centroid[seq] - (max(others) if others else background)
        out[seq] = Evidence(gap=f["cosine_max"] - background, centroid_margin=margin, **f)
    return out
