"""Safe by default: links found in feeds and redirects do not reach loopback, private or
metadata addresses; robots.txt failures are remembered; the server refuses cross-site
writes, foreign Host names and unbounded requests. Real servers on 127.0.0.x."""

from __future__ import annotations

import pytest

from feedserver import FeedServer, Route, page, rss
from storylens.engine import StoryEngine
from storylens.ingest.fetch import Fetcher, FetchError, blocked_reason
from storylens.sources import Poller, Source, sources_from_specs
from storylens.store import SQLiteStore

FAST = dict(min_interval=0.0, backoff=0.05, timeout=2.0, retries=0)
SECRET = "Internal admin console: the database password is hunter2 and the backup key is in the vault."
STORY = ("Marlow council reopens the old bridge",
         "The Marlow council reopened the old stone bridge on Tuesday after two years of repairs, the mayor said.\n"
         "Traffic will be limited to cars and bicycles until the spring, when the last inspection is due.")


@pytest.fixture
def inside():
    """A service on loopback that a feed must not reach: its page is a secret."""
    with FeedServer() as srv:
        srv.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        srv.routes["/admin"] = Route(page("Admin", SECRET), content_type="text/html; charset=utf-8")
        srv.routes["/news/bridge.html"] = Route(page(*STORY, "2026-04-02"), content_type="text/html; charset=utf-8")
        yield srv


def _feed_file(tmp_path, links: list[str]):
    items = [{"guid": f"urn:x:{n}", "url": link, "title": f"Entry {n}", "published": "2026-04-02T09:00:00Z",
              "summary": f"Entry {n}. Read more on our site."} for n, link in enumerate(links)]
    path = tmp_path / "downloaded-feed.xml"
    path.write_bytes(rss("Somebody's Feed", items))
    return path


def _stored_texts(store) -> list[str]:
    return [a.article.text for s in store.stories() for a in store.story_articles(s.id)]


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("172.16.0.9", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "cloud metadata"),
    ("169.254.10.10", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "cloud metadata"), ("fd00::2", "private"),
    ("100.64.0.1", "reserved"), ("224.0.0.1", "multicast"), ("8.8.8.8", None), ("2a00:1450:4001::1", None)])
def test_blocked_addresses(address, reason):
    assert blocked_reason(address) == reason


def test_links_in_a_feed_file_do_not_reach_loopback_or_metadata_addresses(inside, tmp_path):
    feed = _feed_file(tmp_path, [inside.base + "/admin", "http://169.254.169.254/latest/meta-data/",
                                 f"http://localhost:{inside.base.rsplit(':', 1)[1]}/admin", "http://[::1]:9/admin"])
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST) as fetcher:
        result = Poller(StoryEngine(store), fetcher).poll(Source("feed", str(feed)))
        assert result.error is None and result.new == 4, result.line()
        texts = _stored_texts(store)
    assert inside.requests == []  # not even robots.txt
    assert not any("hunter2" in t for t in texts) and all("Read more" in t for t in texts)


def test_allow_private_lets_feed_links_reach_private_addresses(inside, tmp_path):
    feed = _feed_file(tmp_path, [inside.base + "/news/bridge.html"])
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST, allow_private=True) as fetcher:
        result = Poller(StoryEngine(store), fetcher).poll(Source("feed", str(feed)))
        assert result.counts.get("pages fetched") == 1, result.line()
        assert any("two years of repairs" in t for t in _stored_texts(store))


def test_a_feed_on_loopback_may_link_to_loopback(inside, tmp_path):
    inside.routes["/feed.xml"] = Route(rss("Local Wire", [{"guid": "urn:b", "url": inside.base + "/news/bridge.html",
                                                           "title": STORY[0], "summary": "Short."}]))
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST) as fetcher:
        result = Poller(StoryEngine(store), fetcher).poll(Source("feed", inside.base + "/feed.xml"))
        assert result.counts.get("pages fetched") == 1, result.line()


def test_every_redirect_hop_is_checked_for_its_address_and_robots(inside, tmp_path):
    with FeedServer(host="127.0.0.2") as other:
        other.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        other.routes["/private/page.html"] = Route(page(*STORY), content_type="text/html")
        other.routes["/admin"] = Route(page("Admin", SECRET), content_type="text/html")
        inside.routes["/to-admin"] = Route(status=302, headers={"Location": other.base + "/admin"})
        inside.routes["/to-private"] = Route(status=301, headers={"Location": other.base + "/private/page.html"})
        inside.routes["/to-bridge"] = Route(status=307, headers={"Location": "/news/bridge.html"})
        # the user allows one loopback address (as `allow_private = ["127.0.0.1"]`): not its neighbour
        with Fetcher(**FAST, allow_private=["127.0.0.1"]) as fetcher:
            with pytest.raises(FetchError, match=r"127\.0\.0\.2.*loopback address.*not fetched"):
                fetcher.get(inside.base + "/to-admin", origin=str(tmp_path / "feed.xml"))
            assert other.requests == []
            fetched = fetcher.get(inside.base + "/to-bridge", origin=str(tmp_path / "feed.xml"))
            assert fetched.url == inside.base + "/news/bridge.html" and b"two years" in fetched.body
        with Fetcher(**FAST, allow_private=True) as fetcher:  # the second host's robots.txt is asked too
            with pytest.raises(FetchError, match="robots.txt disallows"):
                fetcher.get(inside.base + "/to-private")
        assert [p for p, _ in other.requests] == ["/robots.txt"]


def test_a_failed_robots_txt_is_remembered_per_host(tmp_path):
    with FeedServer() as dead:
        dead.routes["/robots.txt"] = Route(b"down", status=503, content_type="text/plain")
        for name in "abcd":
            dead.routes[f"/{name}.xml"] = Route(rss(name, []))
        opml = tmp_path / "feeds.opml"
        opml.write_text('<opml version="2.0"><body>' + "".join(
            f'<outline type="rss" xmlUrl="{dead.base}/{name}.xml"/>' for name in "abcd") + "</body></opml>")
        with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**{**FAST, "retries": 1}) as fetcher:
            poller = Poller(StoryEngine(store), fetcher)
            results = [poller.poll(source) for source in sources_from_specs([str(opml)])]
        assert len(results) == 4 and all("robots.txt" in r.error and "unreachable" in r.error for r in results)
        assert len(dead.hits("/robots.txt")) == 2  # one request and its retry, for four feeds
        assert all(dead.hits(f"/{name}.xml") == [] for name in "abcd")
