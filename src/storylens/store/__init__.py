"""Persistence: the store keeps articles, their story profiles and their stories."""

from storylens.store.base import Ingested, Store, StoredArticle, Story, StoryDetail, StoryMember
from storylens.store.sqlite import DEFAULT_PATH, SQLiteStore

__all__ = ["DEFAULT_PATH", "Ingested", "SQLiteStore", "Store", "StoredArticle", "Story", "StoryDetail", "StoryMember", "open_store"]


def open_store(path: str | None = None, *, readonly: bool = False) -> Store:
    """The store at ``path`` (``storylens.db`` by default)."""
    return SQLiteStore(path or DEFAULT_PATH, readonly=readonly)
