"""Wire copies and near-duplicates: which earlier article a new one copies, whole or in part.

An article is reduced to a ``Fingerprint``: the MinHash (datasketch, 128 permutations,
fixed seed) of its word 5-grams, plus how many distinct 5-grams it has. ``DuplicateIndex``
finds candidates with one ``MinHashLSH`` of single-value bands (any shared band value makes
a candidate, so pairs of Jaccard 0.1-0.2, a short story inside a long one, are still found)
and then judges each candidate on all 128 values:

- ``exact``: same shingle set (every value and the size agree);
- ``near``: estimated Jaccard >= ``near`` (a wire copy with a new lead, byline or a few edits);
- ``partial``: the smaller article is mostly inside the other (containment >= ``partial``),
  in either direction, whatever their Jaccard.

``MinHashLSHEnsemble`` answers containment queries directly but indexes all sets at once
(a second ``index`` call raises), so it cannot take one article at a time.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import regex
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storylens.errors import ConfigError
from storylens.records import NUM_PERM, Duplicate, Fingerprint

SHINGLE_WORDS = 5
SEED = 1  # fixes the permutations: fingerprints compare across processes and releases
SCHEME = "affine64"  # datasketch's uint64 permutation scheme, SHA-1 based, no Python hash()

# Measured with 5-word shingles on edited copies of 239 real articles (Giveme5W1H),
# median / 5th percentile Jaccard to the original: byline + footer 0.97 / 0.92, new first
# sentence 0.91 / 0.80, one sentence cut 0.94 / 0.84, 5% of words changed 0.64 / 0.60,
# byline + new lead + one sentence cut + one added 0.78 / 0.58 (3% fall below 0.5).
# Texts that are not copies: same-story demo pairs at most 0.016, different-event
# Giveme5W1H pairs at most 0.23 (shared newsletter boilerplate), 7 standard errors of the
# 128-value estimate under 0.5. 0.4 would also catch the heavier rewrites (8% of words
# changed) but flags a SemEval pair of two pages that are all cookie banner.
NEAR = 0.5
# A share of the smaller article's shingles; 0.7 means most of it is reused text, while a
# shared quote or footer covers 0.05-0.4 of a story. The estimate is the share of
# permutations whose minimum falls in the smaller set that the other set shares: exact
# when one contains the other, s.d. about 0.1 at 0.7 for a 300-in-1,500-shingle pair.
PARTIAL = 0.7
MIN_PARTIAL_SHINGLES = 50  # about three sentences; below that "mostly inside" means a quote or a footer

# 24 bands of one value: a pair is a candidate with probability 1 - (1 - J)^24, which is
# 0.92 at J = 0.1 (a 300-shingle story inside 3,000 shingles), 0.995 at J = 0.2 and 1.0
# from J = 0.5. Each band costs about 300 bytes of dict and set per article in
# datasketch's in-memory storage and about 2.5 us to insert; wider bands (r = 2) would
# miss half the pairs at J = 0.1.
BANDS = 24

_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}]"  # unspaced scripts: one per character
    r"|[\p{L}\p{M}\p{N}]+"
)
_BLANK = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def _words(text: str) -> list[str]:
    """Words of ``text``, NFKC-normalised and casefolded; punctuation only separates."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[bytes]:
    """The distinct runs of ``SHINGLE_WORDS`` words, UTF-8 encoded; a shorter text is one shingle."""
    w = _words(text)
    n = SHINGLE_WORDS
    if len(w) <= n:
        return {" ".join(w).encode("utf-8")} if w else set()
    return {" ".join(w[i:i + n]).encode("utf-8") for i in range(len(w) - n + 1)}


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of ``text`` (size 0 when it has no words; such a text matches nothing)."""
    found = shingles(text)
    minhash = _BLANK.copy()
    minhash.update_batch(found)
    values = minhash.hashvalues
    values.setflags(write=False)
    return Fingerprint(values, len(found))


def _lean(fp: Fingerprint) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=fp.hashvalues, scheme=SCHEME)


class DuplicateIndex:
    """Fingerprints added one at a time; ``find`` names the earlier article a new one copies.

    Call ``find`` before ``add`` for a new article, or it finds itself. Memory is about
    9 KB per article (``BANDS`` LSH entries plus the 1 KB of hash values).
    """

    def __init__(self, near: float = NEAR, partial: float = PARTIAL) -> None:
        if not (0.0 < near <= 1.0 and 0.0 < partial <= 1.0):
            raise ConfigError(f"near and partial are shares between 0 and 1 (defaults {NEAR} and {PARTIAL}), "
                              f"got near={near}, partial={partial}")
        self.near = near
        self.partial = partial
        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, 1))
        self._keys: list[str] = []  # row -> key, in the order added
        self._rows: dict[str, int] = {}
        self._hashes = np.empty((0, NUM_PERM), dtype=np.uint64)
        self._sizes = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, fp: Fingerprint) -> None:
        """Index ``fp`` under ``key``; a key already added keeps its first fingerprint."""
        if key in self._rows:
            return
        row = len(self._keys)
        if row == len(self._hashes):
            grown = max(1024, 2 * row)
            self._hashes = np.resize(self._hashes, (grown, NUM_PERM))
            self._sizes = np.resize(self._sizes, grown)
        self._hashes[row] = fp.hashvalues
        self._sizes[row] = fp.size
        self._keys.append(key)
        self._rows[key] = row
        if fp.size:
            self._lsh.insert(row, _lean(fp), check_duplication=False)

    def find(self, fp: Fingerprint) -> Duplicate | None:
        """The best match among added articles: exact, else the nearest copy, else the
        article sharing most of the smaller one; the earliest added on a tie; or None."""
        if not fp.size or not self._keys:
            return None
        candidates = self._lsh.query(_lean(fp))
        if not candidates:
            return None
        rows = np.sort(np.fromiter(candidates, dtype=np.int64, count=len(candidates)))
        hashes, sizes, mine = self._hashes[rows], self._sizes[rows], fp.hashvalues
        shared = np.count_nonzero(hashes == mine, axis=1)
        # Permutations whose minimum lies only in the smaller set: shared / (shared + these)
        # estimates the share of the smaller set that the other contains.
        only_small = np.where(fp.size <= sizes, np.count_nonzero(mine < hashes, axis=1),
                              np.count_nonzero(hashes < mine, axis=1))
        overlap = shared / NUM_PERM
        containment = shared / np.maximum(shared + only_small, 1)
        exact = (shared == NUM_PERM) & (sizes == fp.size)
        near = overlap >= self.near
        partial = (containment >= self.partial) & (np.minimum(sizes, fp.size) >= MIN_PARTIAL_SHINGLES)
        rank = np.select([exact, near, partial], [6.0, 4.0 + overlap, 2.0 + containment], 0.0)
        best = int(np.argmax(rank))  # first of equals: rows are sorted, so the earliest added
        if rank[best] == 0.0:
            return None
        kind = "exact" if exact[best] else "near" if near[best] else "partial"
        return Duplicate(self._keys[rows[best]], kind, float(overlap[best]), float(containment[best]))
