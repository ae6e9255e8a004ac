"""Ingest speed, memory and store size at scale (story-engine issue).

    .venv/bin/python benchmarks/scale.py [--articles 100000] [--checkpoints 10000,50000,100000] [--window-days 30]

Builds a synthetic corpus with a known story structure (no external data): each story has
its own people, places, organisations, numbers, date and a set of topic words drawn from
a vocabulary of real words in four languages (the demo corpus's); each article of a story is written from the story's facts in its own order,
with sentences of its own, in one of four languages' vocabularies, about 1,500-2,500
characters. About 1 in 12 articles is a wire copy of an earlier article of its story
(a new first line and byline). Stories have 1 to 12 articles and are spread over time.

It then ingests the corpus into a fresh store, batch after batch as ``storylens ingest``
does, and prints at each checkpoint: articles/s overall and over the last segment, peak
memory (RSS) of the process, store size on disk, stories found, and B-cubed F1 against
the known stories, how many dormant stories were revived for each 1,000 articles of the
segment, and what opening the store costs with the state the ingest saved beside it and
without it (rebuilt from the store). With ``--window-days``, the clusterer keeps only that live window in
memory (issue L; the setting's default is 60 days, 0 keeps every story live); the corpus
starts 30 stories a day (``--stories-per-day``), so 100,000 articles span about two years.
``--revive-days`` sets how old a name's article may be and still revive a dormant story
(``stories.revive_days``; copy bands revive at any age). The benchmark's own bookkeeping (the gold labels, each checkpoint's
article-to-story map) are kept out of the main process: the labels go to a file and each
checkpoint's F1 is computed in a child process, so the RSS printed is the engine's.

``--resume-from N`` continues an earlier run's store (``--db``) that holds the first ``N``
articles of the same corpus (same ``--stories-per-day`` and window): the corpus is generated
again, and only the articles after the first ``N`` are ingested. A long run can so be taken in
two parts, and the second part opens the store as any later ``storylens ingest`` does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"
SYLLABLES = ["ka", "lo", "mer", "ta", "vin", "so", "ra", "del", "bri", "nu", "zan", "pe", "gor", "li", "mar",
             "ost", "el", "ban", "fi", "tur", "ha", "quen", "di", "ro", "sal", "um", "ve", "dor", "ny", "ax"]
CONNECTORS = {
    "en": ["the", "of", "and", "in", "to", "said", "on", "with", "after", "for", "a", "was", "by", "has"],
    "de": ["die", "der", "und", "in", "zu", "sagte", "am", "mit", "nach", "für", "ein", "war", "von", "hat"],
    "fr": ["le", "la", "de", "et", "en", "a", "dit", "sur", "avec", "après", "pour", "un", "par", "était"],
    "es": ["el", "la", "de", "y", "en", "a", "dijo", "con", "tras", "para", "un", "fue", "por", "ha"],
}


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _vocabulary(rng: random.Random) -> dict[str, list[str]]:
    """Content words per language: the words of the demo corpus, and of the shared English
    and Spanish benchmark articles when present (real words tokenise as real text does,
    which matters for the embedding's cost)."""
    vocab: dict[str, set[str]] = {lang: set() for lang in CONNECTORS}
    sources = [ROOT / "demo" / "articles.jsonl", SHARED / "giveme5w1h-news-cluster" / "articles.jsonl",
               SHARED / "meantime" / "articles.jsonl"]
    for path in (p for p in sources if p.exists()):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            language = row.get("language") or row.get("lang")
            if language in vocab:
                words = [w.strip(".,;:!?\"'()«»“”„").lower() for w in row["text"].split()]
                vocab[language].update(w for w in words if len(w) > 3 and w.isalpha())
    return {lang: sorted(words) for lang, words in vocab.items()}


def synthetic_corpus(n: int, seed: int = 0, stories_per_day: float = 30.0) -> Iterator[dict]:
    """``n`` article records with a ``story`` label, in publication order; a story starts
    every ``24 / stories_per_day`` hours (about 4.4 articles each)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    langs = list(CONNECTORS)
    start = datetime(2015, 1, 1, tzinfo=timezone.utc)  # dense streams of many articles stay in the past
    made, story = 0, 0
    while made < n:
        story += 1
        people = [f"{_word(rng, 2).title()} {_word(rng, 3).title()}" for _ in range(3)]
        place = _word(rng, 3).title()
        org = f"{_word(rng, 2).title()} {rng.choice(['Group', 'Bank', 'Council', 'Union'])}"
        numbers = [str(rng.randint(2, 90000)) for _ in range(4)]
        topic = {lang: rng.sample(vocab[lang], 40) for lang in langs}
        when = start + timedelta(hours=story * 24.0 / stories_per_day)
        size = min(rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12]), n - made)
        written: list[dict] = []
        for k in range(size):
            lang = rng.choice(langs)
            conn, words = CONNECTORS[lang], topic[lang]

            def sentence(facts: bool) -> str:
                picked = rng.sample(words, 7) + [rng.choice(conn) for _ in range(5)]
                if facts:
                    picked += [rng.choice(people), place, rng.choice(numbers), org]
                rng.shuffle(picked)
                text = " ".join(picked)
                return text[0].upper() + text[1:] + "."

            if written and rng.random() < 0.08:  # a wire copy: new first line, same body
                base = rng.choice(written)
                text = f"{_word(rng, 2).title()} News Service\n" + base["text"]
                row = {**base, "id": f"a{made:07d}", "text": text, "outlet": f"outlet-{rng.randint(1, 400)}",
                       "published": (when + timedelta(hours=k)).isoformat()}
            else:
                paragraphs = [" ".join(sentence(rng.random() < 0.6) for _ in range(3)) for _ in range(rng.randint(4, 7))]
                row = {"id": f"a{made:07d}", "story": f"story-{story}", "language": lang,
                       "title": sentence(True)[:90], "text": "\n\n".join(paragraphs),
                       "outlet": f"outlet-{rng.randint(1, 400)}", "published": (when + timedelta(hours=k)).isoformat()}
            written.append(row)
            made += 1
            yield row


def _peak_mb(pid: int) -> float:
    """Peak resident memory of a process (Linux /proc), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="10000,50000,100000")
    parser.add_argument("--workers", type=int, default=2, help="profiling processes (default 2)")
    parser.add_argument("--db", default=None, help="store file (default: a temporary folder)")
    parser.add_argument("--stories-per-day", type=float, default=30.0,
                        help="how dense the stream is: 30 (the default) is about 130 articles a day")
    parser.add_argument("--window-days", type=float, default=None,
                        help="the clusterer's live window (stories.window_days; default: the setting in force)")
    parser.add_argument("--revive-days", type=float, default=None,
                        help="how old a name's article may be and still revive its dormant story "
                             "(stories.revive_days; default: the setting in force, 0: any age)")
    parser.add_argument("--resume-from", type=int, default=0,
                        help="the store given by --db already holds this many first articles of the corpus")
    args = parser.parse_args()
    if args.resume_from and not (args.db and Path(args.db).exists()):
        parser.error("--resume-from needs --db naming the store of the earlier run")
    if args.window_days is not None:  # before the settings are first read; the open probe inherits it
        os.environ["STORYLENS_STORIES_WINDOW_DAYS"] = str(args.window_days)
    if args.revive_days is not None:
        os.environ["STORYLENS_STORIES_REVIVE_DAYS"] = str(args.revive_days)
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",") if int(c) <= args.articles} | {args.articles})

    from storylens.engine import IngestReport, StoryEngine
    from storylens.ingest import read_articles
    from storylens.store import SQLiteStore

    folder = Path(tempfile.mkdtemp(prefix="storylens-scale-"))
    db = Path(args.db or folder / "scale.db")
    corpus, gold = folder / "corpus.jsonl", folder / "gold.tsv"
    with corpus.open("w", encoding="utf-8") as handle, gold.open("w", encoding="utf-8") as labels:
        for number, row in enumerate(synthetic_corpus(args.articles, stories_per_day=args.stories_per_day)):
            labels.write(f"{row['id']}\t{row['story']}\n")
            if number >= args.resume_from:
                handle.write(json.dumps({k: v for k, v in row.items() if k != "story"}, ensure_ascii=False) + "\n")
    print(f"corpus: {corpus} ({corpus.stat().st_size / 1e6:.0f} MB)")
    opened = time.perf_counter()
    store = SQLiteStore(db)
    held = store.counts()["articles"]
    if held != args.resume_from:
        sys.exit(f"{db}: holds {held:,} articles, --resume-from says {args.resume_from:,}")
    engine = StoryEngine(store, workers=args.workers)
    if args.resume_from:
        print(f"resumed: {held:,} articles in the store, opened in {time.perf_counter() - opened:.1f} s")

    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; {args.workers} profiling workers; live window "
          f"{engine.clusterer.window_days:g} days; names revive "
          + (f"within {engine.revive_days:g} days" if engine.revive_days else "at any age"))
    print("| articles | articles/s (all) | articles/s (segment) | peak RSS MB (main + workers) | store MB "
          "| stories | gold stories | B-cubed F1 | stories revived per 1,000 articles (segment) |")
    print("|---|---|---|---|---|---|---|---|---|")
    state = {"done": args.resume_from, "start": time.perf_counter(), "seg_start": time.perf_counter(),
             "seg_done": args.resume_from, "next": 0, "seg_revived": 0}
    report = IngestReport()
    while state["next"] < len(checkpoints) and checkpoints[state["next"]] <= args.resume_from:
        state["next"] += 1

    def checkpoint(n: int) -> None:
        state["done"] += n
        if state["next"] >= len(checkpoints) or state["done"] < checkpoints[state["next"]]:
            return
        state["next"] += 1
        now, done = time.perf_counter(), state["done"]
        # the store's batches are committed here; a child process reads them and the labels
        scored = subprocess.run([sys.executable, "-c", F1_PROBE, str(db), str(gold)],
                                capture_output=True, text=True, check=True)
        f1, gold_stories = json.loads(scored.stdout)
        size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = sum(_peak_mb(child.pid) for child in multiprocessing.active_children())
        print(f"| {done:,} | {(done - args.resume_from) / (now - state['start']):.0f} | "
              f"{(done - state['seg_done']) / (now - state['seg_start']):.0f} | {rss:.0f} + {workers:.0f} | "
              f"{size_mb:.0f} | {store.counts()['stories']:,} | {gold_stories:,} | {f1:.3f} | "
              f"{1000 * (report.revived - state['seg_revived']) / (done - state['seg_done']):.1f} |", flush=True)
        state["seg_start"], state["seg_done"], state["seg_revived"] = time.perf_counter(), done, report.revived
        state["start"] += time.perf_counter() - now  # the scoring is not the ingest's time

    engine.ingest_articles(read_articles(corpus), progress=checkpoint, report=report)
    engine.close()
    store.close()
    # what opening the store costs: a fresh engine loads the state the ingest saved beside the
    # store; then, with that state moved aside, what rebuilding it from the store costs
    _print_open(db, state["done"], "with the saved state")
    meta = db.with_name(db.name + ".hnsw.json")
    aside = meta.with_name(meta.name + ".aside")
    meta.rename(aside)
    try:
        _print_open(db, state["done"], "without it")
    finally:
        aside.rename(meta)


def _print_open(db: Path, articles: int, label: str) -> None:
    """Open the store in a fresh process and say what it cost."""
    opened = subprocess.run([sys.executable, "-c", OPEN_PROBE, str(db)], capture_output=True, text=True, check=True)
    seconds, rss, loaded = json.loads(opened.stdout)
    print(f"\nOpening the {articles:,}-article store {label} (a fresh process; saved index "
          f"{'loaded' if loaded else 'not loaded'}): {seconds:.1f} s, peak RSS {rss:.0f} MB.")


# B-cubed F1 of the store's stories against the labels of the articles it holds, and how many
# gold stories those are
F1_PROBE = """
import json, sys
from storylens.evaluate.clusters import bcubed
from storylens.store import SQLiteStore
gold = dict(line.rstrip("\\n").split("\\t") for line in open(sys.argv[2], encoding="utf-8"))
stories = SQLiteStore(sys.argv[1]).article_stories()
print(json.dumps([bcubed(list(stories.values()), [gold[i] for i in stories]).f1, len({gold[i] for i in stories})]))
"""


# the probe's peak memory is its own (VmHWM): ru_maxrss, after the fork and exec, counts this process's too
OPEN_PROBE = """
import json, sys, time
from storylens.engine import StoryEngine
from storylens.store import open_store
start = time.perf_counter()
store = open_store(sys.argv[1])
engine = StoryEngine(store)
peak = next(int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps([time.perf_counter() - start, peak, engine.clusterer.index_loaded_]))
"""


if __name__ == "__main__":
    main()
