"""Spelling-insensitive keys for names, so that transliteration variants meet.

``Walid Muallem``, ``Walid al-Moualem``, ``Moualem`` and ``Mouallem`` all reduce to the
surname skeleton ``545``; two names are the same person when their surname skeletons
agree, their transliterated spellings are close, and their given names do not clash.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler

from storylens.analyze.lang_data import NAME_PARTICLES

_POSSESSIVE = re.compile(r"(['’]s|['’])$")
_FOLDS = (("ph", "f"), ("ou", "u"), ("oo", "u"), ("sch", "sh"), ("tch", "ch"), ("dj", "j"),
          ("w", "v"), ("x", "ks"))
# Consonant classes in the manner of Soundex: letters that transliterations swap for one
# another (k/kh/ch/j/q/g, s/z, t/d, b/p/f/v) share a class; vowels, h, w and y drop out.
_CLASSES = str.maketrans({**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
                          **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"),
                          "r": "6", **dict.fromkeys("aeiouyhw", "")})
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """ASCII, lower case, no possessive, no punctuation, common transliteration pairs folded."""
    text = _POSSESSIVE.sub("", anyascii(word).lower().strip())
    text = re.sub(r"[^a-z]", "", text)
    for src, dst in _FOLDS:
        text = text.replace(src, dst)
    return text


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Consonant classes, repeats collapsed: Muallem, Moualem -> 545; Khalil, Jalil -> 24."""
    folded = fold(word)
    classes = _REPEATS.sub(r"\1", folded.translate(_CLASSES))
    return classes or folded


def word_key(word: str) -> str:
    """A skeleton that keeps an initial vowel (or h, w), which ``skeleton`` drops:
    Obama -> o15, Amazon -> a525, Muallem and Moualem -> 545. Finer than ``skeleton``
    for set overlap, where short skeletons of unrelated names would collide."""
    folded = fold(word)
    if not folded:
        return ""
    return (folded[0] if folded[0] in "aeiouyhw" else "") + skeleton(word)


def name_tokens(name: str) -> list[str]:
    """The meaningful words of a name: particles (al-, von, de) and punctuation removed."""
    text = anyascii(name) if not name.isascii() else name
    words = re.split(r"[\s\-‐]+", text.strip())
    out = []
    for word in words:
        word = _POSSESSIVE.sub("", word.strip(".,;:()[]\"'“”«»„"))
        if word and word.lower() not in NAME_PARTICLES and fold(word):
            out.append(word)
    return out


def name_key(name: str) -> str:
    """The key of a whole name: skeletons of its words, in order."""
    return " ".join(skeleton(w) for w in name_tokens(name))


def _close(a: str, b: str) -> bool:
    """Same skeleton and close spellings (Jaro-Winkler on folded forms)."""
    if skeleton(a) != skeleton(b):
        return False
    fa, fb = fold(a), fold(b)
    return fa == fb or JaroWinkler.similarity(fa, fb) >= 0.75


def same_person(a: str, b: str) -> bool:
    """True when two person names can denote one person despite spelling.

    Surnames (last words) must be close; given names, when both are present, must share
    a skeleton or one be an initial of the other. ``Moualem`` matches ``Walid al-Moualem``.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb or not _close(ta[-1], tb[-1]):
        return False
    if len(ta) > 1 and len(tb) > 1:
        fa, fb = ta[0], tb[0]
        if len(fa.rstrip(".")) == 1 or len(fb.rstrip(".")) == 1:
            return fold(fa)[:1] == fold(fb)[:1]
        return skeleton(fa) == skeleton(fb)  # the surname already matched closely
    return True


def same_name(a: str, b: str) -> bool:
    """True for names of places, organisations or things that are the same but for spelling."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb or len(ta) != len(tb):
        return False
    return all(_close(x, y) for x, y in zip(ta, tb))
