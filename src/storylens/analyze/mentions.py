"""Dates, weekdays and numbers mentioned in the text, normalised so that they match
across languages ("17 September 2015", "17. September 2015", "el 17 de septiembre")."""

from __future__ import annotations

import regex

from storylens.analyze.lang_data import MONTHS, MULTIPLIERS, WEEKDAYS
from storylens.article import Mention, Sentence

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = regex.compile(rf"\b(?P<d>[0-3]?\d)\.?\s+(?:de\s+)?(?P<m>{_MONTH})\.?(?:\s+(?:del?\s+)?(?P<y>(?:19|20)\d\d))?\b", regex.I)
_MONTH_DAY = regex.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?(?:\s+(?P<y>(?:19|20)\d\d))?\b", regex.I)
_ISO = regex.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
_YEAR = regex.compile(r"\b(?:19|20)\d\d\b")
_DIGIT = regex.compile(r"\d")
_SEPARATOR = regex.compile(r"([,. ])")
_WEEKDAY = regex.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b", regex.I)
_NUMBER = regex.compile(
    r"(?<![\w.,])(?P<n>\d{1,3}(?:[,. ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w])"
    r"(?:\s*(?P<mult>" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")\b)?",
    regex.I,
)


def _key(word: str) -> str:
    """Lower case for look-ups; Turkish "İ" lowers to "i" plus a combining dot, dropped here."""
    return word.lower().replace("\u0307", "")


def _number_value(digits: str, mult: str | None) -> str:
    """"1,000" and "1.000" -> 1000; "3.5" and "3,5" -> 3.5; "28 008.48" -> 28008.48."""
    pieces = [digits] if digits.isdigit() else _SEPARATOR.split(digits)
    groups, separators = pieces[0::2], pieces[1::2]
    if len(groups) > 1 and len(groups[-1]) != 3 and separators[-1] in ",.":
        value = float("".join(groups[:-1]) + "." + groups[-1])  # last separator is the decimal mark
    else:
        value = float("".join(groups))  # every separator groups thousands
    if mult:
        value *= MULTIPLIERS[_key(mult)]
    return f"{value:g}" if value < 1e15 else str(int(value))


def extract_mentions(sentences: tuple[Sentence, ...], weekdays: bool = True) -> tuple[Mention, ...]:
    """Dates (YYYY-MM-DD, MM-DD, YYYY), weekdays (unless ``weekdays`` is false) and numbers
    of the content sentences."""
    out: list[Mention] = []
    for sentence in sentences:
        text = sentence.text
        if not _DIGIT.search(text):  # no date, year or number without a digit: weekdays only
            for m in _WEEKDAY.finditer(text) if weekdays else ():
                out.append(Mention(text=m.group(0), kind="weekday", value=WEEKDAYS[_key(m.group(0))]))
            continue
        taken: list[tuple[int, int]] = []
        for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
            for m in pattern.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                month = int(m["m"]) if m["m"].isdigit() else MONTHS[_key(m["m"])]
                day = int(m["d"])
                if not 1 <= day <= 31:
                    continue
                value = f"{m['y']}-{month:02d}-{day:02d}" if m["y"] else f"{month:02d}-{day:02d}"
                out.append(Mention(text=m.group(0), kind="date", value=value))
                taken.append((m.start(), m.end()))
        for m in _WEEKDAY.finditer(text) if weekdays else ():
            out.append(Mention(text=m.group(0), kind="weekday", value=WEEKDAYS[_key(m.group(0))]))
        for m in _YEAR.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                out.append(Mention(text=m.group(0), kind="year", value=m.group(0)))
                taken.append((m.start(), m.end()))
        for m in _NUMBER.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            out.append(Mention(text=m.group(0), kind="number", value=_number_value(m["n"], m["mult"])))
    return tuple(out)
