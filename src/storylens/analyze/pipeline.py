"""Analysis as an ordered list of named stages that declare what they need and make.

``Analyzer`` checks when it is built that every stage's requirements are produced
upstream (or are the input article) and that the stages together produce every field
of ``AnalyzedArticle``; then ``analyze`` runs them in order, once per article. Between
stages the article's fields so far are an ``AnalysisDraft``: each stage reads it and
returns exactly the fields it declares, which make the next draft.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from storylens.analyze.embed import embed
from storylens.analyze.entities import extract_entities
from storylens.analyze.language import detect_language
from storylens.analyze.mentions import extract_mentions
from storylens.analyze.quotes import extract_quotes
from storylens.analyze.sentences import split_paragraphs, split_sentences
from storylens.article import AnalyzedArticle, Article, Entity, Mention, Paragraph, Quote, Sentence
from storylens.errors import ConfigError, StageError

LEAD_SENTENCES = 2


@dataclass(frozen=True)
class Stage:
    """One analysis step: reads the ``requires`` fields of the draft, returns its ``produces`` fields."""

    name: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    run: Callable[[AnalysisDraft], Mapping[str, Any]]


@dataclass(frozen=True, eq=False)
class AnalysisDraft:
    """An article part way through analysis: every ``AnalyzedArticle`` field, each None until
    its stage makes it. Frozen, so that a stage cannot change what an earlier one made."""

    article: Article
    language: str | None = None
    paragraphs: tuple[Paragraph, ...] | None = None
    sentences: tuple[Sentence, ...] | None = None
    sentence_embeddings: np.ndarray | None = None
    doc_embedding: np.ndarray | None = None
    title_embedding: np.ndarray | None = None
    entities: tuple[Entity, ...] | None = None
    quotes: tuple[Quote, ...] | None = None
    mentions: tuple[Mention, ...] | None = None
    stats: dict[str, float] | None = None

    def made(self, stage: Stage, produced: Mapping[str, Any]) -> AnalysisDraft:
        """This draft with what ``stage`` produced, which must be exactly what it declares
        (``check_stages`` trusts the declarations)."""
        if set(produced) != set(stage.produces):
            raise ValueError(f"returned {sorted(produced)} but declares {sorted(stage.produces)}")
        return replace(self, **produced)

    def finished(self) -> AnalyzedArticle:
        return AnalyzedArticle(**{f.name: getattr(self, f.name) for f in fields(AnalyzedArticle)})


def _language(d: AnalysisDraft) -> dict:
    return {"language": detect_language(f"{d.article.title}\n{d.article.text}", d.article.language)}


def _paragraphs(d: AnalysisDraft) -> dict:
    return {"paragraphs": split_paragraphs(d.article.text, d.article.title)}


def _sentences(d: AnalysisDraft) -> dict:
    return {"sentences": split_sentences(d.paragraphs, d.language)}


def _embeddings(d: AnalysisDraft) -> dict:
    article = d.article
    texts = [s.text for s in d.sentences]
    # the document vector reads the whole text, boilerplate included: on SemEval-2022
    # Task 8 that agrees better with people than the content alone (docs/benchmarks.md)
    whole = f"{article.title}\n{article.text}".strip()
    lead = " ".join([article.title, *texts[:LEAD_SENTENCES]]).strip()
    vectors = embed([*texts, whole, lead or whole])
    return {"sentence_embeddings": vectors[: len(texts)], "doc_embedding": vectors[-2],
            "title_embedding": vectors[-1]}


def _entities(d: AnalysisDraft) -> dict:
    return {"entities": extract_entities(d.sentences, d.language)}


def _quotes(d: AnalysisDraft) -> dict:
    return {"quotes": extract_quotes(d.paragraphs, d.sentences, d.entities, d.language)}


def _mentions(d: AnalysisDraft) -> dict:
    return {"mentions": extract_mentions(d.sentences)}


def _stats(d: AnalysisDraft) -> dict:
    sentences = d.sentences
    words = sum(len(s.text.split()) for s in sentences)
    return {"stats": {"words": float(words), "sentences": float(len(sentences)),
                      "quotes": float(len(d.quotes)), "boilerplate": float(sum(
                          p.role != "content" for p in d.paragraphs))}}


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
    """Raise ConfigError when a stage names a field the draft does not have, needs a field no
    earlier stage makes, or a field is never made."""
    available = {"article"}
    made = {f.name for f in fields(AnalysisDraft)} - {"article"}
    for stage in stages:
        unknown = [n for n in stage.requires if n not in made | {"article"}]
        unknown += [n for n in stage.produces if n not in made]
        if unknown:
            raise ConfigError(f"analysis stage {stage.name!r} names {unknown}, no field of AnalyzedArticle "
                              f"(stages read 'article' and make {sorted(made)})")
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise ConfigError(f"analysis stage {stage.name!r} requires {missing} but no earlier stage produces it")
        available.update(stage.produces)
    needed = {f.name for f in fields(AnalyzedArticle)}
    if needed - available:
        raise ConfigError(f"no analysis stage produces {sorted(needed - available)}")


def run_stages(article: Article, stages: Iterable[Stage]) -> AnalysisDraft:
    """The draft after ``stages`` ran in order on ``article``. Their order is not checked here
    (``check_stages`` is, once, by the ``Analyzer``): a stage reads None for a field no
    earlier one made, and fails."""
    draft = AnalysisDraft(article)
    for stage in stages:
        try:
            draft = draft.made(stage, stage.run(draft))
        except Exception as exc:  # a stage's own failure, reported with its name
            raise StageError(stage.name, article.id, f"{type(exc).__name__}: {exc}") from exc
    return draft


class Analyzer:
    """Runs the analysis stages on articles. Models load lazily, once per process."""

    def __init__(self, stages: tuple[Stage, ...] = STAGES) -> None:
        check_stages(stages)
        self.stages = stages

    def analyze(self, article: Article) -> AnalyzedArticle:
        return run_stages(article, self.stages).finished()

    def analyze_many(self, articles: Iterable[Article]) -> list[AnalyzedArticle]:
        return [self.analyze(a) for a in articles]


def warm_up() -> None:
    """Load the models now rather than on the first article."""
    from storylens.analyze.embed import get_encoder
    from storylens.analyze.entities import get_nlp

    get_encoder().encode(["warm up"])
    get_nlp()("warm up")
