"""The coverage report as an HTML page: hostile article text and metadata stay text, and a real
browser (headless Chromium through Playwright) opens the page at desktop and phone width."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from storylens.coverage.files import coverage_of_files
from storylens.coverage.report import Coverage
from storylens.coverage.html import CSP, render_html, segments, web_url
from storylens.coverage.render import HEADINGS

CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
PWN_SCRIPT = "<script>window['__pwned']=1;alert(2)</script>"
PWN_ATTR = "'><svg onload=window['__pwned']=1>"
GAZETTE_URL = 'https://gazette.example/ferry?x=1&y="2"><script>alert(3)</script>'
STORY = ("Ferry workers in Port Selwin walked out on Monday over pay {s}, the union said. "
         "\"We will not sail until the company pays us {how} {a}\", said union leader Mara Kell of Tide & Dock. "
         "The strike halted all crossings to the island of Orla for the day. "
         "The company said talks would resume on Wednesday in the harbour office.")
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "section", "p", "h1", "h2", "h3",
                "ol", "ul", "li", "span", "a", "div", "details", "summary", "blockquote", "mark", "strong", "br",
                "table", "thead", "tbody", "tr", "th", "td", "time"}


class Page(HTMLParser):
    """Every start tag with its (decoded) attributes, and the decoded text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Coverage:
    """Three fictional reports of one ferry strike, markup in every field; the third copies the first."""
    folder = tmp_path_factory.mktemp("hostile")
    copy_id = f"copy-{PWN_ATTR}"
    rows = [
        {"id": "harbour", "outlet": f"Harbour Times {SCRIPT} & Sons {ATTR}", "title": f"Ferry strike {PWN_SCRIPT} & more",
         "url": "javascript:alert(1)", "language": "en", "published": "2026-01-05T10:00:00Z",
         "text": STORY.format(s=SCRIPT, how="fairly", a=ATTR)},
        {"id": "gazette", "outlet": f"Orla Gazette {PWN_ATTR}", "title": f"Ferries stop {ATTR}", "url": GAZETTE_URL,
         "language": "en", "published": "2026-01-05T12:00:00Z",
         "text": STORY.format(s=PWN_SCRIPT, how="properly", a=PWN_ATTR).replace("walked out", "went on strike")
         + " Shops on Orla ran short of bread & milk by the afternoon."},
        {"id": copy_id, "url": "data:text/html,<script>alert(4)</script>", "language": "en",
         "published": "2026-01-05T14:00:00Z", "text": STORY.format(s=SCRIPT, how="fairly", a=ATTR)},
    ]
    path = folder / "ferry.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return coverage_of_files([f"{path}#harbour", f"{path}#gazette", f"{path}#{copy_id}"])


@pytest.fixture(scope="module")
def seed_html(seed_paths) -> str:
    return render_html(coverage_of_files([str(seed_paths[0]), str(seed_paths[1])]))


def test_hostile_markup_stays_text(hostile):
    html = render_html(hostile)
    lowered = html.lower()
    for raw in ("<script", "<img", "<svg", "javascript:", "data:text"):
        assert raw not in lowered, f"{raw} reached the page unescaped"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Tide &amp; Dock" in html
    page = Page(html)
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name.startswith("on")]
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links == [GAZETTE_URL], "only the http(s) URL is a link, its attribute value intact"
    text = "".join(page.text)
    assert f"Harbour Times {SCRIPT} & Sons {ATTR}" in text and f"Ferries stop {ATTR}" in text
    assert f"copy-{PWN_ATTR}" in text, "an id shown as a label is escaped too"


def test_hostile_page_is_locked_down(hostile):
    html = render_html(hostile)
    head = html[:html.index("<style>")]
    assert '<meta charset="utf-8">' in head and '<html lang="en">' in head
    assert f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">' in head
    assert CSP.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")


def test_copy_is_folded_under_its_original(hostile):
    timeline = hostile.timeline
    assert [t.article for t in timeline] == ["harbour", "gazette"]
    assert [c.article for c in timeline[0].copies] == [f"copy-{PWN_ATTR}"]
    html = render_html(hostile)
    section = html[html.index('<section id="timeline">'):]
    original, copy, other = (section.index(str(escape(label))) for label in
                             (hostile.outlets[0].outlet, f"copy-{PWN_ATTR}", hostile.outlets[1].outlet))
    assert original < section.index('<li class="copy">') < copy < other
    assert section.count('<li class="original">') == 2


def test_contrast_origins_read_as_phrases(hostile):
    assert hostile.contrasts, "the reworded quote gives a contrast"
    d = replace(hostile, contrasts=(replace(hostile.contrasts[0], origin="lexicon: crowd"), *hostile.contrasts[1:]))
    html = render_html(d)
    assert "contested name: crowd" in html and "in a lexicon" not in html


def test_seed_page_has_every_section(seed_html):
    for key, heading in HEADINGS.items():
        assert f'<section id="{key}">' in seed_html and f"<h2>{heading}</h2>" in seed_html
    assert "<mark>ask</mark>" in seed_html and "<mark>demand</mark>" in seed_html
    assert "Kerry" in seed_html and "Moualem" in seed_html


def test_marks_and_links_helpers():
    assert segments("study it and demand", [[13, 19]]) == [("study it and ", False), ("demand", True)]
    assert segments("abcd", [[3, 9], [0, 1]]) == [("a", True), ("bc", False), ("d", True)], "clipped, sorted"
    assert segments("abc", [[0, 2], [1, 2]]) == [("ab", True), ("c", False)], "overlaps marked once"
    assert segments("", []) == [("", False)]
    assert web_url(" https://example.org/a ") == "https://example.org/a"
    assert [web_url(u) for u in ("javascript:alert(1)", "//evil.example/x", "file:///etc/passwd", "http://", None)] \
        == [None] * 5


# --- a real browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package (.ci/run does when it is root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def open_page(browser, html: str, width: int, *, bypass_csp: bool = False):
    """A page showing ``html`` at ``width``, with the dialogs, page errors and console errors it raised."""
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=bypass_csp)
    page = context.new_page()
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"pageerror: {e}"))
    page.on("console", lambda m: events.append(f"console: {m.text}") if m.type == "error" else None)
    page.set_content(html, wait_until="load")
    return page, events


def png_width(path: Path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000, f"{path} is not a non-empty PNG"
    return struct.unpack(">I", data[16:20])[0]


def fits(page, width: int) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= width + 2


def test_browser_shows_the_seed_report(browser, seed_html, tmp_path):
    page, events = open_page(browser, seed_html, 1280)
    assert page.locator("#summary").is_visible() and page.locator("#summary li").count() >= 3
    mark = page.locator(".variant mark").filter(has_text="demand")
    assert mark.is_visible()
    page.screenshot(path=tmp_path / "seed-desktop.png", full_page=True)
    page.context.close()
    phone, phone_events = open_page(browser, seed_html, 375)
    assert fits(phone, 375), "horizontal overflow at phone width"
    assert phone.locator(".variant mark").first.is_visible()
    phone.screenshot(path=tmp_path / "seed-phone.png", full_page=True)
    phone.context.close()
    assert events == [] and phone_events == []
    assert png_width(tmp_path / "seed-desktop.png") == 1280 and png_width(tmp_path / "seed-phone.png") == 375


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_browser_runs_no_hostile_script(browser, hostile, bypass_csp, tmp_path):
    page, events = open_page(browser, render_html(hostile), 375, bypass_csp=bypass_csp)
    assert events == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script, img, svg, iframe, object, embed').length") == 0
    assert page.locator("#summary").is_visible() and page.locator(".variant mark").first.is_visible()
    assert fits(page, 375), "hostile long labels overflow at phone width"
    page.screenshot(path=tmp_path / "hostile-phone.png", full_page=True)
    page.context.close()
    assert png_width(tmp_path / "hostile-phone.png") == 375


def test_csp_blocks_a_script_that_slips_through(browser, hostile):
    injected = render_html(hostile).replace("<main>", "<main><script>window.__pwned = 1</script>", 1)
    page, events = open_page(browser, injected, 800)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert any("Content Security Policy" in e for e in events), events
    page.context.close()
    page, _ = open_page(browser, injected, 800, bypass_csp=True)
    assert page.evaluate("window.__pwned") == 1, "the check itself sees a script that runs"
    page.context.close()
