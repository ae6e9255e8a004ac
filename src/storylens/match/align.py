"""Cross-lingual sentence alignment: which sentences of two articles say the same thing."""

from __future__ import annotations

import numpy as np

# Not a setting: part of the fitted pair scorer (its aligned_share features count these pairs).
ALIGN_THRESHOLD = 0.62  # USE cosine; paraphrases and translations score ~0.7-0.95


def align_sentences(emb_a: np.ndarray, emb_b: np.ndarray, threshold: float = ALIGN_THRESHOLD) -> list[tuple[int, int, float]]:
    """One-to-one pairs (i, j, cosine), greedily by descending cosine, above ``threshold``."""
    if len(emb_a) == 0 or len(emb_b) == 0:
        return []
    sims = emb_a @ emb_b.T
    order = np.argsort(-sims, axis=None)
    used_a, used_b, pairs = set(), set(), []
    for flat in order:
        i, j = divmod(int(flat), sims.shape[1])
        score = float(sims[i, j])
        if score < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, score))
    return sorted(pairs)


def best_match_mean(emb_a: np.ndarray, emb_b: np.ndarray) -> float:
    """Mean over both sides of each sentence's best cosine on the other side (0 if empty)."""
    if len(emb_a) == 0 or len(emb_b) == 0:
        return 0.0
    sims = emb_a @ emb_b.T
    return float((sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2)
