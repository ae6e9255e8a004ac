"""The summary ``coverage`` ships against AllSides' human roundups (ROUGE F1), beside lead baselines.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/summaries.py [SHARED] [--json]

For allsides-roundups test.jsonl (the figure to report) and val.jsonl (where the selection
weights were tuned): each story analysed and reported as ``storylens coverage`` does
(``evaluate.summaries``: ``Analyzer``, ``find_copies``, ``build_coverage``), then ROUGE-1/2/L
F1 of the report's summary within the reference's length (``ours``) and of each outlet's
lead, the best lead, a round-robin of the three leads and the first N words of the best
outlet, all at the reference's length; and of the summary exactly as shipped (5 sentences,
no budget) beside the best lead of that length. Then a paired bootstrap (2,000 resamples
of the stories) of ours minus the best single lead, and how often ours wins per story.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("test", "val")


def paired(scored, other: str, measure: str = "rouge1", resamples: int = 2000, seed: int = 0,
           ours: str = "ours") -> dict:
    """Mean difference ours - other, its 95% bootstrap interval, and the per-story win rate."""
    ours = np.array([r[measure] for r in scored.scores[ours]])
    base = np.array([r[measure] for r in scored.scores[other]])
    diff = ours - base
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"against": other, "measure": measure, "difference": round(float(diff.mean()), 4),
            "ci95": [round(float(low), 4), round(float(high), 4)],
            "wins": int((diff > 0).sum()), "ties": int((diff == 0).sum()), "losses": int((diff < 0).sum())}


def print_table(name: str, table) -> None:
    """The ``SummaryEval`` of one split as a Markdown table."""
    rows = [("ours", table.ours), *table.leads.items(), ("round_robin", table.round_robin),
            (f"best single lead ({table.best_lead.name})", table.best_lead.score),
            (f"first N words of {table.lead_words.name} (cut mid-sentence)", table.lead_words.score)]
    print(f"\n{name}: {table.stories} stories, ROUGE F1 x 100 against summary.text, "
          f"budget = its word count (mean {table.reference_words:.0f})")
    print(f"| {'system':<46} | ROUGE-1 | ROUGE-2 | ROUGE-L | words |")
    print(f"|{'-' * 48}|--------:|--------:|--------:|------:|")
    shipped = table.shipped_best_lead
    rows += [("as shipped (5 sentences, no budget)", table.as_shipped),
             (f"best single lead of that length ({shipped.name.removeprefix('shipped_')})", shipped.score)]
    for label, row in rows:
        print(f"| {label:<46} | {100 * row.rouge1:7.2f} | {100 * row.rouge2:7.2f} | "
              f"{100 * row.rouge_l:7.2f} | {row.words:5.1f} |")
    print(f"{table.stories_per_second:.2f} stories/s (analysis, copies, the coverage report)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shared", nargs="?", default=str(ROOT.parent / "shared"), help="the shared folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from storylens.evaluate.summaries import read_roundups, score_stories, summary_table

    data = Path(args.shared) / "datasets" / "allsides-roundups"
    paths = {name: data / f"{name}.jsonl" for name in SPLITS}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise SystemExit(f"benchmark data absent: {', '.join(missing)} (../shared beside the checkout)")
    result = {}
    for name, path in paths.items():
        scored = score_stories(read_roundups(path))
        table = summary_table(scored)
        versus = {"ours_vs_best_lead": paired(scored, table.best_lead.name),
                  "shipped_vs_best_lead": paired(scored, table.shipped_best_lead.name, ours="as_shipped")}
        result[name] = (table, versus)
    if args.json:
        print(json.dumps({name: {**table.to_dict(), **versus} for name, (table, versus) in result.items()}, indent=2))
        return
    for name, (table, versus) in result.items():
        print_table(name, table)
        for key, label in (("ours_vs_best_lead", "ours"), ("shipped_vs_best_lead", "as shipped")):
            p = versus[key]
            print(f"{label} - {p['against']} ROUGE-1: {100 * p['difference']:+.2f} points, 95% CI "
                  f"[{100 * p['ci95'][0]:+.2f}, {100 * p['ci95'][1]:+.2f}]; {label} wins {p['wins']}, ties {p['ties']}, "
                  f"loses {p['losses']} stories")


if __name__ == "__main__":
    main()
