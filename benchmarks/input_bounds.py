"""What one huge input costs: the time and memory bounds of issue I, measured.

    .venv/bin/python benchmarks/input_bounds.py [--mb 17]

1. `storylens ingest` of one JSON record whose text is ``--mb`` MB (words of the bundled demo
   corpus repeated): wall time and the peak RSS of the ingest process. Text read per article
   is cut at 100,000 characters (``ingest/limits.py``).
2. `POST /compare` of two texts of 2.3 MB each to a real server on 127.0.0.1: the answer's
   status and time (refused with 413 beyond the server's per-article limit).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def huge_text(chars: int) -> str:
    rows = [json.loads(line) for line in (ROOT / "demo" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    words = " ".join(r["text"] for r in rows)
    return (words + "\n\n") * (chars // (len(words) + 2) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=17.0)
    args = parser.parse_args()
    import httpx
    from serverproc import running_server

    with tempfile.TemporaryDirectory() as folder:
        record = Path(folder) / "huge.json"
        record.write_text(json.dumps({"id": "huge", "title": "One huge record",
                                      "text": huge_text(int(args.mb * 1e6))[: int(args.mb * 1e6)]}), encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "storylens.cli", "ingest", str(record), "--db", str(Path(folder) / "s.db"),
                               "--json"], capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"| ingest of one {args.mb:g} MB record | exit {done.returncode} | {seconds:.1f} s | peak RSS {peak_mb:.0f} MB |")
        text = huge_text(2_300_000)[:2_300_000]
        with running_server(Path(folder) / "served.db") as base:
            start = time.perf_counter()
            answer = httpx.post(f"{base}/compare", json={"a": {"text": text}, "b": {"text": text[::-1]}}, timeout=600)
            print(f"| POST /compare of two 2.3 MB texts | HTTP {answer.status_code} | {time.perf_counter() - start:.2f} s | |")


if __name__ == "__main__":
    main()
