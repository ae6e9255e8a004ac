"""Direct quotations, their speakers and the sources credited for them.

Quotation marks: "straight", “curly”, „German“, «French» / »German«, ‹single› and
mixed pairs as scraped text has them. A quote has at least ``MIN_WORDS`` words; the
speaker comes from a speech verb next to the quote (``X said``, ``said X``,
``TASS quoted X as saying``), a pronoun (the previous speaker), or the quote before
it in the same paragraph; the source from cues such as ``according to Reuters``.
"""

from __future__ import annotations

import regex

from storylens.analyze.lang_data import NOT_NAMES, SOURCE_CUES, SPEECH_VERBS
from storylens.analyze.names import same_person
from storylens.article import Entity, Paragraph, Quote, Sentence

MIN_WORDS = 4
MAX_CHARS = 1500
CLOSERS = {"“": "”“\"", "„": "“”\"", "«": "»", "»": "«", "‹": "›", "\"": "\"”", "”": "”"}

_NAME = r"(?:\p{Lu}[\p{L}\p{M}'’.]*(?:-\p{L}[\p{L}\p{M}'’]*)*)(?:\s+(?:(?:al|el|ad|as)-|(?:al|el|de|del|von|van|der|bin|ibn)\s+)?\p{Lu}[\p{L}\p{M}'’.-]*){0,3}"
_NP = rf"(?:(?:the|a|an|der|die|das|le|la|el|il|l'|l’)\s+)?(?:[\p{{L}}-]+\s+){{0,4}}?{_NAME}|(?:the|a|an)\s+(?:[\p{{Ll}}-]+\s+){{0,3}}[\p{{Ll}}-]+"
_PRONOUN = r"(?i:he|she|they|er|sie|il|elle|él|ella|lui|lei)"
_VERB = rf"(?:{SPEECH_VERBS})"

_QUOTED_AS = regex.compile(rf"(?P<src>{_NAME})\s+quoted\s+(?P<spk>{_NAME})\s+as\s+saying")
_AFTER_SPK_VERB = regex.compile(rf"^[\s,.:;–—-]*(?P<spk>{_PRONOUN}|{_NAME}|{_NP})\s+{_VERB}\b", regex.V0)
_AFTER_VERB_SPK = regex.compile(rf"^[\s,.:;–—-]*{_VERB}\s+(?P<spk>{_NAME}|{_NP})", regex.V0)
_BEFORE_SPK_VERB = regex.compile(rf"(?:^|[,;:]\s*)(?P<spk>(?:[^\s,;:]+\s+){{0,5}}?[^\s,;:]+)\s+{_VERB}\b[^.!?]*[:,]?\s*$", regex.V0)
_SOURCE = regex.compile(
    rf"(?:\b(?:{SOURCE_CUES})\s+(?:the\s+|die\s+|la\s+|l'|l’|el\s+)?(?:(?:news\s+)?agency\s+|agence\s+|agencia\s+|Agentur\s+|Nachrichtenagentur\s+)?(?P<src>{_NAME})"
    rf"|\btold\s+(?P<told>\p{{Lu}}[\p{{L}}]+(?:\s+\p{{Lu}}[\p{{L}}]+){{0,2}}))",
    regex.V0,
)
_SENTENCE_STOP = regex.compile(r"[.!?](?=\s+[\p{Lu}\"“„«])")


def find_quotes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of each quotation in ``text``; ``end`` is past the closer."""
    out, i = [], 0
    while i < len(text):
        opener = text[i]
        closers = CLOSERS.get(opener)
        if closers is None or (opener == "”" and i > 0 and text[i - 1].isalnum()):
            i += 1
            continue
        j = i + 1
        while j < len(text) and j - i < MAX_CHARS and text[j] not in closers:
            j += 1
        if j >= len(text) or j - i >= MAX_CHARS:
            i += 1  # unclosed: not a quote
            continue
        inner = text[i + 1 : j].strip().rstrip(",;:").rstrip()
        if len(inner.split()) >= MIN_WORDS:
            out.append((i, j + 1, inner))
            i = j + 1
        else:
            i = j + 1 if len(inner.split()) > 0 else i + 1
    return out


def _clean_speaker(name: str) -> str | None:
    """Drop leading articles; None when nothing but function words is left."""
    words = name.strip(" ,.;:\"“”„«»").split()
    while words and words[0].lower() in ("the", "a", "an", "der", "die", "das", "le", "la", "el", "il"):
        words = words[1:]
    if not words or all(w.lower() in NOT_NAMES for w in words):
        return None
    return " ".join(words)


def _resolve(name: str | None, entities: tuple[Entity, ...]) -> str | None:
    """Map a speaker string to the article's entity name when one matches."""
    if not name:
        return None
    for entity in entities:
        if entity.type in ("PERSON", "NAME") and any(same_person(name, v) for v in entity.variants[:6]):
            return entity.name
    return name


def _credited_source(*contexts: str) -> str | None:
    for context in contexts:
        match = _SOURCE.search(context)
        if match:
            src = match.group("src") or match.group("told")
            return src.removesuffix(" news agency").strip(" .,;:")
    return None


def extract_quotes(
    paragraphs: tuple[Paragraph, ...], sentences: tuple[Sentence, ...], entities: tuple[Entity, ...]
) -> tuple[Quote, ...]:
    """Quotes of the content paragraphs, in reading order."""
    out: list[Quote] = []
    last_speaker: str | None = None
    for p_index, paragraph in enumerate(paragraphs):
        if paragraph.role != "content":
            continue
        text = paragraph.text
        p_sentences = [s for s in sentences if s.paragraph == p_index]
        previous_end, previous_speaker = None, None
        for start, end, inner in find_quotes(text):
            stop = _SENTENCE_STOP.search(text, end)
            after = text[end : stop.start() + 1 if stop else len(text)]
            before_start = max((m.end() for m in _SENTENCE_STOP.finditer(text, 0, start)), default=0)
            before = text[before_start:start]
            speaker = source = None
            quoted_as = _QUOTED_AS.search(after) or _QUOTED_AS.search(before)
            if quoted_as:
                speaker, source = quoted_as.group("spk"), quoted_as.group("src")
            else:
                for pattern, context in ((_AFTER_SPK_VERB, after), (_AFTER_VERB_SPK, after), (_BEFORE_SPK_VERB, before)):
                    match = pattern.search(context)
                    if match:
                        speaker = match.group("spk")
                        break
            if speaker and regex.fullmatch(_PRONOUN, speaker, regex.I):
                speaker = last_speaker
            if speaker is None and previous_end is not None:
                speaker = previous_speaker  # a later quote of the same paragraph: same speaker
            speaker = _resolve(_clean_speaker(speaker), entities) if speaker else None
            source = source or _credited_source(after, before, text)
            sentence = next((s.index for s in p_sentences if inner[:30] in s.text), p_sentences[0].index if p_sentences else 0)
            out.append(Quote(text=inner, sentence=sentence, speaker=speaker, source=source))
            previous_end, previous_speaker = end, speaker
            last_speaker = speaker or last_speaker
    return tuple(out)
