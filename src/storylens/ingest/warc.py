"""Web archives: WARC and ARC files, gzipped or not (warcio), read as a stream in constant
memory. ARC records are read as WARC ones (warcio's ``arc2warc``).

``WarcArticles(path)`` iterates the archive record by record: each HTML ``response``
with status 200, and each HTML ``resource`` record, becomes an ``Article`` (main text via ``parse_html``; url from
``WARC-Target-URI``; date from the page, else ``WARC-Date``). Every other record is
skipped and counted by reason in ``counts`` (requests, metadata, images, redirects,
pages without article text, ...). Only one record's payload is in memory at a time.

Article ids come from the URL and the content (``warc-<url hash>-<content hash>``): the
same capture read twice has the same id (a re-run skips it), and a later capture of the
same URL with changed text is a new article rather than a conflict.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storylens.article import Article
from storylens.errors import InputError
from storylens.settings import current
from storylens.ingest.files import decode
from storylens.ingest.html import parse_html

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
ARCHIVE_MAGIC = (b"WARC/", b"filed")  # a WARC/1.x record; an ARC file's ``filedesc://`` header

logging.getLogger("warcio").setLevel(logging.ERROR)  # it logs each URI it repairs


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return None


def _starts_like_warc(handle) -> bool:
    """Whether a file (gzipped or not) starts with a WARC or ARC record header; rewinds it."""
    magic = handle.read(2)
    handle.seek(0)
    try:
        if magic == b"\x1f\x8b":
            first = gzip.GzipFile(fileobj=handle, mode="rb").read(5)
        else:
            first = handle.read(5)
    except (OSError, EOFError):
        first = b""
    handle.seek(0)
    return first in ARCHIVE_MAGIC


class _QuietIterator(ArchiveIterator):
    """warcio's iterator without its stderr notice of each record whose Content-Length
    is off; they are counted in ``err_count`` instead."""

    INC_RECORD = ""


class WarcArticles:
    """The HTML pages of one web archive as articles; ``counts`` says what was skipped."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.counts: Counter[str] = Counter()

    def __iter__(self) -> Iterator[Article]:
        name = str(self.path)
        if not self.path.is_file():
            raise InputError(name, "no such file")
        with self.path.open("rb") as handle:
            if not _starts_like_warc(handle):
                raise InputError(name, "not a readable WARC file (it does not start with a WARC/1.x or ARC record)")
            try:
                records = _QuietIterator(handle, arc2warc=True)
                for record in records:
                    article = self._article(record, name)
                    if article is not None:
                        self.counts["articles"] += 1
                        yield article
                if records.err_count:
                    self.counts["records with a wrong Content-Length"] += records.err_count
            except ArchiveLoadFailed as exc:
                detail = " ".join(str(exc.msg or exc).split())[:160] or "a record header is broken"
                raise InputError(name, f"not a readable WARC file ({detail})") from None
            except (OSError, EOFError, ValueError, zlib.error) as exc:  # truncated or corrupt compression
                raise InputError(name, f"not a readable WARC file ({exc.__class__.__name__}: {exc})") from None

    def _skip(self, reason: str) -> None:
        self.counts[reason] += 1

    def _article(self, record, name: str) -> Article | None:
        if record.rec_type not in ("response", "resource"):
            return self._skip(f"{record.rec_type} records")
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not uri.startswith(("http://", "https://")):
            return self._skip("non-HTTP records")
        if record.rec_type == "resource":  # the page itself, with no HTTP headers
            content_type = (record.rec_headers.get_header("Content-Type") or "").lower()
        else:
            if record.http_headers is None:
                return self._skip("non-HTTP responses")
            status = record.http_headers.get_statuscode()
            if status != "200":
                return self._skip(f"HTTP {status} responses" if status else "responses without an HTTP status")
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        if not content_type.startswith(HTML_TYPES):
            return self._skip("non-HTML responses")
        most = current().ingest.max_archive_page_bytes
        data = record.content_stream().read(most + 1)
        if len(data) > most:
            return self._skip(f"pages over {most / 2**20:.0f} MB")
        source = f"{name}#{uri}"
        charset = _charset(content_type)
        try:
            text = data.decode(charset) if charset else decode(data, source)
        except (UnicodeDecodeError, LookupError):
            try:
                text = decode(data, source)
            except InputError:
                return self._skip("undecodable pages")
        except InputError:
            return self._skip("undecodable pages")
        try:
            article = parse_html(text, "", source, url=uri)
        except InputError:
            return self._skip("pages without article text")
        url_hash = hashlib.sha1(uri.encode("utf-8")).hexdigest()[:12]
        published = article.published or _warc_date(record.rec_headers.get_header("WARC-Date"))
        return Article(id=f"warc-{url_hash}-{article.content_hash[:8]}", text=article.text, title=article.title,
                       url=uri, outlet=article.outlet, published=published, authors=article.authors, source=source)
