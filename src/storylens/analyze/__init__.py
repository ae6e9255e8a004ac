"""Analysis of one article, computed once and reusable: language, paragraphs with
boilerplate roles, sentences, embeddings, entities, quotes, dates and numbers."""

from storylens.analyze.pipeline import STAGES, AnalysisDraft, Analyzer, Stage, check_stages, run_stages, warm_up

__all__ = ["AnalysisDraft", "Analyzer", "Stage", "STAGES", "check_stages", "run_stages", "warm_up"]
