"""Evidence that an article belongs to a story, and the rule that weighs it.

For an article and each candidate story, ``story_evidence`` measures:

- ``cosine_max``: the best title-and-lead cosine to a member of the story;
- ``gap``: that cosine minus the article's *background* (the mean cosine to its ten
  nearest earlier articles, a small store's missing neighbours counted at the prior
  ``BACKGROUND_PRIOR``): how much the story stands out of a crowded neighbourhood;
- ``centroid_margin``: cosine to the story's centroid minus the best centroid cosine among
  the other candidates or the background, whichever is higher (a story does not stand out
  more because the few other candidates of a sparse store are unrelated);
- ``names``, ``numbers`` and ``words``: the best IDF-weighted Jaccard of name keys, of
  numbers and dates, and of content-word stems, with one member (IDF over the articles
  seen so far plus ``PRIOR_DOCS`` imagined articles that share none of them, so that a
  store of two articles does not weigh everything at zero);
- ``new_language``: 1 when no member is in the article's language;
- ``same_outlet``: 1 when the closest members are all from the article's own outlet (an
  outlet seldom reports one event twice; two pages of one site on one day often look alike);
- ``time``: log(1 + days to the nearest dated member) − 4 when both sides are dated, else 0;
  ``undated``: 1 when there is no such pair of dates. No date is not a date: the rule
  learns what an undated pair is worth from replays of undated articles.

The encoder's cosines count only where the sentence encoder covers the languages
(``ENCODER_LANGUAGES``): for the article's language and at least one member's. Otherwise
the evidence's ``basis`` is ``"lexical"`` and the rule weighs ``LEXICAL_FEATURES`` alone
(names, numbers, words, language, outlet, time, undated: ``JoinRule.lexical_weights``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from storylens.analyze.embed import ENCODER_LANGUAGES
from storylens.records import StoryProfile

NEUTRAL_LOG_DAYS = 4.0
PRIOR_DOCS = 50  # imagined articles in the IDF's document count (a cold store's terms are rare)
BACKGROUND_PRIOR = 0.35  # the cosine a missing neighbour counts as in the background
LEXICAL_FEATURES = ("names", "numbers", "words", "new_language", "same_outlet", "time", "undated")


@dataclass(frozen=True)
class Evidence:
    cosine_max: float
    gap: float
    centroid_margin: float
    names: float
    numbers: float
    words: float
    new_language: float
    same_outlet: float
    time: float
    undated: float
    basis: str = "encoder"  # "lexical" when the encoder does not cover the languages

    FEATURES = ("cosine_max", "gap", "centroid_margin", "names", "numbers", "words", "new_language", "same_outlet",
                "time", "undated")

    def as_vector(self) -> np.ndarray:
        return np.array([getattr(self, f) for f in self.FEATURES], dtype=np.float64)

    def lexical_vector(self) -> np.ndarray:
        return np.array([getattr(self, f) for f in LEXICAL_FEATURES], dtype=np.float64)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class JoinRule:
    """Logistic weights over ``Evidence``; an article joins its most probable story when
    the probability reaches ``threshold``. ``weights`` serve evidence on the encoder's
    basis (``Evidence.FEATURES``), ``lexical_weights`` evidence on the lexical basis
    (``LEXICAL_FEATURES``). Fitted by logistic regression on gold-state replays of
    giveme5w1h (dated and undated), MEANTIME, the labelled real pages and SemEval pairs
    ingested pair by pair, each corpus's rows weighted (``benchmarks/join_rule.py``,
    docs/clustering.md)."""

    weights: tuple[float, ...] = (1.196, 3.284, 8.848, 3.314, 3.258, 2.118, 0.601, -0.654, -0.659, 2.152)
    bias: float = -5.893
    lexical_weights: tuple[float, ...] = (6.528, 4.533, 11.350, 0.170, 0.616, -0.826, 2.914)
    lexical_bias: float = -7.100
    threshold: float = 0.5

    def probability(self, evidence: Evidence) -> float:
        if evidence.basis == "lexical":
            return _sigmoid(float(np.dot(self.lexical_weights, evidence.lexical_vector())) + self.lexical_bias)
        return _sigmoid(float(np.dot(self.weights, evidence.as_vector())) + self.bias)


class TermFrequencies:
    """Document frequencies of name keys and numbers over the articles seen so far."""

    def __init__(self) -> None:
        self.names_: Counter[str] = Counter()
        self.numbers_: Counter[str] = Counter()
        self.terms_: Counter[str] = Counter()
        self.n_docs_ = 0
        self.logs_: list[float] = []  # log(df + 1) by df, shared by every decision's weights

    def add(self, profile: StoryProfile) -> None:
        self.names_.update(profile.keys)
        self.numbers_.update(profile.numbers)
        self.terms_.update(profile.terms)
        self.n_docs_ += 1

    @classmethod
    def of_counts(cls, names: Counter[str], numbers: Counter[str], terms: Counter[str], docs: int) -> TermFrequencies:
        """The frequencies over ``docs`` articles whose keys, numbers and stems are counted so."""
        made = cls()
        made.names_, made.numbers_, made.terms_, made.n_docs_ = names, numbers, terms, docs
        return made

    def remove(self, profile: StoryProfile) -> None:
        """Forget an article that left the live window (counts that reach 0 are dropped)."""
        for counts, items in ((self.names_, profile.keys), (self.numbers_, profile.numbers), (self.terms_, profile.terms)):
            counts.subtract(items)
            for item in items:
                if counts[item] <= 0:
                    del counts[item]
        self.n_docs_ -= 1

    def weigher(self, df: Counter[str]) -> IdfWeights:
        """IDF weights log((N+1+P)/(df+1)) over ``df`` (P = ``PRIOR_DOCS``), for one decision."""
        return IdfWeights(df, self.n_docs_ + 1 + PRIOR_DOCS, self.logs_)


class IdfWeights:
    """IDF weights of terms for one decision (the counts do not move while one article is
    weighed): log(N) - log(df + 1), with log(df + 1) from a table kept across decisions, so
    a member's total is C-level look-ups and one sum."""

    def __init__(self, df: Counter[str], n: int, logs: list[float] | None = None) -> None:
        self.df, self.log_n = df, math.log(n)
        self.logs = logs if logs is not None else []  # logs[d] = log(d + 1)

    def _logs(self, terms: frozenset[str]) -> list[float]:
        frequencies = list(map(self.df.get, terms, repeat(0)))
        top = max(frequencies, default=0)
        if top >= len(self.logs):
            self.logs.extend(math.log(d + 1) for d in range(len(self.logs), top + 1))
        return list(map(self.logs.__getitem__, frequencies))

    def __call__(self, terms: frozenset[str]) -> dict[str, float]:
        """{term: weight} of a term set."""
        log_n = self.log_n
        return {t: log_n - low for t, low in zip(terms, self._logs(terms))}

    def total(self, terms: frozenset[str]) -> float:
        """The summed weight of a term set."""
        return len(terms) * self.log_n - sum(self._logs(terms))


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
    vector_sum: np.ndarray  # sum of every member's vector (of the encoder's languages)
    languages: frozenset[str]


def encoder_covers(language: str) -> bool:
    """True when the sentence encoder was trained on ``language``."""
    return language in ENCODER_LANGUAGES


def story_evidence(article: StoryProfile, candidates: dict[int, Candidate], background: float,
                   terms: TermFrequencies, closest: int = 3) -> dict[int, Evidence]:
    """Evidence for every candidate story at once (the centroid margin compares them).
    Names, numbers and words are compared with the ``closest`` members by cosine (by
    words, on the lexical basis)."""
    centroid: dict[int, float] = {}
    partial = {}
    name_weights, number_weights = terms.weigher(terms.names_), terms.weigher(terms.numbers_)
    term_weights = terms.weigher(terms.terms_)
    names, numbers, words = name_weights(article.keys), number_weights(article.numbers), term_weights(article.terms)
    names_total, numbers_total, words_total = sum(names.values()), sum(numbers.values()), sum(words.values())
    when = timestamp(article)
    covered = encoder_covers(article.language)
    for seq, c in candidates.items():
        usable = np.array([covered and encoder_covers(m.language) for m in c.members])
        cosines = np.where(usable, c.member_vectors @ article.vector, -1.0)
        basis = "encoder" if usable.any() else "lexical"
        if basis == "encoder":  # the closest members by cosine; the centroid sums covered members only
            order = np.argsort(-cosines)[:closest]
            centroid[seq] = float(c.vector_sum @ article.vector) / (math.sqrt(float(c.vector_sum @ c.vector_sum)) + 1e-9)
        else:  # the closest members by shared words
            overlap = np.array([weighted_jaccard(words, m.terms, term_weights, words_total) for m in c.members])
            order = np.argsort(-overlap)[:closest]
        nearest = [c.members[i] for i in order]
        days = None
        if not math.isnan(when):
            gaps = np.abs(c.member_times - when)
            gaps = gaps[~np.isnan(gaps)]
            days = float(gaps.min()) / 86400 if gaps.size else None
        partial[seq] = dict(
            cosine_max=float(cosines[order[0]]) if basis == "encoder" else 0.0,
            names=max(weighted_jaccard(names, m.keys, name_weights, names_total) for m in nearest),
            numbers=max(weighted_jaccard(numbers, m.numbers, number_weights, numbers_total) for m in nearest),
            words=max(weighted_jaccard(words, m.terms, term_weights, words_total) for m in nearest),
            new_language=float(article.language not in c.languages),
            same_outlet=float(article.outlet is not None and all(m.outlet == article.outlet for m in nearest)),
            time=math.log1p(days) - NEUTRAL_LOG_DAYS if days is not None else 0.0,
            undated=float(days is None),
            basis=basis,
        )
    out = {}
    for seq, f in partial.items():
        if f["basis"] == "encoder":
            others = [v for s, v in centroid.items() if s != seq]
            gap = f["cosine_max"] - background
            margin = centroid[seq] - max(others + [background])
        else:
            gap = margin = 0.0
        out[seq] = Evidence(gap=gap, centroid_margin=margin, **f)
    return out
