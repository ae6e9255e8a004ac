"""Analysis as an ordered list of named stages that declare what they need and make.

``Analyzer`` checks when it is built that every stage's requirements are produced
upstream (or are the input article) and that the stages together produce every field
of ``AnalyzedArticle``; then ``analyze`` runs them in order, once per article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from storylens.analyze.embed import embed
from storylens.analyze.entities import extract_entities
from storylens.analyze.language import detect_language
from storylens.analyze.mentions import extract_mentions
from storylens.analyze.quotes import extract_quotes
from storylens.analyze.sentences import split_paragraphs, split_sentences
from storylens.article import AnalyzedArticle, Article
from storylens.errors import ConfigError, StageError

LEAD_SENTENCES = 2


@dataclass(frozen=True)
class Stage:
    """One analysis step: reads ``requires`` fields, returns a dict of ``produces`` fields."""

    name: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    run: Callable[[dict[str, Any]], dict[str, Any]]


def _language(d: dict) -> dict:
    article: Article = d["article"]
    return {"language": detect_language(f"{article.title}\n{article.text}", article.language)}


def _paragraphs(d: dict) -> dict:
    return {"paragraphs": split_paragraphs(d["article"].text, d["article"].title)}


def _sentences(d: dict) -> dict:
    return {"sentences": split_sentences(d["paragraphs"], d["language"])}


def _embeddings(d: dict) -> dict:
    article: Article = d["article"]
    texts = [s.text for s in d["sentences"]]
    # the document vector reads the whole text, boilerplate included: on SemEval-2022
    # Task 8 that agrees better with people than the content alone (docs/benchmarks.md)
    whole = f"{article.title}\n{article.text}".strip()
    lead = " ".join([article.title, *texts[:LEAD_SENTENCES]]).strip()
    vectors = embed([*texts, whole, lead or whole])
    return {"sentence_embeddings": vectors[: len(texts)], "doc_embedding": vectors[-2],
            "title_embedding": vectors[-1]}


def _entities(d: dict) -> dict:
    return {"entities": extract_entities(d["sentences"], d["language"])}


def _quotes(d: dict) -> dict:
    return {"quotes": extract_quotes(d["paragraphs"], d["sentences"], d["entities"], d["language"])}


def _mentions(d: dict) -> dict:
    return {"mentions": extract_mentions(d["sentences"])}


def _stats(d: dict) -> dict:
    sentences = d["sentences"]
    words = sum(len(s.text.split()) for s in sentences)
    return {"stats": {"words": float(words), "sentences": float(len(sentences)),
                      "quotes": float(len(d["quotes"])), "boilerplate": float(sum(
                          p.role != "content" for p in d["paragraphs"]))}}


STAGES: tuple[Stage, ...] = (
    Stage("language", ("article",), ("language",), _language),
    Stage("paragraphs", ("article",), ("paragraphs",), _paragraphs),
    Stage("sentences", ("paragraphs", "language"), ("sentences",), _sentences),
    Stage("embeddings", ("article", "sentences"), ("sentence_embeddings", "doc_embedding", "title_embedding"), _embeddings),
    Stage("entities", ("sentences", "language"), ("entities",), _entities),
    Stage("quotes", ("paragraphs", "sentences", "entities", "language"), ("quotes",), _quotes),
    Stage("mentions", ("sentences",), ("mentions",), _mentions),
    Stage("stats", ("paragraphs", "sentences", "quotes"), ("stats",), _stats),
)


def check_stages(stages: Iterable[Stage]) -> None:
    """Raise ConfigError when a stage needs a field no earlier stage makes, or a field is never made."""
    available = {"article"}
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise ConfigError(f"analysis stage {stage.name!r} requires {missing} but no earlier stage produces it")
        available.update(stage.produces)
    needed = {f.name for f in fields(AnalyzedArticle)}
    if needed - available:
        raise ConfigError(f"no analysis stage produces {sorted(needed - available)}")


class Analyzer:
    """Runs the analysis stages on articles. Models load lazily, once per process."""

    def __init__(self, stages: tuple[Stage, ...] = STAGES) -> None:
        check_stages(stages)
        self.stages = stages

    def analyze(self, article: Article) -> AnalyzedArticle:
        draft: dict[str, Any] = {"article": article}
        for stage in self.stages:
            try:
                draft.update(stage.run(draft))
            except Exception as exc:  # a stage's own failure, reported with its name
                raise StageError(stage.name, article.id, f"{type(exc).__name__}: {exc}") from exc
        names = {f.name for f in fields(AnalyzedArticle)}
        return AnalyzedArticle(**{k: v for k, v in draft.items() if k in names})

    def analyze_many(self, articles: Iterable[Article]) -> list[AnalyzedArticle]:
        return [self.analyze(a) for a in articles]


def warm_up() -> None:
    """Load the models now rather than on the first article."""
    from storylens.analyze.embed import get_encoder
    from storylens.analyze.entities import get_nlp

    get_encoder().encode(["warm up"])
    get_nlp()("warm up")
