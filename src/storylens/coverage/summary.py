"""Extractive multi-document summary of one story: which sentences to show, verbatim.

The sentences of all the story's articles (any languages: the USE vectors share one space)
compete on one score, then are picked greedily with maximal marginal relevance (MMR):

    score = centrality * cos(sentence, story centroid)
          + support * (support - 1) / (articles - 1)      # how many outlets carry the fact
          + lead * 1 / (1 + position)                      # news leads carry the story
    pick  = argmax  mmr_lambda * score - (1 - mmr_lambda) * max cos(sentence, already picked)

The centroid averages the articles' own centroids, so a long article does not outweigh a
short one. A sentence whose cosine with one already picked reaches ``duplicate`` is never
picked (it says the same thing again). The word budget is a hard cap: a sentence that does
not fit is passed over and shorter ones further down are still tried, so the first pick may
not be the top-scoring sentence; when no sentence fits, the summary is empty. Sentences
shorter than ``min_words`` words (fragments, datelines) are not candidates unless nothing
else is.

Weights were tuned on the AllSides roundups validation set (``eval summaries``), where the
articles are only a title and a lead paragraph: there centrality does nearly all the work
(support and lead weights above ~0.1 lowered ROUGE), so they are kept small but non-zero
for full articles and many outlets, where a fact carried by several outlets matters more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storylens.match.align import ALIGN_THRESHOLD, align_sentences


@dataclass(frozen=True)
class SummaryWeights:
    """The selection's parameters (defaults tuned on AllSides roundups val.jsonl)."""

    centrality: float = 1.0
    support: float = 0.1
    lead: float = 0.03
    mmr_lambda: float = 0.8
    duplicate: float = 0.7  # cosine at which a sentence repeats one already picked
    min_words: int = 4


DEFAULT_WEIGHTS = SummaryWeights()


def word_count(text: str) -> int:
    """Words as the budget counts them: runs of non-space characters."""
    return len(text.split())


def sentence_support(vectors: np.ndarray, article_of: Sequence[int], threshold: float = ALIGN_THRESHOLD) -> list[int]:
    """How many articles carry each sentence's content: its own, plus every other article
    with a sentence aligned to it (one-to-one alignment at ``threshold``, as in matching)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    article_of = np.asarray(article_of)
    support = np.ones(len(article_of), dtype=int)
    members = {a: np.flatnonzero(article_of == a) for a in dict.fromkeys(article_of.tolist())}
    keys = list(members)
    for x, a in enumerate(keys):
        for b in keys[x + 1:]:
            rows_a, rows_b = members[a], members[b]
            for i, j, _ in align_sentences(vectors[rows_a], vectors[rows_b], threshold):
                support[rows_a[i]] += 1
                support[rows_b[j]] += 1
    return support.tolist()


def sentence_scores(vectors: np.ndarray, article_of: Sequence[int], position: Sequence[int], support: Sequence[int],
                    weights: SummaryWeights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Each sentence's importance before redundancy: centrality, support and lead position."""
    article_of = np.asarray(article_of)
    articles = list(dict.fromkeys(article_of.tolist()))
    centroid = np.mean([vectors[article_of == a].mean(axis=0) for a in articles], axis=0)
    centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
    carried = (np.asarray(support, dtype=np.float64) - 1) / max(len(articles) - 1, 1)
    lead = 1.0 / (1.0 + np.asarray(position, dtype=np.float64))
    return (weights.centrality * (vectors @ centroid) + weights.support * np.clip(carried, 0.0, 1.0)
            + weights.lead * lead)


def select_summary(sentences: Sequence[str], vectors: np.ndarray, article_of: Sequence[int], position: Sequence[int],
                   support: Sequence[int], max_sentences: int = 5, max_words: int | None = None) -> list[int]:
    """Indexes of the chosen sentences, most important first.

    ``vectors`` are the sentences' unit embeddings, ``article_of`` the article of each
    sentence, ``position`` its index within its article (0 = first), ``support`` how many
    articles carry its fact (>= 1). At most ``max_sentences`` sentences and, when given,
    at most ``max_words`` words in all (never exceeded; see the module docstring).
    """
    return choose_sentences(sentences, vectors, article_of, position, support, max_sentences, max_words)


def choose_sentences(sentences: Sequence[str], vectors: np.ndarray, article_of: Sequence[int],
                     position: Sequence[int], support: Sequence[int], max_sentences: int = 5,
                     max_words: int | None = None, weights: SummaryWeights = DEFAULT_WEIGHTS) -> list[int]:
    """``select_summary`` with explicit weights (for tuning and benchmarks)."""
    n = len(sentences)
    vectors = np.asarray(vectors, dtype=np.float32).reshape(n, -1) if n else np.zeros((0, 0), np.float32)
    for name, values in (("article_of", article_of), ("position", position), ("support", support)):
        if len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries for {n} sentences: give one per sentence")
    if n == 0 or max_sentences < 1:
        return []
    words = np.array([word_count(s) for s in sentences])
    score = sentence_scores(vectors, article_of, position, support, weights)
    candidates = np.flatnonzero(words >= weights.min_words)
    if len(candidates) == 0:
        candidates = np.flatnonzero(words > 0)
    left = max_words if max_words is not None else int(words.sum())
    chosen: list[int] = []
    redundancy = np.full(n, -1.0)  # max cosine with any chosen sentence
    open_ = set(candidates.tolist())
    while open_ and len(chosen) < max_sentences:
        fits = [i for i in open_ if words[i] <= left and redundancy[i] < weights.duplicate]
        if not fits:
            break
        fits = np.array(sorted(fits))
        gain = weights.mmr_lambda * score[fits] - (1 - weights.mmr_lambda) * np.maximum(redundancy[fits], 0.0)
        best = int(fits[int(np.argmax(gain))])
        chosen.append(best)
        open_.discard(best)
        left -= int(words[best])
        redundancy = np.maximum(redundancy, vectors @ vectors[best])
    return chosen
