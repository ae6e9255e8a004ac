"""``eval clusters``: ingest gold-labelled articles into a fresh store and score the stories.

The input is JSON Lines articles with a gold ``story`` field (read only to score).
Articles arrive in order of ``published`` where present (file order otherwise), as a
stream would bring them. The measure is B-cubed precision, recall and F1 (item-averaged).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from storylens.article import Article
from storylens.errors import InputError
from storylens.ingest.dateline import with_dateline
from storylens.ingest.files import stream_lines
from storylens.ingest.records import article_from_record, json_lines

Progress = Callable[[int], None]
_LAST = datetime.max.replace(tzinfo=timezone.utc)


def read_labelled_articles(path: str | Path) -> tuple[list[Article], list[str]]:
    """Articles and their gold story labels, in file order."""
    path = Path(path)
    articles, gold, seen = [], [], {}
    for lineno, source, obj in json_lines(stream_lines(path), str(path)):
        article = article_from_record(obj, source, f"{path.stem}-{lineno}")
        story = obj.get("story")
        if story is None or isinstance(story, (dict, list)) or str(story) == "":
            raise InputError(source, "field 'story' (the gold story label) is missing or not a string/number")
        if article.id in seen:
            raise InputError(source, f"duplicate id {article.id!r} (first at line {seen[article.id]})")
        seen[article.id] = lineno
        articles.append(article)
        gold.append(str(story))
    if not articles:
        raise InputError(str(path), "holds no articles")
    return articles, gold


@dataclass(frozen=True)
class BCubed:
    """Item-averaged B-cubed scores of a clustering, rounded to four places."""

    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {"bcubed_precision": self.precision, "bcubed_recall": self.recall, "bcubed_f1": self.f1}


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> BCubed:
    """Item-averaged B-cubed precision, recall and F1 of a clustering against gold labels."""
    pairs = Counter(zip(predicted, gold))
    sizes_pred, sizes_gold = Counter(predicted), Counter(gold)
    n = len(predicted)
    precision = sum(c * c / sizes_pred[p] for (p, _), c in pairs.items()) / n
    recall = sum(c * c / sizes_gold[g] for (_, g), c in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(round(precision, 4), round(recall, 4), round(f1, 4))


def arrival_order(articles: Sequence[Article]) -> list[int]:
    """Indexes by publication time, undated articles last, ties in file order."""
    return sorted(range(len(articles)), key=lambda i: (articles[i].published or _LAST, i))


LEVELS = ("story", "thread")


@dataclass(frozen=True)
class ClusterEval:
    """What ``eval clusters`` measured: the engine's stories (or threads, by ``level``)
    against the gold labels."""

    articles: int
    level: str  # story | thread
    bcubed: BCubed
    predicted: int  # stories (or threads) the engine made
    gold: int  # gold labels
    stories_predicted: int  # stories the engine made, at either level
    articles_per_second: float  # the engine's ingest rate

    def to_dict(self) -> dict[str, object]:
        # "stories_gold" only at story level, where the gold labels are stories
        return {"articles": self.articles, "level": self.level, **self.bcubed.to_dict(),
                "predicted": self.predicted, "gold": self.gold, "stories_predicted": self.stories_predicted,
                **({"stories_gold": self.gold} if self.level == "story" else {}),
                "articles_per_second": self.articles_per_second}


def eval_clusters(path: str | Path, progress: Progress | None = None,
                  on_total: Callable[[int], None] | None = None, level: str = "story") -> ClusterEval:
    """Cluster a labelled file in a temporary store; B-cubed against its gold labels, taken
    as stories (``level="story"``) or as threads (``"thread"``: the engine's threads are
    scored)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    from storylens.engine import StoryEngine
    from storylens.store import open_store

    articles, gold = read_labelled_articles(path)
    articles = [with_dateline(a) for a in articles]  # dated as the engine dates them, to arrive in time order
    if on_total:
        on_total(len(articles))
    order = arrival_order(articles)
    with tempfile.TemporaryDirectory(prefix="storylens-eval-") as folder:
        store = open_store(str(Path(folder) / "eval.db"))
        try:
            engine = StoryEngine(store)
            report = engine.ingest_articles((articles[i] for i in order), progress)
            story_of = store.article_stories()
            thread_of = store.story_threads()
        finally:
            store.close()
    predicted = [story_of[a.id] if level == "story" else thread_of[story_of[a.id]] for a in articles]
    return ClusterEval(len(articles), level, bcubed(predicted, gold), len(set(predicted)), len(set(gold)),
                       len({story_of[a.id] for a in articles}), round(report.per_second, 1))
