"""Labelled article pairs (the SemEval-2022 Task 8 format): reading, featurising, scoring.

One JSON object per line::

    {"pair_id": "..", "lang1": "es", "lang2": "es", "title1": "", "text1": "..",
     "title2": "", "text2": "..", "scores": {"Geography": 1.0, ..., "Overall": 1.0, ...}}

Gold ``scores`` are read only to train and to score predictions, never to predict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storylens.analyze import Analyzer
from storylens.article import AnalyzedArticle, Article
from storylens.errors import InputError
from storylens.ingest.clean import clean_line, clean_text
from storylens.ingest.files import read_text
from storylens.ingest.records import json_lines
from storylens.match.comparison import match_pair

GOLD_FIELDS = ("Overall", "Geography", "Entities", "Time", "Narrative", "Style", "Tone")


@dataclass(frozen=True)
class LabelledPair:
    pair_id: str
    a: Article
    b: Article
    gold: dict[str, float] | None  # SemEval scale, 1 = very similar .. 4 = very dissimilar

    @property
    def language_pair(self) -> str:
        return f"{self.a.language}-{self.b.language}"


def _article(obj: dict, side: str, pair_id: str, source: str) -> Article:
    text, title, lang = obj.get(f"text{side}"), obj.get(f"title{side}", ""), obj.get(f"lang{side}")
    for name, value in ((f"text{side}", text), (f"lang{side}", lang)):
        if not isinstance(value, str) or not value.strip():
            raise InputError(source, f"field {name!r} is missing or not a non-empty string")
    if title is not None and not isinstance(title, str):
        raise InputError(source, f"field 'title{side}' must be a string")
    body = clean_text(text)
    if not body:
        raise InputError(source, f"field 'text{side}' is empty after cleaning")
    return Article(id=f"{pair_id}:{side}", title=clean_line(title or ""), text=body, language=lang.lower(), source=source)


def _gold(obj: dict, source: str) -> dict[str, float]:
    scores = obj.get("scores")
    if not isinstance(scores, dict):
        raise InputError(source, "field 'scores' is missing or not an object")
    gold = {}
    for name in GOLD_FIELDS:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 4:
            raise InputError(source, f"field 'scores.{name}' must be a number from 1 to 4, got {value!r}")
        gold[name] = float(value)
    return gold


def read_pairs(path: str | Path, need_gold: bool = True) -> list[LabelledPair]:
    """Every pair of a JSONL file; errors name the file, the line and the field."""
    path = Path(path)
    pairs = []
    for _, source, obj in json_lines(read_text(path), str(path)):
        if not isinstance(obj, dict):
            raise InputError(source, "expected a JSON object")
        pair_id = obj.get("pair_id")
        if not isinstance(pair_id, str) or not pair_id:
            raise InputError(source, "field 'pair_id' is missing or not a string")
        gold = _gold(obj, source) if need_gold else None
        pairs.append(LabelledPair(pair_id, _article(obj, "1", pair_id, source), _article(obj, "2", pair_id, source), gold))
    if not pairs:
        raise InputError(str(path), "holds no pairs")
    return pairs


def analyze_pairs(
    pairs: list[LabelledPair], analyzer: Analyzer | None = None, progress: Callable[[int], None] | None = None,
) -> list[tuple[AnalyzedArticle, AnalyzedArticle]]:
    """Analyse each distinct article once (by content hash and language)."""
    analyzer = analyzer or Analyzer()
    cache: dict[tuple[str, str | None], AnalyzedArticle] = {}

    def get(article: Article) -> AnalyzedArticle:
        key = (article.content_hash, article.language)
        if key not in cache:
            cache[key] = analyzer.analyze(article)
        return cache[key]

    out = []
    for pair in pairs:
        out.append((get(pair.a), get(pair.b)))
        if progress:
            progress(1)
    return out


def feature_matrix(analysed: list[tuple[AnalyzedArticle, AnalyzedArticle]], deep: bool = True,
                   progress: Callable[[int], None] | None = None) -> np.ndarray:
    """(n_pairs, n_features) from the matches of each analysed pair (scoring is left to the
    caller); ``deep=False`` leaves the e5 features NaN."""
    rows = []
    for a, b in analysed:
        rows.append(match_pair(a, b, deep=deep).features.as_vector())
        if progress:
            progress(1)
    return np.vstack(rows)


def gold_matrix(pairs: list[LabelledPair]) -> np.ndarray:
    """(n_pairs, 7) gold scores in ``GOLD_FIELDS`` order."""
    return np.array([[p.gold[name] for name in GOLD_FIELDS] for p in pairs], dtype=np.float64)


def _article_ids(pair: LabelledPair) -> tuple[str, str]:
    """The two articles' ids: SemEval pair ids are ``ID1_ID2``; else the content hashes."""
    left, sep, right = pair.pair_id.partition("_")
    return (left, right) if sep and left and right else (pair.a.content_hash, pair.b.content_hash)


def article_groups(pairs: list[LabelledPair]) -> np.ndarray:
    """Group label per pair: pairs linked through a shared article share a group,
    so that cross-validation never puts one article on both sides of a split."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        left, right = _article_ids(pair)
        parent[find(left)] = find(right)
    roots: dict[str, int] = {}
    return np.array([roots.setdefault(find(_article_ids(p)[0]), len(roots)) for p in pairs])
