"""HTML pages: main text, title, date, site name and authors via trafilatura."""

from __future__ import annotations

import warnings

import trafilatura

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text
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
    title = clean_line(doc.title or "")
    text = clean_text(doc.text)
    first, _, rest = text.partition("\n")
    if title and clean_line(first) == title and rest.strip():
        text = rest.strip()  # trafilatura repeats the headline as the first line
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Article(
        id=article_id,
        title=title,
        text=text,
        url=doc.url or url,
        outlet=clean_line(doc.sitename) if doc.sitename else None,
        published=parse_date(doc.date, source, "date") if doc.date else None,
        authors=authors,
        source=source,
    )
