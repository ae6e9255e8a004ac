"""The engine's profile backends: in this process, or a pool of worker processes."""

from __future__ import annotations

import os
import signal

import numpy as np
from conftest import DEMO

from storylens.cluster.workers import InProcess, ProfilePool
from storylens.engine import StoryEngine
from storylens.ingest import read_articles
from storylens.store import SQLiteStore


def test_a_pool_gives_the_profiles_of_this_process_and_replaces_a_dead_worker():
    articles = list(read_articles(DEMO))[:6]
    here = [p for _, batch in InProcess().map([(0, articles[:3]), (1, articles[3:])]) for p in batch]
    pool = ProfilePool(workers=1, ahead=1)
    try:
        first = next(iter(pool.map([(0, articles[:3])])))[1]
        for pid in list(pool._executor._processes):  # a worker killed (out of memory, an operator)
            os.kill(pid, signal.SIGKILL)
        second = next(iter(pool.map([(1, articles[3:])])))[1]
    finally:
        pool.close()
    there = first + second
    assert [p.article_id for p in there] == [p.article_id for p in here]
    for a, b in zip(here, there):
        assert a.keys == b.keys and a.numbers == b.numbers and a.language == b.language
        assert float(np.dot(a.vector, b.vector)) > 0.999


def test_an_engine_with_a_given_backend_keeps_it_and_reports_each_batch(tmp_path):
    articles = list(read_articles(DEMO))
    store = SQLiteStore(tmp_path / "b.db")
    batches = []
    try:
        backend = InProcess()
        engine = StoryEngine(store, batch_size=5, profiler=backend)
        report = engine.ingest_articles(articles, on_batch=batches.append)
        assert engine._profiler_now() is backend
    finally:
        store.close()
    assert [len(b) for b in batches] == [5, 5, 5, 4] and report.added == len(articles) == 19
    assert [a.article_id for b in batches for a in b] == [a.id for a in articles]


def test_workers_take_their_threads_from_the_whole_budget_once():
    """However often a pool starts (a dead worker replaced, a second ingest), the parent
    keeps its whole budget less one thread a worker: nothing more is taken each time."""
    import subprocess
    import sys

    probe = ("from storylens.threads import set_threads, keep_for_workers\n"
             "set_threads(4)\n"
             "print(keep_for_workers(2), keep_for_workers(2), keep_for_workers(1))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["2", "2", "3"]
