"""Coverage of article files: read (``FILE`` or ``FILE#ID``), analyse, find wire copies, report."""

from __future__ import annotations

from collections.abc import Sequence

from storylens.coverage.copies import find_copies
from storylens.coverage.pool import MIN_ARTICLES
from storylens.coverage.report import Coverage, build_coverage
from storylens.errors import ConfigError


def coverage_of_files(specs: Sequence[str], language: str | None = None) -> Coverage:
    """The coverage report of the articles in ``specs``; copies found among them by MinHash."""
    if len(specs) < MIN_ARTICLES:
        raise ConfigError(f"a coverage report needs at least {MIN_ARTICLES} articles, got {len(specs)}: "
                          "give two or more article files (FILE or FILE#ID)")
    from storylens import read_article
    from storylens.analyze import Analyzer

    articles = [read_article(spec) for spec in specs]
    analyzed = Analyzer().analyze_many(articles)
    return build_coverage(analyzed, language=language, copies=find_copies(articles))
