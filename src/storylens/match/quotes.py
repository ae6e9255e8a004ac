"""Quotes two articles share, exact or reworded (wire variants), with the changed words."""

from __future__ import annotations

from difflib import SequenceMatcher

import numpy as np
import regex

from storylens.article import Quote

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}'’]+")
# Not settings: part of the fitted pair scorer (its quote_overlap feature counts these matches).
WORDING_MATCH = 0.6  # word-sequence ratio for the same quote in other words
CONTAINED = 0.8  # share of the shorter quote found inside the longer one
CROSS_LINGUAL_MATCH = 0.75  # embedding cosine for a translated quote


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def word_changes(a: str, b: str) -> list[dict]:
    """The differing word runs of two wordings: [{"a": "ask", "b": "demand"}, ...]."""
    ta, tb = _WORD.findall(a), _WORD.findall(b)
    matcher = SequenceMatcher(None, [w.lower() for w in ta], [w.lower() for w in tb], autojunk=False)
    return [{"a": " ".join(ta[i1:i2]), "b": " ".join(tb[j1:j2])}
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def quote_similarity(a: str, b: str) -> tuple[float, float]:
    """(sequence ratio, share of the shorter quote's words matched in order)."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0, 0.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matcher.ratio(), matched / min(len(wa), len(wb))


def match_quotes(
    a: tuple[Quote, ...], b: tuple[Quote, ...], emb_a: np.ndarray | None = None, emb_b: np.ndarray | None = None,
    cross_lingual: bool = False,
) -> tuple[list[tuple[Quote, Quote, float]], list[Quote], list[Quote]]:
    """(shared (qa, qb, score), only in a, only in b), best pairs first, one-to-one."""
    candidates = []
    for i, qa in enumerate(a):
        for j, qb in enumerate(b):
            ratio, contained = quote_similarity(qa.text, qb.text)
            score = max(ratio, contained if contained >= CONTAINED else 0.0)
            if cross_lingual and emb_a is not None and emb_b is not None:
                cosine = float(emb_a[i] @ emb_b[j])
                score = max(score, cosine if cosine >= CROSS_LINGUAL_MATCH else 0.0)
            if score >= WORDING_MATCH:
                candidates.append((score, i, j))
    used_a, used_b, shared = set(), set(), []
    for score, i, j in sorted(candidates, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            shared.append((a[i], b[j], score))
    shared.sort(key=lambda t: t[0].sentence)
    return shared, [q for i, q in enumerate(a) if i not in used_a], [q for j, q in enumerate(b) if j not in used_b]


def identical(a: str, b: str) -> bool:
    return words(a) == words(b)
