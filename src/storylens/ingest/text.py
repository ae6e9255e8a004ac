"""Plain-text articles: the first line is the title when it looks like one."""

from __future__ import annotations

import re

from storylens.article import Article
from storylens.ingest.boilerplate import is_caption
from storylens.ingest.clean import clean_text

_SENTENCE_END = re.compile(r"[.!?;:…]['\"”’»]?$")


def looks_like_title(line: str, rest: str) -> bool:
    """A short first line without closing punctuation, followed by more text.

    A first line followed by a photo caption is the image's label, not a headline.
    """
    words = line.split()
    next_paragraph = rest.strip().split("\n", 1)[0]
    return (
        bool(rest.strip())
        and 1 <= len(words) <= 30
        and not _SENTENCE_END.search(line)
        and not is_caption(next_paragraph)
    )


def parse_text(raw: str, article_id: str, source: str) -> Article:
    """Build an Article from plain text; title = first line when it looks like one."""
    text = clean_text(raw)
    first, _, rest = text.partition("\n")
    title = ""
    if looks_like_title(first.strip(), rest):
        title, text = first.strip(), rest.strip()
    return Article(id=article_id, title=title, text=text, source=source)
