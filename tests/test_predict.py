"""Asking where articles would go, storing nothing (``StoryEngine.predict``), on a real
SQLite store with the demo corpus: the answer is where ingesting them puts them."""

from __future__ import annotations

import dataclasses
import json

from conftest import DEMO, ROOT, run_cli

from storylens.engine import StoryEngine
from storylens.ingest import read_articles
from storylens.store import open_store

FOLLOW_UPS = ROOT / "demo" / "follow-ups.jsonl"
HELD_BACK = "harbor-fire-de-hollerstadt"  # the German report of the port fire


def test_predict_stores_nothing_and_says_where_ingest_puts_each_article(tmp_path):
    demo = list(read_articles(DEMO))
    db = str(tmp_path / "s.db")
    with open_store(db) as store, StoryEngine(store) as engine:
        engine.ingest_articles([a for a in demo if a.id != HELD_BACK])
    held = next(a for a in demo if a.id == HELD_BACK)
    resign = next(iter(read_articles(FOLLOW_UPS)))  # the port chief resigns, two weeks after the fire
    stored = next(a for a in demo if a.id == "harbor-fire-en-cpa")
    reprint = dataclasses.replace(stored, id="reprint", url="https://example.org/reprint")

    with open_store(db, readonly=True) as store, StoryEngine(store) as engine:  # a read-only store will do
        mark = store.articles_mark()
        fire = store.story_of("harbor-fire-en-cpa")
        fire_thread = store.story(fire).story.thread_id
        predicted = {p.article_id: p for p in engine.predict([held, resign, stored, reprint])}
        assert store.articles_mark() == mark and store.counts()["articles"] == len(demo) - 1, "nothing stored"

    assert predicted[HELD_BACK].story_id == fire and predicted[HELD_BACK].score >= 0.5
    assert predicted[HELD_BACK].candidates[0] == (fire, predicted[HELD_BACK].score)
    assert predicted[resign.id].story_id is None, "the resignation is an event of its own"
    assert predicted[resign.id].thread_id == fire_thread, "in the fire's thread"
    assert predicted[stored.id].stored and predicted[stored.id].story_id == fire
    assert predicted["reprint"].copy_of.of == stored.id and predicted["reprint"].story_id == fire
    assert not predicted["reprint"].stored

    with open_store(db) as store, StoryEngine(store) as engine:  # now ingest them: as predicted
        engine.ingest_articles([held, resign])
        story_of = store.article_stories()
        assert story_of[HELD_BACK] == fire
        assert story_of[resign.id] not in {story_of[a.id] for a in demo if a.id != HELD_BACK}
        assert store.story(story_of[resign.id]).story.thread_id == fire_thread


def test_predict_on_the_command_line(tmp_path):
    db = tmp_path / "s.db"
    run_cli("ingest", str(DEMO), "--db", str(db))
    before = db.stat().st_size, db.stat().st_mtime_ns
    done = run_cli("predict", f"{FOLLOW_UPS}", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["id"] for r in rows] == ["northbridge-resign-en-cpa", "northbridge-resign-de-hollerstadt"]
    assert rows[0]["story_id"] is None and rows[0]["thread_id"] and not any(r["stored"] for r in rows)
    assert (db.stat().st_size, db.stat().st_mtime_ns) == before, "the store file is not written"
    shown = run_cli("predict", f"{DEMO}#harbor-fire-en-lakeshore", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "already stored" in shown.stdout and "Northbridge" in shown.stdout
    missing = run_cli("predict", f"{DEMO}#harbor-fire-en-lakeshore", "--db", str(tmp_path / "none.db"))
    assert missing.returncode != 0 and "none.db" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
