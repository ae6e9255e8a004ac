"""The store contract: what every backend behind ``open_store(location)`` must do.

Run on each writable backend in ``storylens.store.BACKENDS`` (SQLite today), with real
articles placed by the real engine. A new backend passes these before it is offered. The
read-only ``parquet`` backend is the output of a Spark job: tests/test_spark.py opens one
and checks that it answers these queries as the SQLite store the job placed into.
"""

from __future__ import annotations

import pytest
from conftest import DEMO

from storylens.engine import StoryEngine
from storylens.errors import ConfigError, Conflict, StoreNotFound, StoreReadOnly
from storylens.ingest import read_articles
from storylens.records import StoryId
from storylens.store import BACKENDS, Store, open_store, store_path

LOCATIONS = {"sqlite": lambda tmp: f"sqlite://{tmp / 'contract.db'}"}


READ_ONLY = {"parquet": "tests/test_spark.py::test_the_output_serves_as_a_read_only_store"}


def test_every_backend_is_covered():
    assert set(BACKENDS) == set(LOCATIONS) | set(READ_ONLY)


@pytest.fixture(params=sorted(LOCATIONS))
def location(request, tmp_path):
    return LOCATIONS[request.param](tmp_path)


@pytest.fixture(scope="module")
def demo():
    return list(read_articles(DEMO))


def filled(location, articles) -> Store:
    store = open_store(location)
    with StoryEngine(store) as engine:
        engine.ingest_articles(articles)
    return store


def test_an_empty_store(location, demo):
    with open_store(location) as store:
        assert isinstance(store, Store) and not store.readonly
        assert store.counts() == {"articles": 0, "stories": 0, "copies": 0}
        assert store.story_seq() == 0 and store.stories() == [] and list(store.profiles()) == []
        assert store.article_stories() == {} and store.known([]) == {}
        with pytest.raises(StoreNotFound):
            store.story("s000001")
        empty = store.articles_mark()
        with StoryEngine(store) as engine:
            engine.ingest_articles(demo[:1])
        assert empty is None or store.articles_mark() != empty, "the mark moves when an article is stored"


def test_what_is_stored_is_read_back_alike(location, demo):
    with filled(location, demo) as store:
        placed = store.article_stories()
        assert set(placed) == {a.id for a in demo}
        counts = store.counts()
        listed = store.stories()
        assert counts["articles"] == len(demo) and counts["stories"] == len(listed) == len(set(placed.values()))
        assert store.story_seq() == max(StoryId.parse(s.id).seq for s in listed)
        assert sum(s.articles for s in listed) == len(demo) and sum(s.copies for s in listed) == counts["copies"] >= 1
        for story in listed:
            detail = store.story(story.id)
            assert {m.id for m in detail.members} == {a for a, s in placed.items() if s == story.id}
            members = store.story_articles(story.id)
            times = [m.article.published for m in members if m.article.published]
            assert times == sorted(times)
            assert all(store.story_of(m.article.id) == story.id for m in members)
        assert store.known(demo) == {a.id: "id" for a in demo}
        first = demo[0]
        assert store.by_content(first.content_hash) == first.id
        profiled = dict((p.article_id, s) for p, s in store.profiles())
        assert set(profiled) <= set(placed) and all(placed[a] == s for a, s in profiled.items())
        some = sorted(profiled)[::-3]  # the profiles of given ids come in the order asked, unknown ids left out
        assert [p.article_id for p, _ in store.profiles_of(some + ["no-such-article"])] == some
        assert store.profiles_of([]) == []
        mark = store.articles_mark()
        with open_store(location, readonly=True) as other:  # the mark is of the store, not of a connection
            assert other.articles_mark() == mark


def test_a_stored_id_with_other_content_is_a_conflict(location, demo):
    with filled(location, demo[:2]) as store:
        changed = type(demo[0])(**{**demo[0].__dict__, "text": demo[0].text + " A late correction."})
        with pytest.raises(Conflict, match=demo[0].id):
            store.known([changed])


def test_a_store_reopened_read_only_answers_and_refuses_writes(location, demo):
    filled(location, demo[:4]).close()
    with open_store(location, readonly=True) as store:
        assert store.readonly and store.counts()["articles"] == 4
        with pytest.raises(StoreReadOnly):
            store.save_analyses([])
        with pytest.raises(StoreReadOnly), StoryEngine(store) as engine:
            engine.ingest_articles(demo[4:6])
        assert store.counts()["articles"] == 4


def test_a_reader_handle_sees_every_commit(location, demo):
    # the server gives each thread such a handle and watches one for writes
    with filled(location, demo[:2]) as store:
        reader = store.reader()
        try:
            assert reader.readonly and reader.counts()["articles"] == 2
            before = reader.changes()
            with StoryEngine(store) as engine:
                engine.ingest_articles(demo[2:3])
            assert reader.counts()["articles"] == 3, "a reader sees what its store committed"
            assert reader.changes() != before, "its changes move with the other handle's commit"
            with pytest.raises(StoreReadOnly):
                reader.save_analyses([])
        finally:
            reader.close()


def test_locations_name_their_backend():
    assert store_path("sqlite:///abs/news.db") == ("sqlite", "/abs/news.db")
    assert store_path("news.db") == store_path("sqlite:news.db") == ("sqlite", "news.db")
    assert store_path(None)[0] == "sqlite"
    with pytest.raises(ConfigError, match="no store backend 'postgres'"):
        store_path("postgres://db.example/news")


def test_the_queries_of_the_cli_and_the_server(location, demo):
    from storylens.records import Validators

    with filled(location, demo) as store:
        with store.snapshot():
            page = store.find_stories(limit=2)
            assert page.total == store.counts()["stories"] and len(page.stories) == 2 and page.offset == 0
            german = store.find_stories(language="de")
            assert german.total >= 1 and all("de" in s.languages for s in german.stories)
        fire = store.find_stories(q="FIRE northbridge")
        assert fire.total == 1 and "harbor-fire-en-cpa" in {m.id for m in store.story(fire.stories[0].id).members}
        one = store.stored_article("harbor-fire-en-cpa")
        assert one["id"] == "harbor-fire-en-cpa" and one["story_id"] == fire.stories[0].id and one["text"]
        with pytest.raises(StoreNotFound):
            store.stored_article("no-such-article")
        languages = dict(store.languages())
        assert sum(languages.values()) == len(demo) and {"en", "de", "fr", "es"} <= set(languages)
        live, members, _ = store.story_version(fire.stories[0].id)
        assert live == fire.stories[0].id and members == fire.stories[0].articles
        assert store.analysed_ids([a.id for a in demo]) == set()
        log = store.fetch_log()
        log.save("https://example.org/feed.xml", Validators('"v1"', None), 200)
        assert log.validators("https://example.org/feed.xml").etag == '"v1"'
    with open_store(location) as again:  # what the fetcher remembers is kept with the store
        assert again.fetch_log().validators("https://example.org/feed.xml").etag == '"v1"'


def test_thread_queries(location, demo):
    from conftest import ROOT

    follow_ups = list(read_articles(ROOT / "demo" / "follow-ups.jsonl"))
    with filled(location, demo + follow_ups) as store:
        placed = store.story_threads()
        assert set(placed) == {s.id for s in store.stories()} and store.thread_seq() >= len(set(placed.values()))
        page = store.threads()
        assert page.total == len(set(placed.values())) and {t.id for t in page.threads} == set(placed.values())
        longest = max(page.threads, key=lambda t: len(store.thread(t.id).steps))
        detail = store.thread(longest.id)
        assert len(detail.steps) >= 2, "the port chief's resignation is a step of the fire's thread"
        assert [s.id for s in store.thread_stories(longest.id)] == [step.story.id for step in detail.steps]
        with pytest.raises(StoreNotFound):
            store.thread_stories("t999999")
