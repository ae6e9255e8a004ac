"""Facts: the story's sentences grouped across articles by what they say, in any language.

``cluster_sentences`` is greedy average-linkage clustering over USE cosines: sentence pairs
of different articles at or above ``ALIGN_THRESHOLD`` (the cross-article alignment
threshold of ``match.align``) are taken best first, and two groups merge when they share no
article (at most one sentence per article per fact) and the mean cosine between all their
sentences is still at or above the threshold (no chaining of loosely related sentences).

A fact's ``support`` counts independent outlets: a wire copy counts with its original.
Groups carried by one outlet alone are that outlet's additions (``outlet_adds``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storylens.coverage.pool import StoryPool
from storylens.coverage.records import Citation, Fact, OutletAdds
from storylens.match.align import ALIGN_THRESHOLD


def cluster_sentences(vectors: np.ndarray, article_of: Sequence[int], threshold: float = ALIGN_THRESHOLD) -> list[list[int]]:
    """Groups of sentence indexes (each sorted; singletons included), at most one per article."""
    n = len(article_of)
    if n == 0:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    owner = np.asarray(article_of)
    sims = vectors @ vectors.T
    sims[owner[:, None] == owner[None, :]] = -1.0  # same article (and the diagonal): never linked
    rows, cols = np.nonzero(np.triu(sims >= threshold, k=1))
    order = np.argsort(-sims[rows, cols], kind="stable")
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    articles: dict[int, set[int]] = {i: {int(owner[i])} for i in range(n)}
    for e in order:
        gi, gj = group[rows[e]], group[cols[e]]
        if gi == gj or articles[gi] & articles[gj]:
            continue
        if float(sims[np.ix_(members[gi], members[gj])].mean()) < threshold:
            continue
        keep, gone = (gi, gj) if len(members[gi]) >= len(members[gj]) else (gj, gi)
        for i in members[gone]:
            group[i] = keep
        members[keep].extend(members.pop(gone))
        articles[keep] |= articles.pop(gone)
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


@dataclass(frozen=True)
class SentenceGroups:
    """The clustering of a pool's sentences and what each sentence belongs to."""

    groups: tuple[tuple[int, ...], ...]
    group_of: tuple[int, ...]  # sentence -> group
    support: tuple[int, ...]  # group -> independent outlets carrying it


def group_sentences(pool: StoryPool) -> SentenceGroups:
    groups = cluster_sentences(pool.vectors, pool.article_of)
    group_of = [0] * len(pool.texts)
    support = []
    for g, members in enumerate(groups):
        for i in members:
            group_of[i] = g
        support.append(len({pool.family[pool.article_of[i]] for i in members}))
    return SentenceGroups(tuple(tuple(m) for m in groups), tuple(group_of), tuple(support))


def citation(pool: StoryPool, i: int) -> Citation:
    k = pool.article_of[i]
    x = pool.articles[k]
    return Citation(article=x.id, outlet=pool.label(k), language=x.language, sentence=pool.position[i],
                    text=pool.texts[i])


def representative(pool: StoryPool, members: Sequence[int]) -> int:
    """The member closest to the group's centroid, among those in the report's language
    and not in a copy when there are any (earliest article on a tie)."""
    preferred = [i for i in members if pool.articles[pool.article_of[i]].language == pool.language]
    originals = [i for i in (preferred or members) if not pool.is_copy(pool.article_of[i])]
    candidates = originals or preferred or list(members)
    centroid = pool.vectors[list(members)].mean(axis=0)
    return max(candidates, key=lambda i: (float(pool.vectors[i] @ centroid), -i))


def shared_facts(pool: StoryPool, sg: SentenceGroups) -> tuple[list[Fact], dict[int, str]]:
    """Facts carried by two or more independent outlets, most widely carried first (then
    earliest in the articles); and the fact id of each such group."""
    shared = [g for g, s in enumerate(sg.support) if s >= 2]
    shared.sort(key=lambda g: (-sg.support[g], min(pool.position[i] for i in sg.groups[g]), g))
    facts, ids = [], {}
    for n, g in enumerate(shared, start=1):
        members = sg.groups[g]
        rep = representative(pool, members)
        ids[g] = f"F{n}"
        facts.append(Fact(id=ids[g], support=sg.support[g], text=pool.texts[rep],
                          language=pool.articles[pool.article_of[rep]].language,
                          article=pool.articles[pool.article_of[rep]].id,
                          citations=tuple(citation(pool, i) for i in sorted(members, key=lambda i: pool.article_of[i]))))
    return facts, ids


def outlet_adds(pool: StoryPool, sg: SentenceGroups) -> list[OutletAdds]:
    """For each article, the sentences no independent outlet matches. A fact that only an
    original and its copies carry is the original's (the earliest article's) addition."""
    own: dict[int, list[int]] = {}
    for g, members in enumerate(sg.groups):
        if sg.support[g] != 1:
            continue
        first = min(members, key=lambda i: pool.article_of[i])
        own.setdefault(pool.article_of[first], []).append(first)
    out = []
    for k, x in enumerate(pool.articles):
        sentences = sorted(own.get(k, []), key=lambda i: pool.position[i])
        out.append(OutletAdds(article=x.id, outlet=pool.label(k), sentences=tuple(citation(pool, i) for i in sentences)))
    return out
