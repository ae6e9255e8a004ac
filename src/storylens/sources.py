"""Sources of articles beyond plain files: feeds (URL or file), OPML lists, web archives,
web pages and folders, and one poll of each into a ``StoryEngine``.

``Source(kind, location)`` names one; ``sources_from_specs`` turns ``storylens ingest``
arguments into sources, ``storylens.watch.load_sources`` reads them from SOURCES.toml.
``Poller.poll(source)`` reads what is new in a source, hands it to the engine (which
stores it batch by batch and skips what the store has), and then records what it read
(validators, seen entries, file states) in the store's ``FetchLog``, so the next poll of
an unchanged source costs one conditional request or one ``stat``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storylens.article import Article
from storylens.engine import StoryEngine, article_files
from storylens.errors import InputError, StorylensError
from storylens.ingest import read_articles
from storylens.ingest.feeds import Feed, article_id, feed_bytes, looks_like_feed, read_feed
from storylens.ingest.fetch import Fetched, Fetcher, is_url
from storylens.ingest.files import decode, head_text, read_bytes
from storylens.ingest.html import parse_html
from storylens.ingest.limits import bound_text
from storylens.ingest.opml import looks_like_opml, read_opml
from storylens.ingest.warc import WarcArticles, is_warc
from storylens.records import Validators

KINDS = ("feed", "folder", "warc", "url", "files")


@dataclass(frozen=True)
class Source:
    """Where articles come from: ``feed`` (URL or file), ``folder``, ``warc``, ``url``
    (a feed or a page, told by its content) or ``files`` (files and folders, read once)."""

    kind: str
    location: str
    every: float | None = None  # seconds between polls; None: the watch default

    @property
    def label(self) -> str:
        return f"{self.kind} {self.location}"


@dataclass
class PollResult:
    """What one poll of one source did."""

    source: Source
    new: int = 0
    copies: int = 0
    skipped: int = 0  # already stored, or already seen in an earlier poll
    stories_opened: int = 0
    not_modified: bool = False
    error: str | None = None  # the source failed; it is retried later
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # records or entries skipped, by reason

    @property
    def errors(self) -> int:
        return int(self.error is not None) + len(self.warnings)

    def line(self) -> str:
        """One log line: new, skipped, errors."""
        if self.error is not None:
            return f"{self.source.label}: error: {self.error}"
        head = "not modified, " if self.not_modified else ""
        extra = "".join(f"; {n} {what}" for what, n in sorted(self.counts.items()) if what != "articles")
        warn = "".join(f"; warning: {w}" for w in self.warnings)
        return (f"{self.source.label}: {head}{self.new} new ({self.copies} copies, {self.stories_opened} new stories), "
                f"{self.skipped} skipped, {self.errors} errors{extra}{warn}")

    def to_dict(self) -> dict:
        return {"source": self.source.location, "kind": self.source.kind, "new": self.new, "copies": self.copies,
                "skipped": self.skipped, "stories_opened": self.stories_opened, "not_modified": self.not_modified,
                "error": self.error, "warnings": self.warnings, "counts": self.counts}


def sources_from_specs(specs: Iterable[str]) -> list[Source]:
    """``storylens ingest`` arguments as sources: URLs, OPML lists (one source per feed),
    WARC files, feed files, and other files or folders."""
    out: list[Source] = []
    for spec in specs:
        path = Path(spec)
        if is_url(spec):
            out.append(Source("url", spec))
        elif not path.exists():
            raise InputError(spec, "no such file or folder (URLs start with http:// or https://)")
        elif path.is_dir():
            out.append(Source("files", spec))
        elif is_warc(path):
            out.append(Source("warc", spec))
        else:
            with path.open("rb") as handle:  # only the head: an article file may be any size
                head = head_text(handle.read(4000))
            if looks_like_opml(head):
                out.extend(Source("url" if is_url(s.feed) else "feed", s.feed) for s in read_opml(path))
            elif looks_like_feed(head) or path.suffix.lower() in (".rss", ".atom"):
                out.append(Source("feed", spec))
            else:
                out.append(Source("files", spec))
    return out


def needs_sources(specs: Iterable[str]) -> bool:
    """Whether ``storylens ingest`` arguments include anything beyond plain article files."""
    return any(s.kind != "files" for s in sources_from_specs(specs))


def _file_state(path: Path) -> Validators:
    stat = path.stat()
    return Validators(etag=f"{stat.st_size}-{stat.st_mtime_ns}")


class Poller:
    """Reads sources into a store through one ``StoryEngine``.

    ``fetch_pages``: complete short feed summaries from the linked page. ``track_files``:
    skip local files whose size and modification time are unchanged since the last poll
    (watch mode). ``stop``: when set, the poll stops taking articles; what it took is
    committed and nothing is marked as read, so the next poll picks up the rest.
    """

    def __init__(self, engine: StoryEngine, fetcher: Fetcher, *, fetch_pages: bool = True, track_files: bool = True,
                 stop: threading.Event | None = None) -> None:
        self.engine = engine
        self.fetcher = fetcher
        self.fetch_pages = fetch_pages
        self.track_files = track_files
        self.stop = stop or threading.Event()
        self.log = engine.store.fetch_log()

    # -- one poll ----------------------------------------------------------------------
    def poll(self, source: Source) -> PollResult:
        """Read what is new in ``source``; a failure is reported in the result, never raised."""
        result = PollResult(source)
        try:
            if source.kind in ("feed", "url"):
                self._poll_feed(source, result)
            elif source.kind == "warc":
                self._poll_warc(source, result)
            elif source.kind in ("folder", "files"):
                self._poll_files(source, result)
            else:
                raise InputError(source.location, f"unknown source kind {source.kind!r}; use one of {', '.join(KINDS)}")
        except StorylensError as exc:
            result.error = str(exc).removeprefix(f"{source.location}: ")
        except OSError as exc:  # a file gone between listing and reading
            result.error = f"{exc.__class__.__name__}: {exc}"
        return result

    def _ingest(self, articles: Iterable[Article], result: PollResult) -> bool:
        """Hand articles to the engine; False when a stop request cut the stream short."""
        cut = []

        def until_stopped() -> Iterator[Article]:
            for article in articles:
                if self.stop.is_set():
                    cut.append(True)
                    return
                yield bound_text(article)

        report = self.engine.ingest_articles(until_stopped())
        result.new += report.added
        result.copies += report.copies
        result.skipped += report.skipped
        result.stories_opened += report.stories_opened
        return not cut

    def _unchanged(self, key: str, path: Path) -> tuple[bool, Validators]:
        state = _file_state(path)
        return self.track_files and self.log.validators(key) == state, state

    # -- feeds, pages ------------------------------------------------------------------
    def _poll_feed(self, source: Source, result: PollResult) -> None:
        location = source.location
        if is_url(location):
            fetched = self.fetcher.get(location, self.log.validators(location))
            if fetched.not_modified:
                result.not_modified = True
                return
            key, state, status = location, fetched.validators, fetched.status
            head = head_text(fetched.body[:4000])
            if source.kind == "url" and looks_like_opml(head):
                raise InputError(location, "an OPML list of feeds, not an article or a feed: save it and give the "
                                           "file to `storylens ingest`, which reads each feed it lists")
            if source.kind == "url" and not looks_like_feed(head):
                self._poll_page(fetched, result)
                self.log.save(key, state, status)
                return
            body = fetched.body if fetched.charset else feed_bytes(decode(fetched.body, location))
            feed = read_feed(body, location, fetched.content_type)
        else:
            path = Path(location)
            key = path.resolve().as_uri()
            unchanged, state = self._unchanged(key, path)
            if unchanged:
                result.not_modified = True
                return
            status = 200
            feed = read_feed(feed_bytes(decode(read_bytes(path), location)), location)  # charset detected when undeclared
        if self._read_feed(feed, result):
            self.log.save(key, state, status)

    def _read_feed(self, feed: Feed, result: PollResult) -> bool:
        """The feed's new entries into the engine; linked pages are fetched as links found
        in ``feed.source`` (a feed off the network or on a public address cannot send the
        fetcher to a loopback or private one)."""
        keys = feed.keys()
        done = self.log.seen(feed.source, keys)
        stored = self.log.stored_ids(article_id(k) for k in keys)
        done |= {k for k in keys if article_id(k) in stored}
        def fetch_page(url: str, aid: str) -> Article | None:
            return self._fetch_page(url, aid, feed.source)

        complete = self._ingest(feed.articles(fetch_page=fetch_page if self.fetch_pages else None,
                                              skip=done.__contains__), result)
        result.skipped += feed.counts.get("entries already seen", 0)
        result.counts.update({k: v for k, v in feed.counts.items() if k != "entries already seen"})
        result.warnings.extend(feed.warnings)
        if complete:
            self.log.mark_seen(feed.source, keys)
        return complete

    def _fetch_page(self, url: str, aid: str, origin: str) -> Article | None:
        if self.stop.is_set():
            return None
        try:
            return parse_html(self._text(self.fetcher.get(url, origin=origin)), aid, url, url=url)
        except InputError:
            return None

    @staticmethod
    def _text(fetched: Fetched) -> str:
        if fetched.charset:
            try:
                return fetched.body.decode(fetched.charset)
            except (UnicodeDecodeError, LookupError):
                pass
        return decode(fetched.body, fetched.url)

    def _poll_page(self, fetched: Fetched, result: PollResult) -> None:
        article = parse_html(self._text(fetched), article_id(fetched.url), fetched.url, url=fetched.url)
        self._ingest([article], result)

    # -- archives and files ------------------------------------------------------------
    def _poll_warc(self, source: Source, result: PollResult) -> None:
        path = Path(source.location)
        if not path.is_file():
            raise InputError(source.location, "no such file")
        key = path.resolve().as_uri()
        unchanged, state = self._unchanged(key, path)
        if unchanged:
            result.not_modified = True
            return
        archive = WarcArticles(path)
        complete = self._ingest(archive, result)
        result.counts.update({k: v for k, v in archive.counts.items() if k != "articles"})
        if complete:
            self.log.save(key, state, 200)

    def _poll_files(self, source: Source, result: PollResult) -> None:
        changed: list[tuple[Path, str, Validators]] = []
        for path in article_files([source.location]):
            key = path.resolve().as_uri()
            unchanged, state = self._unchanged(key, path)
            if unchanged:
                result.counts["files unchanged"] = result.counts.get("files unchanged", 0) + 1
            else:
                changed.append((path, key, state))
        for path, key, state in changed:  # file by file: one bad or edited file does not hold up the rest
            if self.stop.is_set():
                return
            try:
                if not self._ingest(read_articles(path), result):
                    return
            except StorylensError as exc:  # unreadable, or an id stored before with other content
                result.warnings.append(str(exc))
                self.log.save(key, state, 409)  # not retried until the file changes again
                continue
            self.log.save(key, state, 200)
