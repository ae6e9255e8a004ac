"""Quote speakers: how often the extracted speaker of a direct quote is the right person.

Two sets, scored the same way as ``shared/tools/checks/quote-speakers``: a gold quote counts
as found when an extracted quote overlaps it (word containment of the shorter >= 0.6), and
as right when that quote's speaker names the gold speaker or one of its aliases.

- **real**: ``shared/datasets/real-world/pages/quotes.jsonl``, 23 hand-labelled English quotes
  (the issue's target, >= 90%).
- **dev**: ``benchmarks/data/quote_speakers.dev.jsonl``, 39 quotes in de, es, fr and it,
  labelled by hand from the MEANTIME and SemEval-2022 texts and the real pages (sampled at
  random among quotes of six words or more; kept when the article names who said it), and
  never used to write the rules: held-out evidence for the languages the real set lacks.
  The labels give the article, the quote's place in its text (``start``, ``end``) and the
  speaker; the text itself is read from ``../shared``.

Only the stages quotes need run (no embeddings).

    .venv/bin/python benchmarks/quote_speakers.py [../shared]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "benchmarks" / "data" / "quote_speakers.dev.jsonl"
STAGES_NEEDED = ("language", "paragraphs", "sentences", "entities", "quotes")


def quotes_of(article):
    """The quotes of an article, through the analysis stages they require."""
    from storylens.analyze.pipeline import STAGES, run_stages

    return run_stages(article, [s for s in STAGES if s.name in STAGES_NEEDED]).quotes


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def overlap(a: str, b: str) -> float:
    sa, sb = _words(a), _words(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def outcome(quotes, gold: dict) -> str:
    """``right``, ``wrong`` (a speaker given, not the gold one), ``unknown`` (the quote found,
    no speaker given) or ``missed`` (no extracted quote overlaps the gold one)."""
    best = max(quotes, key=lambda q: overlap(q.text, gold["quote"]), default=None)
    if best is None or overlap(best.text, gold["quote"]) < 0.6:
        return "missed"
    if not best.speaker:
        return "unknown"
    said = best.speaker.lower()
    names = [gold["speaker"]] + gold.get("speaker_aliases", [])
    return "right" if any(n.lower() in said or said in n.lower() for n in names) else "wrong"


def tally(outcomes: Counter) -> str:
    """How the found quotes split, and how often a speaker given is right (what a reader
    who quotes the report relies on)."""
    given = outcomes["right"] + outcomes["wrong"]
    precision = f"{outcomes['right'] / given:.0%}" if given else "n/a"
    return (f"right {outcomes['right']}, wrong {outcomes['wrong']}, no speaker {outcomes['unknown']}, "
            f"quote not found {outcomes['missed']}; a speaker given is right {outcomes['right']}/{given} ({precision})")


def dev_articles(shared: Path) -> dict[str, object]:
    """The articles the dev set's quotes come from, by id."""
    import storylens
    from storylens.article import Article

    wanted = {json.loads(line)["id"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()}
    found = {}
    datasets = shared / "datasets"
    for line in (datasets / "meantime" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in wanted:
            found[row["id"]] = Article(id=row["id"], text=row["text"], title=row["title"])
    for line in (datasets / "semeval2022-task8" / "pairs.dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for k, ident in zip(("1", "2"), row["pair_id"].split("_")):
            if ident in wanted and ident not in found:
                found[ident] = Article(id=ident, text=row["text" + k], title=row.get("title" + k) or "")
    for ident in wanted:
        if ident.startswith("pages/"):
            found[ident] = storylens.read_article(datasets / "real-world" / ident)
    return found


def score_real(shared: Path) -> tuple[Counter, int]:
    import storylens

    root = shared / "datasets" / "real-world"
    gold = [json.loads(line) for line in (root / "pages" / "quotes.jsonl").read_text(encoding="utf-8").splitlines()]
    cache: dict[str, tuple] = {}
    outcomes: Counter = Counter()
    for row in gold:
        if row["source"] not in cache:
            cache[row["source"]] = quotes_of(storylens.read_article(root / row["source"]))
        outcomes[outcome(cache[row["source"]], row)] += 1
    return outcomes, len(gold)


def score_dev(shared: Path) -> tuple[Counter, int, Counter, Counter]:
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = dev_articles(shared)
    for row in gold:  # the labels hold where each quote stands, the text stays in ../shared
        row["quote"] = articles[row["id"]].text[row["start"]:row["end"]]
    cache: dict[str, tuple] = {}
    outcomes, by_lang, n_lang = Counter(), Counter(), Counter()
    for row in gold:
        if row["id"] not in cache:
            cache[row["id"]] = quotes_of(articles[row["id"]])
        result = outcome(cache[row["id"]], row)
        outcomes[result] += 1
        by_lang[row["lang"]] += result == "right"
        n_lang[row["lang"]] += 1
    return outcomes, len(gold), by_lang, n_lang


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared"
    real, n = score_real(shared)
    right = real["right"]
    print(f"real quotes (en): speaker right {right}/{n} ({right / n:.0%}) (target >= 90%)")
    print(f"  {tally(real)}")
    dev, d_n, by_lang, n_lang = score_dev(shared)
    langs = ", ".join(f"{lang} {by_lang[lang]}/{n_lang[lang]}" for lang in sorted(n_lang))
    print(f"dev quotes (de/es/fr/it, held out): speaker right {dev['right']}/{d_n} ({dev['right'] / d_n:.0%}); {langs}")
    print(f"  {tally(dev)}")
    return 0 if right / n >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
