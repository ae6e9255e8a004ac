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

    def weigher(self, df: Counter[str]) -> IdfWeights:
        """IDF weights log((N+1)/(df+1)) over ``df``, cached for one decision."""
        return IdfWeights(df, self.n_docs_ + 1)


class IdfWeights:
    """IDF weights of terms, computed once per term and decision (the counts do not move
    while one article is weighed)."""

    def __init__(self, df: Counter[str], n: int) -> None:
        self.df, self.n = df, n
        self.cache: dict[str, float] = {}

    def weight(self, term: str) -> float:
        w = self.cache.get(term)
        if w is None:
            w = self.cache[term] = math.log(self.n / (self.df.get(term, 0) + 1))
        return w

    def __call__(self, terms: frozenset[str]) -> dict[str, float]:
        """{term: weight} of a term set."""
        return {t: self.weight(t) for t in terms}

    def total(self, terms: frozenset[str]) -> float:
        """The summed weight of a term set."""
        cache, weight = self.cache, self.weight
        return sum(cache[t] if t in cache else weight(t) for t in terms)


def weighted_jaccard(mine: dict[str, float], theirs: frozenset[str], weights: IdfWeights,
                     mine_total: float | None = None) -> float:
    """Jaccard of two term sets, each term weighted (``mine`` comes with its weights and,
    optionally, their sum)."""
    shared = mine.keys() & theirs
    if not shared:
        return 0.0
    inter = sum(mine[t] for t in shared)
    union = (sum(mine.values()) if mine_total is None else mine_total) + weights.total(theirs) - inter
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
    names_total, numbers_total = sum(names.values()), sum(numbers.values())
    when = timestamp(article)
    for seq, c in candidates.items():
        cosines = c.member_vectors @ article.vector
        order = np.argsort(-cosines)[:closest]
        nearest = [c.members[i] for i in order]
        centroid[seq] = float(c.vector_sum @ article.vector) / (math.sqrt(float(c.vector_sum @ c.vector_sum)) + 1e-9)
        days = None
        if not math.isnan(when):
            gaps = np.abs(c.member_times - when)
            gaps = gaps[~np.isnan(gaps)]
            days = float(gaps.min()) / 86400 if gaps.size else None
        partial[seq] = dict(
            cosine_max=float(cosines[order[0]]),
            names=max(weighted_jaccard(names, m.keys, name_weights, names_total) for m in nearest),
            numbers=max(weighted_jaccard(numbers, m.numbers, number_weights, numbers_total) for m in nearest),
            new_language=float(article.language not in c.languages),
            time=math.log1p(days) - NEUTRAL_LOG_DAYS if days is not None else 0.0,
        )
    out = {}
    for seq, f in partial.items():
        others = [v for s, v in centroid.items() if s != seq]
        margin = centroid[seq] - (max(others) if others else background)
        out[seq] = Evidence(gap=f["cosine_max"] - background, centroid_margin=margin, **f)
    return out
