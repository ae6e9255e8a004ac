"""``eval summaries``: the story summary against human roundups (ROUGE), beside lead baselines.

The input is AllSides headline roundups, one JSON object a line::

    {"id": "..", "articles": [{"title": "..", "text": ".."}, ...],
     "summary": {"title": "..", "text": ".."}}

Each article's title and text are split into sentences as analysis does (language
detection, sentencex); the title comes first and shares position 0 with the opening
sentence (both are the lead; a title bonus of its own lowered ROUGE on val). ``support`` counts the
articles with a sentence aligned to it (``storylens.match.align``). Every system gets the
same budget, the reference text's word count, and the same rule: whole sentences, never
over the budget. The reference is ``summary.text`` alone: its title is a headline, not
part of the summary, and the budget is counted on the text. ROUGE-1/2/L F1 (rouge-score,
Porter stemming) is averaged over stories. rouge-score's tokenizer keeps only a-z and 0-9,
so the measure is meant for English (or Latin-script) references.

Baselines: ``lead_K`` is article K's sentences in reading order (title first) until the next
one would overrun the budget; ``best_lead`` is the best of them on ROUGE-1; ``round_robin``
takes the articles' sentences in turn (first of each, then second of each, ...), passing
over a sentence that does not fit. For reference only, ``lead_words`` cuts each article's
title and text at exactly the budget, mid-sentence (the classic "first N words" lead, not
verbatim sentences), and reports the best of the articles. A story with fewer articles
than the widest story has empty leads for the missing ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.article import Article
from storylens.coverage.summary import (DEFAULT_WEIGHTS, SummaryWeights, choose_sentences, sentence_support,
                                        word_count)
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text
from storylens.ingest.files import stream_lines
from storylens.ingest.records import json_lines

Progress = Callable[[int], None]
MEASURES = ("rouge1", "rouge2", "rougeL")
MAX_SENTENCES = 10  # the word budget is what binds; this only guards against many tiny sentences


@dataclass(frozen=True)
class Roundup:
    """One story: its articles and the human summary (read only to score)."""

    id: str
    articles: tuple[Article, ...]
    reference: str
    reference_title: str = ""


@dataclass(frozen=True, eq=False)
class StorySentences:
    """The candidate sentences of one story, as ``select_summary`` takes them."""

    sentences: tuple[str, ...]
    vectors: np.ndarray
    article_of: tuple[int, ...]
    position: tuple[int, ...]
    support: tuple[int, ...]


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


def story_sentences(articles: Sequence[Article]) -> StorySentences:
    """Sentences of every article (title first), their USE vectors, positions and support."""
    from storylens.analyze.embed import embed
    from storylens.analyze.language import detect_language
    from storylens.analyze.sentences import split_paragraphs, split_sentences

    texts: list[str] = []
    article_of: list[int] = []
    position: list[int] = []
    for k, article in enumerate(articles):
        language = detect_language(f"{article.title}\n{article.text}", article.language)
        body = [s.text for s in split_sentences(split_paragraphs(article.text, article.title), language)]
        own = [article.title, *body] if article.title else body
        texts.extend(own)
        article_of.extend([k] * len(own))
        position.extend([0] * (len(own) - len(body)) + list(range(len(body))))
    vectors = embed(texts)
    support = sentence_support(vectors, article_of)
    return StorySentences(tuple(texts), vectors, tuple(article_of), tuple(position), tuple(support))


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


def summarize(story: StorySentences, budget: int, weights: SummaryWeights = DEFAULT_WEIGHTS) -> list[int]:
    """Our summary of the story within ``budget`` words."""
    return choose_sentences(story.sentences, story.vectors, story.article_of, story.position, story.support,
                            max_sentences=MAX_SENTENCES, max_words=budget, weights=weights)


def rouge_scorer():
    """ROUGE-1, ROUGE-2 and ROUGE-L with Porter stemming (the rouge-score package)."""
    from rouge_score.rouge_scorer import RougeScorer

    return RougeScorer(list(MEASURES), use_stemmer=True)


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: round(float(np.mean([r[m] for r in rows])), 4) for m in MEASURES}


@dataclass(frozen=True)
class StoryScores:
    """Per-story ROUGE F1 and word counts of every system, in file order."""

    systems: tuple[str, ...]
    scores: dict[str, list[dict[str, float]]]  # system -> one {measure: F1} per story
    words: dict[str, list[int]]
    reference_words: list[int]
    seconds: float  # time spent on our summaries (sentences, embeddings, selection)


def score_stories(stories: Sequence[Roundup], weights: SummaryWeights = DEFAULT_WEIGHTS,
                  progress: Progress | None = None) -> StoryScores:
    """Summarise each story (ours and the baselines) and score it against its reference."""
    from storylens.analyze.embed import get_encoder

    scorer = rouge_scorer()
    get_encoder()  # load the model before the clock starts
    width = max(len(s.articles) for s in stories)
    systems = ("ours", *(f"lead_{k + 1}" for k in range(width)), "round_robin",
               *(f"words_{k + 1}" for k in range(width)))
    scores: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    words: dict[str, list[int]] = {name: [] for name in systems}
    elapsed = 0.0
    for roundup in stories:
        budget = word_count(roundup.reference)
        start = time.perf_counter()
        story = story_sentences(roundup.articles)
        picks = {"ours": summarize(story, budget, weights)}
        elapsed += time.perf_counter() - start
        for k in range(width):
            picks[f"lead_{k + 1}"] = lead(story, k, budget)
        picks["round_robin"] = round_robin(story, budget)
        texts = {name: " ".join(story.sentences[i] for i in chosen) for name, chosen in picks.items()}
        for k in range(width):
            whole = " ".join(t for t, a in zip(story.sentences, story.article_of) if a == k)
            texts[f"words_{k + 1}"] = " ".join(whole.split()[:budget])
        for name, text in texts.items():
            result = scorer.score(roundup.reference, text)
            scores[name].append({m: result[m].fmeasure for m in MEASURES})
            words[name].append(word_count(text))
        if progress:
            progress(1)
    return StoryScores(systems, scores, words, [word_count(s.reference) for s in stories], elapsed)


def summary_table(scored: StoryScores) -> dict:
    """Mean ROUGE F1 per system, with the best single-outlet leads named."""
    table = {name: {**_mean(scored.scores[name]), "words": round(float(np.mean(scored.words[name])), 1)}
             for name in scored.systems}
    leads = [name for name in scored.systems if name.startswith("lead_")]
    best = max(leads, key=lambda name: table[name]["rouge1"])
    cut = max((name for name in scored.systems if name.startswith("words_")), key=lambda name: table[name]["rouge1"])
    stories = len(scored.reference_words)
    return {"stories": stories, **{m: table["ours"][m] for m in MEASURES}, "words": table["ours"]["words"],
            "reference_words": round(float(np.mean(scored.reference_words)), 1),
            "baselines": {**{name: table[name] for name in leads}, "best_lead": {"name": best, **table[best]},
                          "round_robin": table["round_robin"],
                          "lead_words": {"name": "lead_" + cut.split("_")[1], **table[cut]}},
            "stories_per_second": round(stories / max(scored.seconds, 1e-9), 2)}


def eval_summaries(path: str | Path, weights: SummaryWeights = DEFAULT_WEIGHTS, progress: Progress | None = None,
                   on_total: Callable[[int], None] | None = None) -> dict:
    """Summarise every story of a roundups file; ROUGE F1 of ours and of the lead baselines."""
    stories = read_roundups(path)
    if on_total:
        on_total(len(stories))
    return summary_table(score_stories(stories, weights, progress))
