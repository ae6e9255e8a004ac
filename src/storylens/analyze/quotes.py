"""Direct quotations, their speakers and the sources credited for them.

Quotation marks: "straight", “curly”, „German“, «French» / »German«, ‹single› and
mixed pairs as scraped text has them. A quote has at least ``MIN_WORDS`` words; one left
open at the end of a paragraph continues in the next paragraph that opens with a mark.
The speaker comes from ``storylens.analyze.attribution`` (the frame beside the quote,
resolved through names, pronouns and descriptions by ``Cast``), with a confidence, and is
``None`` below ``MIN_CONFIDENCE``; the source comes from cues outside the quote such as
``according to Reuters``, ``told CPA`` or ``TASS quoted X as saying``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from storylens.analyze.attribution import (MIN_CONFIDENCE, Person, find_verbs, parse_after, parse_before, sentence_starts,
                                          subject_before_verb)
from storylens.analyze.cast import Cast
from storylens.analyze.lang_data import SOURCE_CUES
from storylens.article import Entity, Paragraph, Quote, Sentence

MIN_WORDS = 4
MAX_CHARS = 1500
CLOSERS = {"“": "”“\"", "„": "“”\"", "«": "»", "»": "«", "‹": "›", "\"": "\"”", "”": "”"}
_MARKS = "\"“”„«»‹›"

_NAME = r"(?:\p{Lu}[\p{L}\p{M}'’.]*(?:-\p{L}[\p{L}\p{M}'’]*)*)(?:\s+(?:(?:al|el|ad|as)-|(?:al|el|de|del|von|van|der|bin|ibn)\s+)?\p{Lu}[\p{L}\p{M}'’.-]*){0,3}"
_QUOTED_AS = regex.compile(rf"(?P<src>{_NAME})\s+quoted\s+(?P<spk>{_NAME})\s+as\s+saying")
_SOURCE = regex.compile(
    rf"(?:\b(?:{SOURCE_CUES})\s+(?:the\s+|die\s+|la\s+|l'|l’|el\s+)?(?:(?:news\s+)?agency\s+|agence\s+|agencia\s+|Agentur\s+|Nachrichtenagentur\s+)?(?P<src>{_NAME})"
    rf"|\btold\s+(?:the\s+)?(?P<told>\p{{Lu}}[\p{{L}}]+(?:\s+\p{{Lu}}[\p{{L}}]+){{0,2}}))",
    regex.V0,
)
_MEDIA = regex.compile(r"(?i:news|press|times|journal|post|agency|agence|agencia|tv|radio|herald|gazette|tribune|"
                       r"wire|daily|zeitung|presse|prensa|stampa|jornal|magazine|channel|television|this morning)")


@dataclass(frozen=True)
class Span:
    """A quotation in one paragraph; ``end`` is past its closer (the paragraph's end when open)."""

    start: int
    end: int
    text: str
    open_end: bool = False


def find_quote_spans(text: str) -> list[Span]:
    """Quotations of a paragraph, with one left open at its end (continued in the next)."""
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
            rest = text[i + 1:].strip()
            lead = text[:i].rstrip()
            if (opener != "”" and not any(m in rest for m in _MARKS) and len(rest) < MAX_CHARS
                    and len(rest.split()) >= MIN_WORDS and (not lead or lead[-1] in ":,.;!?")):
                out.append(Span(i, len(text), rest, open_end=True))
                break
            i += 1  # unclosed: not a quote
            continue
        inner = text[i + 1 : j].strip().rstrip(",;:").rstrip()
        if len(inner.split()) >= MIN_WORDS:
            out.append(Span(i, j + 1, inner))
            i = j + 1
        else:
            i = j + 1 if len(inner.split()) > 0 else i + 1
    return out


def find_quotes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, inner text) of each closed quotation in ``text``; ``end`` is past the closer."""
    return [(s.start, s.end, s.text) for s in find_quote_spans(text) if not s.open_end]


def mask_quotes(text: str, spans: list[Span]) -> str:
    """The paragraph with each quotation's words blanked out (marks and final stop kept)."""
    chars = list(text)
    for span in spans:
        stop = span.end - 1 if not span.open_end else span.end
        last = stop - 1
        while last > span.start and chars[last].isspace():
            last -= 1
        for k in range(span.start + 1, stop):
            if not (k == last and chars[k] in ".!?"):
                chars[k] = "_" if not chars[k].isspace() else chars[k]
    return "".join(chars)


def _credited_source(cast: Cast, *contexts: str) -> str | None:
    for context in contexts:
        for match in _SOURCE.finditer(context):
            if match.group("src"):
                return match.group("src").removesuffix(" news agency").strip(" .,;:")
            told = match.group("told").strip(" .,;:")
            person = cast.find(told)
            if (person is None or not person.named_person) and (told.isupper() or _MEDIA.search(told)
                                                                or (person is not None and not person.named_person)):
                return told
    return None


def extract_quotes(
    paragraphs: tuple[Paragraph, ...], sentences: tuple[Sentence, ...], entities: tuple[Entity, ...],
    language: str | None = None,
) -> tuple[Quote, ...]:
    """Quotes of the content paragraphs, in reading order, with speaker and confidence; the
    frames are read with ``language``'s verbs of saying (every language's when ``None``)."""
    indices = [i for i, p in enumerate(paragraphs) if p.role == "content"]
    texts = [paragraphs[i].text for i in indices]
    spans = [find_quote_spans(t) for t in texts]
    masked = [mask_quotes(t, s) for t, s in zip(texts, spans)]
    starts = [sentence_starts(m) for m in masked]
    cast = Cast(entities)
    frames = [[_frames(m, st, sp, k) for k in range(len(sp))] for m, st, sp in zip(masked, starts, spans)]
    for par_frames in frames:  # names that frames give join the cast before its mentions are found
        for before, after, b_at, a_at in par_frames:
            for subject in (parse_after(after, a_at, cast.known, language),
                            parse_before(before, b_at, cast.known, language)):
                if subject is not None and subject.kind == "name":
                    cast.add_name(subject.text)
    cast.scan(masked, starts)

    out: list[Quote] = []
    open_speaker: tuple[str | None, float] | None = None  # an open quote that continues
    for par, (spans_p, frames_p) in enumerate(zip(spans, frames)):
        mtext = masked[par]
        p_sentences = [s for s in sentences if s.paragraph == indices[par]]
        previous: tuple[Span, str | None, float] | None = None
        for k, span in enumerate(spans_p):
            before, after, b_at, a_at = frames_p[k]
            speaker, confidence, source = None, 0.0, None
            quoted_as = _QUOTED_AS.search(after) or _QUOTED_AS.search(before)
            if quoted_as:
                person = cast.add_name(quoted_as.group("spk"))
                speaker, confidence = (person.name if person else None), 0.9
                source = quoted_as.group("src")
            else:
                speaker, confidence = _attribute(cast, par, after, a_at, before, b_at, language)
            if speaker is None:  # « ..., explique Béatrice Dauphinais. ... »: the frame inside the marks
                speaker, confidence = _incise(cast, par, span, language)
            if speaker is None and previous is None and not before.strip() and not after.strip(" .,;:"):
                speaker, confidence = _reported_before(cast, par, mtext, starts[par], span, language)
            if speaker is None and k == 0 and span.start == 0 and open_speaker is not None:
                speaker, confidence = open_speaker[0], open_speaker[1] * 0.95  # continues the last paragraph's
            elif speaker is None and previous is not None and previous[1] is not None:
                between = [m for m in cast.mentions if m[0][0] == par and previous[0].end <= m[0][1] < span.start
                           and cast.persons[m[2]].name != previous[1] and cast.persons[m[2]].named_person
                           and m[0] not in cast.oblique]
                if not between:
                    speaker, confidence = previous[1], min(previous[2], 0.7)
            if speaker is not None and confidence < MIN_CONFIDENCE:
                speaker = None
            source = source or _credited_source(cast, after, before, mtext)
            sentence = next((s.index for s in p_sentences if span.text[:30] in s.text),
                            p_sentences[0].index if p_sentences else 0)
            out.append(Quote(text=span.text, sentence=sentence, speaker=speaker, source=source,
                             confidence=round(max(0.0, confidence if speaker else min(confidence, MIN_CONFIDENCE)), 2)))
            previous = (span, speaker, confidence)
        last = spans_p[-1] if spans_p else None
        if last is not None and last.open_end:
            open_speaker = (previous[1], previous[2]) if previous[1] else None
        elif not (last is not None and last.start == 0 and open_speaker):
            open_speaker = None
    return tuple(out)


def _frames(masked: str, starts: list[int], spans: list[Span], k: int) -> tuple[str, str, int, int]:
    """(before, after, offset of before, offset of after): the quote's sentence outside it."""
    span = spans[k]
    sentence_start = starts[bisect.bisect_right(starts, span.start) - 1]
    b_at = max(sentence_start, spans[k - 1].end if k else 0)
    before = masked[b_at:span.start] if b_at <= span.start else ""
    if span.open_end:
        return before, "", b_at, span.end
    nxt = bisect.bisect_right(starts, span.end)
    end = starts[nxt] if nxt < len(starts) else len(masked)
    if k + 1 < len(spans):
        end = min(end, spans[k + 1].start)
    return before, masked[span.end:end], b_at, span.end


_INCISE = regex.compile(r",\s+")
_THAT = regex.compile(r"^[\s,]*(?:que|qu['’]|dass|daß|che|that)\b", regex.IGNORECASE)
INCISE_WORDS = 8  # words of a frame inside the marks (", explique Béatrice Dauphinais.")


def _incise(cast: Cast, par: int, span: Span, language: str | None) -> tuple[str | None, float]:
    """The speaker named by a frame inside the quotation marks, right after a comma: French
    and Spanish quotes often hold their incise (« ..., explique X. ... », «..., dijo X»)."""
    for comma in _INCISE.finditer(span.text):
        rest = span.text[comma.start():]
        stop = regex.search(r"[.!?;:]\s|[.!?;:]$", rest)
        frame = rest[: stop.start() + 1] if stop else rest
        verbs = find_verbs(frame, language)
        if len(frame.split()) > INCISE_WORDS or not verbs or frame[: verbs[0][0]].strip(" ,"):
            continue  # the verb of saying must follow the comma
        speaker, confidence = _attribute(cast, par, frame, span.start + comma.start(), "", span.start, language)
        if speaker is not None:
            return speaker, confidence * 0.9
    return None, 0.0


def _reported_before(cast: Cast, par: int, masked: str, starts: list[int], span: Span,
                     language: str | None) -> tuple[str | None, float]:
    """A quotation that opens its sentence with no frame, after a sentence of reported speech
    that names who speaks ("Es gebe keinen Zweifel, sagte Herrmann. „Aber ...“"): that person."""
    at = bisect.bisect_right(starts, span.start) - 1
    if at < 1 or starts[at] != span.start and masked[starts[at]:span.start].strip():
        return None, 0.0
    sentence = masked[starts[at - 1]:starts[at]]
    verbs = find_verbs(sentence, language)
    if not verbs or regex.search(r"[\"“”„«»‹›]", sentence):
        return None, 0.0  # none, or the sentence holds a quote of its own
    start, end, _ = verbs[-1]
    comma = sentence.rfind(",", 0, start)
    if _THAT.match(sentence[end:]) or comma < 0 or sentence[comma + 1:start].strip():
        # the speaker before the verb: "Herrmann sagte, dass ...", "La directora, Amalia Torres, indicó que"
        subject = subject_before_verb(sentence[:start], starts[at - 1], cast.known, language)
    else:  # the speaker after it: "Es gebe keinen Zweifel, sagte Herrmann."
        subject = parse_after(sentence[comma:], starts[at - 1] + comma, cast.known, language)
    if subject is None or subject.kind != "name":
        return None, 0.0
    person = cast.add_name(subject.text)
    return (person.name, 0.7 * subject.weight) if person is not None else (None, 0.0)


def _attribute(cast: Cast, par: int, after: str, a_at: int, before: str, b_at: int,
               language: str | None = None) -> tuple[str | None, float]:
    """The speaker of the frames and a confidence, resolved through the cast."""
    for subject in (parse_after(after, a_at, cast.known, language), parse_before(before, b_at, cast.known, language)):
        if subject is None:
            continue
        if subject.kind == "name":
            person = cast.add_name(subject.text)
            if person is None:
                continue
            confidence = (0.95 if person.named_person or len(person.name.split()) > 1 else 0.8) * subject.weight
            cast.mention(person, par, subject.position)
            return person.name, confidence
        if subject.kind in ("pronoun", "implicit"):
            person, confidence = cast.resolve_pronoun(subject.gender, par, subject.position)
            if subject.kind == "implicit":
                confidence -= 0.05
        else:
            person, confidence = cast.resolve_description(subject, par, subject.position)
        if isinstance(person, Person):
            if subject.gender:
                person.vote(subject.gender, 0.5)
            cast.mention(person, par, subject.position)
            return person.name, confidence
        return person, confidence
    return None, 0.0
