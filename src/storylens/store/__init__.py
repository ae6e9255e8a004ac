"""Persistence: the store keeps articles, their story profiles and their stories.

``open_store(location)`` chooses the backend by the location's scheme: ``sqlite:///path``
(or a plain path: SQLite is the default), or ``parquet:///folder``, the read-only output of
``storylens spark ingest`` (``store/parquet.py``). A backend registers in ``BACKENDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from storylens.errors import ConfigError
from storylens.store.base import Ingested, Store, StoredArticle, Story, StoryDetail, StoryMember
from storylens.store.parquet import ParquetStore
from storylens.store.sqlite import DEFAULT_PATH, SQLiteStore

__all__ = ["BACKENDS", "DEFAULT_PATH", "Ingested", "ParquetStore", "SQLiteStore", "Store", "StoredArticle", "Story", "StoryDetail",
           "StoryMember", "open_store", "store_path"]

BACKENDS: dict[str, Callable[..., Store]] = {"sqlite": SQLiteStore, "parquet": ParquetStore}  # scheme -> (path, readonly=) -> Store
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]+):(//)?(.*)", re.IGNORECASE | re.DOTALL)


def store_path(location: str | None) -> tuple[str, str]:
    """(scheme, path) of a store location: ``sqlite:///abs/news.db`` -> ("sqlite", "/abs/news.db"),
    ``sqlite:news.db`` or ``news.db`` -> ("sqlite", "news.db"); None -> the default file."""
    if not location:
        return "sqlite", DEFAULT_PATH
    found = _SCHEME.fullmatch(location)
    if found is None or (len(found.group(1)) == 1):  # a plain path (or a Windows drive, C:\...)
        return "sqlite", location
    scheme, path = found.group(1).lower(), found.group(3)
    if scheme not in BACKENDS:
        raise ConfigError(f"{location}: no store backend {scheme!r}; storylens knows {', '.join(sorted(BACKENDS))} "
                          "(a plain path is a SQLite file)")
    if not path:
        raise ConfigError(f"{location}: the location names no file (sqlite:///path/to/news.db)")
    return scheme, path


def open_store(location: str | None = None, *, readonly: bool = False) -> Store:
    """The store at ``location`` (``storylens.db`` by default), by its scheme's backend."""
    scheme, path = store_path(location)
    return BACKENDS[scheme](path, readonly=readonly)
