"""Text repair shared by every reader: mojibake (ftfy), Unicode NFC, line endings."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n+")
# What ftfy can repair leaves a trace: UTF-8 read as Latin-1/Windows-1252 puts a lead byte
# (Â-ô) before a continuation byte (\x80-\xbf, or its Windows-1252 letter), and there are
# replacement characters, C1 controls, HTML entities, ligatures and full-width forms. Text
# without any of these is left alone: ftfy's own checks cost ~1 ms per article.
_CP1252 = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_REPAIRABLE = re.compile(
    rf"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252}]|[\ufffd\u0080-\u009f&\ufb00-\ufb06\uff01-\uff5e\u001b]"
)


def clean_text(text: str) -> str:
    """Repair mojibake, normalise Unicode (NFC), fold spaces; keep paragraph breaks.

    Curly and language-specific quotation marks are kept: quote detection needs them.
    """
    if _REPAIRABLE.search(text):
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=True, normalization="NFC")
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def clean_line(text: str) -> str:
    """``clean_text`` for one-line fields such as titles and outlet names."""
    return " ".join(clean_text(text).split())
