"""Threads: fit the thread rule and judge the threads the engine forms (issue K).

    .venv/bin/python benchmarks/threads.py [--folds 3] [--seeds 0,1,2]

Corpora (../shared/datasets), profiled and replayed as streams in arrival order
(``storylens.evaluate.thread_rule``):

- ``giveme5w1h``: its labels are threads (18 of 69 span more than 30 days);
- ``real``: the 197 labelled real pages of ``real-world/pages``, every labelled story a
  thread of its own (the README's hard negatives among them: same topic, other event);
- ``meantime``: stories of four close-topic corpora (Airbus, Apple, GM, stocks): no thread
  labels, so not fitted on; reported are its threads against its corpora (a thread should
  never span two corpora) and how many threads the engine's stories of its 120 gold ones form.

Prints the shipped rule beside a refit; thread-level B-cubed F1 of giveme5w1h in-sample and
cross-validated over threads (folds of threads, several seeds; each held-out fold clustered
alone), the real pages' thread precision and their stories linked across labels, and the
story level beside (the thread rule never changes a story); and, for the stories the engine
opens while an earlier story of their gold thread exists, whether that story was a candidate
and what the rule gave it (what limits recall).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clusters import CORPORA  # noqa: E402
from join_rule import PAGES, real_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    from storylens.cluster.threads import ThreadRule
    from storylens.evaluate.clusters import bcubed
    from storylens.evaluate.join_rule import labelled_profiles
    from storylens.evaluate.thread_rule import cross_validate_threads, fit_thread_rule, threads_with

    missing = [str(p) for p in [*CORPORA.values(), PAGES] if not p.exists()]
    if missing:
        raise SystemExit(f"benchmark data absent: {', '.join(missing)} (../shared beside the checkout)")
    giveme, meantime = (labelled_profiles(path, name) for name, path in CORPORA.items())
    real = real_pages()
    shipped, refitted = ThreadRule(), fit_thread_rule([giveme, real])
    print(f"shipped rule: {shipped}\nrefitted:     {refitted}\n")

    stories, threads = threads_with(giveme)
    print(f"giveme5w1h in-sample: story level {bcubed(stories, giveme.gold).f1:.3f}, "
          f"thread level {_score(bcubed(threads, giveme.gold))}; {len(set(threads))} threads ({len(set(giveme.gold))} gold)")
    cv = [cross_validate_threads([giveme, real], folds=args.folds, seed=int(s)) for s in args.seeds.split(",")]
    for name in ("giveme5w1h", "real"):
        f1 = [c[name].f1 for c in cv]
        print(f"{name} cross-validated over threads ({args.folds} folds, seeds {args.seeds}): thread F1 "
              f"median {statistics.median(f1):.3f} (runs {', '.join(f'{x:.3f}' for x in f1)}); "
              f"P {statistics.median(c[name].precision for c in cv):.3f} "
              f"R {statistics.median(c[name].recall for c in cv):.3f}")
    print(f"giveme5w1h, stories opened after an earlier story of their thread (shipped rule): {_why_unlinked(giveme)}")
    without_real = fit_thread_rule([giveme])
    _, real_threads = threads_with(real, without_real)
    linked = {t for t in real_threads if len({g for g, x in zip(real.gold, real_threads) if x == t}) > 1}
    pages = sorted({p.article_id for p, t in zip(real.profiles, real_threads) if t in linked})
    print(f"real pages, rule fitted on giveme5w1h alone: thread precision "
          f"{bcubed(real_threads, real.gold).precision:.3f};"
          f" {len(linked)} threads join stories of two labels: {pages}")
    _, shipped_real = threads_with(real)
    print(f"real pages, shipped rule (in-sample): thread precision {bcubed(shipped_real, real.gold).precision:.3f}")

    m_stories, m_threads = threads_with(meantime)
    corpus_of = {r["story"]: r["corpus"] for r in map(json.loads, CORPORA["meantime"].read_text(encoding="utf-8").splitlines())}
    corpora = [corpus_of[g] for g in meantime.gold]
    print(f"meantime: story level {bcubed(m_stories, meantime.gold).f1:.3f}; {len(set(m_threads))} threads of "
          f"{len(set(m_stories))} stories; thread precision against the four corpora "
          f"{bcubed(m_threads, corpora).precision:.3f}")


def _why_unlinked(corpus) -> str:
    """For each story the engine opens while an earlier story of its gold thread exists: was
    a story of that thread among the opening article's candidates, and did the rule link it?"""
    from collections import Counter

    from storylens.cluster.threads import ThreadRule
    from storylens.evaluate.thread_rule import engine_replay, majority

    rule = ThreadRule()
    kinds: Counter = Counter()
    missed: list[float] = []
    for gold, placed, others, story_gold in engine_replay(corpus):
        if not placed.opened or all(majority(c) != gold for c in story_gold.values()):
            continue
        same = [rule.probability(e) for s, e in others if majority(story_gold[s]) == gold]
        if not same:
            kinds["no story of its thread among the candidates"] += 1
        elif max(same) >= rule.threshold:
            kinds["linked"] += 1
        else:
            kinds["a candidate of its thread, below the threshold"] += 1
            missed.append(max(same))
    return (f"{dict(kinds)}; the missed links' probabilities: {', '.join(f'{p:.2f}' for p in sorted(missed))}")


def _score(s) -> str:
    return f"F1 {s.f1:.3f} (P {s.precision:.3f} R {s.recall:.3f})"


if __name__ == "__main__":
    main()
