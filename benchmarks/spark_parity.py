"""Spark job vs single-machine engine: stories, threads and copies (issue L, part 2).

    .venv/bin/python benchmarks/spark_parity.py [--master local[2]] [--json]

For giveme5w1h, MEANTIME and the 197 labelled real pages (../shared/datasets), the same
articles go (a) through the single-machine engine in arrival order (``eval clusters``'s
order: publication time, undated last, then file order) and (b) through ``storylens spark
ingest`` (profiles on the executors, placement on the driver). Printed per corpus: B-cubed
F1 of each against the gold stories (and threads, for giveme5w1h), whether the two
partitions are identical, the copies each recorded and how many agree, and what the
fingerprint-only ``find_copies`` band self-join finds beside the engine's copies.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clusters import CORPORA  # noqa: E402
from join_rule import PAGES  # noqa: E402


def _record(article) -> dict:
    return {"id": article.id, "title": article.title, "text": article.text, "url": article.url,
            "outlet": article.outlet, "published": article.published.isoformat() if article.published else None,
            "language": article.language, "authors": list(article.authors)}


def corpora() -> dict[str, tuple[list, list[str]]]:
    from storylens.evaluate.clusters import read_labelled_articles
    from storylens.evaluate.real_pages import read_labelled_pages

    out = {name: read_labelled_articles(path) for name, path in CORPORA.items()}
    pages = read_labelled_pages(PAGES)
    out["real pages"] = ([p.article for p in pages], [p.story for p in pages])
    return out


def single_machine(articles, folder: Path) -> tuple[dict, dict, dict, float]:
    from storylens.engine import StoryEngine
    from storylens.evaluate.clusters import arrival_order
    from storylens.ingest.dateline import with_dateline
    from storylens.store import SQLiteStore

    dated = [with_dateline(a) for a in articles]
    store = SQLiteStore(folder / "single.db")
    start = time.perf_counter()
    with StoryEngine(store) as engine:
        engine.ingest_articles(dated[i] for i in arrival_order(dated))
    seconds = time.perf_counter() - start
    try:
        return store.article_stories(), store.story_threads(), copies_of(store), seconds
    finally:
        store.close()


def copies_of(store) -> dict[str, str]:
    from storylens.store.tables import table_rows

    columns, rows = table_rows(store, "articles")
    i, j = columns.index("id"), columns.index("duplicate_of")
    return {r[i]: r[j] for r in rows if r[j]}


def same_partition(a: dict[str, str], b: dict[str, str]) -> bool:
    def groups(labels):
        out: dict[str, set] = {}
        for k, v in labels.items():
            out.setdefault(v, set()).add(k)
        return {frozenset(g) for g in out.values()}
    return a.keys() == b.keys() and groups(a) == groups(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from storylens.evaluate.clusters import bcubed
    from storylens.spark import find_copies, profile, read_inputs
    from storylens.spark.job import run
    from storylens.spark.session import session
    from storylens.store import open_store

    spark = session(args.master, app="storylens-parity")
    results = {}
    for name, (articles, gold) in corpora().items():
        with tempfile.TemporaryDirectory(prefix="storylens-parity-") as tmp:
            folder = Path(tmp)
            source = folder / "articles.jsonl"
            source.write_text("".join(json.dumps(_record(a), ensure_ascii=False) + "\n" for a in articles),
                              encoding="utf-8")
            story_1, thread_1, copies_1, seconds_1 = single_machine(articles, folder)
            start = time.perf_counter()
            report = run([str(source)], str(folder / "out"), spark=spark)
            seconds_2 = time.perf_counter() - start
            with open_store(f"parquet://{folder / 'out'}") as store:
                story_2, thread_2, copies_2 = store.article_stories(), store.story_threads(), copies_of(store)
            fingerprint_copies = {r["id"]: r["copy_of"] for r in
                                  find_copies(profile(read_inputs(spark, [str(source)]))).collect()}
        ids = [a.id for a in articles]
        row = {
            "articles": len(ids),
            "single_bcubed_f1": bcubed([story_1[i] for i in ids], gold).f1,
            "spark_bcubed_f1": bcubed([story_2[i] for i in ids], gold).f1,
            "same_stories": same_partition(story_1, story_2),
            "same_threads": same_partition({i: thread_1[story_1[i]] for i in ids}, {i: thread_2[story_2[i]] for i in ids}),
            "single_copies": len(copies_1), "spark_copies": len(copies_2),
            "copies_agree": sum(copies_2.get(k) == v for k, v in copies_1.items()),
            "find_copies": len(fingerprint_copies),
            "find_copies_agree_with_engine": sum(fingerprint_copies.get(k) == v for k, v in copies_1.items()),
            "single_seconds": round(seconds_1, 1), "spark_seconds": round(seconds_2, 1),
            "spark_stage_seconds": {k: round(v, 1) for k, v in report.seconds.items()},
        }
        if name == "giveme5w1h":
            row["single_thread_f1"] = bcubed([thread_1[story_1[i]] for i in ids], gold).f1
            row["spark_thread_f1"] = bcubed([thread_2[story_2[i]] for i in ids], gold).f1
        results[name] = row
        if not args.json:
            print(name, json.dumps(row), flush=True)
    spark.stop()
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
