"""Wire copies and near-duplicates: which earlier article a new one copies, whole or in part.

An article is reduced to a ``Fingerprint``: the MinHash (datasketch, 128 permutations,
fixed seed) of its word 5-grams, plus how many distinct 5-grams it has. ``DuplicateIndex``
finds candidates through single-value bands (any shared band value makes a candidate, so
pairs of Jaccard 0.1-0.2, a short story inside a long one, are still found) and then judges
each candidate on all 128 values:

- ``exact``: same shingle set (every value and the size agree);
- ``near``: estimated Jaccard >= ``near`` (a wire copy with a new lead, byline or a few edits);
- ``partial``: the smaller article is mostly inside the other (containment >= ``partial``),
  in either direction, whatever their Jaccard.

``near``, ``partial`` and the smallest partial copy are settings (``[copies]``, defaults
below); the story engine, the Spark job and ``coverage.copies`` pass the ones in force. The
fingerprint itself (``SHINGLE_WORDS``, ``SEED``, ``SCHEME``, ``records.NUM_PERM``) is not:
stores (profiles, revival keys) and the Spark job's ``PROFILES`` keep fingerprints, and
another shingle length, seed or number of values would make every stored one compare as an
unrelated text.

The bands are sorted numpy arrays rather than datasketch's ``MinHashLSH``, which finds the
same candidates (bands of one value are equal values) but keeps about 7 KB of Python dicts
and sets per article and took 10.6 s to rebuild for 100,000 articles on every engine open;
sorted bands cost 384 bytes an article and one sort. ``MinHashLSHEnsemble`` answers
containment queries directly but indexes all sets at once (a second ``index`` call
raises), so it cannot take one article at a time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import regex
from datasketch import MinHash

from storylens.errors import ConfigError
from storylens.records import NUM_PERM, CopyOf, Fingerprint
from storylens.settings import DEFAULTS

# Constants, not settings: changing one invalidates every stored fingerprint.
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
NEAR = DEFAULTS.copies.near
# A share of the smaller article's shingles; 0.7 means most of it is reused text, while a
# shared quote or footer covers 0.05-0.4 of a story. The estimate is the share of
# permutations whose minimum falls in the smaller set that the other set shares: exact
# when one contains the other, s.d. about 0.1 at 0.7 for a 300-in-1,500-shingle pair.
PARTIAL = DEFAULTS.copies.partial
MIN_PARTIAL_SHINGLES = DEFAULTS.copies.min_partial_shingles  # about three sentences; below that "mostly inside" means a quote or a footer

# 24 bands of one value (the first 24 hash values): a pair is a candidate with probability
# 1 - (1 - J)^24, which is 0.92 at J = 0.1 (a 300-shingle story inside 3,000 shingles),
# 0.995 at J = 0.2 and 1.0 from J = 0.5; wider bands (r = 2) would miss half the pairs at
# J = 0.1. Not a setting either: it decides which candidates are found (the recall measured
# here), not which are copies, and the Spark job's band join must use the same bands.
BANDS = 24
UNSORTED = 8192  # rows added since the last sort that a query scans directly (0.1 ms); beyond, the bands are sorted again

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


class BandIndex:
    """The rows whose fingerprint shares a band value with a query: the rows up to the last
    sort through each band's sorted values (``searchsorted``), the rows added since then
    by a direct scan. ``hashes`` is the caller's growing (rows, NUM_PERM) array."""

    def __init__(self) -> None:
        self._values = np.empty((BANDS, 0), dtype=np.uint64)  # per band, the sorted values of rows < sorted_
        self._rows = np.empty((BANDS, 0), dtype=np.int64)  # the row of each sorted value
        self.sorted_ = 0

    def _sort(self, hashes: np.ndarray, count: int) -> None:
        bands = np.ascontiguousarray(hashes[:count, :BANDS].T)
        order = np.argsort(bands, axis=1, kind="stable")
        self._values = np.take_along_axis(bands, order, axis=1)
        self._rows = order
        self.sorted_ = count

    def matching(self, hashes: np.ndarray, count: int, values: np.ndarray) -> np.ndarray:
        """Sorted distinct rows below ``count`` that share one of ``values[:BANDS]``."""
        if count - self.sorted_ > UNSORTED:
            self._sort(hashes, count)
        mine = values[:BANDS]
        found = []
        if self.sorted_:
            lo = np.array([np.searchsorted(self._values[b], mine[b], "left") for b in range(BANDS)])
            hi = np.array([np.searchsorted(self._values[b], mine[b], "right") for b in range(BANDS)])
            found = [self._rows[b, lo[b]:hi[b]] for b in range(BANDS) if hi[b] > lo[b]]
        if count > self.sorted_:
            recent = np.flatnonzero((hashes[self.sorted_:count, :BANDS] == mine).any(axis=1)) + self.sorted_
            found.append(recent)
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


class DuplicateIndex:
    """Fingerprints added one at a time; ``find`` names the earlier article a new one copies.

    Call ``find`` before ``add`` for a new article, or it finds itself. Memory is about
    1.4 KB per article (the 1 KB of hash values, and ``BANDS`` sorted values and rows).
    """

    def __init__(self, near: float = NEAR, partial: float = PARTIAL,
                 min_partial_shingles: int = MIN_PARTIAL_SHINGLES, room: int = 0) -> None:
        """``room``: rows made ready at once, for a caller that knows how many it will add."""
        if not (0.0 < near <= 1.0 and 0.0 < partial <= 1.0):
            raise ConfigError(f"near and partial are shares between 0 and 1 (defaults {NEAR} and {PARTIAL}), "
                              f"got near={near}, partial={partial}")
        self.near = near
        self.partial = partial
        self.min_partial_shingles = min_partial_shingles
        self._bands = BandIndex()
        self._keys: list[str] = []  # row -> key, in the order added
        self._rows: dict[str, int] = {}
        self._hashes = np.empty((room, NUM_PERM), dtype=np.uint64)
        self._sizes = np.empty(room, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, fp: Fingerprint) -> None:
        """Index ``fp`` under ``key``; a key already added keeps its first fingerprint."""
        if key in self._rows:
            return
        row = len(self._keys)
        self._make_room(row + 1)
        self._hashes[row] = fp.hashvalues
        self._sizes[row] = fp.size
        self._keys.append(key)
        self._rows[key] = row

    def extend(self, keys: Sequence[str], hashes: np.ndarray, sizes: np.ndarray) -> None:
        """``add`` of many at once: ``hashes`` (n, NUM_PERM) and ``sizes`` (n,) under ``keys``."""
        start, rows = len(self._keys), []
        for i, key in enumerate(keys):
            if key not in self._rows:  # a key already added keeps its first fingerprint
                self._rows[key] = start + len(rows)
                rows.append(i)
        end = start + len(rows)
        self._make_room(end)
        self._hashes[start:end] = hashes[rows]
        self._sizes[start:end] = sizes[rows]
        self._keys.extend(keys[i] for i in rows)

    def _make_room(self, rows: int) -> None:
        """Arrays of at least ``rows`` rows, grown by doubling (copied once per doubling)."""
        if rows > len(self._hashes):
            grown = max(1024, 2 * len(self._keys), rows)
            self._hashes = np.resize(self._hashes, (grown, NUM_PERM))
            self._sizes = np.resize(self._sizes, grown)

    def find(self, fp: Fingerprint) -> CopyOf | None:
        """The best match among added articles: exact, else the nearest copy, else the
        article sharing most of the smaller one; the earliest added on a tie; or None."""
        if not fp.size or not self._keys:
            return None
        rows = self._bands.matching(self._hashes, len(self._keys), fp.hashvalues)
        rows = rows[self._sizes[rows] > 0]  # a text without words matches nothing
        if not len(rows):
            return None
        best = best_match(fp, self._hashes[rows], self._sizes[rows], self.near, self.partial, self.min_partial_shingles)
        if best is None:
            return None
        row, kind, overlap, containment = best
        return CopyOf(self._keys[rows[row]], kind, overlap, containment)


def best_match(fp: Fingerprint, hashes: np.ndarray, sizes: np.ndarray, near: float = NEAR,
               partial: float = PARTIAL, min_partial_shingles: int = MIN_PARTIAL_SHINGLES,
               ) -> tuple[int, str, float, float] | None:
    """Of candidate fingerprints (``hashes`` (n, NUM_PERM), ``sizes`` (n,), earliest
    first), the one ``fp`` copies: (its position, kind, overlap, containment), exact before
    the nearest copy before the one sharing most of the smaller text, the earliest on a
    tie; None when it copies none."""
    mine = fp.hashvalues
    shared = np.count_nonzero(hashes == mine, axis=1)
    # Permutations whose minimum lies only in the smaller set: shared / (shared + these)
    # estimates the share of the smaller set that the other contains.
    only_small = np.where(fp.size <= sizes, np.count_nonzero(mine < hashes, axis=1),
                          np.count_nonzero(hashes < mine, axis=1))
    overlap = shared / NUM_PERM
    containment = shared / np.maximum(shared + only_small, 1)
    exact = (shared == NUM_PERM) & (sizes == fp.size)
    is_near = overlap >= near
    is_partial = (containment >= partial) & (np.minimum(sizes, fp.size) >= min_partial_shingles)
    rank = np.select([exact, is_near, is_partial], [6.0, 4.0 + overlap, 2.0 + containment], 0.0)
    best = int(np.argmax(rank))  # first of equals: the earliest
    if rank[best] == 0.0:
        return None
    kind = "exact" if exact[best] else "near" if is_near[best] else "partial"
    return best, kind, float(overlap[best]), float(containment[best])
