"""The web page end to end: headless Chromium (Playwright) against a real server process.

Uses the system Chromium (/usr/bin/chromium); never downloads a browser. Skipped with a
reason when Playwright or Chromium is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")

from serverproc import demo_records, running_server  # noqa: E402

CHROMIUM = Path(os.environ.get("STORYLENS_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: the browser test uses the system Chromium (apt-get install chromium)")
    db = tmp_path_factory.mktemp("web") / "web.db"
    with running_server(db) as base:
        answer = httpx.post(base + "/articles", json=demo_records(), timeout=120)
        assert answer.status_code == 200, answer.text
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox", "--disable-dev-shm-usage"])
        except Exception as exc:  # a Chromium that cannot start here
            pytest.skip(f"cannot start {CHROMIUM}: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.outside = lambda: [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "about:"))]
    yield page
    context.close()


def shot(page, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000, f"{path} is empty"
    return path


def fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_story_list_story_page_and_compare(site, page, tmp_path):
    page.goto(site + "/")
    stories = page.locator("li.story")
    assert stories.count() >= 5
    assert fits_phone(page)
    shot(page, tmp_path / "stories.png")

    page.fill("input[name=q]", "Teval")
    page.click("form.search button")
    page.wait_for_load_state()
    assert "q=Teval" in page.url and page.locator("li.story").count() >= 1
    page.goto(site + "/?lang=de")
    assert all("de" in t.lower() for t in page.locator("li.story .meta").all_inner_texts())

    page.goto(site + "/?q=Teval")
    page.locator("li.story a.title").first.click()
    page.wait_for_selector("#summary")
    assert "/stories/s" in page.url
    summary = page.locator("#summary li")
    assert summary.count() >= 1 and len(summary.first.inner_text()) > 20
    variants = page.locator("#quotes blockquote.variant")
    assert variants.count() >= 2  # the reworded quote: reference wording and its variant
    assert page.locator("#quotes mark").count() >= 1  # changed words are marked
    assert fits_phone(page)
    shot(page, tmp_path / "story.png")

    records = {r["id"]: r for r in demo_records()}
    a, b = records["teval-spill-en-riverside"], records["teval-spill-en-valley-echo"]
    page.goto(site + "/compare")
    page.fill("input[name=title_a]", a["title"])
    page.fill("textarea[name=text_a]", a["text"])
    page.fill("input[name=title_b]", b["title"])
    page.fill("textarea[name=text_b]", b["text"])
    page.click("form.compare button[type=submit]")
    page.wait_for_selector("#verdict")
    verdict = page.locator("#verdict h2").inner_text()
    assert verdict == "Same story"
    assert "Similarity" in page.locator("#verdict").inner_text()
    assert page.locator("#evidence li").count() >= 3
    credits = page.locator("#evidence .credit").all_inner_texts()  # Pell's quote: each wire it is credited to
    assert "A credits CPA" in credits and "B credits Nordic Wire" in credits
    assert fits_phone(page)
    shot(page, tmp_path / "compare.png")
    assert page.outside() == []  # nothing fetched beyond the server


def test_docs_page_works_offline(site, page, tmp_path):
    page.goto(site + "/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 7
    shot(page, tmp_path / "docs.png")
    assert page.outside() == []


DESKTOP = {"width": 1280, "height": 900}


def _follow_ups() -> list[dict]:
    path = Path(__file__).resolve().parent.parent / "demo" / "follow-ups.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_thread_timeline_at_desktop_and_phone_widths(site, browser, tmp_path):
    answer = httpx.post(site + "/articles", json=_follow_ups(), timeout=120)
    assert answer.status_code == 200, answer.text
    listed = httpx.get(site + "/threads", timeout=60).json()
    fire = next(t for t in listed["threads"] if any("harbor-fire-en-cpa" in s["articles"] for s in t["stories"]))
    assert len(fire["stories"]) == 2
    detail = httpx.get(site + f"/threads/{fire['id']}", timeout=60).json()
    assert detail["stories"][1]["linked_to"] == detail["stories"][0]["id"]
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        try:
            _thread_pages(context, site, fire, detail, viewport, name, tmp_path, requests)
        finally:
            context.close()


def _thread_pages(context, site, fire, detail, viewport, name, tmp_path, requests) -> None:
    """The thread list, the thread's timeline and its second step's story page, in one browser context."""
    page = context.new_page()
    page.goto(site + "/threads")
    page.locator(f'a.title[href="/threads/{fire["id"]}"]').click()
    page.wait_for_selector("#timeline")
    steps = page.locator("#timeline li.step")
    assert steps.count() == 2
    assert "Opened the thread" in steps.nth(0).inner_text()
    assert "Linked to" in steps.nth(1).inner_text() and "Fiona Marchetti" in steps.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    shot(page, tmp_path / f"thread-{name}.png")
    steps.nth(1).locator("h2 a").click()  # the second step's story page links back to its thread
    page.wait_for_selector(".thread-nav")
    nav = page.locator(".thread-nav")
    assert f"Thread {fire['id']} (step 2 of 2)" in nav.inner_text()
    assert nav.locator("a.step-before").get_attribute("href") == f"/stories/{detail['stories'][0]['id']}"
    assert [u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "about:"))] == []
