"""The story's quotations: who said them, which outlets print them, and every wording.

Quotes are matched article pair by article pair with ``match.quotes.match_quotes`` (the
same rules as ``compare``: word-sequence ratio, containment, and USE cosine of the quote
texts across languages), and matched pairs are joined into one ``StoryQuote``. Wordings
with the same words (``identical``) are one ``QuoteWording``; the reference wording is the
one the most independent outlets print, and each other wording in its language lists the
changed word runs (``word_changes``) and their character spans, for marking.
"""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

import numpy as np

from storylens.coverage.pool import StoryPool
from storylens.coverage.records import QuoteCarrier, QuoteWording, StoryEntity, StoryQuote
from storylens.match.quotes import _WORD, identical, match_quotes, word_changes


def changed_spans(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ, in ``a`` and in ``b`` (as ``word_changes``)."""
    wa, wb = list(_WORD.finditer(a)), list(_WORD.finditer(b))
    matcher = SequenceMatcher(None, [m.group(0).lower() for m in wa], [m.group(0).lower() for m in wb], autojunk=False)
    spans_a, spans_b = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        spans_a.extend((m.start(), m.end()) for m in wa[i1:i2])
        spans_b.extend((m.start(), m.end()) for m in wb[j1:j2])
    return spans_a, spans_b


def _quote_vectors(pool: StoryPool) -> list[np.ndarray | None]:
    """USE vectors of each article's quotes, only when quotes come in two or more languages."""
    languages = {x.language for x in pool.articles if x.quotes}
    if len(languages) < 2:
        return [None] * len(pool.articles)
    from storylens.analyze.embed import embed

    texts = [q.text for x in pool.articles for q in x.quotes]
    vectors = embed(texts)
    out, start = [], 0
    for x in pool.articles:
        out.append(vectors[start:start + len(x.quotes)] if x.quotes else None)
        start += len(x.quotes)
    return out


def _groups(pool: StoryPool) -> list[list[tuple[int, int]]]:
    nodes = [(k, q) for k, x in enumerate(pool.articles) for q in range(len(x.quotes))]
    parent = {node: node for node in nodes}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    vectors = _quote_vectors(pool)
    articles = pool.articles
    for k in range(len(articles)):
        for m in range(k + 1, len(articles)):
            a, b = articles[k], articles[m]
            if not a.quotes or not b.quotes:
                continue
            cross = a.language != b.language
            shared, _, _ = match_quotes(a.quotes, b.quotes, vectors[k], vectors[m], cross and vectors[k] is not None)
            index_a = {id(q): n for n, q in enumerate(a.quotes)}
            index_b = {id(q): n for n, q in enumerate(b.quotes)}
            for qa, qb, _ in shared:
                ra, rb = root((k, index_a[id(qa)])), root((m, index_b[id(qb)]))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for node in nodes:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _speaker(pool: StoryPool, members: list[tuple[int, int]], lookup: dict[str, StoryEntity]) -> str | None:
    people, raw = Counter(), Counter()
    for k, q in members:
        said = pool.articles[k].quotes[q].speaker
        if not said:
            continue
        raw[said] += 1
        entity = lookup.get(said.lower())
        if entity is not None and entity.type in ("PERSON", "NAME"):
            people[entity.name] += 1
    if people:
        return people.most_common(1)[0][0]
    return raw.most_common(1)[0][0] if raw else None


def _wordings(pool: StoryPool, members: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Members grouped by wording (same words), each group in article order."""
    out: list[list[tuple[int, int]]] = []
    for k, q in sorted(members):
        text = pool.articles[k].quotes[q].text
        for group in out:
            gk, gq = group[0]
            if pool.articles[gk].language == pool.articles[k].language and identical(pool.articles[gk].quotes[gq].text, text):
                group.append((k, q))
                break
        else:
            out.append([(k, q)])
    return out


def story_quotes(pool: StoryPool, lookup: dict[str, StoryEntity]) -> list[StoryQuote]:
    """Every quote of the story, those printed by the most outlets first."""
    out = []
    for members in _groups(pool):
        wordings = _wordings(pool, members)
        wordings.sort(key=lambda w: (-len({pool.family[k] for k, _ in w}), -len(w), w[0]))
        ref_k, ref_q = wordings[0][0]
        reference = pool.articles[ref_k].quotes[ref_q].text
        ref_language = pool.articles[ref_k].language
        ref_spans: set[tuple[int, int]] = set()
        built = []
        for w in wordings[1:]:
            k, q = w[0]
            text, language = pool.articles[k].quotes[q].text, pool.articles[k].language
            if language == ref_language:
                spans_a, spans_b = changed_spans(reference, text)
                ref_spans.update(spans_a)
                changes = tuple((c["a"], c["b"]) for c in word_changes(reference, text))
            else:
                spans_b, changes = [], ()
            built.append((w, text, language, changes, tuple(spans_b)))
        built.insert(0, (wordings[0], reference, ref_language, (), tuple(sorted(ref_spans))))
        quote_wordings = []
        for w, text, language, changes, spans in built:
            carriers = tuple(QuoteCarrier(article=pool.articles[k].id, outlet=pool.label(k),
                                          speaker=pool.articles[k].quotes[q].speaker,
                                          source=pool.articles[k].quotes[q].source) for k, q in w)
            quote_wordings.append(QuoteWording(text=text, language=language,
                                               identical=language == ref_language and not changes,
                                               changes=changes, spans=spans, carriers=carriers))
        sources = tuple(dict.fromkeys(c.source for w in quote_wordings for c in w.carriers if c.source))
        out.append(StoryQuote(speaker=_speaker(pool, members, lookup), text=reference,
                              outlets=len({k for k, _ in members}), sources=sources,
                              wordings=tuple(quote_wordings)))
    out.sort(key=lambda s: -s.outlets)
    return out
