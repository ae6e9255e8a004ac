"""How much of one article storylens reads: ``bound_text`` cuts a text at ``MAX_TEXT_CHARS``.

A news article is rarely over 30,000 characters; a 17 MB "article" (a book, a log, a dump
in a JSON field) would cost minutes and gigabytes in profiling (MinHash shingles, names,
sentence embeddings) and coverage. Every reader's articles (``read_articles``, feeds,
archives and pages polled by ``Poller``, ``POST /articles``) pass through ``bound_text``:
a longer text is cut at the last paragraph or word break before the limit, the cut is
logged (``storylens.ingest`` logger, naming the source and both sizes), and the article is
stored and analysed as cut, so reading it again gives the same content and id.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator

from storylens.article import Article
from storylens.settings import DEFAULTS, current

MAX_TEXT_CHARS = DEFAULTS.ingest.max_text_chars
log = logging.getLogger("storylens.ingest")


def bound_text(article: Article, limit: int | None = None) -> Article:
    """``article`` with its text cut to at most ``limit`` characters (default: the setting
    ``ingest.max_text_chars``; itself when shorter)."""
    limit = limit or current().ingest.max_text_chars
    text = article.text
    if len(text) <= limit:
        return article
    head = text[:limit]
    for sep in ("\n\n", "\n", " "):
        at = head.rfind(sep)
        if at >= limit - 5000:
            head = head[:at]
            break
    log.warning("%s: text of %s characters cut to %s (storylens reads at most %s per article)",
                article.source or article.id, f"{len(text):,}", f"{len(head):,}", f"{limit:,}")
    return dataclasses.replace(article, text=head.rstrip())


def bounded(articles: Iterable[Article], limit: int | None = None) -> Iterator[Article]:
    for article in articles:
        yield bound_text(article, limit)
