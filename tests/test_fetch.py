"""The polite fetcher and feed polling against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from feedserver import FeedServer, Route, page, rss
from storylens import __version__
from storylens.engine import StoryEngine
from storylens.errors import FetchError
from storylens.ingest.fetch import Fetcher
from storylens.sources import Poller, Source
from storylens.store import SQLiteStore

FAST = dict(min_interval=0.0, backoff=0.05, timeout=2.0)


@pytest.fixture
def server():
    with FeedServer() as srv:
        srv.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield srv


def test_robots_disallow_is_honoured_and_robots_is_cached(server):
    server.routes["/private/feed.xml"] = Route(rss("Secret", []))
    server.routes["/feed.xml"] = Route(rss("Open", []))
    with Fetcher(**FAST) as fetcher:
        with pytest.raises(FetchError, match=r"/private/feed\.xml: disallowed by the site's robots\.txt"):
            fetcher.get(server.base + "/private/feed.xml")
        assert fetcher.get(server.base + "/feed.xml").status == 200
    assert server.hits("/private/feed.xml") == []
    assert len(server.hits("/robots.txt")) == 1
    agent = server.hits("/feed.xml")[0]["user-agent"]
    assert agent.startswith(f"storylens/{__version__}")


def test_server_errors_are_retried_with_backoff_then_succeed(server):
    server.routes["/flaky.xml"] = Route(rss("Flaky", []), fail_first=2)
    with Fetcher(**{**FAST, "retries": 3}) as fetcher:
        assert fetcher.get(server.base + "/flaky.xml").status == 200
    assert len(server.hits("/flaky.xml")) == 3


def test_client_errors_are_not_retried(server):
    with Fetcher(**{**FAST, "retries": 3}) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404") as caught:
            fetcher.get(server.base + "/gone.xml")
    assert caught.value.status == 404 and len(server.hits("/gone.xml")) == 1


def test_a_hanging_server_is_timed_out(server):
    server.routes["/slow.xml"] = Route(hang=True)
    start = time.monotonic()
    with Fetcher(min_interval=0.0, backoff=0.05, timeout=0.5, retries=1) as fetcher:
        with pytest.raises(FetchError, match=r"slow\.xml: timed out after 0\.5 s \(2 tries\)"):
            fetcher.get(server.base + "/slow.xml")
    assert time.monotonic() - start < 5
    assert len(server.hits("/slow.xml")) == 2


def test_requests_to_one_host_are_spaced(server):
    server.routes["/feed.xml"] = Route(rss("Open", []))
    with Fetcher(min_interval=0.3, timeout=2.0) as fetcher:
        start = time.monotonic()
        for _ in range(3):
            fetcher.get(server.base + "/feed.xml")
        elapsed = time.monotonic() - start
    assert elapsed >= 0.9  # robots.txt + 3 requests, 0.3 s apart


def test_conditional_request_gets_a_304(server):
    server.routes["/feed.xml"] = Route(rss("Open", []), etag='"v1"')
    with Fetcher(**FAST) as fetcher:
        first = fetcher.get(server.base + "/feed.xml")
        again = fetcher.get(server.base + "/feed.xml", first.validators)
    assert first.validators.etag == '"v1"' and again.not_modified and again.body == b""
    assert server.hits("/feed.xml")[1]["if-none-match"] == '"v1"'


TEXTS = {
    "bridge": ("Glasswater bridge closes after crack found",
               "Engineers closed the Glasswater river bridge on Thursday after a crack was found in a support beam, "
               "the Marlow county roads office said. Traffic was diverted through the old mill road.\n"
               "County engineer Odile Prask said repairs would take at least six weeks and cost 2.3 million crowns. "
               "Buses between Marlow and Tessing will run on a longer route.\n"
               "Shop owners on the east bank said the closure would cost them customers during the spring fair."),
    "orchestra": ("Marlow orchestra names new conductor",
                  "The Marlow Philharmonic named the violinist Kaspar Hullen as its chief conductor on Friday, "
                  "ending a two-year search. He takes over in September.\n"
                  "Hullen, 41, has led the Tessing chamber ensemble since 2019 and said he wanted to bring new "
                  "music to the old concert hall. The orchestra's board chair, Ines Marrow, praised his energy."),
    "harvest": ("Late frost hits Marlow apple harvest",
                "A late frost damaged apple blossom across the Marlow valley this week, growers said, and the "
                "harvest could be a third smaller than last year.\n"
                "The growers' cooperative asked the county for emergency loans. Its chair, Teodor Velk, said "
                "frost fans had saved some orchards but most farms had none."),
}


def _item(server, key: str) -> dict:
    title, _ = TEXTS[key]
    return {"guid": f"urn:marlow:{key}", "url": f"{server.base}/news/{key}.html", "title": title,
            "published": "2026-04-02T09:00:00Z", "summary": f"{title}. Read more on our site."}


def test_feed_polls_fetch_short_entries_once_and_skip_unchanged_feeds(server, tmp_path):
    for key, (title, text) in TEXTS.items():
        server.routes[f"/news/{key}.html"] = Route(page(title, text, "2026-04-02"), content_type="text/html; charset=utf-8")
    server.routes["/feed.xml"] = Route(rss("Marlow Gazette", [_item(server, "bridge"), _item(server, "orchestra")]),
                                       etag='"v1"')
    server.routes["/broken.xml"] = Route(b"<html><body>Maintenance</body></html>", content_type="text/html")
    feed, broken = Source("feed", server.base + "/feed.xml"), Source("feed", server.base + "/broken.xml")
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST) as fetcher:
        poller = Poller(StoryEngine(store), fetcher)
        first = poller.poll(feed)
        assert (first.new, first.skipped, first.error) == (2, 0, None), first.line()
        assert first.counts["pages fetched"] == 2
        stored = {m.id: m for s in store.stories() for m in store.story(s.id).members}
        assert len(stored) == 2
        article = store.story_articles(next(iter(store.stories())).id)[0].article
        assert article.outlet == "Marlow Gazette" and article.url.startswith(server.base + "/news/")
        assert len(article.text) > 200 and "Read more" not in article.text  # the page's text, not the summary

        second = poller.poll(feed)  # unchanged: a 304, nothing read
        assert second.not_modified and second.new == 0 and "not modified, 0 new" in second.line()
        assert server.hits("/feed.xml")[-1]["if-none-match"] == '"v1"'

        server.routes["/feed.xml"] = Route(rss("Marlow Gazette", [_item(server, k) for k in TEXTS]), etag='"v2"')
        third = poller.poll(feed)  # one new entry: only its page is fetched
        assert (third.new, third.skipped) == (1, 2), third.line()
        assert [len(server.hits(f"/news/{k}.html")) for k in TEXTS] == [1, 1, 1]
        assert store.fetch_log().validators(feed.location).etag == '"v2"'

        bad = poller.poll(broken)
        assert bad.error and "not a readable RSS or Atom feed" in bad.error
        assert bad.line().startswith(f"feed {server.base}/broken.xml: error:")
        assert store.counts()["articles"] == 3
