"""``eval summaries``: the summary ``coverage`` ships, against human roundups (ROUGE), beside lead baselines.

The input is AllSides headline roundups, one JSON object a line::

    {"id": "..", "articles": [{"title": "..", "text": ".."}, ...],
     "summary": {"title": "..", "text": ".."}}

Each story goes through the path a coverage report takes: every article analysed
(``Analyzer``: language, content sentences, embeddings, entities, quotes), wire copies found
among them (``coverage.copies.find_copies``), then ``coverage.build_coverage``, whose
``summary`` is measured: sentences in the report language outside copies, ranked by
``summary.select_summary`` with the support of the facts clustering, one sentence per fact,
5 sentences. Two figures:

- ``ours``: that summary within the reference's word count (``build_coverage(...,
  summary_words=budget)``: a sentence that would overrun the words left is passed over,
  as the baselines' rule is: whole sentences, never over the budget);
- ``as_shipped``: exactly what ``storylens coverage`` prints (5 sentences, no word budget),
  with its own length, beside the best single lead of that same length per story
  (``as_shipped.best_lead``; ``shipped_lead_K`` in the per-story scores).

The reference is ``summary.text`` alone: its title is a headline, not part of the summary,
and the budget is counted on the text. ROUGE-1/2/L F1 (rouge-score, Porter stemming) is
averaged over stories. rouge-score's tokenizer keeps only a-z and 0-9, so the measure is
meant for English (or Latin-script) references.

Baselines, on the same analysed sentences with each article's title first: ``lead_K`` is
article K's sentences in reading order until the next one would overrun the budget;
``best_lead`` is the best of them on ROUGE-1; ``round_robin`` takes the articles' sentences
in turn (first of each, then second of each, ...), passing over a sentence that does not
fit. For reference only, ``lead_words`` cuts each article's title and text at exactly the
budget, mid-sentence (the classic "first N words" lead, not verbatim sentences), and reports
the best of the articles. A story with fewer articles than the widest story has empty leads
for the missing ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.article import AnalyzedArticle, Article
from storylens.coverage.summary import word_count
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text
from storylens.ingest.files import stream_lines
from storylens.ingest.records import json_lines
from storylens.records import CopyOf

Progress = Callable[[int], None]
MEASURES = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class Roundup:
    """One story: its articles and the human summary (read only to score)."""

    id: str
    articles: tuple[Article, ...]
    reference: str
    reference_title: str = ""


@dataclass(frozen=True)
class StorySentences:
    """The sentences the baselines take: each article's title, then its content sentences."""

    sentences: tuple[str, ...]
    article_of: tuple[int, ...]


def _string(obj: dict, name: str, source: str, field: str, required: bool) -> str:
    value = obj.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InputError(source, f"field {field!r} is missing or not a non-empty string")
    return value


def read_roundups(path: str | Path) -> list[Roundup]:
    """Every story of a roundups JSONL file; errors name the file, the line and the field."""
    path = Path(path)
    stories, seen = [], {}
    for lineno, source, obj in json_lines(stream_lines(path), str(path)):
        if not isinstance(obj, dict):
            raise InputError(source, f"expected a JSON object, got {type(obj).__name__}")
        story_id = obj.get("id", f"{path.stem}-{lineno}")
        if not isinstance(story_id, (str, int)) or isinstance(story_id, bool) or str(story_id) == "":
            raise InputError(source, "field 'id' must be a non-empty string")
        story_id = str(story_id)
        if story_id in seen:
            raise InputError(source, f"duplicate id {story_id!r} (first at line {seen[story_id]})")
        seen[story_id] = lineno
        raw = obj.get("articles")
        if not isinstance(raw, list) or not raw:
            raise InputError(source, "field 'articles' must be a non-empty list of {title, text} objects")
        if len(raw) < 2:
            raise InputError(source, "field 'articles' lists one article; a coverage report, and so its summary, "
                                     "needs two or more")
        articles = []
        for k, item in enumerate(raw):
            field = f"articles[{k}]"
            if not isinstance(item, dict):
                raise InputError(source, f"field {field!r} must be an object with 'title' and 'text'")
            title = clean_line(_string(item, "title", source, f"{field}.title", required=False))
            text = clean_text(_string(item, "text", source, f"{field}.text", required=False))
            if not title and not text:
                raise InputError(source, f"field {field!r} has neither a title nor a text")
            articles.append(Article(id=f"{story_id}:{k}", title=title, text=text, source=source))
        summary = obj.get("summary")
        if not isinstance(summary, dict):
            raise InputError(source, "field 'summary' must be an object with 'text' (and 'title')")
        reference = clean_text(_string(summary, "text", source, "summary.text", required=True))
        title = clean_line(_string(summary, "title", source, "summary.title", required=False))
        stories.append(Roundup(story_id, tuple(articles), reference, title))
    if not stories:
        raise InputError(str(path), "holds no stories")
    return stories


def story_sentences(analyzed: Sequence[AnalyzedArticle]) -> StorySentences:
    """Each analysed article's title and content sentences, in reading order."""
    texts: list[str] = []
    article_of: list[int] = []
    for k, x in enumerate(analyzed):
        own = ([x.article.title] if x.article.title else []) + [s.text for s in x.sentences]
        texts.extend(own)
        article_of.extend([k] * len(own))
    return StorySentences(tuple(texts), tuple(article_of))


def analyse_story(roundup: Roundup, analyzer=None) -> tuple[list[AnalyzedArticle], dict[str, CopyOf]]:
    """The story's articles analysed as ``coverage`` analyses them, and their wire copies."""
    from storylens.analyze import Analyzer
    from storylens.coverage.copies import find_copies

    analyzed = (analyzer or Analyzer()).analyze_many(roundup.articles)
    return analyzed, find_copies(roundup.articles)


def shipped_summary(analyzed: Sequence[AnalyzedArticle], copies: dict[str, CopyOf],
                    budget: int | None = None) -> list[str]:
    """The sentences of the coverage report's summary (``build_coverage``), within ``budget`` words."""
    from storylens.coverage.report import build_coverage

    return [s.text for s in build_coverage(analyzed, copies=copies, summary_words=budget).summary]


def lead(story: StorySentences, article: int, budget: int) -> list[int]:
    """One article's sentences in order until the next would overrun the budget."""
    out, left = [], budget
    for i in (i for i, a in enumerate(story.article_of) if a == article):
        words = word_count(story.sentences[i])
        if words > left:
            break
        out.append(i)
        left -= words
    return out


def round_robin(story: StorySentences, budget: int) -> list[int]:
    """The articles' sentences in turn (titles, then opening sentences, ...), skipping one
    that does not fit."""
    rank, seen = [], {}
    for a in story.article_of:
        seen[a] = seen.get(a, -1) + 1
        rank.append(seen[a])
    order = sorted(range(len(story.sentences)), key=lambda i: (rank[i], story.article_of[i]))
    out, left = [], budget
    for i in order:
        words = word_count(story.sentences[i])
        if words <= left:
            out.append(i)
            left -= words
    return out


def rouge_scorer():
    """ROUGE-1, ROUGE-2 and ROUGE-L with Porter stemming (the rouge-score package)."""
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(list(MEASURES), use_stemmer=True)


@dataclass(frozen=True)
class StoryScores:
    """Per-story ROUGE F1, word counts and texts of every system, in file order."""

    systems: tuple[str, ...]
    scores: dict[str, list[dict[str, float]]]  # system -> one {measure: F1} per story
    words: dict[str, list[int]]
    reference_words: list[int]
    seconds: float  # time spent on our summaries (analysis, copies, the coverage report)
    texts: dict[str, list[str]]  # system -> the text scored for each story


def score_stories(stories: Sequence[Roundup], progress: Progress | None = None) -> StoryScores:
    """Summarise each story (ours as shipped, and the baselines) and score it against its reference."""
    from storylens.analyze import Analyzer, warm_up

    scorer = rouge_scorer()
    warm_up()  # load the models before the clock starts
    analyzer = Analyzer()
    width = max(len(s.articles) for s in stories)
    systems = ("ours", "as_shipped", *(f"lead_{k + 1}" for k in range(width)), "round_robin",
               *(f"words_{k + 1}" for k in range(width)), *(f"shipped_lead_{k + 1}" for k in range(width)))
    scores: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    words: dict[str, list[int]] = {name: [] for name in systems}
    scored_texts: dict[str, list[str]] = {name: [] for name in systems}
    elapsed = 0.0
    for roundup in stories:
        budget = word_count(roundup.reference)
        start = time.perf_counter()
        analyzed, copies = analyse_story(roundup, analyzer)
        texts = {"ours": " ".join(shipped_summary(analyzed, copies, budget))}
        elapsed += time.perf_counter() - start
        texts["as_shipped"] = " ".join(shipped_summary(analyzed, copies))
        story = story_sentences(analyzed)
        picks = {f"lead_{k + 1}": lead(story, k, budget) for k in range(width)}
        shipped_words = word_count(texts["as_shipped"])  # leads as long as the shipped summary
        picks.update({f"shipped_lead_{k + 1}": lead(story, k, shipped_words) for k in range(width)})
        picks["round_robin"] = round_robin(story, budget)
        texts.update({name: " ".join(story.sentences[i] for i in chosen) for name, chosen in picks.items()})
        for k in range(width):
            whole = " ".join(t for t, a in zip(story.sentences, story.article_of) if a == k)
            texts[f"words_{k + 1}"] = " ".join(whole.split()[:budget])
        for name, text in texts.items():
            result = scorer.score(roundup.reference, text)
            scores[name].append({m: result[m].fmeasure for m in MEASURES})
            words[name].append(word_count(text))
            scored_texts[name].append(text)
        if progress:
            progress(1)
    return StoryScores(systems, scores, words, [word_count(s.reference) for s in stories], elapsed, scored_texts)


@dataclass(frozen=True)
class SystemScore:
    """One system's ROUGE F1 (four places) and words (one place), each the mean over the stories."""

    rouge1: float
    rouge2: float
    rouge_l: float
    words: float

    @property
    def measures(self) -> tuple[float, float, float]:
        """The F1 of each of ``MEASURES``, in that order."""
        return self.rouge1, self.rouge2, self.rouge_l

    def to_dict(self) -> dict[str, float]:
        return {**dict(zip(MEASURES, self.measures)), "words": self.words}


@dataclass(frozen=True)
class NamedScore:
    """The best of a family of systems on ROUGE-1 (the leads, say): its name and its scores."""

    name: str
    score: SystemScore

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, **self.score.to_dict()}


@dataclass(frozen=True)
class SummaryEval:
    """What ``eval summaries`` measured: our summary within each reference's length, the
    summary as shipped, and the baselines."""

    stories: int
    ours: SystemScore
    reference_words: float  # the mean budget
    as_shipped: SystemScore
    shipped_best_lead: NamedScore  # the best lead as long as the shipped summary ("shipped_lead_K")
    leads: Mapping[str, SystemScore]  # "lead_1", "lead_2", ...: each article's lead, in order
    best_lead: NamedScore
    round_robin: SystemScore
    lead_words: NamedScore  # the best first-N-words cut, named by its article's lead ("lead_K")
    stories_per_second: float  # our summaries: analysis, copies, the coverage report

    def to_dict(self) -> dict[str, object]:
        return {"stories": self.stories, **self.ours.to_dict(), "reference_words": self.reference_words,
                "as_shipped": {**self.as_shipped.to_dict(), "best_lead": self.shipped_best_lead.to_dict()},
                "baselines": {**{name: score.to_dict() for name, score in self.leads.items()},
                              "best_lead": self.best_lead.to_dict(), "round_robin": self.round_robin.to_dict(),
                              "lead_words": self.lead_words.to_dict()},
                "stories_per_second": self.stories_per_second}


def summary_table(scored: StoryScores) -> SummaryEval:
    """Mean ROUGE F1 per system, with the best single-outlet leads named."""
    table = {name: SystemScore(*(round(float(np.mean([r[m] for r in scored.scores[name]])), 4) for m in MEASURES),
                               round(float(np.mean(scored.words[name])), 1))
             for name in scored.systems}

    def best(prefix: str) -> str:
        return max((name for name in scored.systems if name.startswith(prefix)), key=lambda name: table[name].rouge1)

    leads = {name: table[name] for name in scored.systems if name.startswith("lead_")}
    stories = len(scored.reference_words)
    lead, cut, shipped = best("lead_"), best("words_"), best("shipped_lead_")
    return SummaryEval(stories, table["ours"], round(float(np.mean(scored.reference_words)), 1), table["as_shipped"],
                       NamedScore(shipped, table[shipped]), leads, NamedScore(lead, table[lead]),
                       table["round_robin"], NamedScore("lead_" + cut.split("_")[1], table[cut]),
                       round(stories / max(scored.seconds, 1e-9), 2))


def eval_summaries(path: str | Path, progress: Progress | None = None,
                   on_total: Callable[[int], None] | None = None) -> SummaryEval:
    """Summarise every story of a roundups file as ``coverage`` does; ROUGE F1 of ours and of the lead baselines."""
    stories = read_roundups(path)
    if on_total:
        on_total(len(stories))
    return summary_table(score_stories(stories, progress))
