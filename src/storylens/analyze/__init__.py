"""Analysis of one article, computed once and reusable: language, paragraphs with
boilerplate roles, sentences, embeddings, entities, quotes, dates and numbers."""

from storylens.analyze.pipeline import STAGES, Analyzer, Stage, check_stages, warm_up

__all__ = ["Analyzer", "Stage", "STAGES", "check_stages", "warm_up"]
