"""storylens: follow a news story across outlets and languages.

The library API in three calls::

    import storylens
    a = storylens.analyze(storylens.read_article("a.txt"))
    b = storylens.analyze(storylens.read_article("b.html"))
    result = storylens.compare(a, b)          # result.same_story, result.to_dict()
"""

from __future__ import annotations

import os

# OpenMP runtimes (scikit-learn's, the e5 engine's) spin-wait for cores by default: on a busy
# machine that doubles the wall time. Passive waiting costs nothing measurable on an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from storylens.analyze import Analyzer  # noqa: E402
from storylens.article import AnalyzedArticle, Article  # noqa: E402
from storylens.errors import InputError, StorylensError  # noqa: E402
from storylens.ingest import read_article, read_articles  # noqa: E402
from storylens.match import Comparison, compare  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Article", "AnalyzedArticle", "Analyzer", "Comparison", "InputError", "StorylensError",
           "analyze", "compare", "read_article", "read_articles", "compare_files"]

_default_analyzer: Analyzer | None = None


def analyze(article: Article) -> AnalyzedArticle:
    """Analyse one article with the default stages."""
    global _default_analyzer
    if _default_analyzer is None:
        _default_analyzer = Analyzer()
    return _default_analyzer.analyze(article)


def compare_files(path_a: str, path_b: str, fast: bool = False) -> Comparison:
    """Read, analyse and compare two article files (``FILE`` or ``FILE#ID``)."""
    return compare(analyze(read_article(path_a)), analyze(read_article(path_b)), fast=fast)
