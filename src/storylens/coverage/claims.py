"""Whether one sentence reports the same claim as another: the specifics they state.

A USE cosine says two sentences are about the same thing; it does not say they agree. A
sentence's ``Specifics`` are what a reader could check: its quantities (digits and number
words), years, dates and weekdays, the names of the article's entities it contains, whether
it negates its statement and whether it quotes someone. ``compare_claims`` reads two
sentences' specifics:

- ``variant``: they disagree on a specific (each states a quantity the other does not, and
  the two are within a factor of ``CLOSE``; or each states a year, date or weekday the other
  does not): the same kind of statement with different facts in it, never cited as support;
- ``conflict``: one negates what the other states, or one quotes someone and the other
  states no quotation and shares no name with it;
- ``agree``: nothing contradicts; ``shared_specifics`` counts what they state alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from storylens.analyze.mentions import extract_mentions
from storylens.analyze.names import name_tokens, word_key
from storylens.article import AnalyzedArticle, Sentence
from storylens.coverage.claim_words import NEGATIONS, NUMBER_WORDS, stop_words

AGREE, VARIANT, CONFLICT = "agree", "variant", "conflict"
STEM = 5
CLOSE = 2.0  # two quantities within this ratio are one figure told differently (a variant)

_WORD = regex.compile(r"[\p{L}\p{M}]+(?:[-'’][\p{L}\p{M}]+)*")
_ELIDED_NE = regex.compile(r"(?<![\p{L}])n['’](?=\p{L})", regex.I)
_QUOTED = regex.compile(r"[\"“”«»„‹›]\s*([^\"“”«»„‹›]{15,})[\"“”«»„‹›]|(?<![\p{L}])‘([^‘’]{15,})’(?![\p{L}])")
_OPENS_QUOTE = regex.compile(r"^\s*[\"“„«‹‘]\s*(\S+\s+\S+\s+\S+.*)")
_SHORT_NUMBER = regex.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(?:m|bn|mn|mln|k)\b")  # "€38m", "$1.5bn"


@dataclass(frozen=True)
class Specifics:
    """What a sentence states that another sentence can agree or disagree with."""

    numbers: frozenset[float]
    years: frozenset[str]
    dates: frozenset[str]  # "MM-DD" (a year, when given, is in ``years``)
    weekdays: frozenset[str]
    names: frozenset[str]  # ``word_key`` of each word of the entity names it contains
    negated: bool
    quoted: bool
    words: frozenset[str] = frozenset()  # stems (first five letters) of its content words

    @property
    def size(self) -> int:
        return len(self.numbers) + len(self.years) + len(self.dates) + len(self.weekdays) + len(self.names)


def _negated(text: str, language: str) -> bool:
    words = NEGATIONS.get(language)
    if not words:
        return False
    if language == "en" and ("n't" in text or "n’t" in text):
        return True
    if language == "fr" and _ELIDED_NE.search(text):
        return True
    return any(w.lower() in words for w in _WORD.findall(text))


def _quoted(text: str) -> bool:
    """True for a quotation of three words or more (not a quoted name or term)."""
    for m in _QUOTED.finditer(text):
        if len((m.group(1) or m.group(2)).split()) >= 3:
            return True
    return bool(_OPENS_QUOTE.match(text))


def figure(value: float) -> float:
    """A quantity without its thousands, millions or billions: 38 million and "38m" (and
    the 38 of "38 miljoen", a multiplier word the mentions do not know) meet as 38."""
    value = abs(value)
    while value >= 1000 and value % 1000 == 0:
        value /= 1000
    return value


def sentence_specifics(text: str, language: str, names: frozenset[str] = frozenset()) -> Specifics:
    """The specifics of one sentence in ``language``; ``names`` are the name keys found in it."""
    numbers, years, dates, weekdays = set(), set(), set(), set()
    for m in extract_mentions((Sentence(index=0, text=text, paragraph=0),)):
        if m.kind == "number":
            numbers.add(figure(float(m.value)))
        elif m.kind == "year":
            years.add(m.value)
        elif m.kind == "date":
            if len(m.value) == 10:
                years.add(m.value[:4])
            dates.add(m.value[-5:])
        elif m.kind == "weekday":
            weekdays.add(m.value)
    for m in _SHORT_NUMBER.finditer(text):
        numbers.add(figure(float(m.group(1).replace(",", "."))))
    spelled = NUMBER_WORDS.get(language)
    if spelled:
        for w in _WORD.findall(text):
            value = spelled.get(w.lower())
            if value is None and "-" in w:  # "five-year", "dix-sept ans"
                value = spelled.get(w.lower().split("-")[0])
            if value is not None:
                numbers.add(float(value))
    return Specifics(frozenset(numbers), frozenset(years), frozenset(dates), frozenset(weekdays), names,
                     _negated(text, language), _quoted(text), content_stems(text, language))


def content_stems(text: str, language: str) -> frozenset[str]:
    """The first five letters of each word that is not a stop word of ``language``."""
    stops = stop_words(language)
    return frozenset(w.lower()[:STEM] for w in _WORD.findall(text) if len(w) > 2 and w.lower() not in stops)


def word_overlap(a: Specifics, b: Specifics) -> float:
    """Dice coefficient of two same-language sentences' content stems."""
    if not a.words or not b.words:
        return 0.0
    return 2 * len(a.words & b.words) / (len(a.words) + len(b.words))


@lru_cache(maxsize=4096)
def _variant_pattern(variants: tuple[str, ...]):
    alternatives = "|".join(regex.escape(v) for v in sorted(variants, key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{alternatives})(?![\p{{L}}\p{{M}}])")


def name_keys(variants: tuple[str, ...], text: str) -> frozenset[str]:
    """Word keys of the entity spellings ``variants`` that occur in ``text``."""
    if not variants:
        return frozenset()
    keys = set()
    for m in _variant_pattern(variants).finditer(text):
        for token in name_tokens(m.group(0)):
            key = word_key(token)
            if len(key) >= 2:
                keys.add(key)
    return frozenset(keys)


def article_specifics(x: AnalyzedArticle) -> list[Specifics]:
    """The specifics of each content sentence of an analysed article, in order."""
    variants = tuple(sorted({v for e in x.entities for v in e.variants if len(v) >= 2}))
    return [sentence_specifics(s.text, x.language, name_keys(variants, s.text)) for s in x.sentences]


def _differ(a: frozenset, b: frozenset) -> bool:
    return bool(a - b) and bool(b - a)


def _numbers_differ(a: frozenset[float], b: frozenset[float]) -> bool:
    only_a, only_b = a - b, b - a
    for x in only_a:
        for y in only_b:
            low, high = sorted((abs(x), abs(y)))
            if low > 0 and high / low < CLOSE:
                return True
    return False


def compare_claims(a: Specifics, b: Specifics) -> str:
    """``agree``, ``variant`` or ``conflict`` (see the module docstring)."""
    if (_numbers_differ(a.numbers, b.numbers) or _differ(a.years, b.years) or _differ(a.dates, b.dates)
            or _differ(a.weekdays, b.weekdays)):
        return VARIANT
    if a.negated != b.negated:
        return CONFLICT
    if a.quoted != b.quoted and not (a.names & b.names):
        return CONFLICT
    return AGREE


def shared_quantities(a: Specifics, b: Specifics) -> int:
    """How many quantities, years, dates and weekdays two sentences state alike."""
    return len(_quantities(a) & _quantities(b))


def shared_names(a: Specifics, b: Specifics) -> int:
    """How many name words two sentences share."""
    return len(a.names & b.names)


def _quantities(s: Specifics) -> frozenset:
    return (frozenset(("n", v) for v in s.numbers) | frozenset(("y", v) for v in s.years)
            | frozenset(("d", v) for v in s.dates) | frozenset(("w", v) for v in s.weekdays))


def supports(cited: Specifics, shown: Specifics, same_language: bool) -> bool:
    """True when the sentence with specifics ``cited`` reports the claim of ``shown``.

    Beyond agreeing (``compare_claims``), in one language: a negated claim needs a negated
    sentence, a quotation needs a quotation, and at least half of the shown sentence's
    quantities, dates and names must be stated in the cited one. Across languages, where
    negation, quotation marks and number words are told differently, a cited sentence that
    states quantities must share one of the shown sentence's.
    """
    if compare_claims(cited, shown) == VARIANT:
        return False
    wanted, given = _quantities(shown), _quantities(cited)
    if not same_language:
        return not (wanted and given) or bool(wanted & given)
    if shown.negated and not cited.negated:
        return False
    if shown.quoted and not cited.quoted:
        return False
    if wanted and 2 * len(wanted & given) < len(wanted):
        return False
    if shown.names and 2 * len(shown.names & cited.names) < len(shown.names):
        return False
    return True
