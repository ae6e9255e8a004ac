"""Framing: the different words outlets use for the same thing in the same statement.

Two sources of contrasts, both within one language:

- facts: for every two sentences of one fact (aligned across independent outlets), the
  differing word runs (``match.quotes.word_changes``) that are substitutions of content
  words: both sides non-empty once function words (spaCy's stop-word list for the
  language) are trimmed from their ends, at most ``MAX_WORDS`` words each, not numbers,
  no capitalised word (names and their spellings are the entities section's business),
  not two forms of one word (RapidFuzz ratio below ``SAME_WORD``), and only from sentence
  pairs worded alike (word-sequence ratio >= ``SAME_WORDING``: loose paraphrases differ
  in whole clauses, not in word choice);
- quotes: the changed word runs between the wordings of one quote ("ask" / "demand");
- lexicon: contested names for one kind of referent (``framing_terms.TERM_SETS``), where
  some outlets use one word of a set ("insurgents") and others, not using it, another
  ("militants"); reported with a sentence of each as context.

Contrasts are merged across facts, case-insensitively, and listed by how many articles
use either term; the first ``coverage.max_contrasts`` (a setting) are kept.
"""

from __future__ import annotations

import regex
from rapidfuzz import fuzz

from storylens.coverage.claim_words import stop_words
from storylens.coverage.facts import SentenceGroups
from storylens.coverage.framing_terms import TERM_SETS
from storylens.coverage.pool import StoryPool
from storylens.coverage.records import StoryQuote, TermContrast
from storylens.match.quotes import quote_similarity, word_changes
from storylens.settings import DEFAULTS, current

MAX_WORDS = 3
SAME_WORD = 75.0  # RapidFuzz ratio at or above which two terms are forms or spellings of one word
MAX_CONTRASTS = DEFAULTS.coverage.max_contrasts
SAME_WORDING = 0.5  # match.quotes.quote_similarity ratio of two sentences


def _trim(words: list[str], stops: frozenset[str]) -> list[str]:
    while words and words[0].lower() in stops:
        words = words[1:]
    while words and words[-1].lower() in stops:
        words = words[:-1]
    return words


def _capitalised(words: list[str]) -> bool:
    return any(w[:1].isupper() for w in words)


def term_pair(a: str, b: str, language: str) -> tuple[str, str] | None:
    """The contrasting terms of one changed word run, or None when it is not a substitution."""
    stops = stop_words(language)
    wa, wb = _trim(a.split(), stops), _trim(b.split(), stops)
    if not wa or not wb or len(wa) > MAX_WORDS or len(wb) > MAX_WORDS:
        return None
    ta, tb = " ".join(wa), " ".join(wb)
    if any(w.isdigit() for w in wa + wb):
        return None
    if _capitalised(wa) or _capitalised(wb):
        return None
    if fuzz.ratio(ta.lower(), tb.lower()) >= SAME_WORD:
        return None
    return ta, tb


class _Contrasts:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str], dict] = {}

    def add(self, ta: str, tb: str, article_a: str, article_b: str, origin: str, context_a: str, context_b: str) -> None:
        key = (ta.lower(), tb.lower())
        if key[0] > key[1]:
            key, ta, tb = (key[1], key[0]), tb, ta
            article_a, article_b, context_a, context_b = article_b, article_a, context_b, context_a
        entry = self.found.setdefault(key, {"a": ta, "b": tb, "articles_a": {}, "articles_b": {}, "origin": origin,
                                            "context_a": context_a, "context_b": context_b})
        entry["articles_a"][article_a] = None
        entry["articles_b"][article_b] = None

    def result(self) -> list[TermContrast]:
        out = [TermContrast(a=e["a"], b=e["b"], articles_a=tuple(e["articles_a"]), articles_b=tuple(e["articles_b"]),
                            origin=e["origin"], context_a=e["context_a"], context_b=e["context_b"])
               for e in self.found.values()]
        out.sort(key=lambda c: (-len(set(c.articles_a) | set(c.articles_b)), c.origin != "quote", c.a.lower()))
        return out[:current().coverage.max_contrasts]


def _lexicon_contrasts(pool: StoryPool, contrasts: _Contrasts) -> None:
    """Words of one contested set that some independent outlets use and the others do not."""
    for language in pool.languages:
        for referent, terms in TERM_SETS.get(language, {}).items():
            pattern = regex.compile(r"\b(" + "|".join(regex.escape(t) for t in sorted(terms, key=len, reverse=True))
                                    + r")\b", regex.I)
            used: dict[str, dict[int, str]] = {}  # term -> article position -> a sentence using it
            for i, text in enumerate(pool.texts):
                k = pool.article_of[i]
                if pool.is_copy(k) or pool.articles[k].language != language:
                    continue
                for m in pattern.finditer(text):
                    used.setdefault(m.group(1).lower(), {}).setdefault(k, text)
            for ta, by_a in used.items():
                for tb, by_b in used.items():
                    only_a, only_b = set(by_a) - set(by_b), set(by_b) - set(by_a)
                    if ta < tb and only_a and only_b and fuzz.ratio(ta, tb) < SAME_WORD:
                        for ka in sorted(only_a):
                            for kb in sorted(only_b):
                                contrasts.add(ta, tb, pool.articles[ka].id, pool.articles[kb].id,
                                              f"lexicon: {referent}", by_a[ka], by_b[kb])


def term_contrasts(pool: StoryPool, sg: SentenceGroups, quotes: list[StoryQuote]) -> list[TermContrast]:
    """Word substitutions between outlets, from aligned sentences, quote wordings and the
    lexicon of contested terms."""
    contrasts = _Contrasts()
    _lexicon_contrasts(pool, contrasts)
    for quote in quotes:
        reference = quote.wordings[0]
        for wording in quote.wordings[1:]:
            for a, b in wording.changes:
                pair = term_pair(a, b, wording.language)
                if pair:
                    contrasts.add(*pair, reference.carriers[0].article, wording.carriers[0].article, "quote",
                                  reference.text, wording.text)
    for g, members in enumerate(sg.groups):
        if sg.support[g] < 2:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                ki, kj = pool.article_of[i], pool.article_of[j]
                language = pool.articles[ki].language
                if pool.family[ki] == pool.family[kj] or pool.articles[kj].language != language:
                    continue
                if quote_similarity(pool.texts[i], pool.texts[j])[0] < SAME_WORDING:
                    continue
                for change in word_changes(pool.texts[i], pool.texts[j]):
                    pair = term_pair(change["a"], change["b"], language)
                    if pair:
                        contrasts.add(*pair, pool.articles[ki].id, pool.articles[kj].id, "fact",
                                      pool.texts[i], pool.texts[j])
    return contrasts.result()
