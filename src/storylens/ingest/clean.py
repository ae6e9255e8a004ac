"""Text repair shared by every reader: mojibake (ftfy), Unicode NFC, line endings."""

from __future__ import annotations

import re
import unicodedata

import ftfy

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n\s*\n+")
_PLAIN = re.compile(r"[\x20-\x25\x27-\x7e\t\n\r]*")  # printable ASCII without "&": nothing for ftfy to fix


def clean_text(text: str) -> str:
    """Repair mojibake, normalise Unicode (NFC), fold spaces; keep paragraph breaks.

    Curly and language-specific quotation marks are kept: quote detection needs them.
    """
    if not _PLAIN.fullmatch(text):
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=True, normalization="NFC")
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def clean_line(text: str) -> str:
    """``clean_text`` for one-line fields such as titles and outlet names."""
    return " ".join(clean_text(text).split())
