"""Load on ``storylens serve``: 50 readers while one writer posts 1,000 articles.

    .venv/bin/python benchmarks/serve_load.py [--readers 50] [--articles 1000] [--batch 20] [--json]

Starts a real server process on a free loopback port over a fresh SQLite file, loads the
demo corpus, then runs, at once: ``--readers`` clients, each looping ``GET /stories/{id}``
(a random story) with a ``GET /stories?limit=20`` every fifth request, without pause; and
one client posting ``--articles`` articles in lists of ``--batch`` (demo articles with new
ids and an added sentence, so each is new content). Reports errors (must be 0), articles
lost (posted and answered but not in the store afterwards; must be 0) and the latency of
``GET /stories/{id}`` as the clients see it (p50, p95, p99; target p95 < 200 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from serverproc import demo_records, running_server  # noqa: E402  the tests' server process


def load_articles(n: int) -> list[dict]:
    """``n`` new articles from the demo corpus: new ids, one added sentence each."""
    demo = demo_records()
    out = []
    for i in range(n):
        base = demo[i % len(demo)]
        extra = (f"Update {i}: officials said {i * 7 + 3} people had contacted the hotline "
                 f"by evening, and a further statement was expected on day {i % 28 + 1}.")
        out.append({**base, "id": f"load-{i:05d}-{base['id']}", "url": None,
                    "title": f"{base['title']} ({i})", "text": base["text"] + "\n\n" + extra})
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def run(base: str, readers: int, articles: list[dict], batch: int) -> dict:
    """The readers and the writer at once. aiohttp's client spends about a third of the CPU per
    request that httpx's does; on 2 cores the load generator shares the CPU with the server."""
    connector = aiohttp.TCPConnector(limit=readers + 1)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url=base, connector=connector, timeout=timeout) as client:
        async with client.get("/stories", params={"limit": 500}) as response:
            story_ids = [s["id"] for s in (await response.json())["stories"]]
        done = asyncio.Event()
        latencies: list[float] = []
        list_latencies: list[float] = []
        errors: list[str] = []
        answered: list[str] = []

        async def reader(k: int) -> None:
            rng = random.Random(k)
            n = 0
            while not done.is_set():
                n += 1
                path = "/stories" if n % 5 == 0 else f"/stories/{rng.choice(story_ids)}"
                start = time.perf_counter()
                try:
                    async with client.get(path, params={"limit": 20} if path == "/stories" else None) as response:
                        await response.read()
                    took = time.perf_counter() - start
                    if response.status != 200:
                        errors.append(f"GET {path}: {response.status}")
                        continue
                    (list_latencies if path == "/stories" else latencies).append(took)
                except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                    errors.append(f"GET {path}: {type(exc).__name__}")

        async def writer() -> None:
            try:
                for start in range(0, len(articles), batch):
                    chunk = articles[start:start + batch]
                    try:
                        async with client.post("/articles", json=chunk) as response:
                            body = await response.read()
                    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                        errors.append(f"POST /articles: {type(exc).__name__}")
                        continue
                    if response.status != 200:
                        errors.append(f"POST /articles: {response.status} {body[:200]!r}")
                        continue
                    answered.extend(a["id"] for a in json.loads(body)["articles"] if a["status"] == "added")
            finally:
                done.set()

        start = time.perf_counter()
        await asyncio.gather(writer(), *(reader(k) for k in range(readers)))
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "latencies": latencies, "list_latencies": list_latencies, "errors": errors,
            "answered": answered}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20, help="articles per POST")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        with running_server(db) as base:
            assert httpx.post(base + "/articles", json=demo_records(), timeout=300).status_code == 200
            articles = load_articles(args.articles)
            result = asyncio.run(run(base, args.readers, articles, args.batch))
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            stored = {r[0] for r in conn.execute("SELECT id FROM articles WHERE id LIKE 'load-%'")}
    posted = {a["id"] for a in articles}
    lat = result["latencies"]
    report = {
        "readers": args.readers, "articles_posted": len(posted), "articles_per_post": args.batch,
        "articles_stored": len(stored), "lost": len(posted - stored),
        "answered_not_stored": len(set(result["answered"]) - stored),
        "errors": len(result["errors"]), "error_examples": result["errors"][:5],
        "seconds": round(result["seconds"], 1),
        "ingest_articles_per_s": round(len(stored) / result["seconds"], 1),
        "story_gets": len(lat), "story_gets_per_s": round(len(lat) / result["seconds"], 1),
        "story_p50_ms": round(1000 * percentile(lat, 0.50), 1),
        "story_p95_ms": round(1000 * percentile(lat, 0.95), 1),
        "story_p99_ms": round(1000 * percentile(lat, 0.99), 1),
        "story_mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
        "list_gets": len(result["list_latencies"]),
        "list_p95_ms": round(1000 * percentile(result["list_latencies"], 0.95), 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    rows = [("readers (closed loop, no pause)", report["readers"]),
            ("articles posted / stored / lost", f"{report['articles_posted']} / {report['articles_stored']} / {report['lost']}"),
            ("errors", report["errors"]),
            ("wall time, s", report["seconds"]),
            ("ingest, articles/s (under read load)", report["ingest_articles_per_s"]),
            ("GET /stories/{id}: requests, per s", f"{report['story_gets']}, {report['story_gets_per_s']}"),
            ("GET /stories/{id}: p50 / p95 / p99 ms",
             f"{report['story_p50_ms']} / {report['story_p95_ms']} / {report['story_p99_ms']}"),
            ("GET /stories?limit=20: requests, p95 ms", f"{report['list_gets']}, {report['list_p95_ms']}"),
            ("machine", report["machine"])]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for example in report["error_examples"]:
        print("error:", example)


if __name__ == "__main__":
    main()
