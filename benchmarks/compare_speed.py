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
    from storylens.analyze.deep import prefetch

    # three ways, interleaved in each repeat: --fast; default with e5 after analysis (the
    # library's compare of analysed articles); default with e5 in the background while
    # both are analysed (what compare_files, the CLI and POST /compare do)
    ways = {"compare --fast (no e5)": (True, False), "compare (default, with e5), e5 after analysis": (False, False),
            "compare (default, with e5), e5 in the background during analysis": (False, True)}
    times = {name: ([], [], []) for name in ways}
    for _ in range(args.repeat):
        for name, (fast, background) in ways.items():
            clear_cache()
            t1 = time.perf_counter()
            if background:
                prefetch((a, b))
            xa, xb = storylens.analyze(a), storylens.analyze(b)
            t2 = time.perf_counter()
            storylens.compare(xa, xb, fast=fast)
            t3 = time.perf_counter()
            for kept, value in zip(times[name], ((t2 - t1) / 2, t3 - t2, t3 - t1)):
                kept.append(value)
    for name, (analyze_times, compare_times, total_times) in times.items():
        print(f"\n{name}")
        print(f"  analyze one article (median): {statistics.median(analyze_times) * 1000:.0f} ms")
        print(f"  compare two analysed articles (median): {statistics.median(compare_times) * 1000:.1f} ms")
        print(f"  analyze both + compare (median): {statistics.median(total_times) * 1000:.0f} ms"
              + ("  (target < 500 ms)" if ways[name][0] else "  (target < 1,000 ms)"))

if __name__ == "__main__":
    main()
