"""Time ``build_coverage`` on a story of 30 articles in 3 languages (target: under 5 s on 2 cores).

    .venv/bin/python benchmarks/coverage_speed.py [--repeat 3] [--json]

Articles: with ../shared present, 10 MEANTIME stories of one corpus (Airbus/Boeing
business news, close in topic) in English, Spanish and Italian (30 translations, so many
facts are carried by three articles); without it, the bundled demo corpus's articles in
its three most common languages, cycled with new ids (later rounds keep the text, so they
are folded as copies). Analysis runs first and is not timed; then ``find_copies`` and
``build_coverage`` are timed together, as ``storylens coverage`` runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STORYLENS_SHARED", ROOT.parent / "shared"))
MEANTIME = SHARED / "datasets" / "meantime" / "articles.jsonl"
LANGUAGES = ("en", "es", "it")
TOTAL = 30


def story_articles(total: int = TOTAL):
    """(articles, description): ``total`` articles in three languages."""
    from dataclasses import replace

    from storylens import read_articles
    from storylens.article import Article

    demo = list(read_articles(ROOT / "demo" / "articles.jsonl"))
    if MEANTIME.exists():
        rows = [json.loads(line) for line in MEANTIME.read_text(encoding="utf-8").splitlines() if line.strip()]
        stories = list(dict.fromkeys(r["story"] for r in rows if r["corpus"] == "corpus_airbus"))
        picked = [Article(id=r["id"], title=r["title"], text=r["text"], language=r["lang"], outlet=f"wikinews-{r['lang']}")
                  for story in stories[:total // len(LANGUAGES)] for r in rows
                  if r["story"] == story and r["lang"] in LANGUAGES]
        return picked, f"{total // len(LANGUAGES)} MEANTIME stories (corpus_airbus) in {', '.join(LANGUAGES)}"
    languages = [lang for lang, _ in Counter(a.language for a in demo).most_common(3)]
    pool = [a for a in demo if a.language in languages]
    articles = [replace(pool[k % len(pool)], id=f"{pool[k % len(pool)].id}-{k // len(pool)}") for k in range(total)]
    return articles, f"demo corpus only ({', '.join(languages)}), cycled to {total}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from storylens.analyze import Analyzer
    from storylens.coverage import build_coverage
    from storylens.coverage.copies import find_copies

    articles, description = story_articles()
    start = time.perf_counter()
    analyzed = Analyzer().analyze_many(articles)
    analysis = time.perf_counter() - start
    times, report = [], None
    for _ in range(max(args.repeat, 1)):
        start = time.perf_counter()
        report = build_coverage(analyzed, copies=find_copies(articles))
        times.append(time.perf_counter() - start)
    d = report.to_dict()
    result = {
        "articles": len(articles), "source": description,
        "languages": dict(Counter(x.language for x in analyzed)),
        "sentences": sum(len(x.sentences) for x in analyzed),
        "analysis_s": round(analysis, 2),
        "coverage_s_first": round(times[0], 3), "coverage_s_median": round(statistics.median(times), 3),
        "facts": len(d["facts"]), "quotes": len(d["quotes"]), "entities": len(d["entities"]),
        "contrasts": len(d["framing"]["contrasts"]), "summary": len(d["summary"]),
        "cpus": os.cpu_count(), "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['articles']} articles ({result['source']}; {result['languages']}, {result['sentences']} sentences)")
    print(f"analysis (not timed in the figure): {result['analysis_s']:.1f} s")
    print(f"build_coverage: {result['coverage_s_median']:.2f} s median of {len(times)} "
          f"(first run {result['coverage_s_first']:.2f} s) on {result['cpus']} CPUs; target < 5 s")
    print(f"report: {result['summary']} summary sentences, {result['facts']} facts, {result['quotes']} quotes, "
          f"{result['entities']} entities, {result['contrasts']} term contrasts")


if __name__ == "__main__":
    main()
