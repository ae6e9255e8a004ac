"""Readers for text, HTML and JSON/JSONL, and the errors bad input gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from storylens.errors import InputError
from storylens.ingest import read_article, read_articles

HTML = """<!doctype html><html><head><title>Harbour fire contained | Test Gazette</title>
<meta property="og:site_name" content="Test Gazette"><meta name="date" content="2026-03-12">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour fire contained</h1>
<p>Firefighters in the fictional port of Kelby brought a warehouse fire under control on Tuesday after six hours, the fire service said.</p>
<p>"We were lucky that nobody was hurt and that the wind turned in the evening," fire chief Anna Lund told reporters at the scene.</p>
<p>The cause of the fire is not yet known, and an inquiry will begin on Wednesday morning, according to the harbour authority.</p>
</article><footer>Contact us at desk@gazette.example | Share on social media</footer></body></html>"""


def test_text_title_from_first_line(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("A headline without a stop\n\nThe body starts here. It goes on.\n", encoding="utf-8")
    article = read_article(path)
    assert article.title == "A headline without a stop"
    assert article.text == "The body starts here. It goes on."


def test_text_mojibake_repaired(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("Caf\u00c3\u00a9 owners said the r\u00c3\u00a9form was late.", encoding="utf-8")
    assert "Café owners said the réform was late." in read_article(path).text


def test_latin1_file_decoded(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_bytes("Der Bürgermeister sagte, die Straße sei wegen der Überschwemmung gesperrt worden. "
                     "Die Feuerwehr war mit großem Aufgebot vor Ort.".encode("latin-1"))
    assert "Bürgermeister" in read_article(path).text


def test_html_main_text_and_metadata(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour fire contained"
    assert article.outlet == "Test Gazette"
    assert article.published is not None and article.published.date().isoformat() == "2026-03-12"
    assert "fire chief Anna Lund" in article.text
    assert "Home" not in article.text.split()


def test_jsonl_records_and_pick_by_id(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    rows = [{"id": "one", "title": "T1", "text": "First text.", "lang": "en", "published": "2026-01-02T10:00:00Z",
             "authors": ["A. Writer"], "outlet": "O1"},
            {"id": "two", "title": "T2", "text": "Second text.", "language": "de"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    articles = list(read_articles(path))
    assert [a.id for a in articles] == ["one", "two"]
    assert articles[0].language == "en" and articles[0].authors == ("A. Writer",)
    assert articles[0].published.isoformat() == "2026-01-02T10:00:00+00:00"
    assert read_article(f"{path}#two").text == "Second text."
    with pytest.raises(InputError, match="several articles"):
        read_article(path)


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "file is empty"),
    ("blank.txt", b"   \n\n  ", "file is empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary content"),
    ("bad.jsonl", b'{"id": "x", "text": "ok"}\n{"id": "y", "text": "trunc', "bad.jsonl:2: invalid JSON"),
    ("notext.json", b'{"id": "x", "title": "only a title"}', "field 'text' is missing or empty"),
    ("baddate.json", b'{"id": "x", "text": "Body.", "published": "yesterday"}', "field 'published' is not an ISO 8601 date"),
    ("badtype.json", b'{"id": "x", "text": ["not", "a", "string"]}', "field 'text' must be a string"),
])
def test_bad_input_names_the_file(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        list(read_articles(path))
    assert str(path) in str(info.value)


def test_huge_file_refused(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(InputError, match="limit is 21 MB|limit is 20 MB"):
        read_article(path)


def test_cli_errors_are_one_line(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("Headline\n\nSome body text that is long enough to read.", encoding="utf-8")
    cases = {
        "missing": (str(tmp_path / "nope.txt"), "no such file"),
        "folder": (str(tmp_path), "is a folder"),
        "binary": (None, "binary content"),
        "no such id": (f"{good}#x", "no article with id 'x'"),
    }
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    for label, (target, message) in cases.items():
        result = run_cli("compare", target or str(binary), str(good))
        assert result.returncode == 2, label
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr, (label, result.stderr)
