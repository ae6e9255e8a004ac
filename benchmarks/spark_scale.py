"""Spark job throughput: local[1] beside local[2], and the single-machine engine (issue L).

    .venv/bin/python benchmarks/spark_scale.py [--articles 20000] [--no-single] [--later-runs]

Writes ``--articles`` synthetic articles (``scale.py``'s corpus: known stories, wire
copies, four languages) to one JSON Lines file, then runs, one after the other in this one
run, ``storylens spark ingest --json`` three times and ``storylens ingest --json`` (two
profiling workers), each in a fresh output:

- ``local[1]``: one executor core; the driver (placement) may run on the other core;
- ``local[1]`` on one core: the same, with the whole process tree (driver, JVM, Python
  workers) held to one core by ``taskset``: the job's throughput on one core;
- ``local[2]``: two executor cores, the driver sharing them.

Printed per run: wall seconds, articles/s, the job's seconds per stage (read; profile and
place, overlapped; of which the driver waited for profiles; export), and B-cubed F1 against
the known stories; then the local[2] throughput over each local[1]'s.

``--later-runs`` measures instead what runs into an existing output cost (``local[2]``):
the first half of the corpus, then the whole corpus (half of it new), then the whole corpus
again (nothing new): each run's wall seconds, articles profiled, added and already stored,
and the seconds ``storylens stories --db parquet://OUT --limit 1`` then takes (the reader
copies what the run wrote into its cached SQLite file).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def _timed(label: str, cmd: list[str], env: dict) -> tuple[float, dict]:
    """Wall seconds of a ``--json`` command, and what it printed; exits with its error."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{label}: {done.stderr[-2000:]}")
    return wall, json.loads(done.stdout)


RUNS = {"local[1]": ("local[1]", None), "local[1] on one core": ("local[1]", "0"), "local[2]": ("local[2]", None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--no-single", action="store_true", help="leave out the single-machine engine's run")
    parser.add_argument("--later-runs", action="store_true", help="runs into an existing output, instead")
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
        if args.later_runs:
            return _later_runs(storylens, corpus, folder, gold, env)
        runs = {}
        for number, (name, (master, pin)) in enumerate(RUNS.items()):
            if pin and shutil.which("taskset") is None:
                print(f"{name}: skipped, no taskset on this machine (util-linux)", flush=True)
                continue
            out = folder / f"out-{number}"
            job = [storylens, "spark", "ingest", str(corpus), "--output", str(out), "--master", master, "--json"]
            wall, report = _timed(name, (["taskset", "-c", pin] if pin else []) + job, env)
            runs[name] = {"wall_seconds": round(wall, 1), "articles_per_second": round(args.articles / wall, 1),
                          "stage_seconds": report["stage_seconds"], "bcubed_f1": round(_f1(f"parquet://{out}", gold), 4)}
            print(name, json.dumps(runs[name]), flush=True)
        if not args.no_single:
            db = folder / "single.db"
            wall, _ = _timed("single machine", [storylens, "ingest", str(corpus), "--db", str(db), "--json"], env)
            runs["single"] = {"wall_seconds": round(wall, 1), "articles_per_second": round(args.articles / wall, 1),
                              "workers": 2, "bcubed_f1": round(_f1(str(db), gold), 4)}
            print("single", json.dumps(runs["single"]), flush=True)
        two = runs["local[2]"]["wall_seconds"]
        print(json.dumps({f"local[2] over {name}": round(runs[name]["wall_seconds"] / two, 2)
                          for name in ("local[1]", "local[1] on one core") if name in runs}))


def _later_runs(storylens: str, corpus: Path, folder: Path, gold: dict[str, str], env: dict) -> None:
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    half = folder / "first-half.jsonl"
    half.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    out = folder / "out"
    for name, inputs in (("first half", [half]), ("whole, half new", [corpus]), ("whole again, nothing new", [corpus])):
        job = [storylens, "spark", "ingest", *map(str, inputs), "--output", str(out), "--master", "local[2]", "--json"]
        wall, report = _timed(name, job, env)
        opened, _ = _timed(f"{name}, opened", [storylens, "stories", "--db", f"parquet://{out}", "--limit", "1",
                                               "--json"], env)
        print(name, json.dumps({"wall_seconds": round(wall, 1), "profiled": report.get("profiled"),
                                "read": report["read"], "added": report["added"], "skipped": report["skipped"],
                                "stage_seconds": report["stage_seconds"], "open_seconds": round(opened, 2)}), flush=True)
    print("B-cubed F1 of the last output:", round(_f1(f"parquet://{out}", gold), 4))


if __name__ == "__main__":
    main()
