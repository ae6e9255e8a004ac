"""One hierarchy of errors. Messages name the file or field and say what to fix.

The CLI maps these to exit codes (each class has an ``exit_code``); the library never exits.
"""

from __future__ import annotations


class StorylensError(Exception):
    """Base of every error storylens raises on purpose."""

    exit_code = 1


class InputError(StorylensError):
    """An input file or record cannot be read as an article."""

    exit_code = 2

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(StorylensError):
    """A setting or argument is invalid."""

    exit_code = 2


class StageError(StorylensError):
    """A pipeline stage failed on one article."""

    def __init__(self, stage: str, article_id: str, problem: str) -> None:
        self.stage = stage
        self.article_id = article_id
        super().__init__(f"stage {stage!r} failed on article {article_id!r}: {problem}")


class StoreError(StorylensError):
    """The article store cannot be opened, read or written."""


class StoreNotFound(StoreError):
    """No such store file, story or article (the API answers 404)."""


class NotAStore(StoreError):
    """The file is not a storylens store: another application's SQLite file, not SQLite at all,
    or a store from a newer storylens. Nothing was written to it."""

    exit_code = 2


class StoreUnavailable(StoreError):
    """The store exists but cannot be read or written now (the API answers 503)."""


class StoreReadOnly(StoreUnavailable):
    """The store's file or folder is not writable (read-only media, permissions)."""


class StoreFull(StoreUnavailable):
    """The disk (or the file's size limit) is full; the batch being written was not stored."""


class StoreDamaged(StoreUnavailable):
    """The store file is corrupt (a damaged page, a truncated file)."""


class StoreBusy(StoreUnavailable):
    """Another process held the store's write lock for longer than the wait allows."""
