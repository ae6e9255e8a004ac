"""RSS and Atom feeds (feedparser): each entry becomes an ``Article``.

``read_feed(data, source)`` parses a feed and returns a ``Feed``; ``Feed.articles()``
turns its entries into articles. An entry's id is stable (from its ``id``/``guid``, else
its link, else its title), so a feed read again yields the same ids and the store skips
what it has. Where an entry carries only a short summary, ``articles(fetch_page=...)``
fetches the linked page and keeps its main text (``parse_html``, trafilatura).

**Malformed feeds.** feedparser parses leniently and sets ``bozo`` when the document was
not well-formed or its encoding was wrong. A bozo feed that still gave entries is used, and
the problem is kept in ``Feed.warnings``; one that gave no entry with an id, link or title
is not a feed: ``InputError`` names the source and what the parser found.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import feedparser

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text

SHORT_TEXT = 500  # characters: an entry with less text than this is a summary; its page holds the article
# What may come before an XML document's first element: declarations, processing
# instructions (``<?xml-stylesheet?>``), comments and a DOCTYPE with its internal subset.
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?(?:-->|$)|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S | re.I)
_ELEMENT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
FEED_ROOTS = {"rss", "feed", "rdf"}

PageFetcher = Callable[[str, str], "Article | None"]  # (url, article id) -> the page as an article, or None


def root_element(head: str) -> str | None:
    """The local name (lower case, namespace prefix dropped) of a markup document's first
    element; ``""`` when the document is only a prolog (comments, declarations); None when
    it does not start with markup at all."""
    head = head.lstrip("\ufeff")[:20000]
    prolog = _PROLOG.match(head)
    end = prolog.end() if prolog else 0
    if end == 0 and not head.lstrip().startswith("<"):
        return None
    element = _ELEMENT.match(head, end)
    if element is not None:
        return element.group(1).lower()
    return "" if end >= len(head.rstrip()) else None


def looks_like_feed(head: str) -> bool:
    """True when a document starts like RSS, Atom or RSS 1.0 (RDF), whatever its prolog
    (stylesheet, DOCTYPE, comments) or namespace prefix (``<r:rss>``)."""
    return root_element(head) in FEED_ROOTS


def feed_bytes(text: str) -> bytes:
    """A decoded feed as UTF-8 bytes whose XML declaration says so, for feedparser."""
    text = re.sub(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""", r'\1"utf-8"', text.lstrip("\ufeff"), count=1)
    return text.encode("utf-8", "surrogatepass")


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment (entry content or summary), paragraphs kept."""
    value = re.sub(r"(?i)<br\s*/?>", "\n", value)
    value = re.sub(r"(?i)</(p|div|h[1-6]|li|blockquote|pre|tr|section|article)>", "\n\n", value)
    value = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", value)
    value = htmllib.unescape(re.sub(r"<[^>]+>", "", value))
    return clean_text(value)


def entry_key(entry: Any) -> str | None:
    """What identifies an entry across reads: its id/guid, else its link, else its title,
    else a hash of its text (an entry of a description only)."""
    for name in ("id", "link", "title"):
        value = (entry.get(name) or "").strip()
        if value:
            return value
    text = (entry.get("summary") or "").strip()
    return "text:" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16] if text else None


def article_id(key: str) -> str:
    """A stable article id for an entry key (or a page URL)."""
    return "feed-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _date(entry: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(name)
        if value:
            try:
                return datetime(*value[:6], tzinfo=timezone.utc)
            except (ValueError, OverflowError):  # a date feedparser parsed but no calendar has
                continue
    return None


def _entry_title(entry: Any) -> str:
    """The entry's title as plain text: an HTML title (``type="html"``) loses its tags."""
    title = entry.get("title") or ""
    kind = (entry.get("title_detail") or {}).get("type") or ""
    if "html" in kind:
        return clean_line(html_to_text(title))
    return clean_line(htmllib.unescape(title))


def _entry_text(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content") or []]
    best = max(contents, key=len, default="")
    summary = entry.get("summary") or ""
    return html_to_text(best if len(best) >= len(summary) else summary)


@dataclass
class Feed:
    """A parsed feed: its title, declared language, entries and parser warnings."""

    source: str
    title: str | None
    language: str | None
    entries: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # entries skipped, pages fetched, ...

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def keys(self) -> list[str]:
        """The entry keys, in feed order, without repeats."""
        return list(dict.fromkeys(k for k in map(entry_key, self.entries) if k))

    def articles(self, fetch_page: PageFetcher | None = None,
                 skip: Callable[[str], bool] | None = None) -> Iterator[Article]:
        """The entries as articles, in feed order. ``skip(key)`` drops entries already
        handled (before any page is fetched); ``fetch_page`` completes short summaries."""
        done: set[str] = set()
        for entry in self.entries:
            key = entry_key(entry)
            if key is None or key in done:
                self._count("entries without id, link or title" if key is None else "repeated entries")
                continue
            done.add(key)
            if skip is not None and skip(key):
                self._count("entries already seen")
                continue
            article = self._article(entry, key, fetch_page)
            if article is None:
                self._count("entries without text")
                continue
            yield article

    def _article(self, entry: Any, key: str, fetch_page: PageFetcher | None) -> Article | None:
        aid = article_id(key)
        link = (entry.get("link") or "").strip() or None
        title = _entry_title(entry)
        text = _entry_text(entry)
        published = _date(entry)
        authors = tuple(a["name"].strip() for a in entry.get("authors") or [] if (a.get("name") or "").strip())
        outlet = self.title
        if len(text) < SHORT_TEXT and link and fetch_page is not None:
            page = fetch_page(link, aid)
            if page is None:
                self._count("pages not fetched (summary kept)")
            else:
                self._count("pages fetched")
                if len(page.text) > len(text):
                    text = page.text
                title = title or page.title
                published = published or page.published
                authors = authors or page.authors
                outlet = outlet or page.outlet
        if not text and not title:
            return None
        if not text:
            text = title
        return Article(id=aid, text=text, title=title, url=link, outlet=outlet, published=published,
                       language=self.language, authors=authors, source=link or f"{self.source}#{key}")


def read_feed(data: bytes | str, source: str, content_type: str | None = None) -> Feed:
    """Parse an RSS or Atom document; ``InputError`` naming ``source`` when it is not one."""
    headers = {"content-type": content_type} if content_type else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    usable = any(entry_key(e) for e in parsed.entries)
    if not usable and (problem is not None or not parsed.get("version")):
        detail = f"{problem.__class__.__name__}: {problem}" if problem is not None else "no <rss>, <feed> or <rdf:RDF> element"
        raise InputError(source, f"not a readable RSS or Atom feed ({detail})")
    meta = parsed.get("feed", {})
    language = (meta.get("language") or "").strip().lower().replace("_", "-").split("-")[0] or None
    title = clean_line(htmllib.unescape(meta.get("title") or "")) or None
    feed = Feed(source, title, language, list(parsed.entries))
    if problem is not None:
        feed.warnings.append(f"feed is not well-formed, read leniently ({problem.__class__.__name__}: {problem})")
    return feed
