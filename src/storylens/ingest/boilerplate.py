"""Scraping noise: which paragraphs of a body are bylines, captions, footers or fragments.

Language-independent patterns plus small per-language phrase lists. A paragraph that
is not ``content`` is kept in the analysis (for display) but left out of sentences,
entities, quotes and comparison.
"""

from __future__ import annotations

import re
from collections import Counter

_FOOTER = re.compile(
    r"(contact the (writer|author|reporter)|let us know what you think|follow us on|share (this|on)|"
    r"sign up (for|to)|subscribe to|click here|all rights reserved|copyright ©|©\s*\d{4}|"
    r"read more:|related:|more on this|newsletter|we'll send breaking news|"
    r"bitte registrieren|mehr zum thema|lesen sie auch|abonnieren|"
    r"lire aussi|à lire aussi|abonnez-vous|lea también|suscríbete|leggi anche|czytaj także|"
    r"^source:|^quelle:|^fuente:|^źródło:)",
    re.I,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_CAPTION = re.compile(
    r"(handout (photo|photograph|picture)|file (photo|picture)|\bphoto(graph)?:|\bfoto:|\bimage:|"
    r"\bcredit:|\bpictured\b|in this (handout )?(photo|photograph|picture)|"
    r"\b(reuters|ap|afp|epa|getty images|dpa)/[\w .]+$|via reuters$|/handout|\(photo[^)]*\)$)",
    re.I,
)
_BYLINE = re.compile(r"^(by|von|par|por|di|door)\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3}\s*,?$")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’»)]*$")

ROLES = ("content", "byline", "caption", "footer", "fragment", "repeated")


def _is_byline(text: str) -> bool:
    words = text.split()
    if _BYLINE.match(text):
        return True
    # "Ben Ariel ," : two to four capitalised words and a trailing comma or dash
    return 2 <= len(words) <= 5 and text.rstrip().endswith((",", "-", "–", "|")) and all(
        w[:1].isupper() for w in words[:-1] if w not in (",", "-", "–", "|")
    )


def classify_paragraphs(paragraphs: list[str], title: str = "") -> list[str]:
    """Return one role from ``ROLES`` per paragraph."""
    counts = Counter(p.strip().lower() for p in paragraphs)
    title_key = title.strip().lower()
    roles = []
    for text in paragraphs:
        stripped = text.strip()
        words = stripped.split()
        if counts[stripped.lower()] > 1 or (title_key and stripped.lower() == title_key):
            roles.append("repeated")
        elif _is_byline(stripped):
            roles.append("byline")
        elif _CAPTION.search(stripped):
            roles.append("caption")
        elif _FOOTER.search(stripped) or (_EMAIL.search(stripped) and len(words) < 30):
            roles.append("footer")
        elif len(words) <= 12 and not _SENTENCE_END.search(stripped):
            roles.append("fragment")  # subheads, image labels, link text
        else:
            roles.append("content")
    return roles


def is_caption(text: str) -> bool:
    return bool(_CAPTION.search(text.strip()))
