"""The story engine on a real SQLite file: ingest, wire copies, stories, resumption, errors."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATASETS, DEMO, ROOT, need, run_cli
from storylens.engine import StoryEngine
from storylens.errors import InputError, StoreError
from storylens.evaluate.clusters import bcubed, read_labelled_articles
from storylens.ingest import read_articles
from storylens.store import SQLiteStore
from storylens.store.schema import SCHEMA_VERSION


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
    return db


def _gold() -> dict[str, str]:
    return {json.loads(line)["id"]: json.loads(line)["story"] for line in DEMO.read_text().splitlines() if line.strip()}


def test_demo_stories_match_the_gold_stories(demo_db):
    with SQLiteStore(demo_db, readonly=True) as store:
        story_of = store.article_stories()
    gold = _gold()
    ids = sorted(gold)
    score = bcubed([story_of[i] for i in ids], [gold[i] for i in ids])
    assert score.f1 >= 0.9, score


def test_wire_copy_is_recorded_and_counted(demo_db):
    with SQLiteStore(demo_db, readonly=True) as store:
        story_of = store.article_stories()
        detail = store.story(story_of["harbor-fire-en-lakeshore"])
    copy = next(m for m in detail.members if m.id == "harbor-fire-en-lakeshore")
    assert copy.copy_of.of == "harbor-fire-en-cpa"
    assert copy.copy_of.kind in ("near", "exact") and copy.copy_of.overlap > 0.5
    assert detail.story.copies >= 1 and detail.story.reports == detail.story.articles - detail.story.copies
    # reports by other outlets of the same story are not copies
    assert all(m.copy_of is None for m in detail.members if m.id != "harbor-fire-en-lakeshore")


def test_a_wire_copy_in_the_same_batch_is_not_embedded_again():
    from storylens.cluster.profile import profile_articles

    profiles = {p.article_id: p for p in profile_articles(list(read_articles(DEMO)))}
    copy, original = profiles["harbor-fire-en-lakeshore"], profiles["harbor-fire-en-cpa"]
    assert copy.vector is original.vector  # the copy takes its original's vector
    assert copy.fingerprint.to_bytes() != original.fingerprint.to_bytes()  # but keeps its own fingerprint
    vectors = [p.vector for key, p in profiles.items() if key != "harbor-fire-en-lakeshore"]
    assert len({v.tobytes() for v in vectors}) == len(vectors)  # everything else is embedded on its own


def test_articles_in_other_languages_join_their_story(demo_db):
    with SQLiteStore(demo_db, readonly=True) as store:
        story_of = store.article_stories()
    assert story_of["mansour-transfer-de-sportecho"] == story_of["mansour-transfer-en-pitchside"]
    assert story_of["mansour-transfer-es-marcador"] == story_of["mansour-transfer-en-pitchside"]
    assert story_of["harbor-fire-de-hollerstadt"] == story_of["harbor-fire-en-cpa"]
    assert story_of["teval-spill-fr-echo-teve"] == story_of["teval-spill-en-riverside"]
    assert story_of["harbor-fire-en-cpa"] != story_of["mansour-transfer-en-pitchside"]


def test_reingest_adds_nothing(tmp_path):
    db = tmp_path / "s.db"
    first = run_cli("ingest", str(DEMO), "--db", str(db), "--json")
    assert first.returncode == 0, first.stderr
    again = run_cli("ingest", str(DEMO), "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    one, two = json.loads(first.stdout), json.loads(again.stdout)
    assert one["added"] == 19 and two["added"] == 0 and two["skipped"] == 19
    assert one["store"] == two["store"]


def test_batch_and_one_by_one_give_the_same_stories(tmp_path, demo_db):
    articles = list(read_articles(DEMO))
    with SQLiteStore(tmp_path / "single.db") as store:
        engine = StoryEngine(store, batch_size=1)
        engine.ingest_articles(articles)
        single = store.article_stories()
    with SQLiteStore(demo_db, readonly=True) as store:  # the whole corpus in batches of 64
        batch = store.article_stories()
    assert single == batch


def test_stories_and_story_commands(demo_db):
    listed = run_cli("stories", "--db", str(demo_db), "--json")
    assert listed.returncode == 0, listed.stderr
    stories = json.loads(listed.stdout)
    assert {"id", "title", "reports", "copies", "languages", "outlets", "first_published"} <= set(stories[0])
    assert sum(s["articles"] for s in stories) == 19
    german = json.loads(run_cli("stories", "--db", str(demo_db), "--lang", "de", "--json").stdout)
    assert german and all("de" in s["languages"] for s in german)
    late = json.loads(run_cli("stories", "--db", str(demo_db), "--since", "2026-04-10", "--json").stdout)
    assert late and all(s["last_published"] >= "2026-04-10" for s in late)
    one = run_cli("story", stories[0]["id"], "--db", str(demo_db), "--json")
    assert one.returncode == 0
    assert json.loads(one.stdout)["members"]
    text = run_cli("story", stories[0]["id"], "--db", str(demo_db))
    assert stories[0]["id"] in text.stdout
    missing = run_cli("story", "s999999", "--db", str(demo_db))
    assert missing.returncode == 1 and "no story 's999999'" in missing.stderr
    nodb = run_cli("stories", "--db", str(demo_db.parent / "absent.db"))
    assert nodb.returncode != 0 and "no such store" in nodb.stderr


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("rows, message", [
    ([{"id": "a", "text": "One text here."}, {"id": "a", "text": "Another text."}], "duplicate id 'a'"),
    ([{"id": "a", "title": "No body"}], "field 'text' is missing or empty"),
    ([{"id": "a", "text": "Body.", "published": "last Tuesday"}], "field 'published' is not an ISO 8601 date"),
])
def test_bad_input_gives_one_line_and_stores_nothing_of_that_batch(tmp_path, rows, message):
    db = tmp_path / "s.db"
    result = run_cli("ingest", str(_jsonl(tmp_path / "in.jsonl", rows)), "--db", str(db))
    assert result.returncode == 2
    assert message in result.stderr and "in.jsonl" in result.stderr
    assert len([line for line in result.stderr.splitlines() if "in.jsonl" in line]) == 1  # one line per problem
    with SQLiteStore(db) as store:
        assert store.counts()["articles"] == 0


def test_same_id_with_new_content_in_a_later_run_is_refused(tmp_path):
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        engine = StoryEngine(store)
        engine.ingest([_jsonl(tmp_path / "one.jsonl", [{"id": "a", "text": "First version of the story."}])])
        with pytest.raises(StoreError, match="already stored with other content"):
            StoryEngine(store).ingest([_jsonl(tmp_path / "two.jsonl", [{"id": "a", "text": "Second version."}])])
        assert store.counts()["articles"] == 1


def test_schema_is_versioned(tmp_path):
    db = tmp_path / "s.db"
    SQLiteStore(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(*) FROM migrations").fetchone()[0] == SCHEMA_VERSION
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this storylens"):
        SQLiteStore(db)


def test_not_a_store_is_reported(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a storylens store"):
        SQLiteStore(junk)


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path):
    corpus = need(DATASETS / "giveme5w1h-news-cluster" / "articles.jsonl")
    db = tmp_path / "s.db"
    # two profiling workers: the path large ingests take
    cmd = [sys.executable, "-m", "storylens.cli", "ingest", str(corpus), "--db", str(db), "--json", "--workers", "2"]
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.time() + 240
    while time.time() < deadline and child.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:  # a reader while the ingest writes
                with SQLiteStore(db, readonly=True) as reader:
                    stored = reader.counts()["articles"]
            except StoreError:
                continue  # not yet created or migrated
            if stored >= 64:
                break
    workers = subprocess.run(["pgrep", "-P", str(child.pid)], capture_output=True, text=True).stdout.split()
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert 64 <= stored < 383, "the ingest should have been killed part-way"
    time.sleep(3)  # its workers notice and leave
    assert not [w for w in workers if Path(f"/proc/{w}").exists() and b"spawn_main" in Path(f"/proc/{w}/cmdline").read_bytes()]
    resumed = run_cli("ingest", str(corpus), "--db", str(db), "--json")
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["skipped"] >= stored and report["store"]["articles"] == 383
    ids = [a.id for a in read_labelled_articles(corpus)[0]]
    with SQLiteStore(db, readonly=True) as store:
        assert sorted(store.article_stories()) == sorted(ids)
        assert store.conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0] + store.counts()["copies"] >= 383


def test_eval_clusters_json_on_the_demo_corpus():
    result = run_cli("eval", "clusters", str(DEMO), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"bcubed_precision", "bcubed_recall", "bcubed_f1", "stories_predicted", "stories_gold",
                         "articles_per_second"}
    assert data["stories_gold"] == 6 and data["bcubed_f1"] >= 0.9


def test_eval_clusters_needs_the_gold_field(tmp_path):
    path = _jsonl(tmp_path / "nogold.jsonl", [{"id": "a", "text": "Some text."}])
    result = run_cli("eval", "clusters", str(path))
    assert result.returncode == 2 and "nogold.jsonl:1" in result.stderr and "'story'" in result.stderr


def test_bcubed_by_hand(tmp_path):
    # three items in one gold story, predicted as {1, 2} and {3}: recall (2/3 + 2/3 + 1/3) / 3
    assert bcubed(["x", "x", "y"], ["a", "a", "a"]).recall == pytest.approx(5 / 9, abs=1e-4)
    assert bcubed(["x", "x", "y"], ["a", "a", "a"]).to_dict() == {
        "bcubed_precision": 1.0, "bcubed_recall": 0.5556, "bcubed_f1": 0.7143}  # the JSON form, rounded
    assert bcubed(["x", "y"], ["a", "b"]).f1 == 1.0
    with pytest.raises(InputError, match="empty"):
        read_labelled_articles(_jsonl(tmp_path / "empty.jsonl", []))


def test_story_analyses_are_kept_and_reused(tmp_path):
    from storylens.engine import story_analyses

    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
        story_id = store.story_of("harbor-fire-en-cpa")
        first, copies = story_analyses(store, story_id)
        assert copies["harbor-fire-en-lakeshore"].of == "harbor-fire-en-cpa"
        assert store.conn.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == len(first)
    with SQLiteStore(db, readonly=True) as store:
        again, _ = story_analyses(store, story_id)  # read back, not analysed again
    for a, b in zip(first, again):
        assert a.id == b.id and a.language == b.language
        assert [s.text for s in a.sentences] == [s.text for s in b.sentences]
        assert [e.variants for e in a.entities] == [e.variants for e in b.entities]
        assert a.quotes == b.quotes and a.mentions == b.mentions
        assert abs(a.sentence_embeddings - b.sentence_embeddings).max() < 1e-2
        assert float(a.doc_embedding @ b.doc_embedding) > 0.999


def test_merges_are_recorded_and_old_ids_lead_to_the_survivor(tmp_path):
    from storylens.cluster.assign import StoryClusterer
    from storylens.cluster.evidence import JoinRule

    # a rule that joins and merges eagerly, to exercise the bookkeeping of merges
    eager = StoryClusterer(rule=JoinRule(threshold=0.9), merge_threshold=0.0)
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        report = StoryEngine(store, clusterer=eager).ingest([DEMO])
        merges = store.conn.execute("SELECT from_id, into_id, article_id FROM story_merges").fetchall()
        assert report.merges == len(merges) > 0
        into = {gone: survivor for gone, survivor, _ in merges}
        gone = merges[0][0]
        final = gone
        while final in into:
            final = into[final]
        live = {s.id for s in store.stories()}
        assert gone not in live and final in live
        assert store.story(gone).story.id == final  # an old id leads to the story it joined
        assert set(store.article_stories().values()) == live
        before = store.article_stories()
    with SQLiteStore(db) as store:  # a new engine restores the merged state and adds nothing twice
        again = StoryEngine(store, clusterer=StoryClusterer(rule=JoinRule(threshold=0.9), merge_threshold=0.0)).ingest([DEMO])
        assert again.added == 0 and store.article_stories() == before


def test_coverage_of_a_stored_story(demo_db, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(demo_db, db)
    with SQLiteStore(db, readonly=True) as store:
        story_id = store.story_of("harbor-fire-en-cpa")
    result = run_cli("coverage", story_id, "--db", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {o["article"] for o in report["outlets"]} == {"harbor-fire-en-cpa", "harbor-fire-en-lakeshore",
                                                          "harbor-fire-de-hollerstadt"}
    original = next(t for t in report["timeline"] if t["article"] == "harbor-fire-en-cpa")
    assert [c["article"] for c in original["copies"]] == ["harbor-fire-en-lakeshore"]
    assert any("harbor-fire-de-hollerstadt" in s["cited"] for s in report["summary"])  # cross-lingual citation
    with SQLiteStore(db, readonly=True) as store:  # the analyses were kept for next time
        assert store.conn.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 3
    missing = run_cli("coverage", "s999999", "--db", str(db))
    assert missing.returncode == 1 and "no story 's999999'" in missing.stderr


def test_a_folder_gives_its_article_files_only(tmp_path):
    from storylens.engine import article_files

    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("a.txt", "sub/b.html", "sub/c.jsonl", "README.md", "notes.pdf", ".hidden/d.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in article_files([tmp_path])] == ["a.txt", "sub/b.html", "sub/c.jsonl"]


def test_the_join_rule_is_refitted_from_gold_state_replays():
    from storylens.cluster.evidence import LEXICAL_FEATURES, Evidence
    from storylens.evaluate.join_rule import cluster_with, fit_rule, gold_replay, labelled_profiles

    corpus = labelled_profiles(need(DATASETS / "meantime" / "articles.jsonl"), "meantime")
    corpus = corpus.subset(set(sorted(set(corpus.gold))[:40]))  # 40 stories in four languages
    replay = gold_replay(corpus)
    labels = replay.labels
    assert replay.encoder.shape == (len(labels), len(Evidence.FEATURES)) and 0 < labels.sum() < len(labels)
    assert replay.lexical.shape == (len(labels), len(LEXICAL_FEATURES)) and not replay.is_lexical.any()
    rule = fit_rule([corpus])
    cosine_max, gap, centroid_margin = rule.weights[:3]
    assert cosine_max > 0 and centroid_margin > 0  # more similar means more likely the same story
    assert rule.lexical_weights[LEXICAL_FEATURES.index("names")] > 0
    assert bcubed(cluster_with(corpus, rule), list(corpus.gold)).f1 >= 0.9


def test_the_saved_index_is_loaded_on_reopen_and_changes_nothing(tmp_path):
    """An engine that wrote keeps its HNSW index beside the store; the next engine loads it
    instead of rebuilding it, and places the next articles exactly as a replay would. An
    index of another store is not loaded."""
    articles = list(read_articles(DEMO))
    first, rest = articles[:12], articles[12:]
    with SQLiteStore(tmp_path / "a.db") as store:
        with StoryEngine(store) as engine:
            engine.ingest_articles(first)
        saved = store.state_path("hnsw")
        assert saved.exists() and saved.with_name(saved.name + ".json").exists()
        with StoryEngine(store) as engine:
            assert engine.clusterer.index_loaded_
            engine.ingest_articles(rest)
        reopened = store.article_stories()
    with SQLiteStore(tmp_path / "b.db") as store:
        with StoryEngine(store) as engine:
            engine.ingest_articles(first)
        (tmp_path / "b.db.hnsw").unlink()  # no saved index: the state is replayed
        with StoryEngine(store) as engine:
            assert not engine.clusterer.index_loaded_
            engine.ingest_articles(rest)
        assert store.article_stories() == reopened
    with SQLiteStore(tmp_path / "c.db") as store:
        with StoryEngine(store) as engine:
            engine.ingest_articles(articles[5:17])
        for suffix in ("", ".json", ".npz"):  # a.db's saved state, put beside c.db
            (tmp_path / f"c.db.hnsw{suffix}").write_bytes((tmp_path / f"a.db.hnsw{suffix}").read_bytes())
        with StoryEngine(store) as engine:
            assert not engine.clusterer.index_loaded_
