"""What a later Spark run's export and the reader's copy cost: only what changed, beside
writing and copying everything (issue L).

    .venv/bin/python benchmarks/scale.py --articles 100000 --checkpoints 100000 --stories-per-day 100 --db S.db
    .venv/bin/python benchmarks/spark_export.py --db S.db --articles 100000 [--add 2000] [--rounds 3] [--anti-join]

Takes a store that holds the first ``--articles`` articles of ``scale.py``'s synthetic
corpus (same ``--stories-per-day``), copies it, and exports it (``spark/export.py``, on
``local[2]``) into an output with an ``ExportLog``, as the job's first run does, then opens
the output (``parquet://``: the reader's first copy). Then, ``--rounds`` times: ingests the
next ``--add`` articles of the corpus into the store (what a later run places), and, side
by side in this one run,

- exports into the same output with the log (what changed: the job's later run), and into
  a second output without it (everything: what the job did before), and
- opens each output: the first from the copy of its earlier run (the parts the later run
  wrote), the second copied whole.

Printed per round: the seconds of each, the parts each wrote, and whether the two outputs
open to the same tables. Medians over the rounds at the end.

``--anti-join`` measures instead, after the first export, what leaving out the stored
articles costs a later run that reads the corpus's first ``--articles + --add`` articles
(``job.unstored`` and a count of what is left): the stored pairs all through the driver,
alternating with those the export wrote read from the output's table, ``--rounds`` times each.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import synthetic_corpus  # noqa: E402


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _opened(output: Path) -> tuple[float, dict]:
    from storylens.store import open_store

    def count():
        with open_store(f"parquet://{output}") as store:
            return store.counts()

    return _timed(count)


def _same(a: Path, b: Path) -> bool:
    from storylens.store import open_store
    from storylens.store.tables import TABLES, table_rows

    with open_store(f"parquet://{a}") as one, open_store(f"parquet://{b}") as two:
        return all(list(table_rows(one, t)[1]) == list(table_rows(two, t)[1]) for t in TABLES)


def _written(output: Path, table: str) -> int:
    manifest = json.loads((output / "_storylens.json").read_text())
    return sum(1 for run in manifest["parts"][table].values() if run == manifest["run"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a store of the corpus's first --articles articles")
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--stories-per-day", type=float, default=100.0)
    parser.add_argument("--add", type=int, default=2000, help="articles a later run adds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--anti-join", action="store_true", help="time the later run's anti-join instead")
    args = parser.parse_args()

    from storylens.engine import StoryEngine
    from storylens.spark.export import ExportLog, export
    from storylens.spark.session import session
    from storylens.store import SQLiteStore

    spark = session("local[2]", app="storylens-export-benchmark")
    with tempfile.TemporaryDirectory(prefix="storylens-spark-export-") as tmp:
        folder = Path(tmp)
        os.environ["STORYLENS_CACHE"] = str(folder / "cache")
        state = folder / "state" / "storylens.db"
        state.parent.mkdir()
        for part in Path(args.db).parent.glob(Path(args.db).name + "*"):  # the store and the state saved beside it
            shutil.copy(part, state.with_name(part.name.replace(Path(args.db).name, state.name, 1)))
        later, whole = folder / "later", folder / "whole"

        def export_to(output: Path, log: bool) -> None:
            with SQLiteStore(state, readonly=True) as store:
                exported = ExportLog(state) if log else None
                try:
                    export(spark, store, str(output), log=exported)
                finally:
                    if exported:
                        exported.close()

        seconds, _ = _timed(lambda: export_to(later, True))
        opened, counts = _opened(later)
        print(json.dumps({"first export s": round(seconds, 1), "first open s": round(opened, 1), **counts}), flush=True)
        if args.anti_join:
            return _anti_join(spark, args, folder, state, later)
        corpus = synthetic_corpus(args.articles + args.add * args.rounds, stories_per_day=args.stories_per_day)
        rest = itertools.islice(corpus, args.articles, None)
        rows: list[dict] = []
        for number in range(args.rounds):
            batch = folder / f"added-{number}.jsonl"
            batch.write_text("".join(json.dumps(r) + "\n" for r in itertools.islice(rest, args.add)), encoding="utf-8")
            with SQLiteStore(state) as store, StoryEngine(store, workers=2) as engine:
                engine.ingest([batch])
            later_s, _ = _timed(lambda: export_to(later, True))
            whole_s, _ = _timed(lambda: export_to(whole, False))
            later_open, _ = _opened(later)
            whole_open, counts = _opened(whole)
            row = {"round": number + 1, "articles": counts["articles"], "export, what changed s": round(later_s, 1),
                   "export, everything s": round(whole_s, 1), "open, what changed s": round(later_open, 1),
                   "open, everything s": round(whole_open, 1),
                   "article parts written": f"{_written(later, 'articles')} of {_written(whole, 'articles')}",
                   "same tables": _same(later, whole)}
            rows.append(row)
            print(json.dumps(row), flush=True)
        print(json.dumps({key: statistics.median(r[key] for r in rows) for key in rows[0]
                          if key.endswith(" s")}))
    spark.stop()


def _anti_join(spark, args, folder: Path, state: Path, output: Path) -> None:
    from pyspark import StorageLevel

    from storylens.spark.export import ExportLog, previous_export
    from storylens.spark.job import unstored
    from storylens.spark.read import read_inputs
    from storylens.store import SQLiteStore

    corpus = folder / "later-run.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for row in synthetic_corpus(args.articles + args.add, stories_per_day=args.stories_per_day):
            handle.write(json.dumps(row) + "\n")
    log = ExportLog(state)
    previous = previous_export(spark, str(output), log)
    log.close()
    table = (f"{output}/articles", previous.next_keys["articles"])
    times: dict[str, list[float]] = {"through the driver": [], "from the output": []}
    with SQLiteStore(state, readonly=True) as store:
        articles = read_inputs(spark, [str(corpus)]).where("error IS NULL").persist(StorageLevel.DISK_ONLY)
        articles.count()
        for name in list(times) * args.rounds:
            scratch = folder / "_stored_ids"
            seconds, left = _timed(lambda: unstored(spark, articles, store, str(scratch),
                                                    table if name == "from the output" else None).count())
            shutil.rmtree(scratch, ignore_errors=True)
            times[name].append(seconds)
            print(json.dumps({"stored pairs": name, "seconds": round(seconds, 2), "left to profile": left}), flush=True)
    print(json.dumps({name: round(statistics.median(t), 2) for name, t in times.items()}))


if __name__ == "__main__":
    main()
