"""HTML pages: main text, title, date, site name and authors via trafilatura, put right by
``pages.py``; error and home pages are refused with the reason."""

from __future__ import annotations

import warnings
from datetime import datetime

import trafilatura

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text
from storylens.ingest.pages import better_date, better_title, clean_title, not_an_article, og_title, outlet_name
from storylens.ingest.records import parse_date


def parse_html(html: str, article_id: str, source: str, url: str | None = None) -> Article:
    """Extract the main text of a page; navigation, comments and tables are dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False,
            include_tables=False, include_images=False, favor_precision=True,
        )
    if doc is None or not (doc.text or "").strip():
        raise InputError(source, "no article text found in the HTML page")
    page_url = doc.url or url
    outlet = outlet_name(clean_line(doc.sitename), page_url) if doc.sitename else None
    raw_title = better_title(clean_line(doc.title or ""), og_title(html))
    title = clean_title(raw_title, outlet, page_url)
    text = clean_text(doc.text)
    first, _, rest = text.partition("\n")
    if clean_line(first) in (title, raw_title) and title and rest.strip():
        text = rest.strip()  # trafilatura repeats the headline as the first line
    declared = doc.url if doc.url and doc.url != url else None  # the page's own canonical address
    reason = not_an_article(raw_title, text, declared)
    if reason is not None:
        raise InputError(source, reason)
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Article(
        id=article_id,
        title=title,
        text=text,
        url=page_url,
        outlet=outlet,
        published=better_date(_page_date(doc.date, source), page_url),
        authors=authors,
        source=source,
    )


def _page_date(value: str | None, source: str) -> datetime | None:
    """The page's date; one that cannot be used (out of range) is dropped, not fatal."""
    try:
        return parse_date(value, source, "date") if value else None
    except InputError:
        return None
