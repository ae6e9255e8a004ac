"""The clusterer's state saved beside a real SQLite store and loaded from arrays: the same
state a replay of the same stored profiles builds, profile by profile and sum by sum; a
damaged or stale file is refused and the store replayed instead."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

from conftest import DEMO, ROOT
from storylens.cluster.assign import StoryClusterer
from storylens.cluster.profile_table import ProfileColumns, ProfileTable
from storylens.engine import INDEX_FILE, StoryEngine
from storylens.ingest import read_articles
from storylens.settings import current
from storylens.store import SQLiteStore

FOLLOW_UPS = ROOT / "demo" / "follow-ups.jsonl"
SUFFIXES = ("", ".json", ".npz")


def _articles():
    articles = [a for path in (DEMO, FOLLOW_UPS) for a in read_articles(path)]
    return sorted(articles, key=lambda a: a.published)


def _settings(days: float):
    settings = current()
    return dataclasses.replace(settings, stories=dataclasses.replace(
        settings.stories, window_days=days, window_undated=2, compact_every=4))


def _same_profile(a, b) -> bool:
    """Field by field; the sets also iterate in the same order (sums over them then agree to the bit)."""
    return (a.article_id, a.language, a.published, a.outlet, a.fingerprint.size) == (
        b.article_id, b.language, b.published, b.outlet, b.fingerprint.size) and all(
        list(getattr(a, f)) == list(getattr(b, f)) for f in ("keys", "numbers", "terms")) and np.array_equal(
        a.vector, b.vector) and np.array_equal(a.fingerprint.hashvalues, b.fingerprint.hashvalues)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A store whose engine closed with a 5-day window (stories went dormant, some merged)."""
    path = tmp_path_factory.mktemp("saved") / "s.db"
    store = SQLiteStore(path)
    with StoryEngine(store, batch_size=3, settings=_settings(5.0)) as engine:
        engine.ingest_articles(_articles())
        closed = engine.clusterer
    store.close()
    return path, closed


def test_a_loaded_state_is_the_state_a_replay_of_its_profiles_builds(saved):
    path, closed = saved
    with SQLiteStore(path) as store, StoryEngine(store, settings=_settings(5.0)) as engine:
        loaded = engine.clusterer
        assert loaded.index_loaded_ and isinstance(loaded.profiles_, ProfileTable)
        ids = loaded.profiles_.ids()
        assert ids == closed.profiles_.ids() and 0 < len(ids) < len(_articles())
        replayed = StoryClusterer.from_settings(_settings(0.0).stories)  # no window: a replay of exactly these
        replayed.restore(store.profiles_of(ids), store.story_seq(), story_threads=store.story_threads(),
                         last_thread_seq=store.thread_seq())
    for position in range(len(ids)):
        assert _same_profile(loaded.profiles_[position], replayed.profiles_[position])
    n = len(ids)
    assert np.array_equal(loaded.vectors_[:n], replayed.vectors_[:n])
    assert np.array_equal(loaded.times_[:n], replayed.times_[:n], equal_nan=True)
    assert np.array_equal(loaded.covered_[:n], replayed.covered_[:n])
    assert loaded.story_of_ == replayed.story_of_
    assert {s: sorted(m) for s, m in loaded.members_.items()} == replayed.members_
    assert loaded.members_ == closed.members_  # merged stories' members in their merge order
    assert loaded.vector_sum_.keys() == replayed.vector_sum_.keys()
    assert all(np.array_equal(loaded.vector_sum_[s], replayed.vector_sum_[s]) for s in loaded.vector_sum_)
    for name in ("languages_", "story_newest_", "rare_names_", "position_of_"):
        assert getattr(loaded, name) == getattr(replayed, name), name
    for name in ("names_", "numbers_", "terms_", "n_docs_"):
        assert getattr(loaded.terms_, name) == getattr(closed.terms_, name) == getattr(replayed.terms_, name), name
    assert (loaded.arrival_of_, loaded.arrivals_, loaded.placed_since_check_, loaded.story_last_) == (
        closed.arrival_of_, closed.arrivals_, closed.placed_since_check_, closed.story_last_)
    assert loaded.linker_.thread_of_ == replayed.linker_.thread_of_
    assert loaded.duplicates_._keys == replayed.duplicates_._keys
    assert np.array_equal(loaded.duplicates_._hashes[:n], replayed.duplicates_._hashes[:n])


def test_columns_of_profiles_give_the_profiles_back_and_extend(saved):
    _, closed = saved
    profiles = list(closed.profiles_)
    head = ProfileColumns.of(profiles[:5])
    both = ProfileColumns.of(profiles[5:], after=head)
    rebuilt = ProfileColumns.from_arrays(both.arrays())
    assert rebuilt.ids == [p.article_id for p in profiles]
    for i, profile in enumerate(profiles):
        made = rebuilt.profile(i)
        assert made.keys == profile.keys and made.terms == profile.terms and made.numbers == profile.numbers
        assert (made.published, made.language, made.outlet) == (profile.published, profile.language, profile.outlet)
        assert np.allclose(made.vector, profile.vector, atol=1e-3)  # kept as float16, as the store keeps it
    table = ProfileTable(head)
    table.append(profiles[5])
    assert table.ids() == [p.article_id for p in profiles[:6]] and table[-1] is profiles[5]
    assert table.to_columns().ids == table.ids()


@pytest.mark.parametrize("damage", ["truncated", "another close", "missing"])
def test_a_damaged_or_stale_state_file_is_refused_and_the_store_replayed(saved, tmp_path, damage):
    path, _ = saved
    for suffix in ("", "-wal", "-shm", *(f".{INDEX_FILE}{s}" for s in SUFFIXES)):
        if path.with_name(path.name + suffix).exists():
            shutil.copy(path.with_name(path.name + suffix), tmp_path / f"s.db{suffix}")
    arrays = tmp_path / f"s.db.{INDEX_FILE}.npz"
    if damage == "truncated":
        arrays.write_bytes(arrays.read_bytes()[: arrays.stat().st_size // 2])
    elif damage == "another close":  # the arrays of an earlier close beside this close's index and description
        other = tmp_path / "other.db"
        with SQLiteStore(other) as store, StoryEngine(store, settings=_settings(5.0)) as engine:
            engine.ingest_articles(_articles()[:6])
        shutil.copy(other.with_name(f"other.db.{INDEX_FILE}.npz"), arrays)
    else:
        arrays.unlink()
    with SQLiteStore(tmp_path / "s.db") as store, StoryEngine(store, settings=_settings(5.0)) as engine:
        assert not engine.clusterer.index_loaded_
        assert len(engine.clusterer.profiles_) > 0


def test_any_damage_to_the_arrays_is_refused_or_loads_whole(saved, tmp_path):
    """Bytes changed, cut or inserted anywhere in the arrays file: reading it gives None or
    a state every profile of which builds; never an exception."""
    import random

    from storylens.cluster.assign import _new_index
    from storylens.cluster.saved_state import read_saved, read_state, state_arrays

    path, _ = saved
    for suffix in ("", "-wal", "-shm", *(f".{INDEX_FILE}{s}" for s in SUFFIXES)):
        if path.with_name(path.name + suffix).exists():
            shutil.copy(path.with_name(path.name + suffix), tmp_path / f"s.db{suffix}")
    with SQLiteStore(tmp_path / "s.db") as store:
        index, mark = store.state_path(INDEX_FILE), store.articles_mark()
    meta, window = read_saved(index), StoryClusterer.from_settings(_settings(5.0).stories).saved_window()
    good = state_arrays(index).read_bytes()
    assert read_state(index, meta, mark, window, _new_index) is not None
    rng = random.Random(7)
    refused = 0
    for trial in range(90):
        data = bytearray(good)
        if trial % 3 == 0:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif trial % 3 == 1:
            data = data[: rng.randrange(len(data))]
        else:
            at = rng.randrange(len(data))
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        state_arrays(index).write_bytes(bytes(data))
        state = read_state(index, meta, mark, window, _new_index)
        if state is None:
            refused += 1
        else:
            assert len([state.columns.profile(i) for i in range(len(state.columns))]) == len(state.columns)
    assert refused >= 80
