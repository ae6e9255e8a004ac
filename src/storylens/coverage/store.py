"""Coverage of a stored story: its articles' analyses (kept in the store) and its copies."""

from __future__ import annotations

from storylens.coverage.report import Coverage, build_coverage
from storylens.store.base import Store


def coverage_of_story(store: Store, story_id: str, language: str | None = None) -> Coverage:
    """The coverage report of story ``story_id``; articles not yet analysed are analysed
    once and their analyses kept (unless the store is read-only)."""
    from storylens.engine import story_analyses

    analyzed, copies = story_analyses(store, story_id)
    return build_coverage(analyzed, language=language, copies=copies)
