"""Paragraphs with boilerplate roles, and content sentences (sentencex, ~300 languages)."""

from __future__ import annotations

import regex
import sentencex

from storylens.article import Paragraph, Sentence
from storylens.ingest.boilerplate import classify_paragraphs

MAX_SENTENCE_CHARS = 1200  # longer runs (tables, lists without stops) are cut into pieces
_SENTENCE_END = regex.compile(r"(?<=[.!?…。！？])\s+|\n+")


def quick_split(text: str) -> list[str]:
    """Sentences by end punctuation and line breaks: rougher than ``sentencex`` but several
    times faster (the story profile and the e5 passages use it)."""
    return [p for p in (piece.strip() for piece in _SENTENCE_END.split(text)) if p]


def split_paragraphs(text: str, title: str = "") -> tuple[Paragraph, ...]:
    """One paragraph per non-empty line, each with its role (content or boilerplate)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    roles = classify_paragraphs(lines, title)
    return tuple(Paragraph(text=line, role=role) for line, role in zip(lines, roles))


def split_sentences(paragraphs: tuple[Paragraph, ...], language: str) -> tuple[Sentence, ...]:
    """Content sentences in reading order, with the index of their paragraph."""
    out: list[Sentence] = []
    lang = language if language and language != "und" else "en"
    for p_index, paragraph in enumerate(paragraphs):
        if paragraph.role != "content":
            continue
        for piece in sentencex.segment(lang, paragraph.text):
            piece = piece.strip()
            while len(piece) > MAX_SENTENCE_CHARS:
                cut = piece.rfind(" ", 0, MAX_SENTENCE_CHARS)
                cut = cut if cut > 0 else MAX_SENTENCE_CHARS
                out.append(Sentence(index=len(out), text=piece[:cut], paragraph=p_index))
                piece = piece[cut:].strip()
            if piece:
                out.append(Sentence(index=len(out), text=piece, paragraph=p_index))
    return tuple(out)
