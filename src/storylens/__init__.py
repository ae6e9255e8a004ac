"""storylens: follow a news story across outlets and languages.

The library API in three calls::

    import storylens
    a = storylens.analyze(storylens.read_article("a.txt"))
    b = storylens.analyze(storylens.read_article("b.html"))
    result = storylens.compare(a, b)          # result.same_story, result.to_dict()

The names below load on first use: ``import storylens.store`` (or a profiling worker)
loads no model library.
"""

from __future__ import annotations

import os
import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING

# OpenMP runtimes (scikit-learn's, the e5 engine's) spin-wait for cores by default: on a busy
# machine that doubles the wall time. Passive waiting costs nothing measurable on an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from storylens.version import __version__  # noqa: E402

if TYPE_CHECKING:
    from storylens.analyze import Analyzer
    from storylens.article import AnalyzedArticle, Article
    from storylens.errors import InputError, StorylensError
    from storylens.ingest import read_article, read_articles
    from storylens.match import Comparison, compare

__all__ = ["Article", "AnalyzedArticle", "Analyzer", "Comparison", "InputError", "StorylensError",
           "analyze", "compare", "read_article", "read_articles", "compare_files", "__version__"]

_LAZY = {"Analyzer": "storylens.analyze", "Article": "storylens.article", "AnalyzedArticle": "storylens.article",
         "InputError": "storylens.errors", "StorylensError": "storylens.errors", "read_article": "storylens.ingest",
         "read_articles": "storylens.ingest", "Comparison": "storylens.match", "compare": "storylens.match"}

_default_analyzer = None


class _Face(types.ModuleType):
    """The package's module type: ``storylens.analyze`` stays the function when the
    subpackage of that name loads (the import system would bind the subpackage here; it
    is in ``sys.modules`` all the same)."""

    def __setattr__(self, name: str, value) -> None:
        if name == "analyze" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Face


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storylens' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def analyze(article: Article) -> AnalyzedArticle:
    """Analyse one article with the default stages."""
    global _default_analyzer
    if _default_analyzer is None:
        from storylens.analyze import Analyzer

        _default_analyzer = Analyzer()
    return _default_analyzer.analyze(article)


def compare_files(path_a: str, path_b: str, fast: bool = False) -> Comparison:
    """Read, analyse and compare two article files (``FILE`` or ``FILE#ID``). Unless
    ``fast``, the e5 vectors of both are computed in the background while they are analysed."""
    from storylens.ingest import read_article

    a, b = read_article(path_a), read_article(path_b)
    if not fast:
        from storylens.analyze.deep import prefetch

        prefetch((a, b))
    from storylens.match import compare

    return compare(analyze(a), analyze(b), fast=fast)
