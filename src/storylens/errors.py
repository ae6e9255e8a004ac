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
