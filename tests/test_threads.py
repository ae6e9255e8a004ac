"""Threads on a real SQLite file: a follow-up event joins its predecessor's thread as a story
of its own; threads are the same one by one and in one batch, stable under re-ingest, and
carried over by the migration from stores made before them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import DEMO, ROOT, run_cli
from storylens.cluster.evidence import Evidence
from storylens.cluster.threads import ThreadLinker, ThreadRule
from storylens.coverage.thread import thread_report
from storylens.engine import StoryEngine
from storylens.evaluate.clusters import eval_clusters
from storylens.ingest import read_articles
from storylens.store import SQLiteStore
from storylens.store.schema import MIGRATIONS

FOLLOW_UPS = ROOT / "demo" / "follow-ups.jsonl"
# the demo's events as threads: the rate rise follows the inflation figures, the port chief's
# resignation follows the fire; every other event is a thread of its own
THREADS = {"valdoria-inflation": "valdoria", "valdoria-rate": "valdoria",
           "harbor-fire": "northbridge", "northbridge-resignation": "northbridge"}


def _gold(*files: Path) -> dict[str, str]:
    return {r["id"]: r["story"] for f in files for r in map(json.loads, f.read_text(encoding="utf-8").splitlines())}


@pytest.fixture(scope="module")
def threaded_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("threads") / "threads.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
    with SQLiteStore(db) as store:  # two weeks later, in another run
        StoryEngine(store).ingest([FOLLOW_UPS])
    return db


def _placement(db: Path) -> tuple[dict[str, str], dict[str, str]]:
    with SQLiteStore(db, readonly=True) as store:
        return store.article_stories(), store.story_threads()


def test_a_follow_up_event_is_a_second_story_in_the_first_ones_thread(threaded_db):
    story_of, thread_of = _placement(threaded_db)
    fire, resignation = story_of["harbor-fire-en-cpa"], story_of["northbridge-resign-en-cpa"]
    assert resignation != fire, "the resignation is another event than the fire"
    assert story_of["northbridge-resign-de-hollerstadt"] == resignation
    assert thread_of[resignation] == thread_of[fire]
    with SQLiteStore(threaded_db, readonly=True) as store:
        report = thread_report(store, thread_of[fire])
    assert [s.step.story.id for s in report.steps] == [fire, resignation]  # in time order
    step = report.steps[1]
    assert step.linked_to == fire and step.step.link_score >= ThreadRule().threshold
    assert "Fiona Marchetti" in step.shared_names
    assert step.summary.startswith("Fiona Marchetti stepped down")  # the wire's dateline is no part of it
    assert set(step.article_ids) == {"northbridge-resign-en-cpa", "northbridge-resign-de-hollerstadt"}


def test_threads_match_the_demo_threads(threaded_db):
    story_of, thread_of = _placement(threaded_db)
    gold = _gold(DEMO, FOLLOW_UPS)
    by_thread: dict[str, set[str]] = {}
    for article, story in story_of.items():
        by_thread.setdefault(thread_of[story], set()).add(THREADS.get(gold[article], gold[article]))
    assert all(len(labels) == 1 for labels in by_thread.values()), by_thread  # no two threads mixed
    assert len(by_thread) == len(set(THREADS.get(g, g) for g in gold.values()))  # none split


def test_thread_list_filters(threaded_db):
    with SQLiteStore(threaded_db, readonly=True) as store:
        everything = store.threads()
        french = store.threads(language="fr")
        found = store.threads(q="marchetti resigns")  # words of a later step's title find its thread
        paged = store.threads(limit=2, offset=1)
    assert everything.total == 5 and 0 < french.total < everything.total
    assert all("fr" in t.languages for t in french.threads)
    assert [t.title for t in found.threads] == ["Fire at Northbridge port injures three, halts shipping"]
    assert [t.id for t in paged.threads] == [t.id for t in everything.threads[1:3]] and paged.total == 5


def test_threads_are_the_same_one_by_one_and_in_one_batch(threaded_db, tmp_path):
    articles = [*read_articles(DEMO), *read_articles(FOLLOW_UPS)]
    db = tmp_path / "one-by-one.db"
    for article in articles:  # every article in its own run: the threads are restored from the file each time
        with SQLiteStore(db) as store:
            StoryEngine(store).ingest_articles([article])
    assert _placement(db) == _placement(threaded_db)


def test_re_ingest_moves_no_thread(threaded_db, tmp_path):
    db = tmp_path / "again.db"
    db.write_bytes(threaded_db.read_bytes())
    before = _placement(db)
    with SQLiteStore(db) as store:
        report = StoryEngine(store).ingest([DEMO, FOLLOW_UPS])
    assert report.added == 0 and report.skipped == len([*read_articles(DEMO), *read_articles(FOLLOW_UPS)])
    assert _placement(db) == before


def test_thread_merges_are_recorded_in_the_store_and_read_back(tmp_path):
    """Threads that merge (here at any link, thresholds set low) keep the older id; the
    merged-away id leads to the survivor, the merge is recorded, and a re-opened store places
    the next articles as the open engine would."""
    import dataclasses

    from storylens.settings import Settings

    low = Settings()
    low = dataclasses.replace(low, stories=dataclasses.replace(low.stories, thread_threshold=0.01,
                                                               thread_merge_threshold=0.01))
    articles = [*read_articles(DEMO), *read_articles(FOLLOW_UPS)]
    db = tmp_path / "merging.db"
    with SQLiteStore(db) as store:
        report = StoryEngine(store, settings=low).ingest_articles(articles[:12])
    with SQLiteStore(db) as store:  # a second run: the threads are read back from the file
        later = StoryEngine(store, settings=low).ingest_articles(articles[12:])
        threads = store.story_threads()
        merges = store.conn.execute("SELECT from_id, into_id FROM thread_merges").fetchall()
    assert report.thread_merges + later.thread_merges == len(merges) > 0
    with SQLiteStore(db, readonly=True) as store:
        for gone, into in merges:
            survivor = store.thread(gone).thread.id
            assert survivor <= into and gone not in set(threads.values())  # the older id survives
        assert all(store.thread(t).thread.id == t for t in set(threads.values()))
        merged_from = {m for t in set(threads.values()) for m in store.thread(t).merged_from}
    assert merged_from == {gone for gone, _ in merges}
    one_run = tmp_path / "one-run.db"
    with SQLiteStore(one_run) as store:
        StoryEngine(store, settings=low).ingest_articles(articles)
        assert store.story_threads() == threads


def test_linked_threads_merge_into_the_older_id():
    rule = ThreadRule()
    strong = Evidence(cosine_max=0.9, gap=0.5, centroid_margin=0.3, names=0.8, numbers=0.5, words=0.8,
                      new_language=0.0, same_outlet=0.0, time=-1.0, undated=0.0)
    weak = Evidence(cosine_max=0.1, gap=-0.2, centroid_margin=-0.2, names=0.0, numbers=0.0, words=0.0,
                    new_language=0.0, same_outlet=0.0, time=1.0, undated=0.0)
    assert rule.probability(strong) >= rule.merge_threshold and rule.probability(weak) < rule.threshold
    linker = ThreadLinker(rule)
    assert linker.link(1, opened=True).opened  # story 1 opens thread 1
    assert linker.link(2, opened=True, evidence={1: weak}).thread == 2  # unrelated: a thread of its own
    step = linker.link(3, opened=True, evidence={2: strong, 1: weak})
    assert (step.thread, step.opened, step.linked_story) == (2, False, 2)
    step = linker.link(3, opened=False, evidence={1: strong})  # a later article of story 3 links thread 1 in
    assert step.thread == 1 and step.merged == (2,)
    assert {linker.thread_of(s) for s in (1, 2, 3)} == {1}


def test_a_store_made_before_threads_gets_one_thread_per_story(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for number, (name, sql) in enumerate(MIGRATIONS[:4], start=1):  # the schema as it was before threads
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, ?, '2026-01-01')", (number, name))
        conn.execute(f"PRAGMA user_version = {number}")
    for seq, merged in ((1, None), (2, "s000001"), (3, None)):
        conn.execute("INSERT INTO stories (id, seq, title, created_at, updated_at, merged_into) VALUES (?, ?, ?, ?, ?, ?)",
                     (f"s{seq:06d}", seq, f"story {seq}", "2026-01-01", "2026-01-01", merged))
    conn.execute("INSERT INTO story_merges VALUES ('s000002', 's000001', 'a2', '2026-01-01')")
    for seq, story in ((1, "s000001"), (2, "s000001"), (3, "s000003")):
        conn.execute("INSERT INTO articles (id, content_hash, title, text, language, story_id, ingested_at)"
                     " VALUES (?, ?, ?, ?, 'en', ?, '2026-01-01')", (f"a{seq}", f"h{seq}", f"t{seq}", "x", story))
    conn.commit()
    conn.close()
    with SQLiteStore(db) as store:
        assert store.story_threads() == {"s000001": "t000001", "s000003": "t000003"}
        assert store.thread_seq() == 3
        page = store.threads()
        assert page.total == 2 and {t.id for t in page.threads} == {"t000001", "t000003"}
        assert store.thread("t000002").thread.id == "t000001"  # a merged story's thread leads to its survivor's
        assert store.thread("t000001").merged_from == ("t000002",)


def test_cli_threads_json_thread_and_stories_json(threaded_db):
    listed = json.loads(run_cli("threads", "--db", str(threaded_db), "--json").stdout)
    assert {"id", "title", "stories"} <= set(listed[0])
    for thread in listed:
        for story in thread["stories"]:
            assert {"id", "title", "first_published", "articles"} <= set(story)
            assert all(isinstance(a, str) for a in story["articles"]) and story["articles"]
    fire = next(t for t in listed if any("harbor-fire-en-cpa" in s["articles"] for s in t["stories"]))
    assert len(fire["stories"]) == 2
    with SQLiteStore(threaded_db, readonly=True) as store:  # `thread --json` prints this report's to_dict()
        one = thread_report(store, fire["id"]).to_dict()
        by_story = thread_report(store, fire["stories"][1]["id"], explain=False).to_dict()
        stories = [s.to_dict() for s in store.stories()]  # what `stories --json` prints
    assert [s["id"] for s in one["stories"]] == [s["id"] for s in fire["stories"]]
    assert by_story["id"] == fire["id"]  # a story id shows that story's thread
    assert {s["thread_id"] for s in stories} == {t["id"] for t in listed}
    text = run_cli("thread", fire["id"], "--db", str(threaded_db)).stdout
    assert "opened the thread" in text and "linked to" in text and "Fiona Marchetti" in text
    missing = run_cli("thread", "t999999", "--db", str(threaded_db))
    assert missing.returncode != 0 and "no thread 't999999'" in missing.stderr + missing.stdout


def test_eval_clusters_at_thread_level(tmp_path):
    labelled = tmp_path / "threads.jsonl"
    rows = [json.loads(line) for f in (DEMO, FOLLOW_UPS) for line in f.read_text(encoding="utf-8").splitlines()]
    labelled.write_text("".join(json.dumps({**r, "story": THREADS.get(r["story"], r["story"])}, ensure_ascii=False) + "\n"
                                for r in rows), encoding="utf-8")
    threads = json.loads(run_cli("eval", "clusters", str(labelled), "--level", "thread", "--json").stdout)
    assert threads["level"] == "thread" and threads["bcubed_f1"] == 1.0 and threads["predicted"] == threads["gold"] == 5
    stories = eval_clusters(labelled)  # the default level: the same labels read as stories
    assert stories.bcubed.precision == 1.0 and stories.bcubed.recall < 1.0  # events apart, threads together
    assert "stories_gold" in stories.to_dict() and "stories_gold" not in threads  # gold stories only at story level


def test_a_story_without_a_thread_gets_one_when_it_grows(tmp_path):
    """A story whose thread is missing from the file (NULL) is given one by its next article,
    in the clusterer and in the store alike."""
    articles = [a for a in read_articles(DEMO) if a.id != "harbor-fire-en-lakeshore"]
    copy = next(a for a in read_articles(DEMO) if a.id == "harbor-fire-en-lakeshore")  # the wire copy
    db = tmp_path / "unthreaded.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest_articles(articles)
        fire = store.story_of("harbor-fire-en-cpa")
        store.conn.execute("UPDATE stories SET thread_id = NULL WHERE id = ?", (fire,))
        store.conn.commit()
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest_articles([copy])
        thread = store.story_threads()[fire]
        assert thread is not None and store.thread(thread).steps[0].story.id == fire
