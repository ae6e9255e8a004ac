"""A store in trouble: read-only media, a full disk, a damaged page, two writers at once,
another application's SQLite file. Real SQLite files in tmp_path, the real CLI."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import DATASETS, DEMO, ROOT, need, run_cli
from storylens.engine import StoryEngine
from storylens.errors import NotAStore, StoreDamaged, StoreFull, StoreReadOnly
from storylens.ingest import read_articles
from storylens.store import SQLiteStore


def _demo_store(folder: Path, *, leave_wal: bool = False) -> Path:
    """The demo corpus in a store under ``folder``; ``leave_wal`` copies the files while the
    writer is still open, so committed pages wait in the ``-wal`` file."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "demo.db"
    if not leave_wal:
        with SQLiteStore(db) as store:
            StoryEngine(store).ingest([DEMO])
        return db
    scratch = folder.parent / f"{folder.name}-scratch"
    scratch.mkdir()
    with SQLiteStore(scratch / "demo.db") as store:
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        StoryEngine(store).ingest([DEMO])
        for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
            shutil.copy(scratch / name, folder / name)
    assert (folder / "demo.db-wal").stat().st_size > 0
    return db


_READER = textwrap.dedent("""
    import json, sys
    from storylens.errors import StoreError
    from storylens.store import SQLiteStore
    db = sys.argv[1]
    out = {}
    with SQLiteStore(db, readonly=True) as store:
        out["counts"] = store.counts()
        out["stories"] = len(store.stories())
        first = store.stories(limit=1)[0].id
        out["members"] = len(store.story(first).members)
    try:
        SQLiteStore(db)
        out["writer"] = "opened"
    except StoreError as exc:
        out["writer"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(out))
""")


def _read_on_read_only_media(folder: Path, tmp_path: Path) -> dict:
    """Run the reader with ``folder`` read-only: by permissions, or, as root (whom
    permissions do not stop), through a read-only bind mount in a private mount namespace."""
    script = tmp_path / "reader.py"
    script.write_text(_READER)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if os.geteuid() != 0:
        files = list(folder.iterdir())
        for f in files:
            f.chmod(0o444)
        folder.chmod(0o555)
        try:
            done = subprocess.run([sys.executable, str(script), str(folder / "demo.db")],
                                  capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        finally:
            folder.chmod(0o755)
            for f in files:
                f.chmod(0o644)
    else:
        if not shutil.which("unshare"):
            pytest.skip("running as root, where chmod does not stop writes, and `unshare` is missing for a read-only mount")
        mount = tmp_path / "ro"
        mount.mkdir()
        probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {folder} {mount} && "
                                f"mount -o remount,bind,ro {mount} && ! touch {mount}/probe 2>/dev/null"],
                               capture_output=True, text=True)
        if probe.returncode != 0:
            pytest.skip(f"running as root, where chmod does not stop writes, and no read-only bind mount here "
                        f"({probe.stderr.strip() or 'mount refused'})")
        done = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {folder} {mount} && "
                               f"mount -o remount,bind,ro {mount} && exec {sys.executable} {script} {mount}/demo.db"],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("leave_wal", [False, True], ids=["checkpointed", "pages-in-wal"])
def test_a_store_on_read_only_media_can_be_read(tmp_path, leave_wal):
    folder = tmp_path / "media"
    _demo_store(folder, leave_wal=leave_wal)
    with SQLiteStore(folder / "demo.db") as store:  # a writer, last to close, folds the -wal file back in
        expected = store.counts()
    if leave_wal:
        _demo_store(tmp_path / "again", leave_wal=True)
        for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
            shutil.copy(tmp_path / "again" / name, folder / name)
    before = sorted(p.name for p in folder.iterdir())
    assert before == (["demo.db", "demo.db-shm", "demo.db-wal"] if leave_wal else ["demo.db"])
    seen = _read_on_read_only_media(folder, tmp_path)
    assert seen["counts"] == expected and expected["articles"] == 19
    assert seen["stories"] == expected["stories"] and seen["members"] >= 1
    assert seen["writer"].startswith("StoreReadOnly: ") and "read-only" in seen["writer"]
    assert sorted(p.name for p in folder.iterdir()) == before


def _full_store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "full.db")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 3}")  # as if the disk had three pages left
    return store


def test_a_full_disk_says_disk_is_full_and_keeps_nothing_of_the_batch(tmp_path):
    store = _full_store(tmp_path)
    with pytest.raises(StoreFull, match="disk is full") as caught:
        StoryEngine(store).ingest([DEMO])
    assert str(tmp_path / "full.db") in str(caught.value) and "rollback" not in str(caught.value)
    assert store.counts() == {"articles": 0, "stories": 0, "copies": 0}
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: the same store goes on
    StoryEngine(store).ingest([DEMO])
    assert store.counts()["articles"] == 19
    store.close()


def test_a_full_disk_while_keeping_analyses_says_disk_is_full(tmp_path):
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
        from storylens.engine import story_analyses

        story = store.stories(limit=1)[0].id
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreFull, match="disk is full"):
            story_analyses(store, story)
        assert store.conn.execute("SELECT COUNT(*) FROM analyses").fetchone()[0] == 0


def _damage(db: Path) -> None:
    """Overwrite the middle third of the file's pages (their headers and contents)."""
    data = bytearray(db.read_bytes())
    page = 4096
    pages = len(data) // page
    for n in range(pages // 3, 2 * pages // 3):
        data[n * page:n * page + 512] = os.urandom(512)
    db.write_bytes(bytes(data))


def test_a_damaged_page_is_one_line_naming_the_file(tmp_path):
    db = _demo_store(tmp_path / "d")
    _damage(db)
    with pytest.raises(StoreDamaged, match="damaged"):
        with SQLiteStore(db, readonly=True) as store:
            store.stories()
            for s in store.stories():
                store.story(s.id)
    for args in (["stories", "--db", str(db)], ["stories", "--db", str(db), "--json"]):
        done = run_cli(*args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1, done.stderr
        assert lines[0].startswith(f"storylens: error: {db}: the store file is damaged") and "Traceback" not in done.stderr


def test_ingest_into_a_damaged_store_is_one_line(tmp_path):
    db = _demo_store(tmp_path / "d")
    _damage(db)
    done = run_cli("ingest", str(DEMO), "--db", str(db))
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(db) in lines[0] and ("damaged" in lines[0] or "not a storylens store" in lines[0])


def test_two_concurrent_ingests_store_every_article_once(tmp_path):
    corpus = need(DATASETS / "giveme5w1h-news-cluster" / "articles.jsonl")
    rows = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()][:300]
    shared = rows[:40]  # in both inputs
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(rows[0::2] + shared) + "\n", encoding="utf-8")
    b.write_text("\n".join(rows[1::2] + shared) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    SQLiteStore(db).close()
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    children = [subprocess.Popen([sys.executable, "-m", "storylens.cli", "ingest", str(path), "--db", str(db), "--json"],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for path in (a, b)]
    results = [child.communicate(timeout=600) for child in children]
    for child, (stdout, stderr) in zip(children, results):
        assert child.returncode == 0 and "UNIQUE" not in stderr, stderr
    reports = [json.loads(stdout) for stdout, _ in results]
    ids = {json.loads(r)["id"] for r in rows}
    assert sum(r["added"] for r in reports) == len(ids)
    with SQLiteStore(db, readonly=True) as store:
        assert sorted(store.article_stories()) == sorted(ids)
        conn = store.conn
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(ids)
        assert conn.execute("SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
                            " WHERE s.id IS NULL").fetchone()[0] == 0
        profiled = conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]
        assert profiled + store.counts()["copies"] >= len(ids)
        live = {s.id for s in store.stories()}
        assert live == {story for story in store.article_stories().values()}


def test_a_second_writer_waits_and_places_after_reading_the_first_writers_stories(tmp_path):
    articles = list(read_articles(DEMO))
    db = tmp_path / "s.db"
    with SQLiteStore(db) as first, SQLiteStore(db) as second:
        one, two = StoryEngine(first, batch_size=4), StoryEngine(second, batch_size=4)  # both read an empty store
        one.ingest_articles(articles[:10])
        two.ingest_articles(articles[5:])  # five of them stored by the first meanwhile
        one.ingest_articles(articles[15:])
    with SQLiteStore(tmp_path / "alone.db") as alone:
        StoryEngine(alone, batch_size=4).ingest_articles(articles)
        expected = alone.article_stories()
    with SQLiteStore(db, readonly=True) as store:
        assert store.article_stories() == expected  # the same stories as one writer gives


def _foreign(path: Path, with_migrations: bool = False) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    if with_migrations:  # a table of the same name, someone else's
        conn.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, version TEXT)")
        conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("with_migrations", [False, True], ids=["plain", "own-migrations-table"])
def test_another_applications_sqlite_file_is_refused_and_left_alone(tmp_path, with_migrations):
    other = tmp_path / "app.sqlite"
    digest = _foreign(other, with_migrations)
    with pytest.raises(NotAStore, match="not a storylens store"):
        SQLiteStore(other)
    with pytest.raises(NotAStore, match="not a storylens store"):
        SQLiteStore(other, readonly=True)
    for args in (["ingest", str(DEMO), "--db", str(other)], ["stories", "--db", str(other)]):
        done = run_cli(*args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, done.stderr
        assert "not a storylens store" in lines[0] and "migrate" not in lines[0]
    assert hashlib.sha256(other.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]  # no -wal, no -shm left behind


def test_an_empty_file_becomes_a_store(tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    with SQLiteStore(db) as store:
        StoryEngine(store).ingest([DEMO])
        assert store.counts()["articles"] == 19


def test_a_read_only_store_file_refuses_writes_with_the_reason(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop writes (the read-only mount test covers this)")
    db = _demo_store(tmp_path / "d")
    db.chmod(0o444)
    try:
        with pytest.raises(StoreReadOnly, match="read-only"):
            SQLiteStore(db)
    finally:
        db.chmod(0o644)


def test_any_damage_is_one_store_error_never_a_traceback(tmp_path_factory):
    """Property: garbage written anywhere in a store file, any length: reading every story,
    article, profile and analysis, and opening an engine on it, either works or raises a
    StoreError; nothing else escapes."""
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings, strategies as st

    from storylens.engine import story_analyses
    from storylens.errors import StoreError

    base = _demo_store(tmp_path_factory.mktemp("base"))
    with SQLiteStore(base) as store:
        for s in store.stories():
            if s.articles > 1:
                story_analyses(store, s.id)  # analyses in the file too
                break
    data = base.read_bytes()
    scratch = tmp_path_factory.mktemp("damaged")

    @settings(max_examples=80, deadline=None, derandomize=True)
    @given(offset=st.integers(0, len(data) - 1), garbage=st.binary(min_size=1, max_size=4096))
    def check(offset, garbage):
        db = scratch / "demo.db"
        for extra in ("-wal", "-shm"):
            scratch.joinpath("demo.db" + extra).unlink(missing_ok=True)
        db.write_bytes((data[:offset] + garbage + data[offset + len(garbage):])[:len(data)])
        try:
            with SQLiteStore(db, readonly=True) as store:
                store.counts()
                for s in store.stories():
                    store.story(s.id)
                    store.analyses([a.article.id for a in store.story_articles(s.id)])
                list(store.profiles())
            with SQLiteStore(db) as store:
                StoryEngine(store)
        except StoreError as exc:
            assert "\n" not in str(exc) and str(db) in str(exc)

    check()


def test_a_damaged_analysis_or_profile_row_is_a_store_error(tmp_path):
    """Bytes damaged inside a row (SQLite reads the page, storylens cannot decode the row):
    a StoreDamaged naming the file and the article, not a JSON or NumPy traceback."""
    from storylens.engine import story_analyses
    from storylens.errors import StoreDamaged

    db = _demo_store(tmp_path / "base")
    with SQLiteStore(db) as store:
        story = next(s for s in store.stories() if s.articles > 1)
        story_analyses(store, story.id)
        ids = [a.article.id for a in store.story_articles(story.id)]
        store.conn.execute("UPDATE analyses SET data = substr(data, 1, 40) || '\x01' || substr(data, 42)"
                           " WHERE article_rowid = (SELECT rowid FROM articles WHERE id = ?)", (ids[0],))
        store.conn.execute("UPDATE profiles SET fingerprint = X'00ff' WHERE article_rowid = 1")
        store.conn.commit()
    with SQLiteStore(db, readonly=True) as store:
        with pytest.raises(StoreDamaged, match=rf"{db}: the stored analysis of article '{ids[0]}' cannot be read"):
            store.analyses(ids)
        with pytest.raises(StoreDamaged, match=r"the story profile of article .* cannot be read .*sqlite3 FILE \.recover"):
            list(store.profiles())


def test_a_conflicting_write_keeps_the_servers_engine(tmp_path):
    """An id stored with other content is refused (409) before anything of its batch is
    placed, so the server's engine is kept (no replay of the whole store on the next
    write) and the next article still joins its story."""
    from serverproc import demo_records

    from storylens.errors import Conflict
    from storylens.server.service import StoryService

    records = {r["id"]: r for r in demo_records()}
    service = StoryService(tmp_path / "served.db", profile_workers=0)
    try:
        first = service.add_records(records["harbor-fire-en-cpa"])["articles"][0]
        engine = service._engine
        with pytest.raises(Conflict, match="harbor-fire-en-cpa") as refused:
            service.add_records(dict(records["harbor-fire-en-cpa"], text="Other text under a stored id, at length."))
        assert refused.value.http_status == 409
        assert service._engine is engine
        german = service.add_records(records["harbor-fire-de-hollerstadt"])["articles"][0]
        assert german["story_id"] == first["story_id"]
    finally:
        service.close()
