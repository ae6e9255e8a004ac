"""Reading bytes from disk safely: size, emptiness, binary content and encoding checks.

Every failure is an ``InputError`` naming the file, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from storylens.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # 20 MB: larger files are refused, not truncated


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """Return the file's bytes after checking it exists, is a file, not empty or too big."""
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


def decode(data: bytes, name: str) -> str:
    """Decode text: UTF-8 (with or without BOM) first, else the detected charset."""
    if looks_binary(data):
        raise InputError(name, "binary content, not text (is this an image or archive?)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(name, "cannot decode the text: not UTF-8 and no other encoding fits")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(name, f"cannot decode the text as {best.encoding}") from None


def stream_lines(path: Path, max_bytes: int = MAX_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, text) of a UTF-8 JSON Lines file of any size, read as a stream; a
    line over ``max_bytes`` or not UTF-8 is an error naming the file and line."""
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
        head = handle.read(8192)
        if not head.strip():
            raise InputError(name, "file is empty")
        if looks_binary(head):
            raise InputError(name, "binary content, not text (is this an image or archive?)")
        handle.seek(0)
        for lineno, raw in enumerate(handle, start=1):
            if len(raw) > max_bytes:
                raise InputError(f"{name}:{lineno}", f"line is {len(raw) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
            try:
                yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{name}:{lineno}", "not UTF-8 (JSON Lines files must be UTF-8)") from None


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a text file with all the checks above."""
    return decode(read_bytes(path, max_bytes), str(path))
