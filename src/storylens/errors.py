"""One hierarchy of errors. Messages name the file or field and say what to fix.

Each class carries the CLI's ``exit_code`` and the HTTP API's ``http_status``; the CLI and
the server read them there, and the library never exits.
"""

from __future__ import annotations


class StorylensError(Exception):
    """Base of every error storylens raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(StorylensError):
    """An input file or record cannot be read as an article."""

    exit_code = 2
    http_status = 400

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(StorylensError):
    """A setting or argument is invalid."""

    exit_code = 2
    http_status = 400


class TooLarge(InputError):
    """A part of the request is over a size limit."""

    http_status = 413


class FetchError(InputError):
    """A URL could not be fetched; ``retryable`` tells whether trying later may help."""

    http_status = 502

    def __init__(self, url: str, problem: str, retryable: bool = True, status: int | None = None) -> None:
        super().__init__(url, problem)
        self.retryable = retryable
        self.status = status


class TooSmall(StorylensError):
    """The story has too few articles for what was asked (a coverage report needs two)."""

    http_status = 422


class AuthError(StorylensError):
    """A write without the server's bearer token (401) or with another one (403)."""

    def __init__(self, status: int, message: str) -> None:
        self.http_status = status
        self.message = message
        super().__init__(message)


class StageError(StorylensError):
    """A pipeline stage failed on one article."""

    def __init__(self, stage: str, article_id: str, problem: str) -> None:
        self.stage = stage
        self.article_id = article_id
        super().__init__(f"stage {stage!r} failed on article {article_id!r}: {problem}")


class StoreError(StorylensError):
    """The article store cannot be opened, read or written."""


class Conflict(StoreError):
    """The input contradicts what is stored (an id already stored with other content);
    raised before anything of its batch is placed or written."""

    http_status = 409


class StoreNotFound(StoreError):
    """No such store file, story or article."""

    http_status = 404


class NotAStore(StoreError):
    """The file is not a storylens store: another application's SQLite file, not SQLite at all,
    or a store from a newer storylens. Nothing was written to it."""

    exit_code = 2


class StoreUnavailable(StoreError):
    """The store exists but cannot be read or written now: the request was fine, the store is not."""

    http_status = 503


class StoreReadOnly(StoreUnavailable):
    """The store's file or folder is not writable (read-only media, permissions)."""


class StoreFull(StoreUnavailable):
    """The disk (or the file's size limit) is full; the batch being written was not stored."""


class StoreDamaged(StoreUnavailable):
    """The store file is corrupt (a damaged page, a truncated file)."""


class StoreBusy(StoreUnavailable):
    """Another process held the store's write lock for longer than the wait allows."""
