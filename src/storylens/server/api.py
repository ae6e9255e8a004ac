"""The JSON endpoints. Each handler parses the request and calls ``StoryService``.

``GET /stories`` and ``GET /stories/{id}`` answer with the web page instead when the
client asks for HTML (``Accept: text/html``, as browsers do); ``POST /compare`` with a
form body answers with the page of the result.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from storylens.errors import InputError
from storylens.settings import DEFAULTS
from storylens.server import pages
from storylens.server.app import check_token, in_writer

router = APIRouter()


class ArticleIn(BaseModel):
    """An article as a storylens JSON Lines record (``lang``, ``date``, ``site_name`` are aliases)."""

    model_config = ConfigDict(extra="allow")
    id: str | int | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    text: str
    published: str | None = None
    language: str | None = None
    authors: list[str] | str | None = None


def _schema(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


_ARTICLE = ArticleIn.model_json_schema()
_ARTICLES_BODY = _schema({"oneOf": [_ARTICLE, {"type": "array", "items": _ARTICLE, "maxItems": DEFAULTS.server.max_list}]},
                         "One article object or a list of them (at most 1,000).")
_COMPARE_BODY = _schema({"type": "object", "required": ["a", "b"], "properties": {
    "a": {"oneOf": [_ARTICLE, {"type": "string", "description": "plain text; first line = title"}]},
    "b": {"oneOf": [_ARTICLE, {"type": "string", "description": "plain text; first line = title"}]},
    "fast": {"type": "boolean", "default": False,
             "description": "score without the e5 model: about 0.5 s faster, less close to people's judgements"}}},
    "Two articles, each a JSON article object or a plain text.")


def service(request: Request):
    return request.app.state.service


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise InputError("body", "the request body is empty; send a JSON value")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError("body", f"invalid JSON{where}: {getattr(exc, 'msg', exc)}") from None


@router.get("/health", tags=["meta"])
def health(request: Request) -> dict:
    """The server is up; the store's counts of articles, stories and copies."""
    return service(request).health()


@router.post("/articles", tags=["articles"], dependencies=[Depends(check_token)], openapi_extra=_ARTICLES_BODY)
async def post_articles(request: Request) -> dict:
    """Analyse articles and place them in stories (one writer: requests are serialised).

    Returns each article's status (`added` or `skipped` when already stored), story id and
    what it copies. Needs `Authorization: Bearer <token>` when the server has a token."""
    records = await json_body(request)
    return await in_writer(request, service(request).add_records, records)


@router.post("/predict", tags=["articles"], openapi_extra=_ARTICLES_BODY)
async def post_predict(request: Request) -> list:
    """Where articles would go among the stories, storing nothing: for each, the story and
    thread it would join (`null`: it would open its own), the join rule's probability, what
    it copies, and the candidate stories weighed (docs/server.md)."""
    records = await json_body(request)
    return [p.to_dict() for p in await in_writer(request, service(request).predict, records)]


@router.get("/articles/{article_id}", tags=["articles"])
def get_article(request: Request, article_id: str) -> dict:
    """One stored article: its record fields, story, language and what it copies."""
    return JSONResponse(service(request).article(article_id))


@router.get("/stories", tags=["stories"])
async def get_stories(request: Request, language: str | None = None, outlet: str | None = None,
                      since: str | None = Query(None, description="ISO 8601 date: stories with an article on or after it"),
                      until: str | None = Query(None, description="ISO 8601 date: stories with an article on or before it"),
                      q: str | None = Query(None, description="words in the story's or an article's title"),
                      limit: int = 50, offset: int = 0):
    """Stories, most recently updated first: `{total, limit, offset, stories}`."""
    svc = service(request)
    query = dict(language=language, outlet=outlet, since=since, until=until, q=q, limit=limit, offset=offset)
    if pages.wants_html(request):
        page = await run_in_threadpool(lambda: svc.stories(**query))
        return await run_in_threadpool(pages.stories_page, request, page, q=q, language=language)
    key = tuple(query.values())
    body = svc.cached_stories_json(key)  # answered on the event loop when nothing was written since
    if body is None:
        body = await run_in_threadpool(lambda: svc.stories_json(key, **query))
    return Response(body, media_type="application/json")


@router.get("/stories/{story_id}", tags=["stories"])
async def get_story(request: Request, story_id: str):
    """One story and its members in time order (a merged-away id gives the surviving story)."""
    if pages.wants_html(request):
        return await run_in_threadpool(pages.story_page, request, story_id)
    svc = service(request)
    body = svc.cached_story_json(story_id)  # answered on the event loop when no write touched it
    if body is None:
        body = await run_in_threadpool(svc.story_json, story_id)
    return Response(body, media_type="application/json")


@router.get("/stories/{story_id}/coverage", tags=["stories"])
def get_coverage(request: Request, story_id: str, language: str | None = None) -> dict:
    """The story's coverage report (docs/coverage.md), cached per story version."""
    return Response(service(request).coverage_json(story_id, language=language), media_type="application/json")


@router.get("/threads", tags=["threads"])
async def get_threads(request: Request, language: str | None = None,
                      since: str | None = Query(None, description="ISO 8601 date: threads with an article on or after it"),
                      q: str | None = Query(None, description="words in the thread's or an article's title"),
                      limit: int = 50, offset: int = 0):
    """Threads (developing stories: events linked over days and weeks), most recently updated
    first: `{total, limit, offset, threads}`; each thread with its stories in time order."""
    svc = service(request)
    query = dict(language=language, since=since, q=q, limit=limit, offset=offset)
    if pages.wants_html(request):
        page = await run_in_threadpool(lambda: svc.threads(**query))
        return await run_in_threadpool(pages.threads_page, request, page)
    return JSONResponse(await run_in_threadpool(lambda: svc.threads_dict(**query)))


@router.get("/threads/{thread_id}", tags=["threads"])
async def get_thread(request: Request, thread_id: str):
    """One thread as a timeline: its stories in time order, what happened at each, and why each
    was linked (the story it was linked to, the rule's probability, the names they share)."""
    if pages.wants_html(request):
        return await run_in_threadpool(pages.thread_page, request, thread_id)
    report = await run_in_threadpool(service(request).thread, thread_id)
    return JSONResponse(report.to_dict())


@router.post("/compare", tags=["compare"], openapi_extra=_COMPARE_BODY)
async def post_compare(request: Request):
    """Do two articles report the same story? The comparison as JSON (docs/compare.md)."""
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return await pages.compare_result(request)
    data = await json_body(request)
    if not isinstance(data, dict):
        raise InputError("body", f"expected a JSON object with fields 'a' and 'b', got {type(data).__name__}")
    for name in ("a", "b"):
        if name not in data:
            raise InputError("body", f"field {name!r} is missing: give an article object or a plain text")
    fast = data.get("fast", False)
    if not isinstance(fast, bool):
        raise InputError("body", f"field 'fast' must be true or false, got {fast!r}")
    return (await run_in_threadpool(service(request).compare, data["a"], data["b"], fast)).to_dict()
