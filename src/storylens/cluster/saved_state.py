"""What ``StoryClusterer.save_state`` keeps beside a store, and how it is read back.

Three files, next to ``storylens.db``:

- ``storylens.db.hnsw``: the HNSW index of the live profiles' vectors, saved natively;
- ``storylens.db.hnsw.npz``: the rest of the state as numpy arrays: the live profiles as
  ``ProfileColumns``, each one's story (after merges) and arrival number, and the member
  order of merged stories;
- ``storylens.db.hnsw.json``: what the two hold: their count and a digest of their article
  ids, the index file's digest and the arrays' random token (a pair from two closes, or a
  crash between the writes, is refused), the store's ``articles_mark`` when the state is of
  every stored article, the window settings, and the counters a replay cannot recount
  (next arrival number, articles to the next window check, newest time seen).

Loading them builds no object per profile (``cluster.profile_table``), so a store opens in
well under a second; anything missing, damaged or of another store reads as None and the
engine replays the store instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.cluster.profile_table import ProfileColumns


def index_key(ids: Sequence[str]) -> dict:
    """What a saved state is of: the profiles' count and a digest of their ids, in order."""
    return {"count": len(ids), "ids": hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()}


def file_digest(path: Path) -> str:
    """SHA-1 of a file: ties a saved index to the description written with it."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha1").hexdigest()


def index_meta(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def state_arrays(path: Path) -> Path:
    return path.with_name(path.name + ".npz")


def read_saved(path: Path | None) -> dict | None:
    """The description ``write_state`` wrote beside ``path`` (read once an open), or None when
    there is none or it is not JSON."""
    if path is None:
        return None
    try:
        meta = json.loads(index_meta(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


@dataclass(frozen=True, eq=False)
class SavedState:
    """A clusterer's state as saved: what ``StoryClusterer.restore_saved`` takes."""

    columns: ProfileColumns  # the live profiles, in position order
    stories: np.ndarray  # (n,) int64: each position's story number (merges followed)
    arrivals: np.ndarray  # (n,) int64: each position's arrival number
    merged_members: list[list[int]]  # the member positions of each merged story, in merge order
    next_arrival: int
    since_check: int  # articles placed since the last window check
    newest: float  # the newest believable publication time seen, dormant stories' included
    index: object  # the loaded usearch ``Index``


def write_state(path: Path, state: SavedState, mark: str | None, window: list) -> None:
    """Keep ``state`` in ``path`` (the index), ``path.npz`` and ``path.json``. Each file is
    written whole under a temporary name and moved into place; the description goes last."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two closing processes write files of their own
    arrays_tmp = path.with_name(f"{path.name}.{os.getpid()}.npz.tmp")
    token = secrets.token_hex(16)
    merged = state.merged_members
    arrays = {**state.columns.arrays(), "stories": state.stories, "arrivals": state.arrivals,
              "merged_ptr": np.cumsum([0] + [len(m) for m in merged], dtype=np.int64),
              "merged_idx": np.array([p for m in merged for p in m], dtype=np.int64),
              "token": np.frombuffer(token.encode("ascii"), dtype=np.uint8)}
    state.index.save(str(tmp))
    with arrays_tmp.open("wb") as handle:
        np.savez(handle, **arrays)
    meta = {**index_key(state.columns.ids), "index": file_digest(tmp), "state": token, "mark": mark, "window": window,
            "next_arrival": state.next_arrival, "since_check": state.since_check, "newest": state.newest}
    os.replace(tmp, path)
    os.replace(arrays_tmp, state_arrays(path))
    index_meta(path).write_text(json.dumps(meta), encoding="utf-8")


def read_state(path: Path, meta: dict | None, mark: str | None, window: list,
               new_index: Callable[[], object]) -> SavedState | None:
    """The state saved in ``path`` and described by ``meta`` (``read_saved``), when it was
    saved with this ``window`` and the store's ``mark`` is still the same (nothing stored or
    removed since); None when it cannot be trusted: no file, another store's, an older
    format, damaged. ``new_index``: an empty index of the clusterer's kind to load into."""
    if meta is None or mark is None or meta.get("mark") != mark or meta.get("window") != window:
        return None
    try:
        with np.load(state_arrays(path), allow_pickle=False) as arrays:
            if bytes(arrays["token"]).decode("ascii") != meta["state"]:
                return None
            columns = ProfileColumns.from_arrays(arrays)
            stories, arrivals = arrays["stories"].astype(np.int64), arrays["arrivals"].astype(np.int64)
            ptr, idx = arrays["merged_ptr"].astype(np.int64), arrays["merged_idx"].astype(np.int64)
        n = len(columns)
        key = index_key(columns.ids)
        if not n or {k: meta.get(k) for k in key} != key or stories.shape != (n,) or arrivals.shape != (n,):
            return None
        if len(ptr) < 1 or ptr[0] != 0 or np.any(np.diff(ptr) <= 0) or ptr[-1] != len(idx) or (
                len(idx) and not 0 <= int(idx.min()) <= int(idx.max()) < n):
            return None
        counters = [meta["next_arrival"], meta["since_check"]]
        if not all(isinstance(c, int) for c in counters) or meta.get("index") != file_digest(path):
            return None
        index = new_index()
        index.load(str(path))
        ends = (0, n - 1)  # the index holds these vectors: checked at both ends
        if len(index) != n or any(float(np.dot(np.asarray(index.get(k), dtype=np.float32),
                                               columns.vectors[k].astype(np.float32))) < 0.99 for k in ends):
            return None
        merged = [idx[a:b].tolist() for a, b in zip(ptr[:-1].tolist(), ptr[1:].tolist())]
        return SavedState(columns, stories, arrivals, merged, counters[0], counters[1], float(meta["newest"]), index)
    except (OSError, ValueError, RuntimeError, TypeError, KeyError, zipfile.BadZipFile):
        return None
