"""Property-based tests of the readers: whatever bytes or records arrive, a reader gives
articles or one ``InputError`` line naming the file, never another exception."""

from __future__ import annotations

import json

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra: pip install -e '.[test]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from storylens.errors import InputError  # noqa: E402
from storylens.ingest import read_articles  # noqa: E402
from storylens.ingest.records import article_from_record  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"<?xml version='1.0'?>", b"<rss version='2.0'><channel>",
            b"<html><body>", b"{\"id\": \"a\", \"text\": ", b"WARC/1.0\r\n", b"%PDF-1.4", b"\x1f\x8b"]
SUFFIXES = [".txt", ".html", ".json", ".jsonl", ".xml", ".warc"]

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)


def _one_line(exc: InputError, name: str) -> None:
    assert name in str(exc) and "\n" not in str(exc).strip()


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_articles_or_one_input_error(tmp_path, prefix, body, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(prefix + body)
    try:
        articles = list(read_articles(path))
    except InputError as exc:
        _one_line(exc, path.name)
        return
    for article in articles:
        assert article.text.strip() and not article.text.lstrip().startswith(("<?xml", "<!--"))


@SETTINGS
@given(record=st.dictionaries(st.sampled_from(["id", "title", "text", "published", "url", "outlet", "language", "authors"]),
                              json_values, max_size=8))
def test_any_record_gives_an_article_or_names_its_field(record):
    try:
        article = article_from_record(record, "records.jsonl:1", "records-1")
    except InputError as exc:
        _one_line(exc, "records.jsonl:1")
        return
    assert article.text.strip() and article.id


@SETTINGS
@given(lines=st.lists(json_values.map(lambda v: json.dumps(v)) | st.text(max_size=40), max_size=6))
def test_any_json_lines_file_gives_articles_or_one_input_error(tmp_path, lines):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    try:
        list(read_articles(path))
    except InputError as exc:
        _one_line(exc, path.name)
