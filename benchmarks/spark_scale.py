"""Spark job throughput: local[1] beside local[2], and the single-machine engine (issue L).

    .venv/bin/python benchmarks/spark_scale.py [--articles 20000] [--masters local[1],local[2]] [--no-single]

Writes ``--articles`` synthetic articles (``scale.py``'s corpus: known stories, wire
copies, four languages) to one JSON Lines file, then runs, one after the other in this one
run, ``storylens spark ingest --json`` under each master and ``storylens ingest --json`` (two
profiling workers), each in a fresh output. Printed per run: wall seconds, articles/s, the
job's seconds per stage (profile on the executors, place on the driver, export), the
profile stage's articles/s per core, and B-cubed F1 against the known stories; then the
local[2] / local[1] throughput ratio, whole job and profile stage.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import synthetic_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _f1(output: str, gold: dict[str, str]) -> float:
    from storylens.evaluate.clusters import bcubed
    from storylens.store import open_store

    with open_store(output, readonly=True) as store:
        story_of = store.article_stories()
    ids = sorted(gold)
    return bcubed([story_of[i] for i in ids], [gold[i] for i in ids]).f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--masters", default="local[1],local[2]")
    parser.add_argument("--no-single", action="store_true", help="leave out the single-machine engine's run")
    args = parser.parse_args()
    storylens = str(Path(sys.executable).with_name("storylens"))
    with tempfile.TemporaryDirectory(prefix="storylens-spark-scale-") as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        gold = {}
        with corpus.open("w", encoding="utf-8") as handle:
            for row in synthetic_corpus(args.articles):
                gold[row["id"]] = row["story"]
                handle.write(json.dumps(row) + "\n")
        env = {**os.environ, "STORYLENS_CACHE": str(folder / "cache")}
        runs = {}
        for master in args.masters.split(","):
            out = folder / f"out-{master.strip('local[]')}"
            start = time.perf_counter()
            done = subprocess.run([storylens, "spark", "ingest", str(corpus), "--output", str(out), "--master", master,
                                   "--json"], capture_output=True, text=True, env=env)
            wall = time.perf_counter() - start
            if done.returncode:
                sys.exit(f"{master}: {done.stderr[-2000:]}")
            report = json.loads(done.stdout)
            cores = int(master.strip("local[]") or 1)
            stages = report["stage_seconds"]
            runs[master] = {"wall_seconds": round(wall, 1), "articles_per_second": round(args.articles / wall, 1),
                            "stage_seconds": stages,
                            "profile_articles_per_second_per_core": round(args.articles / stages["profile"] / cores, 1),
                            "bcubed_f1": _f1(f"parquet://{out}", gold)}
            print(master, json.dumps(runs[master]), flush=True)
        if not args.no_single:
            db = folder / "single.db"
            start = time.perf_counter()
            done = subprocess.run([storylens, "ingest", str(corpus), "--db", str(db), "--json"], capture_output=True,
                                  text=True, env=env)
            wall = time.perf_counter() - start
            if done.returncode:
                sys.exit(f"single machine: {done.stderr[-2000:]}")
            runs["single"] = {"wall_seconds": round(wall, 1), "articles_per_second": round(args.articles / wall, 1),
                              "workers": 2, "bcubed_f1": _f1(str(db), gold)}
            print("single", json.dumps(runs["single"]), flush=True)
        masters = args.masters.split(",")
        if len(masters) == 2:
            one, two = runs[masters[0]], runs[masters[1]]
            print(json.dumps({"ratio_whole_job": round(one["wall_seconds"] / two["wall_seconds"], 2),
                              "ratio_profile_stage": round(one["stage_seconds"]["profile"]
                                                           / two["stage_seconds"]["profile"], 2)}))


if __name__ == "__main__":
    main()
