"""Model load time and compare time for two ~1,000-word articles (issue: foundation).

    .venv/bin/python benchmarks/compare_speed.py [--repeat 10]

Articles: ~1,000 words each, assembled from the bundled demo corpus (two different mixes
of its English articles), so the figure needs no external data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_articles(words: int = 1000):
    from storylens.article import Article

    rows = [json.loads(line) for line in (ROOT / "demo" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    english = [r for r in rows if r["language"] == "en"]

    def assemble(items, ident):
        paragraphs, count = [], 0
        for row in items:
            for paragraph in row["text"].split("\n\n"):
                paragraphs.append(paragraph)
                count += len(paragraph.split())
                if count >= words:
                    return Article(id=ident, title=items[0]["title"], text="\n\n".join(paragraphs))
        return Article(id=ident, title=items[0]["title"], text="\n\n".join(paragraphs))

    return assemble(english, "a"), assemble(list(reversed(english)), "b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    t0 = time.perf_counter()
    import storylens
    from storylens.analyze import warm_up
    from storylens.analyze.deep import clear_cache, deep_vectors

    warm_up()
    load = time.perf_counter() - t0
    a, b = build_articles()
    t0 = time.perf_counter()
    deep_vectors(storylens.analyze(storylens.Article(id="warm", title="", text="warm up")))
    deep_load = time.perf_counter() - t0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"words: A {len(a.text.split())}, B {len(b.text.split())}; repeats: {args.repeat}")
    print(f"model load (import + USE + spaCy warm-up): {load:.2f} s; e5 load: {deep_load:.2f} s")
    for fast in (True, False):
        analyze_times, compare_times, total_times = [], [], []
        for _ in range(args.repeat):
            clear_cache()
            t1 = time.perf_counter()
            xa, xb = storylens.analyze(a), storylens.analyze(b)
            t2 = time.perf_counter()
            storylens.compare(xa, xb, fast=fast)
            t3 = time.perf_counter()
            analyze_times.append((t2 - t1) / 2)
            compare_times.append(t3 - t2)
            total_times.append(t3 - t1)
        name = "compare --fast (no e5)" if fast else "compare (default, with e5)"
        print(f"\n{name}")
        print(f"  analyze one article (median): {statistics.median(analyze_times) * 1000:.0f} ms")
        print(f"  compare two analysed articles (median): {statistics.median(compare_times) * 1000:.1f} ms")
        print(f"  analyze both + compare (median): {statistics.median(total_times) * 1000:.0f} ms"
              + ("  (target < 500 ms)" if fast else ""))


if __name__ == "__main__":
    main()
