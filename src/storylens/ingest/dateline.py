"""A date from the text itself, for articles whose record, page and URL give none.

Reports often carry their date on a line of its own under the headline ("March 01, 2008",
"13 de junio del 2005", "Thursday, 17 September 2015"). ``dateline_date`` reads such a
line among the first lines of the text; a date inside a sentence is not taken for the
publication date.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import regex

from storylens.analyze.mentions import extract_mentions
from storylens.article import Article, Sentence

HEAD_LINES = 4  # the dateline sits among the first lines
MAX_LINE = 60  # a longer line is a sentence, not a dateline
_FULL_DATE = regex.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WORDS = regex.compile(r"\p{L}+")


def dateline_date(text: str) -> datetime | None:
    """The date of a dateline among the first ``HEAD_LINES`` lines, else None."""
    for line in text.lstrip().splitlines()[:HEAD_LINES]:
        line = line.strip()
        if not line or len(line) > MAX_LINE:
            continue
        for mention in extract_mentions((Sentence(index=0, text=line, paragraph=0),), weekdays=False):
            full = _FULL_DATE.match(mention.value) if mention.kind == "date" else None
            if full is None:
                continue
            rest = line.replace(mention.text, " ")
            if len(_WORDS.findall(rest)) > 3:  # a dateline holds little besides the date
                continue
            try:
                return datetime(int(full[1]), int(full[2]), int(full[3]), tzinfo=timezone.utc)
            except ValueError:
                continue
    return None


def with_dateline(article: Article) -> Article:
    """``article`` dated from its dateline when it carries no date of its own."""
    if article.published is not None:
        return article
    when = dateline_date(article.text)
    return dataclasses.replace(article, published=when) if when is not None else article
