"""What ``StoryClusterer.save_index`` keeps beside a store, and how it is read back: the
HNSW index file, and its description (``.json`` beside it) naming exactly what it holds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path


def index_key(ids: Sequence[str]) -> dict:
    """What a saved index is of: the profiles' count and a digest of their ids, in order."""
    return {"count": len(ids), "ids": hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()}


def file_digest(path: Path) -> str:
    """SHA-1 of a file: ties a saved index to the description written with it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()


def index_meta(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def read_saved(path: Path | None) -> dict | None:
    """The description ``save_index`` wrote beside ``path`` (read once an open), or None when
    there is none or it is not JSON."""
    if path is None:
        return None
    try:
        meta = json.loads(index_meta(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None
