"""Feeds (RSS 2.0, Atom), OPML lists and WARC archives that the tests write themselves."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import run_cli
from feedserver import atom, page, rss
from storylens.errors import InputError
from storylens.ingest import read_articles
from storylens.ingest.feeds import read_feed
from storylens.ingest.opml import read_opml
from storylens.ingest.warc import WarcArticles

LONG = ("The ferry Aldwyn Star ran aground on a sandbar outside the port of Kessmoor on Tuesday night, "
        "the harbour authority said. All 212 passengers were brought ashore by lifeboats before dawn.\n"
        "Harbour master Ilse Varro said the tide had fallen faster than forecast and that divers would inspect "
        "the hull on Wednesday. Services to the islands were suspended until further notice.\n"
        "Passengers described a sudden jolt and a long wait on deck. \"We were never afraid,\" said one traveller, "
        "a teacher from Ostrava Minor, who was returning from a conference.")
ITEMS = [
    {"guid": "urn:kessmoor:1", "url": "https://kessmoor-courier.example/ferry", "title": "Ferry runs aground off Kessmoor",
     "published": "2026-03-03T21:15:00Z", "text": LONG},
    {"guid": "urn:kessmoor:2", "url": "https://kessmoor-courier.example/budget", "title": "Council passes harbour budget",
     "published": "2026-03-02T08:00:00Z",
     "text": "The Kessmoor council approved a budget of 14 million crowns for harbour repairs on Monday.\n"
             "Councillor Bram Oduya said work on the north pier would begin in May and last two years."},
]


def test_rss_entries_become_articles_with_stable_ids(tmp_path):
    path = tmp_path / "courier.xml"
    path.write_bytes(rss("The Kessmoor Courier", ITEMS, language="en-GB"))
    first = list(read_articles(path))
    again = list(read_articles(path))
    assert [a.id for a in first] == [a.id for a in again] and len({a.id for a in first}) == 2
    ferry = first[0]
    assert ferry.title == "Ferry runs aground off Kessmoor"
    assert ferry.url == "https://kessmoor-courier.example/ferry"
    assert ferry.outlet == "The Kessmoor Courier" and ferry.language == "en"
    assert ferry.published == datetime(2026, 3, 3, 21, 15, tzinfo=timezone.utc)
    assert "212 passengers" in ferry.text and "Ilse Varro" in ferry.text and "<p>" not in ferry.text
    assert ferry.text.count("\n") >= 2  # paragraphs kept


def test_atom_entries_become_articles(tmp_path):
    entries = [{**ITEMS[0], "author": "Mara Lind", "text": LONG}]
    feed = read_feed(atom("Kessmoor Wire", entries, language="de"), "wire.atom")
    [article] = list(feed.articles())
    assert article.title == ITEMS[0]["title"] and article.url == ITEMS[0]["url"]
    assert article.authors == ("Mara Lind",) and article.outlet == "Kessmoor Wire" and article.language == "de"
    assert article.published == datetime(2026, 3, 3, 21, 15, tzinfo=timezone.utc)
    assert "harbour authority" in article.text


@pytest.mark.parametrize("data", [b"<html><body>Not a feed at all</body></html>", b"<rss><channel><item><title",
                                  b"\x00\x01 garbage"])
def test_malformed_feed_is_an_error_naming_the_source(data):
    with pytest.raises(InputError, match=r"^broken\.xml: not a readable RSS or Atom feed"):
        read_feed(data, "broken.xml")


def test_bozo_feed_with_entries_is_used_with_a_warning():
    data = rss("The Kessmoor Courier", ITEMS).replace(b"</channel></rss>", b"<item><title>cut off")
    feed = read_feed(data, "truncated.xml")
    articles = list(feed.articles())
    assert len(articles) >= 2 and feed.warnings and "not well-formed" in feed.warnings[0]


def test_opml_lists_feed_sources(tmp_path):
    (tmp_path / "local.xml").write_bytes(rss("Local", ITEMS))
    opml = tmp_path / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
        <outline text="News"><outline text="Courier" type="rss" xmlUrl="https://kessmoor-courier.example/rss"/>
        <outline text="Local" type="rss" xmlUrl="local.xml"/><outline text="no feed"/>
        <outline text="again" xmlUrl="https://kessmoor-courier.example/rss"/></outline></body></opml>""")
    subs = read_opml(opml)
    assert [s.feed for s in subs] == ["https://kessmoor-courier.example/rss", str(tmp_path / "local.xml")]
    assert subs[0].title == "Courier"
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    with pytest.raises(InputError, match="bad.opml: not a readable OPML file"):
        read_opml(bad)


def write_warc(path, pages, extras=True) -> None:
    """pages: (url, html bytes, warc date)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=str(path).endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "storylens tests"}))
        for url, body, date in pages:
            if extras:
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": date}))
        if extras:
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://x.example/logo.png", "response",
                                                          payload=io.BytesIO(b"\x89PNG...."), http_headers=image))
            moved = StatusAndHeaders("301 Moved", [("Location", "https://x.example/")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://x.example/old", "response",
                                                          payload=io.BytesIO(b""), http_headers=moved))
            empty = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://x.example/blank", "response",
                                                          payload=io.BytesIO(b"<html><body></body></html>"),
                                                          http_headers=empty))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles_and_the_rest_is_counted(tmp_path, name):
    path = tmp_path / name
    write_warc(path, [
        ("https://kessmoor-courier.example/ferry", page(ITEMS[0]["title"], LONG, "2026-03-03"), "2026-03-05T10:00:00Z"),
        ("https://kessmoor-courier.example/budget", page(ITEMS[1]["title"], ITEMS[1]["text"] + "\n" + LONG), "2026-03-04T09:30:00Z"),
    ])
    archive = WarcArticles(path)
    articles = list(archive)
    assert [a.url for a in articles] == ["https://kessmoor-courier.example/ferry", "https://kessmoor-courier.example/budget"]
    assert articles[0].published.date().isoformat() == "2026-03-03"  # the page's own date wins
    assert articles[1].published == datetime(2026, 3, 4, 9, 30, tzinfo=timezone.utc)  # else WARC-Date
    assert "212 passengers" in articles[0].text and articles[0].title == ITEMS[0]["title"]
    assert archive.counts["request records"] == 2 and archive.counts["warcinfo records"] == 1
    assert archive.counts["non-HTML responses"] == 1 and archive.counts["HTTP 301 responses"] == 1
    assert archive.counts["pages without article text"] == 1
    assert [a.id for a in WarcArticles(path)] == [a.id for a in articles]  # stable ids


def test_not_a_warc_is_reported(tmp_path):
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(b"this is not a web archive\n" * 20)
    with pytest.raises(InputError, match="junk.warc.gz: not a readable WARC file"):
        list(WarcArticles(path))


def test_cli_ingests_feed_opml_and_warc_files_once(tmp_path):
    feed = tmp_path / "courier.xml"
    feed.write_bytes(rss("The Kessmoor Courier", ITEMS))
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml version="2.0"><body><outline xmlUrl="courier.xml"/></body></opml>')
    archive = tmp_path / "crawl.warc.gz"
    write_warc(archive, [("https://harbour-news.example/ferry", page("Aldwyn Star aground", LONG), "2026-03-05T10:00:00Z")])
    broken = tmp_path / "broken.rss"
    broken.write_text("<rss><channel><item><title")
    db = str(tmp_path / "s.db")
    first = run_cli("ingest", str(opml), str(archive), str(broken), "--db", db, "--json", "--no-fetch-pages")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    by_name = {r["source"].rpartition("/")[2]: r for r in data["sources"]}
    assert by_name["courier.xml"]["new"] == 2 and by_name["crawl.warc.gz"]["new"] == 1
    assert by_name["crawl.warc.gz"]["counts"]["request records"] == 1
    bad = [r for r in data["sources"] if r["error"]]
    assert len(bad) == 1 and bad[0]["source"].endswith("broken.rss") and "not a readable RSS" in bad[0]["error"]
    again = run_cli("ingest", str(feed), str(archive), "--db", db)
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stdout and "Store: 3 articles" in again.stdout
