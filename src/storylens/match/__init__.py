"""Matching two analysed articles: sentence alignment, shared entities and quotes,
pair features and the scores computed from them."""

from storylens.match.comparison import Comparison, compare
from storylens.match.features import PairFeatures
from storylens.match.scoring import DIMENSIONS, RuleScorer, Scorer, Scores

__all__ = ["Comparison", "compare", "PairFeatures", "DIMENSIONS", "RuleScorer", "Scorer", "Scores"]
