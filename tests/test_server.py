"""``storylens serve`` against a real server process and a real SQLite file.

One server (with STORYLENS_TOKEN set) serves the whole module; the demo corpus is posted
once. GETs are open; POST /articles needs the bearer token.
"""

from __future__ import annotations

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from serverproc import demo_records, running_server  # noqa: E402

TOKEN = "test-token-5d1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "news.db"
    with running_server(db, token=TOKEN) as base:
        with httpx.Client(base_url=base, timeout=120) as client:
            yield client


@pytest.fixture(scope="module")
def loaded(server):
    """The demo corpus, posted as one list; returns the POST answer."""
    records = demo_records()
    response = server.post("/articles", json=records, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def biggest_story(server) -> dict:
    stories = server.get("/stories").json()["stories"]
    return max(stories, key=lambda s: (s["articles"], s["id"]))


# -- auth ---------------------------------------------------------------------------

def test_writes_need_the_token_reads_are_open(server, loaded):
    record = {"id": "auth-probe", "title": "Probe", "text": "A probe article about nothing in particular."}
    missing = server.post("/articles", json=record)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["field"] == "Authorization"
    wrong = server.post("/articles", json=record, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert server.post("/articles", json=record, headers={"Authorization": f"Basic {TOKEN}"}).status_code == 403
    assert server.get("/articles/auth-probe").status_code == 404  # nothing was written
    for path in ("/health", "/stories", f"/stories/{biggest_story(server)['id']}", "/openapi.json", "/"):
        assert server.get(path).status_code == 200, path
    accepted = server.post("/articles", json=record, headers=AUTH)
    assert accepted.status_code == 200
    assert accepted.json()["articles"][0]["status"] == "added"


# -- writing ------------------------------------------------------------------------

def test_post_demo_corpus_places_every_article(server, loaded):
    records = demo_records()
    assert loaded["added"] == len(records) == 19
    assert [a["id"] for a in loaded["articles"]] == [r["id"] for r in records]
    assert all(a["status"] == "added" and a["story_id"].startswith("s") for a in loaded["articles"])
    assert loaded["copies"] >= 1  # the harbour-fire wire copy
    copy = next(a for a in loaded["articles"] if a["duplicate_of"])
    assert copy["duplicate_kind"] in ("exact", "near", "partial")
    original = next(a for a in loaded["articles"] if a["id"] == copy["duplicate_of"])
    assert copy["story_id"] == original["story_id"]
    members = {m["id"]: m for m in server.get(f"/stories/{copy['story_id']}").json()["members"]}
    assert members[copy["id"]]["duplicate_of"] == original["id"] and members[original["id"]]["duplicate_of"] is None
    assert loaded["stories_opened"] == len({a["story_id"] for a in loaded["articles"]})
    assert copy["thread_id"] == original["thread_id"] and all(a["thread_id"].startswith("t") for a in loaded["articles"])
    assert loaded["threads_opened"] == len({a["thread_id"] for a in loaded["articles"]}) < loaded["stories_opened"]


def test_post_again_adds_nothing(server, loaded):
    again = server.post("/articles", json=demo_records()[:3], headers=AUTH).json()
    assert again["added"] == 0 and again["skipped"] == 3
    assert [a["status"] for a in again["articles"]] == ["skipped"] * 3
    assert again["articles"][0]["story_id"] == loaded["articles"][0]["story_id"]


def test_post_one_object_without_id_gets_a_content_id(server, loaded):
    answer = server.post("/articles", json={"title": "Lone report", "outlet": "Solo Times", "language": "en",
                                            "text": "A small bakery in a quiet town won a regional bread prize on Sunday."},
                         headers=AUTH)
    assert answer.status_code == 200
    item = answer.json()["articles"][0]
    assert item["id"].startswith("a-") and item["opened"] is True


def test_same_id_other_content_is_a_conflict(server, loaded):
    record = dict(demo_records()[0], text="Completely different text for an id that is already stored.")
    answer = server.post("/articles", json=record, headers=AUTH)
    assert answer.status_code == 409
    assert record["id"] in answer.json()["error"]["message"]


@pytest.mark.parametrize("body, status, field", [
    ({"title": "no text"}, 400, "text"),
    ([{"text": "fine text here"}, {"text": "x", "published": "last Tuesday"}], 400, "body[1].published"),
    ({"text": "x", "authors": [1, 2]}, 400, "authors"),
    ({"text": 42}, 400, "text"),
    ([], 400, "body"),
    ("just a string", 400, "body"),
])
def test_bad_article_fields_are_named(server, body, status, field):
    answer = server.post("/articles", json=body, headers=AUTH)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["status"] == status and error["field"] == field
    assert error["message"]


def test_invalid_json_and_too_large_body(server):
    bad = server.post("/articles", content=b'{"id": "x", "text": ', headers={**AUTH, "content-type": "application/json"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "body"
    huge = server.post("/articles", content=b"x" * (5 * 1024 * 1024 + 1),
                       headers={**AUTH, "content-type": "application/json"})
    assert huge.status_code == 413
    assert huge.json()["error"]["field"] == "body"

    def chunks():  # no Content-Length: the limit applies to the streamed body too
        for _ in range(6):
            yield b"y" * (1024 * 1024)

    streamed = server.post("/articles", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert streamed.status_code == 413


# -- reading ------------------------------------------------------------------------

def test_health_counts(server, loaded):
    health = server.get("/health").json()
    assert health["status"] == "ok"
    assert health["articles"] >= 19 and health["stories"] >= 5 and health["copies"] >= 1


def test_get_article(server, loaded):
    record = demo_records()[0]
    article = server.get(f"/articles/{record['id']}").json()
    assert article["title"] == record["title"] and article["text"]
    assert article["outlet"] == record["outlet"] and article["story_id"] == loaded["articles"][0]["story_id"]
    missing = server.get("/articles/no-such-article")
    assert missing.status_code == 404 and "no-such-article" in missing.json()["error"]["message"]


def test_story_list_filters_and_pages(server, loaded):
    everything = server.get("/stories", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["stories"]) >= 5
    first, second = server.get("/stories", params={"limit": 2}).json(), server.get("/stories", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == total and len(first["stories"]) == 2
    assert [s["id"] for s in first["stories"] + second["stories"]] == [s["id"] for s in everything["stories"][:4]]
    german = server.get("/stories", params={"language": "de"}).json()
    assert 0 < german["total"] < total and all("de" in s["languages"] for s in german["stories"])
    story = biggest_story(server)
    word = max(story["title"].split(), key=len)
    found = server.get("/stories", params={"q": word.upper()}).json()
    assert story["id"] in [s["id"] for s in found["stories"]]
    assert server.get("/stories", params={"q": "zzzqqq-nothing"}).json()["total"] == 0
    outlet = story["outlets"][0]
    assert story["id"] in [s["id"] for s in server.get("/stories", params={"outlet": outlet.lower()}).json()["stories"]]
    day = story["first_published"][:10]
    in_range = server.get("/stories", params={"since": day, "until": day + "T23:59:59Z"}).json()
    assert story["id"] in [s["id"] for s in in_range["stories"]]
    assert server.get("/stories", params={"until": "2000-01-01"}).json()["total"] == 0
    assert server.get("/stories", params={"since": "2100-01-01"}).json()["total"] == 0


@pytest.mark.parametrize("params, status, field", [
    ({"limit": "many"}, 422, "limit"),
    ({"limit": 0}, 400, "limit"),
    ({"offset": -1}, 400, "offset"),
    ({"since": "soon"}, 400, "since"),
])
def test_story_list_bad_parameters_are_named(server, params, status, field):
    answer = server.get("/stories", params=params)
    assert answer.status_code == status
    assert answer.json()["error"]["field"] == field


def test_story_members(server, loaded):
    story = biggest_story(server)
    detail = server.get(f"/stories/{story['id']}").json()
    assert detail["id"] == story["id"] and len(detail["members"]) == story["articles"]
    ids = {a["id"] for a in loaded["articles"] if a["story_id"] == story["id"]}
    assert ids <= {m["id"] for m in detail["members"]}
    missing = server.get("/stories/s999999")
    assert missing.status_code == 404 and "s999999" in missing.json()["error"]["message"]


def test_coverage_report_and_cache(server, loaded):
    story = biggest_story(server)
    first = server.get(f"/stories/{story['id']}/coverage")
    assert first.status_code == 200, first.text
    report = first.json()
    assert report["schema"] == 1
    assert {o["article"] for o in report["outlets"]} == {m["id"] for m in server.get(f"/stories/{story['id']}").json()["members"]}
    assert report["summary"] and report["timeline"]
    second = server.get(f"/stories/{story['id']}/coverage")
    assert second.json() == report  # from the cache: same story version
    assert second.content == first.content  # the JSON kept beside the cached report, byte for byte
    assert second.elapsed.total_seconds() < 0.5
    assert server.get("/stories/s999999/coverage").status_code == 404


def test_coverage_of_a_single_article_story(server, loaded):
    answer = server.post("/articles", json={"id": "lonely", "title": "Glacier museum opens",
                                            "text": "A museum about glaciers opened in the mountain village of Oberwald."},
                         headers=AUTH).json()
    story_id = answer["articles"][0]["story_id"]
    refused = server.get(f"/stories/{story_id}/coverage")
    assert refused.status_code == 422 and "two" in refused.json()["error"]["message"]


def test_compare_objects_and_texts(server):
    records = {r["id"]: r for r in demo_records()}
    a, b = records["harbor-fire-en-cpa"], records["harbor-fire-en-lakeshore"]
    same = server.post("/compare", json={"a": a, "b": b})
    assert same.status_code == 200, same.text
    result = same.json()
    assert result["same_story"] is True and 0 <= result["similarity"] <= 1
    assert set(result["dimensions"]) == {"geography", "entities", "time", "narrative", "style", "tone"}
    other = records["valdoria-rate-en-meridian"]
    as_text = server.post("/compare", json={"a": f"{a['title']}\n\n{a['text']}", "b": f"{other['title']}\n\n{other['text']}"})
    assert as_text.status_code == 200
    assert as_text.json()["same_story"] is False
    assert as_text.json()["a"]["title"] == a["title"]
    fast = server.post("/compare", json={"a": a, "b": b, "fast": True})
    assert fast.status_code == 200 and fast.json()["same_story"] is True


@pytest.mark.parametrize("body, field", [
    ({"a": {"text": "only one side"}}, "b"),
    ({"a": {"title": "no text"}, "b": "some text"}, "a.text"),
    ({"a": 3, "b": "text"}, "a"),
    (["a", "b"], "body"),
    ({"a": "one text", "b": "another", "fast": "yes"}, "fast"),
])
def test_compare_bad_input_is_named(server, body, field):
    answer = server.post("/compare", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == field


# -- docs and pages -----------------------------------------------------------------

def test_openapi_and_offline_docs(server):
    spec = server.get("/openapi.json").json()
    for path in ("/articles", "/articles/{article_id}", "/stories", "/stories/{story_id}",
                 "/stories/{story_id}/coverage", "/compare", "/health"):
        assert path in spec["paths"], path
    assert "requestBody" in spec["paths"]["/articles"]["post"]
    docs = server.get("/docs")
    assert docs.status_code == 200
    assert "http://" not in docs.text.replace("http://127.0.0.1", "") and "https://" not in docs.text
    assert server.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert server.get("/static/swagger/swagger-ui.css").status_code == 200


def test_pages_escape_article_text(server, loaded):
    evil = "<script>alert('x')</script> Harbour <b>bold</b>"
    answer = server.post("/articles", json={"id": "evil", "title": evil, "outlet": "<i>Evil</i> Daily",
                                            "text": "Town council approves a new budget for the harbour walls. " + evil},
                         headers=AUTH).json()
    story_id = answer["articles"][0]["story_id"]
    index = server.get("/", params={"q": "script"})
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    assert "<script>alert" not in index.text and "&lt;script&gt;alert" in index.text
    assert "&lt;i&gt;Evil&lt;/i&gt; Daily" in index.text
    page = server.get(f"/stories/{story_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_story_page_by_content_negotiation(server, loaded):
    story = biggest_story(server)
    page = server.get(f"/stories/{story['id']}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Summary" in page.text and "All stories" in page.text
    assert server.get(f"/stories/{story['id']}", headers={"Accept": "application/json"}).json()["id"] == story["id"]
    assert "text/html" in server.get(f"/stories/{story['id']}?format=html").headers["content-type"]
    missing = server.get("/stories/s999999", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "/static/style.css" in server.get("/").text
    assert server.get("/static/style.css").status_code == 200


def test_compare_form(server):
    assert "<form" in server.get("/compare").text
    records = {r["id"]: r for r in demo_records()}
    a, b = records["harbor-fire-en-cpa"], records["harbor-fire-en-lakeshore"]
    page = server.post("/compare", data={"title_a": a["title"], "text_a": a["text"], "title_b": b["title"],
                                         "text_b": b["text"]})
    assert page.status_code == 200 and "Same story" in page.text
    empty = server.post("/compare", data={"title_a": "x", "text_a": " ", "title_b": "", "text_b": "y"})
    assert empty.status_code == 400 and "Article A" in empty.text


def test_predict_says_where_articles_would_go_and_stores_nothing(server, loaded):
    import json

    from conftest import ROOT

    follow_up = json.loads((ROOT / "demo" / "follow-ups.jsonl").read_text(encoding="utf-8").splitlines()[0])
    before = server.get("/health").json()
    fire = server.get("/articles/harbor-fire-en-cpa").json()["story_id"]
    fire_thread = server.get(f"/stories/{fire}").json()["thread_id"]
    answer = server.post("/predict", json=[follow_up, demo_records()[3]])
    assert answer.status_code == 200, answer.text
    resign, stored = answer.json()
    assert resign["id"] == follow_up["id"] and resign["story_id"] is None and resign["thread_id"] == fire_thread
    assert resign["candidates"][0]["story_id"] == fire and not resign["stored"]
    assert stored["stored"] and stored["story_id"] == server.get(f"/articles/{stored['id']}").json()["story_id"]
    assert server.get("/health").json() == before, "nothing was stored"
    assert server.get(f"/articles/{follow_up['id']}").status_code == 404
    assert server.post("/predict", json=[]).json()["error"]["field"] == "body"


# -- scheduling -----------------------------------------------------------------------

WRITE_WAIT = 600  # seconds: a write takes a few; before the fix it waited for ever


def test_a_write_does_not_queue_behind_the_readers_thread_pool(tmp_path):
    """Reads the caches do not answer run on the shared thread pool, whose slots go first come,
    first served. A write (and its token check) must not wait for them: here every slot of the
    pool is taken, as by a crowd of readers, and POST /articles still stores its articles."""
    import asyncio

    from anyio import fail_after, to_thread

    from storylens.server.app import create_app

    app = create_app(tmp_path / "news.db")

    async def post_while_the_pool_is_full():
        pool = to_thread.current_default_thread_limiter()
        readers = [object() for _ in range(int(pool.total_tokens))]
        for reader in readers:
            await pool.acquire_on_behalf_of(reader)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                with fail_after(WRITE_WAIT):
                    return await client.post("/articles", json=demo_records()[:2])
        finally:
            for reader in readers:
                pool.release_on_behalf_of(reader)

    try:
        response = asyncio.run(post_while_the_pool_is_full())
    finally:
        app.state.service.close()
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 2
