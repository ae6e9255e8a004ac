"""The Spark job on a real local[2] session: schemas, parity with the single-machine engine,
the Parquet output as a read-only store, and a killed job run again.

Skipped, with the reason, when pyspark or Java is absent (`pip install 'storylens[spark]'`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEMO, ROOT, run_cli
from storylens.errors import ConfigError, NotAStore, StoreError, StoreReadOnly
from storylens.store import SQLiteStore

FOLLOW_UPS = ROOT / "demo" / "follow-ups.jsonl"
BATCH = 2  # small batches: a killed run leaves some committed and some not
pytestmark = pytest.mark.xdist_group("spark")  # one xdist worker runs them all: one JVM for the suite


def _spark_or_skip():
    from storylens.spark.session import require_spark

    try:
        require_spark()
    except ConfigError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    _spark_or_skip()
    os.environ["STORYLENS_CACHE"] = str(tmp_path_factory.mktemp("parquet-cache"))
    # the JVMs' scratch (block manager, native libraries), a killed job's too, in pytest's folders, not /tmp
    scratch = tmp_path_factory.mktemp("spark-scratch")
    os.environ["SPARK_LOCAL_DIRS"] = str(scratch)
    os.environ["JAVA_TOOL_OPTIONS"] = f"-Djava.io.tmpdir={scratch}"
    from storylens.spark.session import session

    s = session("local[2]", app="storylens-tests")
    yield s
    s.stop()


def test_the_spark_tests_run_on_one_xdist_worker(request):
    """`--dist loadgroup` tags each test of the "spark" group, so one worker runs them all.

    Without the tag they spread over both workers, each starting a JVM and building the demo job.
    """
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run by an xdist worker under --dist loadgroup")
    assert request.node.nodeid.endswith("@spark"), request.node.nodeid


def _small_batches():
    """The settings in force, with ingest batches of ``BATCH``."""
    import dataclasses

    from storylens.settings import current

    settings = current()
    return dataclasses.replace(settings, ingest=dataclasses.replace(settings.ingest, batch_size=BATCH))


@pytest.fixture(scope="session")
def demo_job(spark, tmp_path_factory):
    from storylens.spark.job import run

    output = tmp_path_factory.mktemp("spark-demo") / "out"
    report = run([str(DEMO), str(FOLLOW_UPS)], str(output), spark=spark, settings=_small_batches())
    return output, report


def _partition(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item, label in labels.items():
        groups.setdefault(label, set()).add(item)
    return {frozenset(g) for g in groups.values()}


def _engine_in_order(tmp_path: Path, paths: list[Path]):
    """The single-machine engine fed the same articles in the job's placement order."""
    from storylens.engine import StoryEngine
    from storylens.evaluate.clusters import arrival_order
    from storylens.ingest import read_articles
    from storylens.ingest.dateline import with_dateline
    from storylens.store import SQLiteStore

    articles = [with_dateline(a) for p in paths for a in read_articles(p)]
    store = SQLiteStore(tmp_path / "single.db")
    with StoryEngine(store, batch_size=BATCH) as engine:
        engine.ingest_articles(articles[i] for i in arrival_order(articles))
    return store


@pytest.fixture(scope="session")
def demo_profiles(spark):
    """The demo corpus profiled on the executors once, for the tests that read profiles."""
    from storylens.spark import profile, read_inputs

    profiled = profile(read_inputs(spark, [str(DEMO)])).persist()
    yield profiled
    profiled.unpersist()


def test_profiles_have_the_schema_and_equal_the_engines(spark, demo_profiles):
    from storylens.cluster.profile import copies_within, profile_articles
    from storylens.ingest import read_articles
    from storylens.spark.schema import PROFILES, row_profile

    profiled = demo_profiles
    assert profiled.schema == spark.createDataFrame([], PROFILES).schema
    rows = profiled.collect()
    assert all(r["error"] is None for r in rows) and len(rows) == 19
    mine = {r["id"]: row_profile(r) for r in rows}
    articles = list(read_articles(DEMO))
    expected_all = profile_articles(articles)
    # a copy of an earlier article of its batch takes that article's vector: batches differ here
    copies = copies_within([p.fingerprint for p in expected_all])
    for i, (article, expected) in enumerate(zip(articles, expected_all)):
        got = mine[article.id]
        assert (got.keys, got.numbers, got.terms, got.language, got.outlet) == \
            (expected.keys, expected.numbers, expected.terms, expected.language, expected.outlet)
        assert (got.fingerprint.hashvalues == expected.fingerprint.hashvalues).all()
        if i not in copies:
            assert float(got.vector @ expected.vector) > 0.999


def test_a_bad_line_is_an_error_row_and_the_rest_are_read(spark, tmp_path):
    from storylens.spark import read_inputs
    from storylens.spark.read import errors

    path = tmp_path / "mixed.jsonl"
    good = DEMO.read_text(encoding="utf-8").splitlines()[:2]
    path.write_text("\n".join([good[0], '{"id": "broken", "text": ', good[1]]) + "\n", encoding="utf-8")
    articles = read_inputs(spark, [str(path)])
    assert articles.where("error IS NULL").count() == 2
    found = errors(articles)
    assert len(found) == 1 and found[0].endswith(f"{path}:2: invalid JSON (Expecting value); is the line truncated?")


def test_a_binary_or_empty_jsonl_file_is_one_error_and_the_others_are_read(spark, tmp_path, monkeypatch):
    """As `storylens ingest` says it: one error naming the file, not one per line of junk;
    the driver reads a file's first bytes where it lies, or through Hadoop's file system."""
    from storylens.spark import read
    from storylens.spark.read import errors, read_inputs

    (tmp_path / "a-good.jsonl").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    junk = bytes(range(256)) * 40  # NUL bytes and control characters, and a few newlines among them
    (tmp_path / "b-junk.jsonl").write_bytes(junk)
    (tmp_path / "c-empty.jsonl").write_bytes(b"\n\n")
    for local in (True, False):
        if not local:  # as for a file of another file system
            monkeypatch.setattr(read, "local_path", lambda name: None)
        articles = read_inputs(spark, [str(tmp_path)])
        assert articles.where("error IS NULL").count() == len(DEMO.read_text(encoding="utf-8").splitlines())
        found = errors(articles)
        assert len(found) == 2
        assert found[0].endswith("b-junk.jsonl: binary content, not text (is this an image or archive?)")
        assert found[1].endswith("c-empty.jsonl: file is empty")


def test_job_places_as_the_single_machine_engine_does(demo_job, tmp_path):
    from storylens.store import open_store

    output, report = demo_job
    assert report.ingest.added == 21 and report.read_error_count == 0
    single = _engine_in_order(tmp_path, [DEMO, FOLLOW_UPS])
    with open_store(f"parquet://{output}") as parquet:
        assert parquet.article_stories() == single.article_stories()
        assert parquet.story_threads() == single.story_threads()
        spark_copies = {s.article.id: s.copy_of.of for sid in set(parquet.article_stories().values())
                        for s in parquet.story_articles(sid) if s.copy_of}
    single_copies = {s.article.id: s.copy_of.of for sid in set(single.article_stories().values())
                     for s in single.story_articles(sid) if s.copy_of}
    single.close()
    assert spark_copies == single_copies == {"harbor-fire-en-lakeshore": "harbor-fire-en-cpa"}
    # the fire and the port chief's resignation two weeks later: two stories, one thread
    assert len(_partition(report_threads(output))) == 5


def _parts_written(output: Path) -> dict[str, dict[str, str]]:
    """Each keyed table's part files and the run the manifest says wrote each."""
    return json.loads((output / "_storylens.json").read_text())["parts"]


def _files(output: Path) -> dict[str, int]:
    """Each Parquet file of the output and its inode (a file written again is a new one)."""
    return {str(p.relative_to(output)): p.stat().st_ino for p in output.glob("*/*.parquet")
            if not p.parent.name.startswith("_")}


def _tables(store) -> dict[str, list[tuple]]:
    from storylens.store.tables import TABLES, table_rows

    return {t: list(table_rows(store, t)[1]) for t in TABLES}


EXTRA = {"id": "harbor-berth-reopens", "outlet": "Lakeshore Ledger", "published": "2026-03-20T09:00:00+00:00",
         "title": "Northbridge harbor reopens the berth closed after the fire",
         "text": "The berth closed after last month's warehouse fire at Northbridge harbor reopened on Friday, the port "
                 "authority said. Crews rebuilt the quay wall and replaced two cranes. Shipping lines were told that "
                 "container traffic would return to normal within a week."}


def test_a_later_run_adds_to_the_output(spark, tmp_path):
    """Each run adds to the output: it writes the parts of the articles, profiles and merge logs
    that hold what it added or changed, not the tables again; and the reader's copy of the
    earlier run takes only those parts, to the same store a whole copy makes. What the last
    export wrote is left out of profiling through the output's table, what the state store
    holds beyond it (a killed run's batches) through the store."""
    import shutil

    from storylens.engine import StoryEngine
    from storylens.evaluate.clusters import arrival_order
    from storylens.ingest import read_articles
    from storylens.ingest.dateline import with_dateline
    from storylens.spark.job import run
    from storylens.store import open_store

    settings = _small_batches()
    output = tmp_path / "out"
    first = run([str(DEMO)], str(output), spark=spark, settings=settings, part_rows=4)  # 19 articles: 5 parts
    assert first.ingest.added == 19
    with open_store(f"parquet://{output}") as parquet:  # the reader's copy of the first run
        assert len(parquet.article_stories()) == 19
    before, files = _parts_written(output), _files(output)
    later = run([str(FOLLOW_UPS)], str(output), spark=spark, settings=settings, part_rows=4)
    assert later.ingest.added == 2 and later.ingest.skipped == 0 and later.profiled == 2
    after, refiled = _parts_written(output), _files(output)
    for table in ("articles", "profiles"):  # articles 20 and 21: the last part (17-20) and a new one (21)
        kept = {name for name in before[table] if after[table][name] == before[table][name]}
        assert kept == {f"part-0000000{i}.parquet" for i in range(4)}, table
        assert all(refiled[f"{table}/{name}"] == files[f"{table}/{name}"] for name in kept), "a kept part was rewritten"
        assert set(after[table]) == kept | {"part-00000004.parquet", "part-00000005.parquet"}
    # what a killed run leaves: an article committed to the state store, not exported
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(EXTRA) + "\n", encoding="utf-8")
    with StoryEngine(SQLiteStore(output / "_state" / "storylens.db"), batch_size=BATCH) as engine:
        assert engine.ingest([extra]).added == 1
    inputs = [str(DEMO), str(FOLLOW_UPS), str(extra)]
    again = run(inputs, str(output), spark=spark, settings=settings, part_rows=4)  # nothing new
    assert (again.profiled, again.ingest.read, again.ingest.skipped, again.ingest.added) == (0, 22, 22, 0)
    last = _parts_written(output)
    assert {t: {n for n in last[t] if last[t][n] != after[t].get(n)} for t in ("articles", "profiles")} == \
        {"articles": {"part-00000005.parquet"}, "profiles": {"part-00000005.parquet"}}  # article 22's part
    assert not (output / "_stored_ids").exists(), "the run's scratch table of stored ids is left behind"
    assert not (output / "_export").exists(), "the export's scratch folder is left behind"
    single = SQLiteStore(tmp_path / "single.db")
    with StoryEngine(single, batch_size=BATCH) as engine:
        for path in (DEMO, FOLLOW_UPS, extra):  # the same runs, one after the other
            articles = [with_dateline(a) for a in read_articles(path)]
            engine.ingest_articles(articles[i] for i in arrival_order(articles))
    shutil.copytree(output, tmp_path / "elsewhere")  # another folder: copied whole
    with open_store(f"parquet://{output}") as parquet, open_store(f"parquet://{tmp_path / 'elsewhere'}") as whole:
        assert len(parquet.article_stories()) == 22
        assert parquet.article_stories() == single.article_stories()
        assert parquet.story_threads() == single.story_threads()
        assert _tables(parquet) == _tables(whole)
    single.close()


def test_an_article_whose_story_merged_or_changed_thread_is_written_again(spark, demo_job, tmp_path):
    """A later export writes again the old parts that hold an article whose story was merged
    into another, or whose story's thread changed, and only those (with the new ones): the
    output is then what a whole export of the same store writes."""
    import shutil
    import sqlite3

    from storylens.spark.export import ExportLog, export
    from storylens.store import open_store

    output, _ = demo_job
    state = tmp_path / "state" / "storylens.db"
    state.parent.mkdir()
    shutil.copy(output / "_state" / "storylens.db", state)
    out = tmp_path / "out"
    with SQLiteStore(state, readonly=True) as store:
        log = ExportLog(state)
        export(spark, store, str(out), log=log, part_rows=4)  # 21 articles: parts 0 to 5
        log.close()
    with open_store(f"parquet://{out}"):  # the reader copies this first export
        pass
    first = _parts_written(out)
    conn = sqlite3.connect(state)  # what the engine writes for a merge and for a thread merge
    with conn:
        rows = dict(conn.execute("SELECT rowid, story_id FROM articles"))
        ids = dict(conn.execute("SELECT rowid, id FROM articles"))
        gone, into = rows[2], rows[21]  # the story of article 2 merged into that of article 21
        assert gone != into
        conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, gone))
        conn.execute("UPDATE stories SET merged_into = ? WHERE id = ?", (into, gone))
        conn.execute("INSERT INTO story_merges VALUES (?, ?, ?, ?)", (gone, into, "x", "2026-03-01T00:00:00"))
        moved = {r for r, s in rows.items() if s == gone}
        story = next(s for r, s in sorted(rows.items()) if r > 8 and s not in (gone, into))  # a story of a later part ...
        thread = conn.execute("SELECT thread_id FROM stories WHERE id = ?", (into,)).fetchone()[0]
        conn.execute("UPDATE stories SET thread_id = ? WHERE id = ?", (thread, story))  # ... joins another thread
    conn.close()
    with SQLiteStore(state, readonly=True) as store:
        log = ExportLog(state)
        export(spark, store, str(out), log=log, part_rows=4)
        log.close()
        export(spark, store, str(tmp_path / "whole"), part_rows=4)  # no log: everything written
    # the parts with an article of the merged story, of the one it went into, or of the rethreaded one
    changed = {(r - 1) // 4 for r, s in rows.items() if s in (gone, into, story)}
    written = {int(name[5:13]) for name, run in _parts_written(out)["articles"].items() if run != first["articles"][name]}
    assert written == changed and 0 in written and len(written) < 6, (written, changed)
    assert _content(out) == _content(tmp_path / "whole")
    assert _parts_written(out)["profiles"] == first["profiles"], "profiles do not change: none written again"
    with open_store(f"parquet://{out}") as parquet, open_store(f"parquet://{tmp_path / 'whole'}") as whole:
        assert _tables(parquet) == _tables(whole)
        assert {parquet.article_stories()[ids[r]] for r in moved} == {into}


def report_threads(output: Path) -> dict[str, str]:
    from storylens.store import open_store

    with open_store(f"parquet://{output}") as store:
        return store.story_threads()


def test_placement_order_comes_back_range_after_range_in_order(spark):
    from storylens.spark import read_inputs
    from storylens.spark.copies import with_time
    from storylens.spark.place import OrderedRows, placement_order
    from storylens.spark.profiles import profile_partitions

    articles = read_inputs(spark, [str(DEMO)])
    keyed = with_time(articles).select("id", "_time", "order_input", "order_record").collect()
    expected = [r["id"] for r in sorted(keyed, key=lambda r: (r["_time"] is None, r["_time"] or 0.0,
                                                               r["order_input"], r["order_record"]))]
    ordered = placement_order(articles, 5)
    sizes = [len(part) for part in ordered.rdd.glom().collect()]
    assert len(sizes) == 5 and sum(1 for size in sizes if size) >= 3, sizes  # several ranges
    # profiled range by range (mapInPandas keeps each range's order), fetched two jobs ahead
    rows = OrderedRows(profile_partitions(ordered), ahead=2)
    got = list(rows)
    assert [r["id"] for r in got] == expected
    assert all(r["fingerprint"] is not None for r in got) and rows.waited > 0.0


def test_rows_taken_in_part_leave_no_job_running(spark):
    from storylens.spark import read_inputs
    from storylens.spark.place import OrderedRows, placement_order
    from storylens.spark.profiles import profile_partitions

    rows = OrderedRows(profile_partitions(placement_order(read_inputs(spark, [str(DEMO)]), 6)), ahead=3)
    each = iter(rows)
    first = next(each)
    each.close()  # as a placement that fails does: the jobs ahead are cancelled, not waited for to the end
    tracker, bound = spark.sparkContext.statusTracker(), time.monotonic() + 120
    while tracker.getActiveJobsIds() and time.monotonic() < bound:  # the tracker hears of job ends a little later
        time.sleep(0.05)
    assert first["id"] and tracker.getActiveJobsIds() == []
    assert spark.range(3).count() == 3  # the session goes on


def test_find_copies_names_the_wire_copy(demo_profiles):
    from storylens.spark import find_copies

    copies = find_copies(demo_profiles).collect()
    assert [(c["id"], c["copy_of"], c["kind"]) for c in copies] == \
        [("harbor-fire-en-lakeshore", "harbor-fire-en-cpa", "near")]


def test_the_output_serves_as_a_read_only_store(demo_job):
    from storylens.store import open_store

    output, _ = demo_job
    listed = run_cli("stories", "--db", f"parquet://{output}", "--json")
    assert listed.returncode == 0, listed.stderr
    stories = json.loads(listed.stdout)
    assert len(stories) == 7 and all(s["thread_id"].startswith("t") for s in stories)
    fire = next(s for s in stories if "Northbridge" in s["title"] and "Fire" in s["title"])
    shown = run_cli("story", fire["id"], "--db", f"parquet://{output}", "--json")
    assert shown.returncode == 0, shown.stderr
    assert {m["id"] for m in json.loads(shown.stdout)["members"]} >= {"harbor-fire-en-cpa", "harbor-fire-en-lakeshore"}
    with open_store(f"parquet://{output}") as store, pytest.raises(StoreReadOnly, match="read-only"):
        store.add([])
    with pytest.raises(NotAStore, match="_storylens.json"):
        open_store(f"parquet://{output / 'articles'}")


def _stories_in_two_parts(output: Path, copy: Path, merged_into) -> None:
    """``output`` copied to ``copy``, its first story merged into ``merged_into(last story id)``,
    and its stories table written as two Parquet parts: that story in the first, the rest in
    the second (a big run's table comes in many parts)."""
    import shutil

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    shutil.copytree(output, copy)
    stories = pq.read_table(copy / "stories").sort_by("seq")
    merged = stories.column("merged_into").to_pylist()
    merged[0] = merged_into(stories.column("id")[-1].as_py())
    stories = stories.set_column(stories.column_names.index("merged_into"), "merged_into",
                                 pc.cast(merged, stories.schema.field("merged_into").type))
    for part in (copy / "stories").glob("*.parquet"):
        part.unlink()
    pq.write_table(stories.slice(0, 1), copy / "stories" / "part-00000.parquet")
    pq.write_table(stories.slice(1), copy / "stories" / "part-00001.parquet")


def test_a_story_merged_into_one_of_a_later_part_opens(demo_job, tmp_path):
    """A run's stories table in several parts, a story merged into a story of a later part:
    the copy into SQLite checks the keys once every table is in (it failed on the first part)."""
    from storylens.store import open_store

    output, _ = demo_job
    _stories_in_two_parts(output, tmp_path / "out", lambda last: last)
    with open_store(f"parquet://{tmp_path / 'out'}") as store:
        assert len(store.article_stories()) == 21
    _stories_in_two_parts(output, tmp_path / "broken", lambda last: "s999999")  # a story the output lacks
    with pytest.raises(NotAStore, match="names a row of 'stories' that the output lacks"):
        open_store(f"parquet://{tmp_path / 'broken'}")


def test_tables_exported_in_chunks_read_back_whole(spark, demo_job, tmp_path, monkeypatch):
    """The driver exports a table a chunk at a time (bounded memory), written by itself to a
    local folder, through Spark to another file system; either way the parts make the same
    store, the merge logs in their order."""
    import shutil
    import sqlite3

    from storylens.spark.export import export
    from storylens.store import open_store

    output, _ = demo_job
    state = tmp_path / "state.db"
    shutil.copy(output / "_state" / "storylens.db", state)
    conn = sqlite3.connect(state)  # merge log rows to keep in order (the demo merges none)
    with conn:
        stories = [r[0] for r in conn.execute("SELECT id FROM stories ORDER BY seq")]
        conn.executemany("INSERT INTO story_merges (from_id, into_id, article_id, merged_at) VALUES (?, ?, ?, ?)",
                         [(stories[i % len(stories)], stories[(i + 1) % len(stories)], f"a{i}", "2026-03-01T00:00:00")
                          for i in (5, 1, 4, 2, 6, 0, 3)])
    logged = conn.execute("SELECT from_id, into_id, article_id FROM story_merges ORDER BY rowid").fetchall()
    conn.close()
    for chunk in (3, 4):  # 21 articles: whole chunks only, and a last short one
        if chunk == 4:  # as for an output on another file system: Spark writes the parts
            from storylens.spark import job

            monkeypatch.setattr(job, "local_folder", lambda uri: None)
        chunked = tmp_path / f"chunked-{chunk}"
        shutil.copytree(output, chunked, ignore=shutil.ignore_patterns("_state"))
        with SQLiteStore(state, readonly=True) as source:
            counts = export(spark, source, str(chunked), part_rows=chunk)
        assert counts["articles"] == 21 and len(list((chunked / "articles").glob("*.parquet"))) == -(-21 // chunk)
        assert not list(chunked.glob("*/.*.partial")) and not (chunked / "_export").exists()
        with open_store(f"parquet://{output}") as whole, open_store(f"parquet://{chunked}") as parts:
            assert parts.article_stories() == whole.article_stories()
            assert parts.story_threads() == whole.story_threads()
            copied = parts.conn.execute("SELECT from_id, into_id, article_id FROM story_merges ORDER BY rowid").fetchall()
        assert copied == logged


def test_serve_and_coverage_read_the_output(demo_job, tmp_path):
    import httpx
    from serverproc import running_server

    output, _ = demo_job
    location = f"parquet://{output}"
    with running_server(location, log_path=tmp_path / "serve.log") as base:
        stories = httpx.get(f"{base}/stories").json()["stories"]
        fire = next(s for s in stories if "Northbridge" in s["title"] and "Fire" in s["title"])
        assert len(stories) == 7
        assert httpx.get(f"{base}/stories/{fire['id']}").status_code == 200
        assert httpx.get(f"{base}/").status_code == 200
        refused = httpx.post(f"{base}/articles", json=[{"id": "x", "title": "A title", "text": "Some text here."}])
        assert refused.status_code == 503 and "read-only" in refused.text
    report = run_cli("coverage", fire["id"], "--db", location, "--format", "json")
    assert report.returncode == 0, report.stderr
    outlets = json.loads(report.stdout)["outlets"]
    assert len({o["outlet"] for o in outlets}) >= 2
    assert {o["article"]: o["copy_of"] for o in outlets}["harbor-fire-en-lakeshore"] == "harbor-fire-en-cpa"


def _content(output: Path) -> tuple:
    """What a run wrote, wall-clock stamps aside: each article's story, thread and copy."""
    import pyarrow.parquet as pq

    table = pq.read_table(output / "articles", columns=["id", "story_id", "thread_id", "duplicate_of"])
    return tuple(sorted(zip(*(table.column(c).to_pylist() for c in table.column_names))))


def test_a_killed_job_run_again_writes_the_same_output(spark, demo_job, tmp_path):
    from storylens.spark.job import run
    from storylens.store import open_store

    corpus_output, _ = demo_job
    output = tmp_path / "out"
    cmd = [sys.executable, "-m", "storylens.cli", "spark", "ingest", str(DEMO), str(FOLLOW_UPS), "--output",
           str(output), "--master", "local[1]"]  # one Python worker to start, and other partitions than the fixture's
    env = {**os.environ, "STORYLENS_INGEST_BATCH_SIZE": str(BATCH)}
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                             start_new_session=True)
    for line in child.stderr:  # placement has started: kill it once a batch is committed
        if b"storylens: profile and place" in line:
            break
    state, stored = output / "_state" / "storylens.db", 0
    while child.poll() is None and stored < BATCH:
        time.sleep(0.02)
        try:
            with SQLiteStore(state, readonly=True) as reader:
                stored = reader.counts()["articles"]
        except StoreError:
            continue
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert not (output / "_storylens.json").exists(), "the job should have been killed before it finished"
    with pytest.raises(NotAStore):
        open_store(f"parquet://{output}")
    with SQLiteStore(state, readonly=True) as reader:
        kept = reader.counts()["articles"]
    assert 0 < kept < 21, "killed after some batches were committed and before the last"
    again = run([str(DEMO), str(FOLLOW_UPS)], str(output), spark=spark, settings=_small_batches())  # run again here
    assert again.ingest.added == 21 - kept and again.ingest.skipped == kept
    assert again.profiled == 21 - kept, "the articles the killed run stored are not profiled again"
    assert _content(output) == _content(corpus_output)


def test_files_and_parquet_inputs_read_as_storylens_reads_them(spark, tmp_path, seed_paths):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from storylens.ingest import read_articles
    from storylens.spark import read_inputs
    from storylens.spark.schema import row_article

    folder = seed_paths[0].parent
    rows = read_inputs(spark, [str(folder)]).orderBy("order_input", "order_record").collect()
    expected = [a for p in sorted(folder.iterdir()) if p.suffix == ".txt" for a in read_articles(p)]
    got = [row_article(r) for r in rows if r["error"] is None]
    assert [(a.id, a.title, a.text, a.published) for a in got] == [(a.id, a.title, a.text, a.published) for a in expected]
    assert all(a.source.endswith(f"/{Path(e.source).name}") for a, e in zip(got, expected))

    table = pa.table({"id": ["p1", "p2"], "title": ["One", "Two"], "text": ["First text.", ""],
                      "published": ["2026-03-01T10:00:00+01:00", None]})
    pq.write_table(table, tmp_path / "in.parquet")
    rows = read_inputs(spark, [str(tmp_path / "in.parquet")]).orderBy("order_record").collect()
    assert row_article(rows[0]).published.isoformat() == "2026-03-01T10:00:00+01:00"
    assert rows[1]["error"] is not None and "text" in rows[1]["error"]


def test_a_local_archive_is_read_where_it_lies_as_storylens_reads_it(spark, tmp_path, monkeypatch):
    """WARC files on the local file system are read record by record on an executor (not
    copied whole into memory first), with the articles and sources `storylens ingest` gives."""
    import shutil

    from conftest import DATASETS, need
    from storylens.engine import ARTICLE_SUFFIXES
    from storylens.errors import InputError
    from storylens.ingest import read_articles
    from storylens.spark import read_inputs
    from storylens.spark.schema import row_article

    warcs = need(DATASETS / "real-world" / "warc")
    monkeypatch.setattr(spark.sparkContext, "binaryFiles", None)  # a local file is not copied through it
    folder = tmp_path / "an archive folder"  # a space in the path, as a user's folder may have
    folder.mkdir()
    for path in sorted(warcs.iterdir()):
        if path.name.lower().endswith(ARTICLE_SUFFIXES):  # what a folder ingest reads
            shutil.copy(path, folder / path.name)
    expected, refused = [], []
    for path in sorted(folder.iterdir()):  # some of the archives are broken on purpose
        try:
            for article in read_articles(path):
                expected.append(article)
        except InputError:
            refused.append(path.name)
    rows = read_inputs(spark, [str(folder)]).orderBy("order_input", "order_record").collect()
    got = [row_article(r) for r in rows if r["error"] is None]
    assert got and [(a.id, a.title, a.text) for a in got] == [(a.id, a.title, a.text) for a in expected]
    errors = [r["error"] for r in rows if r["error"]]
    assert len(errors) == len(refused) and all(f"/{name}: " in e for name, e in zip(refused, errors)), errors
    assert all(" " in a.source and a.source.startswith("file:") for a in got), got[0].source


def test_a_local_file_is_named_as_hadoop_names_it():
    from storylens.spark.read import local_path

    assert local_path("file:/data/news/a b#1?.html") == Path("/data/news/a b#1?.html")
    assert local_path("file:///data/x.warc") == Path("/data/x.warc")
    assert local_path("file://localhost/data/x.warc") == Path("/data/x.warc")
    assert local_path("hdfs://namenode/data/x.warc") is None and local_path("s3a://bucket/x.warc") is None


def test_a_missing_input_or_store_folder_is_named(spark, tmp_path):
    from storylens.errors import InputError, StoreNotFound
    from storylens.spark import read_inputs
    from storylens.store import open_store

    with pytest.raises(InputError, match="no such file or folder"):
        read_inputs(spark, [str(tmp_path / "absent.jsonl")])
    with pytest.raises(StoreNotFound, match="--output folder of `storylens spark ingest`"):
        open_store(f"parquet://{tmp_path / 'nothing'}")
