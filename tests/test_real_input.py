"""Real input, safe by default: a folder goes on past bad files, feeds are told by their
content, encodings are decoded, archives give their pages, and odd values are InputErrors.

Real files come from ../shared/datasets/real-world (skipped with a reason when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATASETS, need
from storylens.analyze.language import detect_language
from storylens.cli import app
from storylens.engine import StoryEngine, article_files
from storylens.errors import InputError
from storylens.ingest import read_article, read_articles
from storylens.store import open_store

REAL = DATASETS / "real-world"
STORY = ("Firefighters in the port of Kelby brought a warehouse fire under control on Tuesday "
         "after six hours, the fire service said. Nobody was hurt, and an inquiry begins on Wednesday.")
NO_TEXT_PAGE = "<html><head><title>Redirecting</title><meta http-equiv='refresh' content='0;url=/x'></head><body></body></html>"
RSS_ITEM = ("<channel><title>Kelby Gazette</title><item><title>Harbour fire contained</title>"
            "<link>https://kelby.example/fire</link><description>" + STORY + "</description></item></channel>")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_fire.txt").write_text("Harbour fire contained\n\n" + STORY, encoding="utf-8")
    (folder / "b_redirect.html").write_text(NO_TEXT_PAGE, encoding="utf-8")
    return folder


# -- 1. one bad file does not stop a folder ------------------------------------------------

def test_folder_goes_on_past_an_unreadable_file(tmp_path: Path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "s.db"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stdout
    lines = [line for line in result.stderr.splitlines() if "b_redirect.html" in line]
    assert len(lines) == 1 and "no article text" in lines[0]


def test_folder_errors_in_json(tmp_path: Path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(app, ["ingest", "--json", "--db", str(tmp_path / "s.db"), str(folder)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["added"] == 1
    assert data["errors"] == [{"source": str(folder / "b_redirect.html"), "problem": "no article text found in the HTML page"}]


def test_strict_stops_at_the_first_error(tmp_path: Path):
    folder = _folder(tmp_path)
    (folder / "a_fire.txt").rename(folder / "c_fire.txt")  # the bad file now comes first
    result = CliRunner().invoke(app, ["ingest", "--strict", "--db", str(tmp_path / "s.db"), str(folder)])
    assert isinstance(result.exception, InputError)  # main() prints it as one line, exit code 2
    assert result.exception.source == str(folder / "b_redirect.html") and result.exception.exit_code == 2


def test_nothing_read_exits_2(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "redirect.html").write_text(NO_TEXT_PAGE, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "s.db"), str(folder)])
    assert result.exit_code == 2


def test_engine_keeps_the_good_records_of_a_batch_with_a_bad_file(tmp_path: Path):
    (tmp_path / "good.jsonl").write_text(json.dumps({"id": "g1", "text": STORY}) + "\n", encoding="utf-8")
    (tmp_path / "late.json").write_text(json.dumps({"id": "b1", "text": STORY + " Later.",
                                                    "published": "9999-12-31T23:59:59-05:00"}), encoding="utf-8")
    with open_store(str(tmp_path / "s.db")) as store, StoryEngine(store) as engine:
        report = engine.ingest([tmp_path])
        assert store.counts()["articles"] == 1
    assert [e.source for e in report.errors] == [str(tmp_path / "late.json")]
    assert "out of range" in report.errors[0].problem


def test_folder_reads_feeds_and_archives(tmp_path: Path):
    (tmp_path / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0">{RSS_ITEM}</rss>', encoding="utf-8")
    (tmp_path / "feed.rss").write_text(f'<rss version="2.0">{RSS_ITEM}</rss>', encoding="utf-8")
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    (tmp_path / "old.arc").write_bytes(b"")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    names = sorted(p.name for p in article_files([tmp_path]))
    assert names == ["crawl.warc.gz", "feed.rss", "feed.xml", "old.arc"]


def test_folder_does_not_follow_links_out_of_it(tmp_path: Path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Private notes\n\n" + STORY, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "inside.txt").write_text("Harbour fire\n\n" + STORY, encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "again.txt").symlink_to(folder / "inside.txt")  # a link within the folder is fine
    assert sorted(p.name for p in article_files([folder])) == ["again.txt", "inside.txt"]


# -- 2. feeds told by their content ----------------------------------------------------------

@pytest.mark.parametrize("head, root", [
    ('<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="rss.xsl"?>\n', "rss"),
    ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY id "tag:x,">\n]>\n', "rss"),
    ('<!--\n  a comment\n-->\n<!-- another -->\n', "rss"),
    ("", "r:rss"),
])
def test_feed_detected_whatever_its_prolog(tmp_path: Path, head: str, root: str):
    xmlns = ' xmlns:r="http://backend.userland.com/rss2"' if ":" in root else ""
    body = RSS_ITEM.replace("<", "<r:").replace("<r:/", "</r:") if ":" in root else RSS_ITEM
    path = tmp_path / "feed.txt"  # no feed suffix: told by content alone
    path.write_text(f'{head}<{root} version="2.0"{xmlns}>{body}</{root}>', encoding="utf-8")
    article = read_article(path)
    assert article.title == "Harbour fire contained"
    assert article.text.startswith("Firefighters")


@pytest.mark.parametrize("content, problem", [
    ('<?xml version="1.0"?>\n<!-- nothing but a comment -->\n', "only comments"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>', "no entries"),
    ('<?xml version="1.0"?><catalog><book>Dune</book></catalog>', "<catalog>"),
])
def test_markup_without_entries_is_one_error(tmp_path: Path, content: str, problem: str):
    path = tmp_path / "doc.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as caught:
        list(read_articles(path))
    assert caught.value.source == str(path)


def test_html_entry_title_loses_its_tags(tmp_path: Path):
    path = tmp_path / "feed.xml"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id>'
                    '<title type="html">&lt;b&gt;Harbour&lt;/b&gt; fire</title>'
                    f"<content>{STORY}</content></entry></feed>", encoding="utf-8")
    assert read_article(path).title == "Harbour fire"


# -- 3. encodings ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_text_decoded(tmp_path: Path, encoding: str):
    path = tmp_path / "a.txt"
    path.write_bytes(("Les élèves\n\n" + STORY).encode(encoding))
    article = read_article(path)
    assert article.title == "Les élèves" and article.text == STORY


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-be"])
def test_utf16_and_utf32_feed_decoded(tmp_path: Path, encoding: str):
    path = tmp_path / "feed.xml"
    path.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0">{RSS_ITEM}</rss>'.encode(encoding))
    assert read_article(path).title == "Harbour fire contained"


def test_short_latin1_text_is_not_cp1250(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_bytes("Les élèves de l'école sont allés".encode("latin-1"))
    assert "élèves" in read_article(path).text


def test_declared_feed_charset_is_used(tmp_path: Path):
    path = tmp_path / "feed.xml"
    body = RSS_ITEM.replace("Harbour fire contained", "Пожар в порту потушен")
    path.write_bytes(f'<?xml version="1.0" encoding="koi8-r"?><rss version="2.0">{body}</rss>'.encode("koi8-r"))
    assert read_article(path).title == "Пожар в порту потушен"


@pytest.mark.parametrize("name, word", [
    ("eucjp.xml", "正月"), ("euckr.xml", "한글"), ("gb2312.xml", "漫画"), ("koi8r.xml", "новогоднюю"),
    ("shiftjis.xml", "記事"),
])
def test_feed_without_charset_decoded(tmp_path: Path, name: str, word: str):
    path = need(REAL / "feeds" / "illformed_chardet" / name)
    article = next(iter(read_articles(path)))
    assert word in article.title + article.text
    db = str(tmp_path / "s.db")  # `ingest FEED` polls it as a source: the same decoding
    result = CliRunner().invoke(app, ["ingest", "--json", "--db", db, str(path)])
    assert json.loads(result.stdout)["added"] == 1, result.output
    with open_store(db) as store:
        story = store.stories()[0]
        stored = store.story_articles(story.id)[0].article
    assert word in stored.title + stored.text


# -- 4. archives ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["example.arc", "example.arc.gz"])
def test_arc_file_gives_its_html_page(name: str):
    articles = list(read_articles(need(REAL / "warc" / name)))
    assert [a.url for a in articles] == ["http://example.com/"]
    assert "Example Domain" in articles[0].title + articles[0].text
    assert "filedesc" not in articles[0].text and "HTTP/1" not in articles[0].text


def test_warc_resource_record_of_html_is_read():
    articles = list(read_articles(need(REAL / "warc" / "example-resource.warc.gz")))
    assert [a.url for a in articles] == ["http://example.com/"]


def test_archive_without_pages_is_one_error():
    path = need(REAL / "warc" / "example-digest.warc")
    with pytest.raises(InputError, match="no HTML page") as caught:
        list(read_articles(path))
    assert caught.value.source == str(path)


# -- 5. language ID ---------------------------------------------------------------------------

def test_language_reads_more_than_80_characters():
    english_head = "Breaking: reporters filed this short English note before the story itself. "
    french = ("Les pompiers du port ont maîtrisé l'incendie de l'entrepôt mardi soir après six heures "
              "d'efforts, a indiqué le service d'incendie, et une enquête commencera mercredi. ") * 8
    assert detect_language(english_head + french) == "fr"


# -- 6. values that used to crash ----------------------------------------------------------

@pytest.mark.parametrize("content, problem", [
    ('{"id": "a", "text": "Fire.", "published": "9999-12-31T23:59:59-05:00"}', "out of range"),
    ('{"id": "a", "text": "Fire \\ud800 in the port."}', "lone surrogate"),
    ('{"id": "a", "title": "\\udfff", "text": "Fire in the port."}', "lone surrogate"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_bad_json_values_are_input_errors(tmp_path: Path, content: str, problem: str):
    for suffix in (".json", ".jsonl"):
        path = tmp_path / f"a{suffix}"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=problem) as caught:
            list(read_articles(path))
        assert caught.value.source.startswith(str(path))


# -- every real file ----------------------------------------------------------------------

MOJIBAKE = ("Ã©", "Ã¨", "Ã¶", "Ã¼", "Ã¤", "â€™", "â€œ", "Ð¸", "ã\x81", "\ufffd\ufffd")


def test_every_real_file_ends_as_articles_or_one_error():
    root = need(REAL)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".md", ".jsonl"))
    assert len(files) > 1500
    read, refused = 0, 0
    for path in files:
        try:
            articles = list(read_articles(path))
        except InputError as exc:
            refused += 1
            message = str(exc)
            assert message.startswith(str(path)) and "\n" not in message, message
            continue
        assert articles, f"{path}: no articles and no error"
        read += 1
        for article in articles:
            for value in (article.title, article.text):
                assert not value.lstrip().startswith(("<?xml", "<!--")), f"{path}: raw markup {value[:60]!r}"
                assert not any(m in value for m in MOJIBAKE), f"{path}: mojibake {value[:80]!r}"
    assert read > 250 and refused > 1000


# -- 7. page metadata ---------------------------------------------------------------------

def _page(name: str):
    return read_article(need(REAL / "pages" / name))


def test_title_loses_the_site_suffix():
    assert _page("html/japantimes.co.jp.surgical.html").title == "Losing face: 6,000 surgical masks stolen from Kobe hospital"
    assert _page("np/telegraph.co.uk1.html").title == "AirAsia plane found in Java Sea: latest"
    # a colon is not a site separator: the title's own second half stays
    assert _page("np/syracuse.com2.html").title.startswith("Echoes of the Past : The Hotel Syracuse")


def test_og_title_replaces_a_junk_page_title():
    assert _page("html/telegraph.co.uk.plumber.html").title == "Plumber jailed after boiler killed millionaire's daughter"


@pytest.mark.parametrize("name, outlet", [
    ("html/handelsblatt.com.grenzschliessungen.html", "Handelsblatt"), ("html/pl.umowa.html", "Wpolityce"),
    ("np/reuters.com1.html", "Reuters"), ("np/reuters.com3.html", "Reuters"),
    ("np/cleveland.com1.html", "cleveland.com"), ("html/bbc.com.52241221.html", "BBC News"),
])
def test_outlet_named_by_its_site(name: str, outlet: str):
    assert _page(name).outlet == outlet


def test_date_from_the_url_when_the_page_gives_only_a_year():
    article = _page("np/arabic_article.html")  # its metadata says 2013; its URL /2013/middle_east/8/3/
    assert article.published is not None and article.published.date().isoformat() == "2013-08-03"
    assert _page("html/bbc.com.52241221.html").published.date().isoformat() == "2020-04-10"  # kept


# -- 8. pages that are not articles ----------------------------------------------------------

@pytest.mark.parametrize("name, reason", [
    ("np/fool.com2.html", "error page"), ("np/details.com1.html", "error page"),
    ("np/cnn_main_site.html", "home page"), ("np/yahoo_main_site.html", "home page"),
])
def test_error_and_home_pages_are_skipped_with_the_reason(name: str, reason: str):
    path = need(REAL / "pages" / name)
    with pytest.raises(InputError, match=reason) as caught:
        read_article(path)
    assert caught.value.source == str(path)


def test_no_labelled_news_page_is_skipped():
    """Conservative by design: of the labelled pages, every ``news`` page is read; the
    ``not_news`` ones caught are error pages and home pages (4 of 56 today)."""
    pages = need(REAL / "pages")
    labels = [json.loads(line) for line in (pages / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    skipped_news, caught = [], []
    for label in labels:
        try:
            read_article(pages / label["file"])
        except InputError:
            (skipped_news if label["kind"] == "news" else caught).append(label["file"])
    assert skipped_news == []
    assert len(caught) >= 4
