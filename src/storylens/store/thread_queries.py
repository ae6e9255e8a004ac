"""The SQL of the ``Store`` thread queries, for ``SQLiteStore``.

A thread's members are the live stories whose ``thread_id`` is the thread's; a thread merged
into another (``merged_into``) leads to its survivor, as a merged story does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from storylens.errors import StoreNotFound
from storylens.store.base import Story, StoryMember, Thread, ThreadDetail, ThreadPage, ThreadStory
from storylens.store.connect import guarded
from storylens.store.queries import snapshot
from storylens.store.rows import STORY_SQL, THREAD_MEMBERS, copy_row, filtered, follow_merges, read_date, story_row

if TYPE_CHECKING:
    from storylens.store.sqlite import SQLiteStore

LEAD_CHARS = 300  # characters of a step's first report shown as what happened

_THREAD_SQL = """
    SELECT t.id, t.title, COUNT(DISTINCT s.id), COUNT(a.rowid), json_group_array(DISTINCT a.language),
           json_group_array(DISTINCT a.outlet), MIN(a.published), MAX(a.published), t.updated_at
    FROM threads t JOIN stories s ON s.thread_id = t.id AND s.merged_into IS NULL
         JOIN articles a ON a.story_id = s.id
    WHERE t.merged_into IS NULL {where}
    GROUP BY t.id {having}
    ORDER BY t.updated_at DESC, t.seq DESC
"""


def _thread(row: tuple) -> Thread:
    return Thread(id=row[0], title=row[1], stories=row[2], articles=row[3],
                  languages=tuple(sorted(v for v in json.loads(row[4]) if v)),
                  outlets=tuple(sorted(v for v in json.loads(row[5]) if v)),
                  first_published=read_date(row[6]), last_published=read_date(row[7]), updated_at=row[8])


@guarded
def find_threads(store: SQLiteStore, *, language: str | None = None, since: datetime | None = None,
                 q: str | None = None, limit: int = 50, offset: int = 0) -> ThreadPage:
    """Live threads, most recently updated first, filtered and paged."""
    sql, args = filtered(_THREAD_SQL, "t", THREAD_MEMBERS, language=language, since=since, q=q)
    with snapshot(store):
        total = store.conn.execute(f"SELECT COUNT(*) FROM ({sql})", args).fetchone()[0]
        rows = store.conn.execute(sql + " LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
    return ThreadPage(total=total, limit=limit, offset=offset, threads=[_thread(r) for r in rows])


@guarded
def live_thread(store: SQLiteStore, thread_id: str) -> str:
    """The thread ``thread_id`` is now (itself, or the one it was merged into)."""
    live = follow_merges(store.conn, "threads", thread_id)
    if live is None:
        raise StoreNotFound(f"no thread {thread_id!r} in {store.path}; list them with `storylens threads`")
    return live


@guarded
def _in_time_order(store: SQLiteStore, thread_id: str) -> list[Story]:
    """The live stories of a live thread, by first report (undated last), then id."""
    sql = STORY_SQL.format(where="AND s.thread_id = ?", having="")
    stories = [story_row(r) for r in store.conn.execute(sql, (thread_id,))]
    return sorted(stories, key=lambda s: (s.first_published is None, s.first_published or datetime.min, s.id))


def thread_stories(store: SQLiteStore, thread_id: str) -> list[Story]:
    """The stories of a thread in time order, without their leads and members (a story
    page's steps before and after it)."""
    with snapshot(store):
        return _in_time_order(store, live_thread(store, thread_id))


def thread(store: SQLiteStore, thread_id: str) -> ThreadDetail:
    """One thread, its stories in time order (undated last), each with its first report."""
    with snapshot(store):
        thread_id = live_thread(store, thread_id)
        row = store.conn.execute(_THREAD_SQL.format(where="AND t.id = ?", having=""), (thread_id,)).fetchone()
        if row is None:
            raise StoreNotFound(f"thread {thread_id!r} in {store.path} has no story left")
        stories = _in_time_order(store, thread_id)
        links = dict((r[0], (r[1], r[2])) for r in store.conn.execute(
            "SELECT id, linked_story, link_score FROM stories WHERE thread_id = ?", (thread_id,)))
        members: dict[str, list[str]] = {}
        for story_id, article_id in store.conn.execute(
                "SELECT a.story_id, a.id FROM articles a JOIN stories s ON s.id = a.story_id"
                " WHERE s.thread_id = ? AND s.merged_into IS NULL"
                " ORDER BY a.published IS NULL, a.published, a.rowid", (thread_id,)):
            members.setdefault(story_id, []).append(article_id)
        steps = []
        for story in stories:
            r = store.conn.execute(
                "SELECT id, title, outlet, url, language, published, duplicate_of, duplicate_kind, overlap,"
                " story_score, substr(text, 1, ?) FROM articles WHERE story_id = ?"
                " ORDER BY duplicate_of IS NOT NULL, published IS NULL, published, rowid LIMIT 1",
                (LEAD_CHARS, story.id)).fetchone()
            lead = StoryMember(id=r[0], title=r[1], outlet=r[2], url=r[3], language=r[4], published=read_date(r[5]),
                               copy_of=copy_row(r[6], r[7], r[8]), score=r[9])
            linked, score = links.get(story.id, (None, None))
            steps.append(ThreadStory(story=story, lead=lead, lead_text=r[10], linked_story=linked, link_score=score,
                                     article_ids=tuple(members.get(story.id, ()))))
        merged = tuple(r[0] for r in store.conn.execute("SELECT from_id FROM thread_merges WHERE into_id = ?",
                                                         (thread_id,)))
    return ThreadDetail(thread=_thread(row), steps=tuple(steps), merged_from=merged)


@guarded
def story_threads(store: SQLiteStore) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, thread_id FROM stories WHERE merged_into IS NULL"))


@guarded
def thread_seq(store: SQLiteStore) -> int:
    return store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM threads").fetchone()[0]
