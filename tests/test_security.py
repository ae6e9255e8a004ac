"""Safe by default: links found in feeds and redirects do not reach loopback, private or
metadata addresses; robots.txt failures are remembered; the server refuses cross-site
writes, foreign Host names and unbounded requests. Real servers on 127.0.0.x."""

from __future__ import annotations

import pytest

from feedserver import FeedServer, Route, page, rss
from storylens.engine import StoryEngine
from storylens.errors import FetchError
from storylens.ingest.fetch import Fetcher, blocked_reason
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


# -- the server ------------------------------------------------------------------------
import json  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import httpx  # noqa: E402

from serverproc import ROOT, demo_records, running_server  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("served") / "news.db"
    with running_server(db, args=("--allowed-host", "news.example", "--request-timeout", "1",
                                  "--max-compare-chars", "20000")) as base:
        with httpx.Client(base_url=base, timeout=120) as client:
            yield client, db


def _port(client) -> int:
    return client.base_url.port


def test_writes_take_json_only(served):
    client, _ = served
    record = json.dumps({"id": "csrf", "title": "Forged", "text": "A forged article sent by another web site."})
    for kind in ("text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data",
                 None):
        headers = {"content-type": kind} if kind else {}
        answer = client.post("/articles", content=record.encode(), headers=headers)
        assert answer.status_code == 415, (kind, answer.text)
        assert answer.json()["error"]["field"] == "Content-Type"
    assert client.post("/compare", content=b'{"a": "x", "b": "y"}', headers={"content-type": "text/plain"}).status_code == 415
    with pytest.raises(httpx.HTTPStatusError):
        client.get("/articles/csrf").raise_for_status()


def test_the_compare_form_is_taken_from_the_page_itself_only(served):
    client, _ = served
    form = {"title_a": "x", "text_a": " ", "title_b": "", "text_b": "y"}  # refused by the form itself: no analysis
    evil = client.post("/compare", data=form, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and evil.json()["error"]["field"] == "Origin"
    assert client.post("/compare", data=form, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    other_port = client.post("/compare", data=form, headers={"Origin": "http://127.0.0.1:1"})
    assert other_port.status_code == 403  # another local service's page
    own = client.post("/compare", data=form, headers={"Origin": str(client.base_url).rstrip("/"),
                                                      "Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 400 and "paste its text" in own.text


def test_the_server_answers_only_to_its_host_names(served):
    client, _ = served
    port = _port(client)
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "192.168.1.5", ""):
        answer = client.get("/stories", headers={"Host": host})
        assert answer.status_code == 400, host
        assert answer.json()["error"]["field"] == "Host"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost", f"news.example:{port}",
                 f"NEWS.example.:{port}"):
        assert client.get("/stories", headers={"Host": host}).status_code == 200, host


def test_pages_and_json_send_security_headers(served):
    client, _ = served
    for path in ("/", "/stories", "/compare", "/docs", "/openapi.json", "/stories/nope", "/health"):
        answer = client.get(path)
        csp = answer.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in client.get("/").headers["content-security-policy"]


def test_out_of_range_queries_are_400_not_500(served):
    client, _ = served
    cases = {"/stories?offset=9223372036854775808": "offset", "/stories?offset=-1": "offset",
             "/stories?limit=9223372036854775808": "limit",
             "/stories?q=" + "+".join(["word"] * 1000): "q", "/stories?q=" + "x" * 5000: "q",
             "/stories?outlet=" + "o" * 5000: "outlet"}
    for path, field in cases.items():
        answer = client.get(path)
        assert answer.status_code in (400, 422) and field in answer.json()["error"]["message"], path
    for path in ("/stories?until=9999-12-31", "/stories?since=9999-12-31", "/stories?since=0001-01-01",
                 "/stories?q=" + "+".join(["word"] * 20)):
        assert client.get(path).status_code == 200, path
    page = client.get("/?page=" + "1" + "0" * 20, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "past the last page" in page.text
    assert client.get("/?q=" + "+".join(["w"] * 1000)).status_code == 400


def test_compare_refuses_articles_over_the_size_limit(served):
    client, _ = served  # this server takes 20,000 characters per article (--max-compare-chars)
    long = {"title": "Long", "text": "Word " * 4001}
    answer = client.post("/compare", json={"a": long, "b": "Short\n\nA short text."})
    assert answer.status_code == 413 and answer.json()["error"]["field"] == "a.text"
    assert "20,000" in answer.json()["error"]["message"]
    assert client.post("/compare", json={"a": "Short\n\nA text.", "b": "x" * 20001}).status_code == 413


def test_slow_headers_and_bodies_are_cut_off(served):
    client, _ = served  # this server gives 1 s (--request-timeout 1)
    with socket.create_connection(("127.0.0.1", _port(client)), timeout=20) as sock:
        sock.sendall(b"GET /stories HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the rest
        assert sock.recv(1000) == b""  # closed by the server
    with socket.create_connection(("127.0.0.1", _port(client)), timeout=20) as sock:
        sock.sendall(b"POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"text\": ")
        answer = sock.recv(1000)
        assert answer.startswith(b"HTTP/1.1 408"), answer
    with socket.create_connection(("127.0.0.1", _port(client)), timeout=20) as sock:  # a header over 16 KB
        sock.sendall(b"GET /stories HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        assert sock.recv(1000).startswith(b"HTTP/1.1 431")


def test_the_server_sees_a_cli_ingest_into_its_store(served, tmp_path):
    client, db = served
    before = client.get("/stories").json()["total"]  # cached by the server
    records = demo_records()[:4]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "storylens.cli", "ingest", str(path), "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = client.get("/stories").json()
    assert after["total"] > before
    titles = {m["title"] for s in after["stories"] for m in client.get(f"/stories/{s['id']}").json()["members"]}
    assert {r["title"] for r in records} <= titles
    again = client.post("/articles", json=records)  # the server's engine had not seen them: no 409
    assert again.status_code == 200, again.text
    assert [a["status"] for a in again.json()["articles"]] == ["skipped"] * 4


def test_stored_content_under_a_new_id_is_a_per_article_result(served):
    client, _ = served
    first, second = demo_records()[4:6]
    assert client.post("/articles", json=first).status_code == 200
    renamed = {**first, "id": "renamed-copy"}
    answer = client.post("/articles", json=[renamed, second])
    assert answer.status_code == 200, answer.text
    results = {a["id"]: a for a in answer.json()["articles"]}
    assert results["renamed-copy"]["status"] == "skipped" and results["renamed-copy"]["stored_as"] == first["id"]
    assert results["renamed-copy"]["story_id"] == client.get(f"/articles/{first['id']}").json()["story_id"]
    assert results[second["id"]]["status"] == "added"


def test_a_huge_record_is_read_up_to_the_text_limit(tmp_path, caplog):
    from storylens.ingest.limits import MAX_TEXT_CHARS

    paragraph = "The council said on Tuesday that the new bridge over the river would open in spring. " * 8
    record = {"id": "huge", "title": "Bridge opening delayed again", "text": "\n\n".join([paragraph] * 3000)}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(record), encoding="utf-8")  # about 2 MB of text
    with SQLiteStore(tmp_path / "s.db") as store, StoryEngine(store) as engine:
        report = engine.ingest([path])
        assert report.added == 1
        text = store.story_articles(store.story_of("huge"))[0].article.text
    assert len(record["text"]) > 20 * MAX_TEXT_CHARS and MAX_TEXT_CHARS - 5000 < len(text) <= MAX_TEXT_CHARS
    assert text.endswith("in spring.")  # cut at a paragraph break
    assert any("cut to" in r.getMessage() and "huge.json" in r.getMessage() for r in caplog.records)


def test_a_utf16_feed_fetched_by_url_is_read_as_a_feed(inside, tmp_path):
    """A feed in UTF-16 was taken for a page by URL (its head was read as UTF-8)."""
    body = rss("Local Wire", [{"guid": "urn:u16", "url": "https://example.org/u16", "title": STORY[0],
                               "text": STORY[1]}]).decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    inside.routes["/u16.xml"] = Route(body.encode("utf-16"), content_type="application/rss+xml")
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST) as fetcher:
        result = Poller(StoryEngine(store), fetcher).poll(Source("url", inside.base + "/u16.xml"))
        assert store.counts()["articles"] == 1, result.line()


def test_an_opml_list_by_url_is_no_article(inside, tmp_path):
    """A remote OPML was taken for a page and stored as an article."""
    inside.routes["/feeds.opml"] = Route(b'<?xml version="1.0"?><opml version="2.0"><head><title>Feeds</title></head>'
                                         b'<body><outline type="rss" text="Wire" xmlUrl="https://example.org/rss"/>'
                                         b'</body></opml>', content_type="text/x-opml")
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher(**FAST) as fetcher:
        result = Poller(StoryEngine(store), fetcher).poll(Source("url", inside.base + "/feeds.opml"))
        assert "OPML list of feeds" in (result.error or "") and "\n" not in result.error
        assert store.counts()["articles"] == 0
