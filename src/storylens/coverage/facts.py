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

from storylens.coverage.claims import VARIANT, compare_claims, shared_names, shared_quantities, supports, word_overlap
from storylens.coverage.pool import StoryPool
from storylens.coverage.records import Citation, Fact, OutletAdds
from storylens.match.align import ALIGN_THRESHOLD

LINK_FLOOR = 0.45  # cosine below which no adjustment links two sentences
WORD_WEIGHT, WORD_PIVOT = 0.4, 0.45  # same language: content-word Dice above the pivot raises the score
CROSS_BONUS = 0.04  # across languages USE cosines of one statement run lower
QUANTITY_BONUS, NAME_BONUS, MAX_SHARED = 0.05, 0.02, 3  # per shared quantity or date, per name word
MARGIN_K, MIN_MARGIN = 4, 1.05  # a link must stand out from each side's nearest neighbours in the other article


def cluster_sentences(vectors: np.ndarray, article_of: Sequence[int], threshold: float = ALIGN_THRESHOLD,
                      scores: np.ndarray | None = None) -> list[list[int]]:
    """Groups of sentence indexes (each sorted; singletons included), at most one per article.

    ``scores`` replaces the cosines of ``vectors`` (``link_scores``); a pair scored -1 or
    below is never in one group."""
    n = len(article_of)
    if n == 0:
        return []
    owner = np.asarray(article_of)
    if scores is None:
        vectors = np.asarray(vectors, dtype=np.float32)
        sims = vectors @ vectors.T
    else:
        sims = np.array(scores, dtype=np.float32)
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
        cross = sims[np.ix_(members[gi], members[gj])]
        if float(cross.min()) <= -1.0 or float(cross.mean()) < threshold:
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
    representative: tuple[int, ...] = ()  # group -> the sentence every member supports
    proposed: tuple[tuple[int, ...], ...] = ()  # sentence -> its group before the claim check


def link_scores(pool: StoryPool, threshold: float = ALIGN_THRESHOLD) -> np.ndarray:
    """USE cosines of the pool's sentences, adjusted by what the sentences state.

    Pairs at or above ``LINK_FLOOR``: in one language, ``WORD_WEIGHT * (dice - WORD_PIVOT)``
    of their content words is added (a paraphrase shares words, a sentence on a neighbouring
    topic does not); across languages, where cosines run lower, ``CROSS_BONUS`` plus
    ``QUANTITY_BONUS`` for each shared quantity or date and ``NAME_BONUS`` for each shared
    name word (up to ``MAX_SHARED`` of each).
    Pairs of one article, and pairs whose quantities or dates disagree (``variant``), get -1:
    never linked, and so are lead-ins (``is_lead_in``). A pair whose cosine does not stand out (``margin`` below ``MIN_MARGIN``:
    a language the encoder does not know scores every pair high) is kept under the floor.
    """
    vectors = np.asarray(pool.vectors, dtype=np.float32)
    sims = vectors @ vectors.T
    owner = np.asarray(pool.article_of)
    sims[owner[:, None] == owner[None, :]] = -1.0
    if not pool.specifics:
        return sims
    margins = margin(sims, owner)
    lead_ins = [i for i, t in enumerate(pool.texts) if is_lead_in(t)]
    sims[lead_ins, :] = sims[:, lead_ins] = -1.0
    language = [pool.articles[k].language for k in pool.article_of]
    rows, cols = np.nonzero(np.triu(sims >= min(LINK_FLOOR, threshold), k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        a, b = pool.specifics[i], pool.specifics[j]
        if margins[i, j] < MIN_MARGIN:
            score = min(float(sims[i, j]), LINK_FLOOR - 0.1)
        elif compare_claims(a, b) == VARIANT:
            score = -1.0
        elif language[i] == language[j]:
            score = float(sims[i, j]) + WORD_WEIGHT * (word_overlap(a, b) - WORD_PIVOT)
        else:
            score = (float(sims[i, j]) + CROSS_BONUS + QUANTITY_BONUS * min(shared_quantities(a, b), MAX_SHARED)
                     + NAME_BONUS * min(shared_names(a, b), MAX_SHARED))
        sims[i, j] = sims[j, i] = score
    return sims


def is_lead_in(text: str) -> bool:
    """A line that states no claim: under three words, or a lead-in ending in a colon
    ("Read more:")."""
    text = text.strip()
    return len(text.split()) < 3 or text.endswith(":")


def margin(sims: np.ndarray, owner: np.ndarray, k: int = MARGIN_K) -> np.ndarray:
    """Ratio margin of each pair (as in bitext mining): its cosine over the mean of both
    sentences' ``k`` best cosines in the other's article."""
    n = len(owner)
    articles = int(owner.max()) + 1 if n else 0
    knn = np.zeros((n, articles), dtype=np.float32)  # sentence -> mean of its k best in each article
    for a in range(articles):
        cols = np.flatnonzero(owner == a)
        if not len(cols):  # an article with no sentence in the pool: no pair to weigh
            continue
        best = -np.sort(-sims[:, cols], axis=1)[:, :min(k, len(cols))]
        knn[:, a] = best.mean(axis=1)
    mean = (knn[:, owner] + knn[:, owner].T) / 2  # [i, j]: knn of i in j's article, of j in i's
    return sims / np.maximum(mean, 1e-6)


def _refine(pool: StoryPool, members: list[int], out: list[tuple[list[int], int]]) -> None:
    """Split a group into claim groups: the representative and the members that support it,
    then the rest in the same way."""
    while members:
        rep = representative(pool, members)
        keep = [i for i in members if i == rep or _supports(pool, i, rep)]
        out.append((sorted(keep), rep))
        members = [i for i in members if i not in keep]


def _attach(pool: StoryPool, refined: list[tuple[list[int], int]], scores: np.ndarray,
            threshold: float = ALIGN_THRESHOLD) -> list[tuple[list[int], int]]:
    """Sentences left alone that link (``link_scores``) to a group's representative at or
    above ``threshold`` and report its claim join that group, best link first, one per
    article. Average linkage keeps out a sentence that states one of a long sentence's
    claims in another language; the representative is what it is cited for."""
    alone = {members[0] for members, _ in refined if len(members) == 1}
    groups = [(list(m), rep) for m, rep in refined if len(m) > 1]
    offers = []
    for g, (members, rep) in enumerate(groups):
        for i in alone:
            if scores[i, rep] >= threshold:
                offers.append((-float(scores[i, rep]), g, i))
    taken: set[int] = set()
    for _, g, i in sorted(offers):
        members, rep = groups[g]
        if i in taken or any(pool.article_of[j] == pool.article_of[i] for j in members):
            continue
        if any(scores[i, j] <= -1.0 for j in members) or not _supports(pool, i, rep):
            continue
        members.append(i)
        taken.add(i)
    return [(sorted(m), rep) for m, rep in groups] + [([i], i) for i in sorted(alone - taken)]


def _supports(pool: StoryPool, cited: int, shown: int) -> bool:
    if not pool.specifics:
        return True
    same = pool.articles[pool.article_of[cited]].language == pool.articles[pool.article_of[shown]].language
    return supports(pool.specifics[cited], pool.specifics[shown], same)


def group_sentences(pool: StoryPool) -> SentenceGroups:
    """Sentences grouped by the claim they report (see ``link_scores`` and ``claims.supports``)."""
    scores = link_scores(pool)
    raw = cluster_sentences(pool.vectors, pool.article_of, scores=scores)
    refined: list[tuple[list[int], int]] = []
    proposed = [()] * len(pool.texts)
    for members in raw:
        for i in members:
            proposed[i] = tuple(members)
        _refine(pool, list(members), refined)
    refined = _attach(pool, refined, scores)
    refined.sort(key=lambda t: t[0][0])
    group_of = [0] * len(pool.texts)
    support, reps = [], []
    for g, (members, rep) in enumerate(refined):
        for i in members:
            group_of[i] = g
        support.append(len({pool.family[pool.article_of[i]] for i in members}))
        reps.append(rep)
    return SentenceGroups(tuple(tuple(m) for m, _ in refined), tuple(group_of), tuple(support), tuple(reps),
                          tuple(proposed))


def cited_members(pool: StoryPool, sg: SentenceGroups, shown: int) -> list[int]:
    """The sentences of ``shown``'s group that report its claim (itself included), in article order."""
    members = sg.groups[sg.group_of[shown]]
    return sorted((i for i in members if i == shown or _supports(pool, i, shown)), key=lambda i: pool.article_of[i])


def checked_count(pool: StoryPool, sg: SentenceGroups, shown: int, cited: Sequence[int]) -> tuple[int, int]:
    """(citations the alignment proposed for ``shown``, those that report its claim), other
    articles' sentences only."""
    k = pool.article_of[shown]
    proposed = {i for i in sg.proposed[shown] if pool.article_of[i] != k} if sg.proposed else set()
    proposed |= set(variant_sentences(pool, sg, shown))
    supported = {i for i in cited if pool.article_of[i] != k}
    return len(proposed | supported), len(supported)


def variant_sentences(pool: StoryPool, sg: SentenceGroups, shown: int, threshold: float = ALIGN_THRESHOLD) -> list[int]:
    """Other articles' sentences aligned with ``shown`` (cosine at or above ``threshold``) that
    state different quantities or dates: the same statement with other figures in it."""
    if not pool.specifics:
        return []
    members = set(sg.groups[sg.group_of[shown]])
    sims = pool.vectors @ pool.vectors[shown]
    k = pool.article_of[shown]
    found = [i for i in np.flatnonzero(sims >= threshold).tolist()
             if pool.article_of[i] != k and i not in members
             and compare_claims(pool.specifics[i], pool.specifics[shown]) == VARIANT]
    return sorted(found, key=lambda i: (pool.article_of[i], i))


def citation(pool: StoryPool, i: int) -> Citation:
    k = pool.article_of[i]
    x = pool.articles[k]
    return Citation(article=x.id, outlet=pool.label(k), language=x.language, sentence=pool.position[i],
                    text=pool.texts[i])


def representative(pool: StoryPool, members: Sequence[int]) -> int:
    """The member that most members report the claim of, among those in the report's
    language and not in a copy when there are any; then the one closest to the group's
    centroid (earliest on a tie)."""
    preferred = [i for i in members if pool.articles[pool.article_of[i]].language == pool.language]
    originals = [i for i in (preferred or members) if not pool.is_copy(pool.article_of[i])]
    candidates = originals or preferred or list(members)
    centroid = pool.vectors[list(members)].mean(axis=0)

    def backing(i: int) -> int:
        return len({pool.family[pool.article_of[j]] for j in members if j == i or _supports(pool, j, i)})

    return max(candidates, key=lambda i: (backing(i), round(float(pool.vectors[i] @ centroid), 6), -i))


def shared_facts(pool: StoryPool, sg: SentenceGroups) -> tuple[list[Fact], dict[int, str]]:
    """Facts carried by two or more independent outlets, most widely carried first (then
    earliest in the articles); and the fact id of each such group."""
    shared = [g for g, s in enumerate(sg.support) if s >= 2]
    shared.sort(key=lambda g: (-sg.support[g], min(pool.position[i] for i in sg.groups[g]), g))
    facts, ids = [], {}
    for n, g in enumerate(shared, start=1):
        rep = sg.representative[g] if sg.representative else representative(pool, sg.groups[g])
        cited = cited_members(pool, sg, rep)
        checked, supported = checked_count(pool, sg, rep, cited)
        ids[g] = f"F{n}"
        facts.append(Fact(id=ids[g], support=len({pool.family[pool.article_of[i]] for i in cited}),
                          text=pool.texts[rep], language=pool.articles[pool.article_of[rep]].language,
                          article=pool.articles[pool.article_of[rep]].id,
                          citations=tuple(citation(pool, i) for i in cited),
                          variants=tuple(citation(pool, i) for i in variant_sentences(pool, sg, rep)),
                          checked=checked, supported=supported))
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
