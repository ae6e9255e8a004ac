"""Citation controls for the coverage report (issue H).

Negative control: the articles of two unrelated stories forced into one report (giveme5w1h
pairs from one category, MEANTIME stories of two corpora in en+es and en+it, two unrelated
Finnish pages; two stories of one MEANTIME corpus are left out: the later one often reports
the earlier one's event, and then a shared fact is right) must cite no fact or summary sentence to outlets of both stories.
Positive control: the four translations of a MEANTIME story must be cited together for at
least 90% of its facts.

    OMP_NUM_THREADS=1 python benchmarks/citations.py [--shared ../shared] [--stories 8]

A few minutes on 2 cores (each article is analysed once).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from storylens import read_article
from storylens.analyze import Analyzer
from storylens.coverage.copies import find_copies
from storylens.coverage.report import build_coverage


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _report(analyzer: Analyzer, specs: list[str]) -> dict:
    articles = [read_article(spec) for spec in specs]
    return build_coverage(analyzer.analyze_many(articles), copies=find_copies(articles)).to_dict()


def _cited_items(report: dict) -> list[set[str]]:
    return [set(s["cited"]) for s in report["summary"]] + [set(f["outlets"]) for f in report["facts"]]


def mixtures(shared: Path, n: int) -> list[tuple[str, list[str], list[str]]]:
    """(name, specs of story A, specs of story B) for unrelated stories forced together."""
    out = []
    g5 = shared / "datasets" / "giveme5w1h-news-cluster" / "articles.jsonl"
    by_category: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(g5):
        if all(r["story"] != row["story"] for r in by_category[row.get("category", "")]):
            by_category[row.get("category", "")].append(row)
    for category, rows in sorted(by_category.items()):
        for a, b in zip(rows[0:2 * n:2], rows[1:2 * n:2]):
            if len(out) < n:
                out.append((f"giveme5w1h {category}", [f"{g5}#{a['id']}"], [f"{g5}#{b['id']}"]))
    mt = shared / "datasets" / "meantime" / "articles.jsonl"
    by_corpus: dict[str, list[str]] = defaultdict(list)
    rows = _rows(mt)
    for row in rows:
        if row["story"] not in by_corpus[row["corpus"]]:
            by_corpus[row["corpus"]].append(row["story"])
    corpora = sorted(by_corpus)
    for one, two in zip(corpora, corpora[1:] + corpora[:1]):  # stories of two corpora: unrelated
        a, b = by_corpus[one][0], by_corpus[two][1]
        out.append((f"meantime {one[7:]}+{two[7:]}", [f"{mt}#{r['id']}" for r in rows if r["story"] == a and r["lang"] in ("en", "es")],
                    [f"{mt}#{r['id']}" for r in rows if r["story"] == b and r["lang"] in ("en", "it")]))
    html = shared / "datasets" / "real-world" / "pages" / "html"
    out.append(("real pages fi", [str(html / "uusisuomi.fi.angela.html")], [str(html / "yle.fi.3-11212601.html")]))
    return out


def negative_control(analyzer: Analyzer, shared: Path, n: int) -> tuple[int, int, int]:
    """(mixtures, items cited, items cited to both stories)."""
    items = both = 0
    cases = mixtures(shared, n)
    for name, a, b in cases:
        report = _report(analyzer, a + b)
        ids_a = {read_article(s).id for s in a}
        mixed = [c for c in _cited_items(report) if c & ids_a and c - ids_a]
        items += len(_cited_items(report))
        both += len(mixed)
        print(f"  {name:34s} {len(report['facts']):3d} facts, {len(mixed)} cited to both stories")
    return len(cases), items, both


def positive_control(analyzer: Analyzer, shared: Path, n: int) -> tuple[int, int, dict]:
    """(facts, facts citing all four versions, summed citations_checked) over ``n`` MEANTIME stories."""
    mt = shared / "datasets" / "meantime" / "articles.jsonl"
    rows = _rows(mt)
    stories = list(dict.fromkeys(r["story"] for r in rows))
    step = max(len(stories) // n, 1)
    facts = full = 0
    checked = {"checked": 0, "supported": 0}
    for story in stories[::step][:n]:
        report = _report(analyzer, [f"{mt}#{r['id']}" for r in rows if r["story"] == story])
        all_four = sum(len(f["outlets"]) == 4 for f in report["facts"])
        facts += len(report["facts"])
        full += all_four
        for key in checked:
            checked[key] += report["citations_checked"][key]
        print(f"  meantime {story:10s} {all_four:3d}/{len(report['facts']):3d} facts cite all four versions")
    return facts, full, checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parent.parent.parent / "shared"))
    parser.add_argument("--stories", type=int, default=8, help="MEANTIME stories and giveme5w1h pairs (default 8)")
    args = parser.parse_args()
    shared = Path(args.shared)
    analyzer = Analyzer()
    start = time.perf_counter()
    print("negative control: unrelated stories forced together")
    cases, items, both = negative_control(analyzer, shared, args.stories)
    print(f"negative control: {both} of {items} cited items cite both stories, over {cases} mixtures")
    print("positive control: MEANTIME, four translations per story")
    facts, full, checked = positive_control(analyzer, shared, args.stories)
    share = full / facts if facts else 0.0
    print(f"positive control: {full}/{facts} facts cite all four versions ({share:.1%}); "
          f"citations checked {checked['checked']}, supported {checked['supported']}")
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
