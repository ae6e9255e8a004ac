"""Analyses kept in the store read back as they were made: quote confidences included,
and rows written before the confidence was kept still read."""

from __future__ import annotations

import json

from conftest import DEMO
from storylens.engine import StoryEngine, story_analyses
from storylens.store import SQLiteStore
from storylens.store.codec import decode_analysis, encode_analysis
from storylens.store.rows import ANALYSIS_VERSION


def test_quote_confidence_is_kept_in_the_store(tmp_path):
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
        story_id = store.story_of("harbor-fire-en-cpa")
        fresh, _ = story_analyses(store, story_id)
    with SQLiteStore(db, readonly=True) as store:
        stored = store.analyses([x.id for x in fresh])
    quotes = [q for x in fresh for q in x.quotes]
    assert quotes and all(q.confidence is not None for q in quotes)
    for x in fresh:
        assert stored[x.id].quotes == x.quotes  # speaker, source and confidence alike


def test_rows_without_the_confidence_still_read(tmp_path):
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
        story_id = store.story_of("harbor-fire-en-cpa")
        fresh, _ = story_analyses(store, story_id)
        x = next(a for a in fresh if a.quotes)
        data, vectors = encode_analysis(x)
        old = json.loads(data)
        old["quotes"] = [q[:4] for q in old["quotes"]]  # as rows were written before
        store.conn.execute("UPDATE analyses SET data = ? WHERE article_rowid = (SELECT rowid FROM articles WHERE id = ?)",
                           (json.dumps(old, ensure_ascii=False), x.id))
        back = store.analyses([x.id])[x.id]
    assert [(q.text, q.speaker, q.source) for q in back.quotes] == [(q.text, q.speaker, q.source) for q in x.quotes]
    assert all(q.confidence is None for q in back.quotes)
    assert decode_analysis(x.article, data, vectors).quotes == x.quotes
    assert ANALYSIS_VERSION >= 2  # analyses made before speakers were resolved per language are redone
