"""Reading bytes from disk safely: size, emptiness, binary content and encoding checks.

Every failure is an ``InputError`` naming the file, never a traceback.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from storylens.errors import InputError
from storylens.settings import DEFAULTS, current

MAX_BYTES = DEFAULTS.ingest.max_file_bytes  # 20 MB: larger files are refused, not truncated


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """Return the file's bytes after checking it exists, is a file, not empty or too big
    (over ``max_bytes``, default: the setting ``ingest.max_file_bytes``)."""
    max_bytes = max_bytes or current().ingest.max_file_bytes
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "is a folder; give an article file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(name, f"file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(name, "file is empty")
    return data


def looks_binary(data: bytes) -> bool:
    """True for content with NUL bytes or many control characters (images, archives)."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


# Byte order marks, longest first: UTF-32 LE starts like UTF-16 LE.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"""
                       rb"""|<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# Labels that browsers read as Windows-1252 (the WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"}
_WESTERN = {"cp1252", "latin_1", "iso8859_15"}


def _wide_unicode(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte order mark, told by where the NUL bytes fall."""
    sample = data[:4096]
    sample = sample[: len(sample) // 4 * 4]
    if len(sample) < 4:
        return None

    def zeros(part: bytes) -> float:
        return part.count(0) / max(len(part), 1)

    lanes = [zeros(sample[i::4]) for i in range(4)]
    if lanes[0] < 0.5 and min(lanes[1:]) > 0.9:
        return "utf-32-le"
    if lanes[3] < 0.5 and min(lanes[:3]) > 0.9:
        return "utf-32-be"
    even, odd = zeros(sample[0::2]), zeros(sample[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The encoding an XML declaration or an HTML ``<meta>`` names, if Python knows it."""
    match = _DECLARED.search(data[:4096])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name.startswith(("utf-16", "utf-32")) else name  # a NUL-free file is neither


def _detected(data: bytes) -> str | None:
    """charset-normalizer's guess; among equally clean Western single-byte guesses,
    Windows-1252 (a superset of Latin-1) wins: short French or Spanish text is not cp1250."""
    matches = list(from_bytes(data[:200_000]))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        names = {match.encoding, *match.could_be_from_charset}
        if names & _WESTERN and match.chaos <= best.chaos and match.coherence >= best.coherence - 0.05:
            return "cp1252"
    return best.encoding


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def head_text(data: bytes) -> str:
    """The start of a file as text, to tell its format: a byte order mark or UTF-16/32 told
    by its NUL bytes, else UTF-8 (undecodable bytes replaced)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    wide = _wide_unicode(data)
    if wide is not None:
        return data[: len(data) // 4 * 4].decode(wide, "replace")
    return data.decode("utf-8", "replace")


def decode(data: bytes, name: str) -> str:
    """Decode text: a byte order mark, UTF-16/32 told by its NUL bytes, UTF-8, the
    declared charset (XML declaration or HTML ``<meta>``), else the detected one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                label = encoding.removesuffix("-sig").upper()
                raise InputError(name, f"cannot decode the text: it starts with a {label} byte order mark "
                                       f"but is not valid {label}")
            return text
    wide = _wide_unicode(data)
    if wide is not None and (text := _strict(data, wide)) is not None:
        return text
    if looks_binary(data):
        raise InputError(name, "binary content, not text (is this an image or archive?)")
    if (text := _strict(data, "utf-8")) is not None:
        return text
    declared = declared_charset(data)
    if declared and (text := _strict(data, declared)) is not None:
        return text
    encoding = _detected(data)
    if encoding is None:
        raise InputError(name, "cannot decode the text: not UTF-8 and no other encoding fits")
    text = _strict(data, encoding)
    if text is None:
        raise InputError(name, f"cannot decode the text as {encoding}")
    return text


def check_text_head(head: bytes, name: str) -> None:
    """Refuse a text file by its first bytes: empty (blank), or binary content."""
    if not head.strip():
        raise InputError(name, "file is empty")
    if looks_binary(head):
        raise InputError(name, "binary content, not text (is this an image or archive?)")


def stream_lines(path: Path, max_bytes: int | None = None) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 JSON Lines file of any size, read as a stream; a
    line over ``max_bytes`` (default: ``ingest.max_file_bytes``) or not UTF-8 is an error
    naming the file and line."""
    max_bytes = max_bytes or current().ingest.max_file_bytes
    name = str(path)
    if path.is_dir():
        raise InputError(name, "is a folder; give an article file")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    with handle:
        check_text_head(handle.read(8192), name)
        handle.seek(0)
        for lineno, raw in enumerate(handle, start=1):
            if len(raw) > max_bytes:
                raise InputError(f"{name}:{lineno}", f"line is {len(raw) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
            try:
                yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{name}:{lineno}", "not UTF-8 (JSON Lines files must be UTF-8)") from None


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """Read a text file with all the checks above."""
    return decode(read_bytes(path, max_bytes), str(path))
