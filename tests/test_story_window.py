"""The clusterer's live window on a real SQLite store: old stories go dormant, the store
brings them back when a new article's copy bands or rare names point at them, and the
stories and threads come out as with every story kept live."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

from conftest import DEMO, ROOT
from storylens.article import Article
from storylens.engine import StoryEngine
from storylens.ingest import read_articles
from storylens.settings import current
from storylens.records import revival_keys
from storylens.store import SQLiteStore

FOLLOW_UPS = ROOT / "demo" / "follow-ups.jsonl"


def _windowed(days: float = 5.0, revive_days: float = 730.0):
    """Settings with a short live window, checked every two articles."""
    settings = current()
    return dataclasses.replace(settings, stories=dataclasses.replace(
        settings.stories, window_days=days, window_undated=2, compact_every=2, revive_days=revive_days))


def _demo_in_time_order() -> list[Article]:
    articles = [a for path in (DEMO, FOLLOW_UPS) for a in read_articles(path)]
    return sorted(articles, key=lambda a: a.published)


def _ingest(path, articles, settings=None):
    store = SQLiteStore(path)
    with StoryEngine(store, batch_size=2, settings=settings) as engine:
        engine.ingest_articles(articles)
        held = len(engine.clusterer.profiles_)
    return store, held


def test_a_windowed_engine_forms_the_same_stories_and_threads(tmp_path):
    articles = _demo_in_time_order()
    whole, held_all = _ingest(tmp_path / "whole.db", articles, _windowed(0.0))  # every story live
    windowed, held = _ingest(tmp_path / "windowed.db", articles, _windowed())
    assert held < held_all == len(articles), "old stories should have gone dormant"
    assert windowed.article_stories() == whole.article_stories()
    assert windowed.story_threads() == whole.story_threads()
    # the port chief resigns two weeks after the fire: its story is revived through the names
    fire = windowed.story_of("harbor-fire-en-cpa")
    resign = windowed.story_of("northbridge-resign-en-cpa")
    threads = windowed.story_threads()
    assert resign != fire and threads[resign] == threads[fire]
    whole.close()
    windowed.close()


def test_a_copy_of_a_dormant_article_finds_its_original(tmp_path):
    articles = _demo_in_time_order()
    store, _ = _ingest(tmp_path / "w.db", articles, _windowed())
    original = next(a for a in articles if a.id == "harbor-fire-en-cpa")
    resent = dataclasses.replace(original, id="resent", outlet="Archive Daily", url=None,
                                 text=original.text + "\n\nThis report first ran in March.",
                                 published=datetime(2026, 6, 1, tzinfo=timezone.utc))
    with StoryEngine(store, batch_size=2, settings=_windowed()) as engine:
        fire = store.story_of("harbor-fire-en-cpa")
        assert engine.clusterer.dormant([fire]) == [fire], "the fire's story is outside the window when reopened"
        engine.ingest_articles([resent])
    assert store.story_of("resent") == fire
    member = next(m for m in store.story_articles(fire) if m.article.id == "resent")
    assert member.copy_of.of == "harbor-fire-en-cpa"
    store.close()


def test_reopening_a_windowed_store_loads_only_the_window(tmp_path):
    articles = _demo_in_time_order()
    store, _ = _ingest(tmp_path / "w.db", articles)
    store.close()
    store = SQLiteStore(tmp_path / "w.db")
    with StoryEngine(store, settings=_windowed(days=3.0)) as engine:
        held = len(engine.clusterer.profiles_)
        newest = max(a.published for a in articles)
        live = {a.id for a in articles if (newest - a.published).days <= 3}
        assert 0 < held < len(articles) and {p.article_id for p in engine.clusterer.profiles_} >= live
    store.close()


def test_the_window_is_a_setting(tmp_path):
    from conftest import run_cli

    shown = run_cli("config", "--json")
    assert shown.returncode == 0, shown.stderr
    stories = json.loads(shown.stdout)["settings"]["stories"]
    assert {"window_days", "window_undated", "compact_every", "revive_days"} <= set(stories)


def test_revival_keys_point_at_their_stories_and_common_ones_at_none(tmp_path):
    store, _ = _ingest(tmp_path / "w.db", _demo_in_time_order())
    fire = store.story_of("harbor-fire-en-cpa")
    profiles = {p.article_id: p for p, _ in store.story_profiles([fire])}
    wire, copy = (set(sum(revival_keys(profiles[i]), [])) for i in ("harbor-fire-en-cpa", "harbor-fire-en-lakeshore"))
    hits = store.stories_by_keys(sorted(wire), max_stories=3, max_articles=64)
    assert max(hits, key=hits.get) == fire
    shared = sorted(k for k in wire & copy if k.startswith("#"))  # the copy bands the wire copy shares
    assert shared and store.stories_by_keys(shared, max_stories=1, max_articles=2).get(fire) == len(shared)
    assert store.stories_by_keys(shared, 1, max_articles=1) == {}, "a key held by more articles than that points at nothing"
    names = sorted(k for k in wire if not k.startswith("#"))
    spread = [k for k in names if len(store.stories_by_keys([k], max_stories=99, max_articles=64)) > 1]
    assert all(store.stories_by_keys([k], max_stories=1, max_articles=64) == {} for k in spread)
    store.close()


def test_a_name_revives_only_through_articles_within_the_revival_span(tmp_path):
    """``stories.revive_days``: the port chief's resignation, two weeks after the fire, is
    linked to the fire's dormant story through a name while that is within the span, and
    not when the span is ten days; a copy band finds its original whatever its age."""
    articles = _demo_in_time_order()
    linked, _ = _ingest(tmp_path / "linked.db", articles, _windowed(revive_days=30.0))
    apart, _ = _ingest(tmp_path / "apart.db", articles, _windowed(revive_days=10.0))
    for store, same_thread in ((linked, True), (apart, False)):
        threads = store.story_threads()
        fire, resign = store.story_of("harbor-fire-en-cpa"), store.story_of("northbridge-resign-en-cpa")
        assert (threads[resign] == threads[fire]) is same_thread
    fire = apart.story_of("harbor-fire-en-cpa")
    held = [revival_keys(p) for p, _ in apart.story_profiles([fire])]
    bands, names = (sorted({k for pair in held for k in pair[i]}) for i in (0, 1))
    newest = max(a.published for a in articles)
    assert apart.stories_by_keys(names, 3, 64).get(fire)
    assert fire not in apart.stories_by_keys(names, 3, 64, names_since=newest - timedelta(days=10))
    assert apart.stories_by_keys(bands, 3, 64, names_since=newest).get(fire) == len(bands)
    original = next(a for a in articles if a.id == "harbor-fire-en-cpa")
    resent = dataclasses.replace(original, id="resent", outlet="Archive Daily", url=None,
                                 text=original.text + "\n\nThis report first ran in March.",
                                 published=datetime(2026, 11, 1, tzinfo=timezone.utc))
    with StoryEngine(apart, batch_size=2, settings=_windowed(revive_days=10.0)) as engine:
        report = engine.ingest_articles([resent])
    assert apart.story_of("resent") == fire and report.revived == 1, "a copy months later still finds its original"
    linked.close()
    apart.close()


def test_only_the_engine_windows_a_clusterer():
    from storylens.cluster.assign import StoryClusterer

    assert StoryClusterer().window_days == 0, "a clusterer without a store could never revive a story"
    assert StoryClusterer.from_settings(current().stories).window_days == current().stories.window_days > 0


def test_a_date_far_in_the_future_does_not_empty_the_window(tmp_path):
    articles = _demo_in_time_order()
    settings = _windowed(days=60.0)
    store = SQLiteStore(tmp_path / "w.db")
    with StoryEngine(store, batch_size=2, settings=settings) as engine:
        engine.ingest_articles(articles)
        fire = store.story_of("harbor-fire-en-cpa")
        assert fire in engine.clusterer.live_stories()
        misdated = [Article(id=f"misdated-{i}", title=f"Lottery draw number {i}",
                            text=f"The weekly lottery draw {i} was held on Saturday evening in the capital.",
                            published=datetime(2099, 1, 1, tzinfo=timezone.utc)) for i in range(3)]
        engine.ingest_articles(misdated)
        assert fire in engine.clusterer.live_stories(), "one misdated article moved the window past every story"
    store.close()


def test_a_reopened_windowed_store_loads_the_state_it_closed_with(tmp_path):
    """The engine saves the ids its clusterer held beside its index; reopening restores exactly
    those, in that order, so the saved index loads instead of being rebuilt (before, the store's
    window query gave another set and every open rebuilt the index). When the store changed
    since, or the window did, the window query is used, as before."""
    import shutil

    articles = _demo_in_time_order()
    settings = _windowed()  # a 5-day window, checked only every 1,000 articles: nothing leaves in this run
    settings = dataclasses.replace(settings, stories=dataclasses.replace(settings.stories, compact_every=1000))
    store = SQLiteStore(tmp_path / "w.db")
    with StoryEngine(store, batch_size=2, settings=settings) as engine:
        engine.ingest_articles(articles[:-4])
        held = [p.article_id for p in engine.clusterer.profiles_]
    window = {p.article_id for p, _ in store.profiles(since=articles[-5].published - timedelta(days=5), recent=2)}
    assert window < set(held), "the store's window query holds less than the engine did"
    saved = store.state_path("hnsw")
    stale = tmp_path / "stale"
    stale.mkdir()
    for suffix in ("", ".json", ".npz"):
        shutil.copy(f"{saved}{suffix}", stale)
    with StoryEngine(store, batch_size=2, settings=settings) as engine:
        assert engine.clusterer.index_loaded_
        assert [p.article_id for p in engine.clusterer.profiles_] == held
        engine.ingest_articles(articles[-4:])
    with StoryEngine(store, batch_size=2, settings=_windowed(days=2.0)) as engine:
        assert engine.clusterer.saved_state(saved, store.articles_mark()) is None, \
            "another window: the saved state is not what it would hold"
    for suffix in ("", ".json", ".npz"):  # the state saved before the last four articles were stored
        shutil.copy(stale / f"{saved.name}{suffix}", f"{saved}{suffix}")
    with StoryEngine(store, batch_size=2, settings=settings) as engine:
        restored = {p.article_id for p in engine.clusterer.profiles_}
        newest = {p.article_id for p, _ in store.profiles_of([a.id for a in articles[-2:]])}  # in the window's last two
        assert not engine.clusterer.index_loaded_ and newest and restored >= newest
    store.close()


def test_a_reopened_engine_places_as_one_that_stayed_open(tmp_path):
    """Closing and reopening between two runs changes nothing: the saved state comes back
    with its arrival numbers and its count to the next window check, so stories go dormant
    and are revived as they would have been in one run."""
    articles = _demo_in_time_order()
    first, rest = articles[:-6], articles[-6:]
    settings = _windowed()
    reopened = SQLiteStore(tmp_path / "reopened.db")
    with StoryEngine(reopened, batch_size=2, settings=settings) as engine:
        engine.ingest_articles(first)
        closed = ([p.article_id for p in engine.clusterer.profiles_], list(engine.clusterer.arrival_of_),
                  engine.clusterer.placed_since_check_)
    with StoryEngine(reopened, batch_size=2, settings=settings) as engine:
        clusterer = engine.clusterer
        assert clusterer.index_loaded_
        assert ([p.article_id for p in clusterer.profiles_], clusterer.arrival_of_, clusterer.placed_since_check_) == closed
        engine.ingest_articles(rest)
    single = SQLiteStore(tmp_path / "single.db")
    with StoryEngine(single, batch_size=2, settings=settings) as engine:
        engine.ingest_articles(first)
        engine.ingest_articles(rest)
    assert reopened.article_stories() == single.article_stories()
    assert reopened.story_threads() == single.story_threads()
    reopened.close()
    single.close()


def test_a_saved_state_beside_another_store_is_not_trusted(tmp_path):
    """The saved state names the store it is of: copied beside a store rebuilt from the same
    articles, it is not loaded."""
    import shutil

    articles = _demo_in_time_order()
    settings = _windowed()
    store, _ = _ingest(tmp_path / "a.db", articles[:10], settings)
    store.close()
    for suffix in ("", ".json", ".npz"):
        shutil.move(tmp_path / f"a.db.hnsw{suffix}", tmp_path / f"kept{suffix}")
    (tmp_path / "a.db").unlink()
    store, _ = _ingest(tmp_path / "a.db", articles[:10], dataclasses.replace(
        settings, stories=dataclasses.replace(settings.stories, join_threshold=0.9)))
    for suffix in ("", ".json", ".npz"):
        shutil.copy(tmp_path / f"kept{suffix}", tmp_path / f"a.db.hnsw{suffix}")
    with StoryEngine(store, settings=settings) as engine:
        assert engine.clusterer.saved_state(store.state_path("hnsw"), store.articles_mark()) is None
    store.close()
