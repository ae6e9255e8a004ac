"""Watch mode: SOURCES.toml, the schedule, and real `storylens watch` processes polling a
real HTTP server on 127.0.0.1 (new entries between polls, SIGTERM, SIGKILL and restart)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEMO, ROOT, run_cli
from feedserver import FeedServer, Route, rss
from storylens.errors import ConfigError, StoreError
from storylens.store import SQLiteStore
from storylens.watch import load_sources, parse_interval, retry_delay


@pytest.mark.parametrize("text, seconds", [("30s", 30), ("10m", 600), ("1h", 3600), ("1h30m", 5400), ("90", 90),
                                           (45, 45), ("2d", 172800)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "ten minutes", "10x", "0s", "-5"])
def test_bad_interval_says_what_to_write(text):
    with pytest.raises(ConfigError, match="30s, 10m, 1h|more than zero"):
        parse_interval(text, "--every")


def test_retry_delay_backs_off_and_is_capped():
    assert retry_delay(600, 0) == 600
    assert [retry_delay(600, n) for n in (1, 2, 3)] == [1200, 2400, 4800]
    assert retry_delay(600, 20) == 6 * 3600 and retry_delay(86400, 5) == 86400


def test_sources_file(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "subs.opml").write_text('<opml version="2.0"><body><outline xmlUrl="https://a.example/rss"/>'
                                        '<outline xmlUrl="b.xml"/></body></opml>')
    path = tmp_path / "SOURCES.toml"
    path.write_text('every = "30m"\n[politeness]\nmin_interval = "2s"\nretries = 1\nrobots = true\n'
                    '[[feed]]\nurl = "https://c.example/feed"\nevery = "5m"\n'
                    '[[folder]]\npath = "in"\n[[opml]]\npath = "subs.opml"\n')
    config = load_sources(path)
    assert config.every == 1800 and config.politeness == {"min_interval": 2.0, "retries": 1, "respect_robots": True}
    assert [(s.kind, s.location, s.every) for s in config.sources] == [
        ("feed", "https://c.example/feed", 300), ("folder", str(tmp_path / "in"), None),
        ("feed", "https://a.example/rss", None), ("feed", str(tmp_path / "b.xml"), None)]
    path.write_text('[[feed]]\nurl = "https://c.example/feed"\ninterval = "5m"\n')
    with pytest.raises(ConfigError, match=r"\[\[feed\]\] #1: unknown setting 'interval'"):
        load_sources(path)
    path.write_text('every = "soon"\n[[feed]]\nurl = "https://c.example/feed"\n')
    with pytest.raises(ConfigError, match="not an interval"):
        load_sources(path)


def _demo() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]


def _items(rows: list[dict]) -> list[dict]:
    return [{"guid": r["id"], "url": r["url"], "title": r["title"], "published": r.get("published"), "text": r["text"]}
            for r in rows]


def _sources(tmp_path: Path, server: FeedServer, every: str = "1s") -> Path:
    path = tmp_path / "SOURCES.toml"
    path.write_text(f'every = "{every}"\nfetch_pages = false\n[politeness]\nmin_interval = 0\ntimeout = "2s"\n'
                    f'backoff = "0.1s"\nretries = 1\n'
                    f'[[feed]]\nurl = "{server.base}/feed.xml"\n[[feed]]\nurl = "{server.base}/missing.xml"\n')
    return path


def _count(db: Path) -> int:
    try:
        with SQLiteStore(db, readonly=True) as store:
            return store.counts()["articles"]
    except StoreError:
        return 0


def _wait_for(predicate, child, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        assert child.poll() is None, child.stderr.read()
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the watch process")


def _watch(*args: str, stderr=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "storylens.cli", "watch", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=stderr, text=True)


def test_watch_ingests_new_entries_once_into_their_stories_and_stops_on_sigterm(tmp_path):
    rows = _demo()
    db = tmp_path / "s.db"
    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(rss("Demo Wire", _items(rows[:10])), etag='"a"')
        log = tmp_path / "watch.log"
        with log.open("w") as handle:
            child = _watch(str(_sources(tmp_path, server)), "--db", str(db), stderr=handle)
            try:
                _wait_for(lambda: _count(db) == 10, child)
                _wait_for(lambda: "not modified" in log.read_text(), child)  # a later poll cost a 304
                server.routes["/feed.xml"] = Route(rss("Demo Wire", _items(rows)), etag='"b"')
                _wait_for(lambda: _count(db) == len(rows), child)
                time.sleep(1.5)  # a few more polls: nothing more is added
                child.send_signal(signal.SIGTERM)
                assert child.wait(timeout=30) == 0
            finally:
                if child.poll() is None:
                    child.kill()
        text = log.read_text()
    assert "SIGTERM received" in text and "stopped after" in text
    assert "/feed.xml: 10 new" in text and "/feed.xml: 9 new" in text
    assert "/missing.xml: error: HTTP 404" in text  # a failing source is reported, the other goes on
    with SQLiteStore(db, readonly=True) as store:
        assert store.counts()["articles"] == len(rows)
        story_of_url = dict(store.conn.execute("SELECT url, story_id FROM articles"))
    assert sorted(story_of_url) == sorted(r["url"] for r in rows)
    stories_of_gold: dict[str, set[str]] = {}
    for row in rows:
        stories_of_gold.setdefault(row["story"], set()).add(story_of_url[row["url"]])
    assert all(len(s) == 1 for s in stories_of_gold.values()), stories_of_gold


PLACES = ["Orvik", "Teslan", "Marrow Bay", "Kelda", "Port Aske", "Vindel", "Hollis", "Qarin"]
EVENTS = ["a warehouse fire", "a tram strike", "a bridge closure", "flooding on the coast road", "a power cut",
          "a water main burst", "a hospital opening", "a school merger"]
NAMES = ["Anja Reski", "Tomas Ibel", "Lior Vance", "Petra Holm", "Emil Drach", "Nadia Sorn", "Oskar Lentz", "Rina Osk"]


def _synthetic(n: int) -> list[dict]:
    rng = random.Random(7)
    items = []
    for i in range(n):
        place, event, name = PLACES[i % 8], EVENTS[(i // 8) % 8], NAMES[rng.randrange(8)]
        text = (f"Officials in {place} reported {event} on day {i % 28 + 1}, report number {i}. {name}, a city "
                f"spokesperson, said {rng.randrange(3, 400)} residents were affected and crews had been sent. "
                f"Local traders counted losses of {rng.randrange(10, 900)} thousand crowns, and the council of {place} "
                f"will meet on the {rng.randrange(1, 28)}th to discuss it. Item {i} of the synthetic feed.")
        items.append({"guid": f"urn:synthetic:{i}", "url": f"https://synthetic.example/{i}",
                      "title": f"{place}: {event} (report {i})", "published": f"2026-05-{i % 28 + 1:02d}T08:00:00Z",
                      "text": text})
    return items


def test_killed_watch_restarts_without_loss_or_duplicates(tmp_path):
    items = _synthetic(640)
    db = tmp_path / "s.db"
    with FeedServer() as server:
        server.routes["/feed.xml"] = Route(rss("Synthetic Wire", items), etag='"x"')
        sources = _sources(tmp_path, server, every="1h")
        child = _watch(str(sources), "--db", str(db))
        try:
            _wait_for(lambda: _count(db) >= 64, child, seconds=120)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
        stored = _count(db)
        assert 64 <= stored < len(items), "the watch should have been killed part-way"
        resumed = run_cli("watch", str(sources), "--db", str(db), "--once")
        assert resumed.returncode == 0, resumed.stderr
        assert f"/feed.xml: {len(items) - stored} new" in resumed.stderr
    with SQLiteStore(db, readonly=True) as store:
        urls = [u for (u,) in store.conn.execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(i["url"] for i in items)  # every entry once


def test_an_edited_file_in_a_watched_folder_does_not_hold_up_the_others(tmp_path):
    from storylens.engine import StoryEngine
    from storylens.ingest.fetch import Fetcher
    from storylens.sources import Poller, Source
    from storylens.store import SQLiteStore

    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a.txt").write_text("Harbour strike ends\n\nDock workers in Kelby returned to work on Monday.\n")
    with SQLiteStore(tmp_path / "s.db") as store, Fetcher() as fetcher, StoryEngine(store) as engine:
        poller = Poller(engine, fetcher)
        first = poller.poll(Source("folder", str(folder)))
        assert first.error is None and first.new == 1
        time.sleep(0.05)
        # the same file name (so the same id) with other content, and a new file sorted after it
        (folder / "a.txt").write_text("Harbour strike ends\n\nDock workers in Kelby went back on Tuesday instead.\n")
        (folder / "b.txt").write_text("Ferry timetable changes\n\nThe island ferry will run hourly from May.\n")
        second = poller.poll(Source("folder", str(folder)))
        assert second.error is None and second.new == 1
        assert any("already stored with other content" in w for w in second.warnings)
        assert store.counts()["articles"] == 2
        third = poller.poll(Source("folder", str(folder)))  # the edited file is not retried until it changes again
        assert third.error is None and third.new == 0 and not third.warnings
