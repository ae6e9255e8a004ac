"""What each stage of ingest costs per article (story-engine issue).

    .venv/bin/python benchmarks/stage_costs.py [--articles 4000]

On the synthetic corpus of ``benchmarks/scale.py``, one process, one BLAS thread (as in a
profiling worker): CPU milliseconds per article of each step of ``profile_articles``
(batches of 64), then of each step of placing the profiles (``StoryClusterer``). The
first quarter of the articles warms the state and is not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("STORYLENS_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(costs: dict[str, float], label: str, fn):
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            costs[label] = costs.get(label, 0.0) + time.process_time() - start
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    args = parser.parse_args()
    import storylens.cluster.assign as assign
    import storylens.cluster.profile as profile
    from scale import synthetic_corpus
    from storylens.cluster.assign import StoryClusterer
    from storylens.ingest.records import article_from_record

    articles = [article_from_record({k: v for k, v in row.items() if k != "story"}, "scale", row["id"])
                for row in synthetic_corpus(args.articles)]
    warm = len(articles) // 4
    costs: dict[str, float] = {}
    for name, label in (("embed", "USE vector of title + lead"), ("detect_language", "language"),
                        ("quick_sentences", "sentence split"), ("extract_mentions", "numbers and dates"),
                        ("name_keys", "name keys"), ("fingerprint", "MinHash fingerprint"),
                        ("copies_within", "copies within the batch")):
        setattr(profile, name, timed(costs, label, getattr(profile, name)))
    profiles = profile.profile_articles(articles[:warm])
    costs.clear()
    start = time.process_time()
    for i in range(warm, len(articles), 64):
        profiles += profile.profile_articles(articles[i:i + 64])
    total = time.process_time() - start
    n = len(articles) - warm
    print(f"{n} articles after {warm} to warm up; CPU ms per article, one process, one BLAS thread\n")
    print("| profiling step (worker) | ms |\n|---|--:|")
    for label, seconds in costs.items():
        print(f"| {label} | {seconds / n * 1000:.2f} |")
    print(f"| **profile, all** | **{total / n * 1000:.2f}** |")

    clusterer = StoryClusterer()
    clusterer.place(profiles[:warm])
    place_costs: dict[str, float] = {}
    assign.story_evidence = timed(place_costs, "evidence for the candidates", assign.story_evidence)
    for obj, name, label in ((clusterer, "_candidates", "candidates (HNSW search included)"),
                             (clusterer.index_, "search", "  HNSW search"),
                             (clusterer.duplicates_, "find", "wire-copy lookup (LSH)"),
                             (clusterer, "_remember", "remember (HNSW and LSH insert included)"),
                             (clusterer.index_, "add", "  HNSW insert"),
                             (clusterer.duplicates_, "add", "  LSH insert")):
        setattr(obj, name, timed(place_costs, label, getattr(obj, name)))
    start = time.process_time()
    clusterer.place(profiles[warm:])
    total = time.process_time() - start
    print("\n| placing step (main process) | ms |\n|---|--:|")
    for label, seconds in place_costs.items():
        print(f"| {label} | {seconds / n * 1000:.2f} |")
    print(f"| **place, all** | **{total / n * 1000:.2f}** |")


if __name__ == "__main__":
    main()
