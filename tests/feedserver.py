"""A real HTTP server on 127.0.0.1 for the feed, fetch and watch tests, and feed writers.

``FeedServer`` serves ``routes`` (path -> ``Route``) from a thread and records every
request; a route can answer with an ETag (and 304 to a matching If-None-Match), fail
its first N requests with 500, or hang. ``rss`` and ``atom`` write feed XML.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    fail_first: int = 0  # answer 500 to this many requests first
    hang: bool = False
    headers: dict[str, str] | None = None  # more response headers (e.g. Location of a redirect)


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    return self._answer(404, b"not found", "text/plain")
                if route.hang:
                    server.release.wait(30)
                    return
                if route.fail_first > 0:
                    route.fail_first -= 1
                    return self._answer(500, b"oops", "text/plain")
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    return self._answer(304, b"", None, route.etag)
                self._answer(route.status, route.body, route.content_type, route.etag, route.headers)

            def _answer(self, status, body, content_type, etag=None, headers=None) -> None:
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    if etag:
                        self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def _date(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value)


def rss(title: str, items: list[dict], language: str | None = "en") -> bytes:
    """RSS 2.0 with content:encoded full text when an item has ``text``, else ``summary``."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
           f"<title>{escape(title)}</title><link>https://example.org/</link><description>test feed</description>"]
    if language:
        out.append(f"<language>{language}</language>")
    for item in items:
        out.append("<item>")
        out.append(f"<title>{escape(item['title'])}</title>")
        if item.get("url"):
            out.append(f"<link>{escape(item['url'])}</link>")
        if item.get("guid"):
            out.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if item.get("published"):
            out.append(f"<pubDate>{_date(item['published'])}</pubDate>")
        if item.get("summary"):
            out.append(f"<description>{escape(item['summary'])}</description>")
        if item.get("text"):
            html = "".join(f"<p>{escape(p)}</p>" for p in item["text"].split("\n") if p.strip())
            out.append(f"<content:encoded><![CDATA[{html}]]></content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def atom(title: str, entries: list[dict], language: str | None = None) -> bytes:
    lang = f' xml:lang="{language}"' if language else ""
    out = ['<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="http://www.w3.org/2005/Atom"{lang}>',
           f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>2026-03-04T10:00:00Z</updated>"]
    for entry in entries:
        out.append("<entry>")
        out.append(f"<id>{escape(entry['guid'])}</id><title>{escape(entry['title'])}</title>")
        out.append(f'<link rel="alternate" href="{escape(entry["url"])}"/>')
        out.append(f"<updated>{entry['published']}</updated><published>{entry['published']}</published>")
        if entry.get("author"):
            out.append(f"<author><name>{escape(entry['author'])}</name></author>")
        if entry.get("text"):
            html = "".join(f"<p>{escape(p)}</p>" for p in entry["text"].split("\n") if p.strip())
            out.append(f'<content type="html">{escape(html)}</content>')
        if entry.get("summary"):
            out.append(f"<summary>{escape(entry['summary'])}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out).encode("utf-8")


def page(title: str, text: str, published: str | None = None, site: str = "Test Outlet") -> bytes:
    """An HTML news page trafilatura can extract."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paras = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f'<!doctype html><html><head><title>{escape(title)}</title>{meta}'
            f'<meta property="og:site_name" content="{escape(site)}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f'<article><h1>{escape(title)}</h1>{paras}</article>'
            f'<footer>Copyright Test Outlet</footer></body></html>').encode("utf-8")
