"""A simple tone indicator per article: loaded words per 100 words, from a small lexicon.

    score = 100 * (positive words - negative words) / words     (content sentences only)

Words inside quotations count too (an outlet chooses which quotes to print). The label is
``negative`` at or below ``NEGATIVE_AT``, ``positive`` at or above ``POSITIVE_AT``, else
``neutral``; ``unknown`` (score None) for a language the lexicon (``tone_words``) lacks.
Each reading shows the ``coverage.tone_examples`` (a setting) most frequent loaded words.
News runs negative, so the scale is meant for comparing outlets on one story, not stories.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from storylens.coverage.pool import StoryPool
from storylens.coverage.records import Tone
from storylens.coverage.tone_words import NEGATIVE, POSITIVE
from storylens.settings import DEFAULTS, current

NEGATIVE_AT = -2.0
POSITIVE_AT = 1.0
EXAMPLES = DEFAULTS.coverage.tone_examples
_WORD = regex.compile(r"[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*")


@lru_cache(maxsize=None)
def lexicon(language: str, polarity: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(whole words, prefixes) of one polarity, or None when the language has no list."""
    table = NEGATIVE if polarity == "negative" else POSITIVE
    if language not in table:
        return None
    entries = table[language].split()
    return (frozenset(e for e in entries if not e.endswith("*")),
            tuple(e[:-1] for e in entries if e.endswith("*")))


def _hits(words: list[str], entries: tuple[frozenset[str], tuple[str, ...]]) -> Counter:
    whole, prefixes = entries
    return Counter(w for w in words if w in whole or w.startswith(prefixes))


def article_tone(text: str, language: str,
                 examples: int | None = None) -> tuple[int, int, int, float | None, list[str]]:
    """(words, positive, negative, score, the ``examples`` (default: the setting
    ``coverage.tone_examples``) loaded words most frequent first)."""
    words = [w.lower() for w in _WORD.findall(text)]
    negative, positive = lexicon(language, "negative"), lexicon(language, "positive")
    if negative is None or positive is None or not words:
        return len(words), 0, 0, None, []
    neg, pos = _hits(words, negative), _hits(words, positive)
    score = 100.0 * (sum(pos.values()) - sum(neg.values())) / len(words)
    shown = [w for w, _ in (neg + pos).most_common(examples or current().coverage.tone_examples)]
    return len(words), sum(pos.values()), sum(neg.values()), score, shown


def _label(score: float | None) -> str:
    if score is None:
        return "unknown"
    return "negative" if score <= NEGATIVE_AT else "positive" if score >= POSITIVE_AT else "neutral"


def story_tones(pool: StoryPool) -> list[Tone]:
    """One tone reading per article, in the pool's (publication) order."""
    out, most = [], current().coverage.tone_examples
    for k, x in enumerate(pool.articles):
        text = " ".join(s.text for s in x.sentences)
        words, positive, negative, score, examples = article_tone(text, x.language, most)
        out.append(Tone(article=x.id, outlet=pool.label(k), language=x.language, words=words, positive=positive,
                        negative=negative, score=score, label=_label(score), examples=tuple(examples)))
    return out
