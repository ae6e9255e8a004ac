"""Articles in: plain text, HTML pages, JSON/JSONL records, RSS/Atom feeds and WARC/ARC archives
become ``Article`` objects.

``read_articles(path)`` yields every article in a file; ``read_article(spec)`` returns
exactly one (``corpus.jsonl#ID`` picks one record of a multi-article file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.feeds import FEED_ROOTS, feed_bytes, read_feed, root_element
from storylens.ingest.files import read_text, stream_lines
from storylens.ingest.html import parse_html
from storylens.ingest.records import parse_json, parse_jsonl
from storylens.ingest.text import parse_text
from storylens.ingest.warc import WarcArticles, is_warc

__all__ = ["read_article", "read_articles", "parse_text", "parse_html", "detect_format"]

HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<\?xml[^>]*>\s*<html)", re.I)
HTML_ROOTS = {"html", "head", "body", "article"}


def detect_format(path: Path, raw: str) -> str:
    """``html``, ``json``, ``jsonl``, ``feed``, ``opml``, ``xml`` (other markup) or
    ``text``, by extension and then by content."""
    ext = path.suffix.lower()
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in JSON_EXT:
        return "json"
    head = raw.lstrip("\ufeff \t\r\n")[:2000]
    if _HTML_SNIFF.match(head):
        return "html"
    root = root_element(raw)
    if root is not None:
        if root in FEED_ROOTS:
            return "feed"
        if root in HTML_ROOTS:
            return "html"
        return "opml" if root == "opml" else "xml"
    if head[:9].lower().startswith(("<?xml", "<!--", "<!doctype")):
        return "xml"  # markup without a readable root element (a broken feed or page) is not text
    if head.startswith("{") and "\n{" in raw.strip():
        return "jsonl"
    if head.startswith(("{", "[")):
        return "json"
    return "text"


def _counted(counts: dict[str, int], empty: str) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items()) if what != "articles") or empty


def _feed_articles(raw: str, name: str) -> list[Article]:
    feed = read_feed(feed_bytes(raw), name)
    articles = list(feed.articles())  # linked pages are not fetched here
    if not articles:
        raise InputError(name, f"a feed with no entries to read ({_counted(feed.counts, 'it lists none')})")
    return articles


def _archive_articles(path: Path) -> Iterator[Article]:
    archive = WarcArticles(path)
    found = False
    for article in archive:
        found = True
        yield article
    if not found:
        raise InputError(str(path), f"no HTML page with article text in the archive ({_counted(archive.counts, 'no records')})")


def read_articles(path: str | Path) -> Iterator[Article]:
    """Yield the articles of one file, whatever its format; ``InputError`` when it holds none.
    Texts over ``limits.MAX_TEXT_CHARS`` are cut there (``limits.bound_text``)."""
    from storylens.ingest.limits import bounded

    return bounded(_read_articles(path))


def _read_articles(path: str | Path) -> Iterator[Article]:
    path = Path(path)
    name, stem = str(path), path.stem
    if path.suffix.lower() in JSONL_EXT:  # streamed: a corpus file may be any size
        yield from parse_jsonl(stream_lines(path), name, stem)
        return
    if is_warc(path):  # streamed, record by record
        yield from _archive_articles(path)
        return
    raw = read_text(path)
    fmt = detect_format(path, raw)
    if fmt == "feed":
        yield from _feed_articles(raw, name)
    elif fmt == "opml":
        raise InputError(name, "an OPML list of feeds, not articles; give it to `storylens ingest` by name to read its feeds")
    elif fmt == "xml":
        root = root_element(raw)
        found = f"its first element is <{root}>" if root else "it holds only comments and declarations"
        raise InputError(name, f"an XML document, not an RSS or Atom feed ({found})")
    elif fmt == "html":
        yield parse_html(raw, stem, name)
    elif fmt == "json":
        yield from parse_json(raw, name, stem)
    elif fmt == "jsonl":
        yield from parse_jsonl(raw, name, stem)
    else:
        article = parse_text(raw, stem, name)
        if not article.text:
            raise InputError(name, "no article text after the title line")
        yield article


def read_article(spec: str | Path) -> Article:
    """Exactly one article: ``FILE``, or ``FILE#ID`` for one record of a JSON/JSONL file."""
    spec = str(spec)
    path, wanted = Path(spec), None
    if not path.exists() and "#" in spec:
        base, _, wanted = spec.rpartition("#")
        path = Path(base)
    articles = read_articles(path)
    if wanted is not None:
        for article in articles:
            if article.id == wanted:
                return article
        raise InputError(str(path), f"no article with id {wanted!r}")
    first = next(articles, None)
    if first is None:
        raise InputError(spec, "holds no article")
    if next(articles, None) is not None:
        raise InputError(spec, "holds several articles; pick one with FILE#ID")
    return first
