"""The clusterer's profiles by position, as columns that load without building an object a row.

A ``StoryProfile`` holds three string sets and two arrays; 40,000 of them take a second to
build, which is what opening a store used to cost. ``ProfileColumns`` keeps the same
content as arrays (vectors, MinHash values, times) and as vocabularies with compressed
rows (name keys, numbers, stems: each set's members sorted, as the store writes them, so
a rebuilt set iterates in the order of one the store gives back). ``ProfileTable``, the
clusterer's ``profiles_``, builds a row's ``StoryProfile`` the first time the row is
weighed; profiles placed since are held as objects. The columns are saved beside the
store with the clusterer's state (``cluster.saved_state``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from storylens.cluster.evidence import timestamp
from storylens.records import DIM, NUM_PERM, Fingerprint, StoryProfile

SETS = ("keys", "numbers", "terms")  # the string-set fields of a profile, each a vocabulary and rows


@dataclass(frozen=True, eq=False)
class StringSets:
    """Rows of string sets: row ``i`` is ``vocab[indices[indptr[i]:indptr[i + 1]]]``."""

    vocab: list[str]
    indptr: np.ndarray  # (n + 1,) int64
    indices: np.ndarray  # int32 positions in ``vocab``

    @classmethod
    def of(cls, sets: Iterable[frozenset[str]], vocab: list[str] | None = None) -> StringSets:
        """The rows of ``sets``, their strings added to (a copy of) ``vocab``."""
        vocab = list(vocab or ())
        known = {s: i for i, s in enumerate(vocab)}
        lengths, indices = [0], []
        for members in sets:  # sorted, as the store writes them: a rebuilt set iterates as a stored one read back
            indices.extend([known.setdefault(s, len(known)) for s in sorted(members)])
            lengths.append(len(members))
        vocab.extend(list(known)[len(vocab):])  # insertion order: the new strings in the order met
        return cls(vocab, np.cumsum(lengths, dtype=np.int64), np.asarray(indices, dtype=np.int32))

    def row(self, i: int) -> frozenset[str]:
        vocab = self.vocab
        return frozenset([vocab[k] for k in self.indices[self.indptr[i]:self.indptr[i + 1]].tolist()])

    def counts(self) -> Counter[str]:
        """How many rows hold each string (a document frequency)."""
        counts = np.bincount(self.indices, minlength=len(self.vocab)) if len(self.indices) else np.zeros(0, np.int64)
        held = np.flatnonzero(counts)
        return Counter(dict(zip([self.vocab[k] for k in held.tolist()], counts[held].tolist())))

    def then(self, other: StringSets) -> StringSets:
        """These rows, then ``other``'s (whose vocabulary extends this one's)."""
        return StringSets(other.vocab, np.concatenate([self.indptr, other.indptr[1:] + self.indptr[-1]]),
                          np.concatenate([self.indices, other.indices]))

    def check(self, rows: int) -> None:
        """ValueError unless these are ``rows`` well-formed rows."""
        ptr = self.indptr
        if (len(ptr) != rows + 1 or ptr[0] != 0 or np.any(np.diff(ptr) < 0) or ptr[-1] != len(self.indices)
                or (len(self.indices) and not 0 <= int(self.indices.min()) <= int(self.indices.max()) < len(self.vocab))):
            raise ValueError("string-set rows out of shape")
        if len(set(self.vocab)) != len(self.vocab) or None in self.vocab:
            raise ValueError("a string-set vocabulary names a string twice, or none")


@dataclass(frozen=True, eq=False)
class ProfileColumns:
    """``StoryProfile`` rows as columns; ``profile(i)`` builds row ``i``'s object."""

    ids: list[str]
    languages: list[str]  # the vocabulary of ``language``
    language: np.ndarray  # (n,) int32
    published: list[str | None]  # ISO 8601, as the profile's datetime wrote it
    times: np.ndarray  # (n,) float64 seconds, NaN when undated (``evidence.timestamp``)
    outlets: list[str | None]  # the vocabulary of ``outlet``
    outlet: np.ndarray  # (n,) int32
    vectors: np.ndarray  # (n, DIM) float16, as the store keeps them
    hashes: np.ndarray  # (n, NUM_PERM) uint64 MinHash values
    sizes: np.ndarray  # (n,) int64 shingle counts
    keys: StringSets
    numbers: StringSets
    terms: StringSets

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, profiles: Sequence[StoryProfile], after: ProfileColumns | None = None) -> ProfileColumns:
        """The columns of ``profiles``; with ``after``, of its rows followed by these."""
        languages = {v: i for i, v in enumerate(after.languages if after else [])}
        outlets = {v: i for i, v in enumerate(after.outlets if after else [])}
        language = np.array([languages.setdefault(p.language, len(languages)) for p in profiles], dtype=np.int32)
        outlet = np.array([outlets.setdefault(p.outlet, len(outlets)) for p in profiles], dtype=np.int32)
        made = cls(
            ids=[p.article_id for p in profiles], languages=list(languages), language=language,
            published=[p.published.isoformat() if p.published is not None else None for p in profiles],
            times=np.array([timestamp(p) for p in profiles], dtype=np.float64), outlets=list(outlets), outlet=outlet,
            vectors=np.array([p.vector for p in profiles], dtype=np.float16).reshape(-1, DIM),
            hashes=np.array([p.fingerprint.hashvalues for p in profiles], dtype=np.uint64).reshape(-1, NUM_PERM),
            sizes=np.array([p.fingerprint.size for p in profiles], dtype=np.int64),
            **{name: StringSets.of((getattr(p, name) for p in profiles), getattr(after, name).vocab if after else None)
               for name in SETS})
        return made if after is None else after.then(made)

    def then(self, other: ProfileColumns) -> ProfileColumns:
        """These rows, then those of ``other`` (made with ``of(..., after=self)``)."""
        return ProfileColumns(
            ids=self.ids + other.ids, languages=other.languages, language=np.concatenate([self.language, other.language]),
            published=self.published + other.published, times=np.concatenate([self.times, other.times]),
            outlets=other.outlets, outlet=np.concatenate([self.outlet, other.outlet]),
            vectors=np.concatenate([self.vectors, other.vectors]), hashes=np.concatenate([self.hashes, other.hashes]),
            sizes=np.concatenate([self.sizes, other.sizes]),
            **{name: getattr(self, name).then(getattr(other, name)) for name in SETS})

    def profile(self, i: int) -> StoryProfile:
        published = self.published[i]
        return StoryProfile(
            article_id=self.ids[i], language=self.languages[self.language[i]],
            published=datetime.fromisoformat(published) if published is not None else None,
            vector=self.vectors[i].astype(np.float32), keys=self.keys.row(i), numbers=self.numbers.row(i),
            fingerprint=Fingerprint(self.hashes[i].copy(), int(self.sizes[i])), terms=self.terms.row(i),
            outlet=self.outlets[self.outlet[i]])

    # -- as arrays: what ``cluster.saved_state`` writes -----------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        """Every column as a numpy array (string lists as UTF-8 JSON bytes)."""
        text = {"ids": self.ids, "languages": self.languages, "published": self.published, "outlets": self.outlets,
                **{f"{name}_vocab": getattr(self, name).vocab for name in SETS}}
        out = {k: np.frombuffer(json.dumps(v, ensure_ascii=False).encode("utf-8"), dtype=np.uint8) for k, v in text.items()}
        out.update(language=self.language, times=self.times, outlet=self.outlet, vectors=self.vectors,
                   hashes=self.hashes, sizes=self.sizes)
        for name in SETS:
            out[f"{name}_ptr"], out[f"{name}_idx"] = getattr(self, name).indptr, getattr(self, name).indices
        return out

    @classmethod
    def from_arrays(cls, arrays) -> ProfileColumns:
        """The inverse of ``arrays`` (a mapping such as an ``np.load`` of them); ValueError,
        KeyError or TypeError when they are not well-formed columns."""
        def text(name: str) -> list:
            value = json.loads(bytes(np.asarray(arrays[name], dtype=np.uint8)).decode("utf-8"))
            if not isinstance(value, list) or not all(v is None or isinstance(v, str) for v in value):
                raise ValueError(f"{name}: not a list of strings")
            return value

        made = cls(
            ids=text("ids"), languages=text("languages"), language=np.asarray(arrays["language"], dtype=np.int32),
            published=text("published"), times=np.asarray(arrays["times"], dtype=np.float64), outlets=text("outlets"),
            outlet=np.asarray(arrays["outlet"], dtype=np.int32), vectors=np.asarray(arrays["vectors"], dtype=np.float16),
            hashes=np.asarray(arrays["hashes"], dtype=np.uint64), sizes=np.asarray(arrays["sizes"], dtype=np.int64),
            **{name: StringSets(text(f"{name}_vocab"), np.asarray(arrays[f"{name}_ptr"], dtype=np.int64),
                                np.asarray(arrays[f"{name}_idx"], dtype=np.int32)) for name in SETS})
        made.check()
        return made

    def check(self) -> None:
        """ValueError unless every column has a row per id and every code names a vocabulary entry."""
        n = len(self.ids)
        if (len(self.published) != n or self.language.shape != (n,) or self.outlet.shape != (n,)
                or self.times.shape != (n,) or self.vectors.shape != (n, DIM) or self.hashes.shape != (n, NUM_PERM)
                or self.sizes.shape != (n,) or None in self.ids or None in self.languages):
            raise ValueError("profile columns of different lengths")
        for codes, vocab in ((self.language, self.languages), (self.outlet, self.outlets)):
            if n and not 0 <= int(codes.min()) <= int(codes.max()) < len(vocab) or len(set(vocab)) != len(vocab):
                raise ValueError("a code past its vocabulary, or a vocabulary naming a value twice")
        for published in self.published:  # built lazily into datetimes: a bad one would fail mid-ingest
            if published is not None:
                datetime.fromisoformat(published)
        for name in SETS:
            getattr(self, name).check(n)


class ProfileTable(Sequence[StoryProfile]):
    """The clusterer's profiles by position: rows of ``columns`` built on first use, then
    the profiles appended since, held as they came."""

    def __init__(self, columns: ProfileColumns | None = None) -> None:
        self.columns = columns
        self._base = len(columns) if columns is not None else 0
        self._made: list[StoryProfile | None] = [None] * self._base

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        made = self._made[i]
        if made is None:
            made = self._made[i] = self.columns.profile(i % len(self._made))
        return made

    def __iter__(self) -> Iterator[StoryProfile]:
        return (self[i] for i in range(len(self)))

    def append(self, profile: StoryProfile) -> None:
        self._made.append(profile)

    def ids(self) -> list[str]:
        """Every row's article id, without building a profile."""
        head = self.columns.ids if self.columns is not None else []
        return head + [p.article_id for p in self._made[self._base:]]

    def to_columns(self) -> ProfileColumns:
        """Every row as columns: the loaded ones as they are, the appended ones encoded."""
        added = self._made[self._base:]
        if self.columns is None:
            return ProfileColumns.of(added)
        return self.columns if not added else ProfileColumns.of(added, after=self.columns)


def rare_postings(keys: StringSets, df: Counter[str], limit: int) -> dict[str, list[int]]:
    """{multi-word name key: the rows holding it} for the keys held by at most ``limit``
    rows (``df``), an empty list for the others: what ``StoryClusterer._remember`` leaves
    after taking these rows in order with the counts already whole."""
    multi = [k for k, key in enumerate(keys.vocab) if " " in key]
    if not multi:
        return {}
    wanted = np.zeros(len(keys.vocab), dtype=bool)
    wanted[multi] = True
    rows = np.repeat(np.arange(len(keys.indptr) - 1), np.diff(keys.indptr))
    held = wanted[keys.indices]
    codes, rows = keys.indices[held], rows[held]
    order = np.argsort(codes, kind="stable")  # by key, each key's rows in row order
    codes, rows = codes[order], rows[order]
    starts = [0, *(np.flatnonzero(np.diff(codes)) + 1).tolist(), len(codes)]
    codes, rows = codes.tolist(), rows.tolist()
    out = {}
    for start, end in zip(starts, starts[1:]):
        if end > start:
            key = keys.vocab[codes[start]]
            out[key] = rows[start:end] if df.get(key, 0) <= limit else []
    return out
