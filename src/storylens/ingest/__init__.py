"""Articles in: plain text, HTML pages, JSON/JSONL records, RSS/Atom feeds and WARC archives
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
from storylens.ingest.files import read_text, stream_lines
from storylens.ingest.html import parse_html
from storylens.ingest.records import parse_json, parse_jsonl
from storylens.ingest.text import parse_text

__all__ = ["read_article", "read_articles", "parse_text", "parse_html", "detect_format"]

HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<\?xml[^>]*>\s*<html)", re.I)


def detect_format(path: Path, raw: str) -> str:
    """``html``, ``json``, ``jsonl`` or ``text``, by extension and then by content."""
    ext = path.suffix.lower()
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in JSON_EXT:
        return "json"
    head = raw.lstrip()[:2000]
    if _HTML_SNIFF.match(head):
        return "html"
    if head.startswith("{") and "\n{" in raw.strip():
        return "jsonl"
    if head.startswith(("{", "[")):
        return "json"
    return "text"


def read_articles(path: str | Path) -> Iterator[Article]:
    """Yield the articles of one file, whatever its format."""
    from storylens.ingest.feeds import looks_like_feed, read_feed
    from storylens.ingest.warc import WarcArticles, is_warc

    path = Path(path)
    name, stem = str(path), path.stem
    if path.suffix.lower() in JSONL_EXT:  # streamed: a corpus file may be any size
        yield from parse_jsonl(stream_lines(path), name, stem)
        return
    if is_warc(path):  # streamed, record by record
        yield from WarcArticles(path)
        return
    raw = read_text(path)
    fmt = detect_format(path, raw)
    if fmt != "html" and looks_like_feed(raw):  # RSS or Atom; linked pages are not fetched here
        yield from read_feed(raw.encode("utf-8"), name).articles()
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
