"""Opening a store's SQLite file, and SQLite's failures as ``StoreError``s that say what to do.

- ``open_writer(path)`` creates or opens a store for writing. A file whose file or folder
  is not writable is refused (``StoreReadOnly``) before SQLite touches it, and so is
  another application's SQLite file (tables but no storylens ``migrations`` table:
  ``NotAStore``): nothing is added to it, not even the WAL journal mode.
- ``open_reader(path)`` opens a store for queries only. On read-only media (the file or
  its folder not writable) SQLite cannot create the ``-shm`` file that ``?mode=ro`` needs,
  so the file is opened ``?immutable=1`` (nothing can change it there); when a ``-wal``
  file holds committed pages, ``?mode=ro`` reads them (immutable would not).
- ``translate(path, exc)`` turns a ``sqlite3.Error`` into the error for its code (a full
  disk, a damaged page, read-only, busy), naming the file; ``guarded`` applies it to a
  store method or query function.
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
from pathlib import Path

from storylens.errors import (NotAStore, StoreBusy, StoreDamaged, StoreError, StoreFull, StoreNotFound,
                              StoreReadOnly, StoreUnavailable)
from storylens.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_SECONDS = 30  # how long a writer waits for another process's write transaction

# SQLite's primary result codes (the low byte of an extended code)
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _CONSTRAINT, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 19, 26


def writable(path: Path) -> bool:
    """Whether SQLite can write the store: its folder (journal files), and the file if it exists."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def translate(path: Path, exc: sqlite3.Error) -> StoreError:
    """The ``StoreError`` for a SQLite failure on the store at ``path``: one line, what to do."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    problem = " ".join(str(exc).split())  # one line: a damaged schema's message quotes its SQL
    if len(problem) > 200:
        problem = problem[:197] + "..."
    if code == _FULL:
        return StoreFull(f"{path}: disk is full ({problem}); nothing of the write in progress was stored: "
                         "free space on the disk, then run again")
    if code == _CORRUPT:
        return StoreDamaged(f"{path}: the store file is damaged ({problem}); restore it from a backup, or "
                            f"salvage what is readable with `sqlite3 {path} .recover`")
    if code == _NOTADB:
        return NotAStore(f"{path}: not a storylens store ({problem}); give --db a store made by `storylens ingest`")
    if code == _READONLY:
        return StoreReadOnly(f"{path}: the store cannot be written ({problem}): its file or folder is read-only; "
                             "copy it to writable storage to add to it")
    if code in (_BUSY, _LOCKED):
        return StoreBusy(f"{path}: another process kept the store locked for over {BUSY_SECONDS} s ({problem}); "
                         "run again when it has finished")
    if code == _IOERR:
        return StoreUnavailable(f"{path}: input/output error ({problem}); the disk may be failing or gone: "
                                "check it, then run again")
    if code == _CANTOPEN:
        return StoreUnavailable(f"{path}: cannot open the store file ({problem}); check the path and its permissions")
    if code == _CONSTRAINT:
        return StoreError(f"{path}: batch not stored, nothing changed ({problem})")
    return StoreError(f"{path}: {problem}")


def guarded(function):
    """Raise SQLite failures of a store method (or of a query function taking the store
    first) as the ``StoreError`` that ``translate`` gives; generators are guarded as they run."""
    if inspect.isgeneratorfunction(function):
        @functools.wraps(function)
        def generator(store, *args, **kwargs):
            try:
                yield from function(store, *args, **kwargs)
            except sqlite3.Error as exc:
                raise translate(store.path, exc) from None
        return generator

    @functools.wraps(function)
    def wrapper(store, *args, **kwargs):
        try:
            return function(store, *args, **kwargs)
        except sqlite3.Error as exc:
            raise translate(store.path, exc) from None
    return wrapper


def check_ours(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not a storylens store (before anything is written to it)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    if not tables and version == 0:
        return  # a new, empty file
    names = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
    foreign = NotAStore(f"{path}: not a storylens store (another application's SQLite database, with tables {names} "
                        "and no storylens migrations); nothing was changed: give --db a new file or a storylens store")
    if "migrations" not in tables:
        raise foreign
    try:
        applied = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY number")]
    except sqlite3.Error:
        raise foreign from None
    ours = [name for name, _ in MIGRATIONS]
    if not applied or applied[:len(ours)] != ours[:len(applied)]:
        raise foreign
    if version > SCHEMA_VERSION:
        raise NotAStore(f"{path}: schema version {version} is newer than this storylens ({SCHEMA_VERSION}); "
                        "upgrade storylens")


def open_writer(path: Path) -> sqlite3.Connection:
    """A connection for writing to the store at ``path`` (created when absent), not yet migrated."""
    if path.exists() and not writable(path):
        raise StoreReadOnly(f"{path}: the store is read-only (its file or folder is not writable); query it with "
                            f"`storylens stories --db {path}`, or copy it to writable storage to add to it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreReadOnly(f"{path}: cannot create the store's folder ({exc.strerror}); choose another --db") from None
    if not path.exists() and not writable(path):
        raise StoreReadOnly(f"{path}: cannot create the store: its folder is not writable; choose another --db")
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS, check_same_thread=False)
    try:
        check_ours(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to the existing store at ``path``, also on read-only media."""
    if not path.exists():
        raise StoreNotFound(f"{path}: no such store; create it with `storylens ingest FILES --db {path}`")
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    mode = "mode=ro" if writable(path) or pending else "immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # opens the file: not SQLite, no -shm
        check_ours(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        if code == _CANTOPEN and pending and not writable(path):
            raise StoreReadOnly(f"{path}: committed changes wait in {wal.name}, and the folder is read-only so SQLite "
                                "cannot read them; copy the store with its -wal and -shm files to writable storage") from None
        raise translate(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn
