"""The web page: server-rendered HTML (Jinja2, autoescaped), local assets only.

``/`` lists the stories (search and language filter by GET parameters), ``/stories/{id}``
shows a story with its coverage report (``storylens.coverage.html.render_html``) and links
to its thread and the steps before and after it, ``/threads/{id}`` shows a thread as a
timeline, and ``/compare`` takes two pasted articles and shows the verdict and its evidence.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from storylens.errors import InputError, StoreNotFound, StorylensError, TooSmall
from storylens.server.service import MAX_OFFSET

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZE = 30
MAX_FIELD = 200_000  # characters of one pasted article
FORM_FIELDS = ("title_a", "text_a", "title_b", "text_b")


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from storylens.display import shown_time

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["shown_time"] = shown_time
    return env


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env().get_template(name).render(**context), status_code=status)


def wants_html(request: Request) -> bool:
    """True when the client asks for a page (browsers send ``Accept: text/html``)."""
    fmt = request.query_params.get("format")
    if fmt in ("html", "json"):
        return fmt == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not accept.lstrip().startswith("application/json")


def _span(story) -> str:
    """A story's or thread's publication span as the pages show it."""
    first, last = story.first_published, story.last_published
    if not first:
        return "undated"
    a, b = first.date().isoformat(), last.date().isoformat() if last else ""
    return a if a == b or not b else f"{a} – {b}"


def _story_row(story) -> dict[str, Any]:
    return {"id": story.id, "title": story.title or story.id, "articles": story.articles, "copies": story.copies,
            "languages": list(story.languages), "outlets": list(story.outlets), "span": _span(story)}


@router.get("/")
def index(request: Request, q: str | None = None, lang: str | None = None, page: int = 1):
    """The story list, newest first."""
    service = request.app.state.service
    page = max(page, 1)
    last = MAX_OFFSET // PAGE_SIZE
    if page > last:
        return render("error.html", 400, title="Bad request", message=f"page {page} is past the last page ({last:,})")
    try:
        found = service.stories(language=lang or None, q=q or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    except InputError as exc:  # a page past the end of SQLite's integers, a search of too many words
        message = str(exc).removeprefix("query: ").replace("field 'q'", "the search")
        return render("error.html", 400, title="Bad request", message=message)
    return stories_page(request, found, q=q, language=lang, page=page)


def stories_page(request: Request, found, q: str | None, language: str | None, page: int | None = None) -> HTMLResponse:
    page = page or found.offset // max(found.limit, 1) + 1
    params = {k: v for k, v in (("q", q), ("lang", language)) if v}
    pages = max(1, -(-found.total // max(found.limit, 1)))
    link = (lambda n: "/?" + urlencode({**params, "page": n}))
    counts = request.app.state.service.health()
    return render("stories.html", title="Stories", stories=[_story_row(s) for s in found.stories],
                  total=found.total, q=q or "", lang=language or "", page=page, pages=pages,
                  prev=link(page - 1) if page > 1 else None, next=link(page + 1) if page < pages else None,
                  counts=counts, languages=request.app.state.service.languages())


def story_page(request: Request, story_id: str) -> HTMLResponse:
    """A story: the coverage report, or its members when it has one article."""
    service = request.app.state.service
    try:
        detail = service.story(story_id)
    except StoreNotFound as exc:
        return render("error.html", 404, title="Not found", message=str(exc))
    members = detail.members
    try:
        report = service.coverage(detail.story.id)
    except TooSmall:
        report = None
    except StorylensError as exc:
        return render("story.html", title=detail.story.title, story=_story_row(detail.story), members=members,
                      note=f"No coverage report: {exc}")
    if report is not None:
        try:
            from storylens.coverage.html import render_html
        except ImportError:
            render_html = None
        if render_html is not None:
            return HTMLResponse(_with_nav(render_html(report), detail.story.id, service.neighbours(detail.story)))
    return render("story.html", title=detail.story.title, story=_story_row(detail.story), members=members,
                  note=None if report else "A coverage report needs two articles or more; this story has one.",
                  thread_nav=Markup(_thread_nav(service.neighbours(detail.story))))


def _thread_nav(thread: dict[str, Any] | None) -> str:
    """Links to a story's thread and to the steps before and after it (escaped markup)."""
    if not thread:
        return ""
    e = html.escape
    parts = [f'<a class="thread-link" href="/threads/{e(thread["id"])}">Thread {e(thread["id"])}'
             + (f' (step {thread["step"]} of {thread["steps"]})' if thread["step"] else "") + "</a>"]
    if thread["before"]:
        parts.append(f'<a class="step-before" href="/stories/{e(thread["before"]["id"])}">&larr; before: '
                     f'{e(thread["before"]["title"])}</a>')
    if thread["after"]:
        parts.append(f'<a class="step-after" href="/stories/{e(thread["after"]["id"])}">after: '
                     f'{e(thread["after"]["title"])} &rarr;</a>')
    return " &middot; ".join(parts)


def _with_nav(page: str, story_id: str, thread: dict[str, Any] | None = None) -> str:
    """The coverage page with a navigation bar (static markup; ids and titles are escaped)."""
    steps = _thread_nav(thread)
    nav = ('<nav style="max-width:60rem;margin:0 auto;padding:.6rem 1.25rem 0;font:15px system-ui,sans-serif">'
           '<a href="/">&larr; All stories</a> &middot; <a href="/threads">Threads</a> &middot; '
           '<a href="/compare">Compare two articles</a> &middot; '
           f'<a href="/stories/{html.escape(story_id)}?format=json">JSON</a> &middot; '
           f'<a href="/stories/{html.escape(story_id)}/coverage">coverage JSON</a>'
           + (f'<br><span class="thread-nav">{steps}</span>' if steps else "") + '</nav>')
    head, marker, rest = page.partition("<body>")
    return head + marker + "\n" + nav + rest if marker else page


def threads_page(request: Request, found) -> HTMLResponse:
    """The thread list (a ``ThreadPage``), newest first."""
    rows = [{"id": t.id, "title": t.title, "stories": t.stories, "articles": t.articles,
             "languages": list(t.languages), "span": _span(t)} for t in found.threads]
    return render("threads.html", title="Threads", threads=rows, total=found.total)


def thread_page(request: Request, thread_id: str) -> HTMLResponse:
    """A thread as a timeline: its stories in time order, what happened, why each was linked."""
    try:
        report = request.app.state.service.thread(thread_id)
    except StoreNotFound as exc:
        return render("error.html", 404, title="Not found", message=str(exc))
    steps = [(step, _span(step.step.story)) for step in report.steps]
    return render("thread.html", title=report.thread.title, thread=report.thread, steps=steps,
                  merged_from=report.merged_from)


@router.get("/compare")
def compare_form() -> HTMLResponse:
    return render("compare.html", title="Compare two articles", form=dict.fromkeys(FORM_FIELDS, ""), result=None,
                  error=None)


async def compare_result(request: Request) -> HTMLResponse:
    """The page of a comparison posted from the form (fields title_a, text_a, title_b, text_b)."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    fields = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    form = {k: fields.get(k, "")[:MAX_FIELD] for k in FORM_FIELDS}
    sides = {}
    for side in ("a", "b"):
        if not form[f"text_{side}"].strip():
            return render("compare.html", 400, title="Compare two articles", form=form, result=None,
                          error=f"Article {side.upper()}: paste its text.")
        sides[side] = {"id": side.upper(), "title": form[f"title_{side}"], "text": form[f"text_{side}"]}
    try:
        result = await run_in_threadpool(request.app.state.service.compare, sides["a"], sides["b"])
    except StorylensError as exc:
        return render("compare.html", 400, title="Compare two articles", form=form, result=None, error=str(exc))
    return render("compare.html", title="Compare two articles", form=form, result=result, error=None)


def endpoint_list(app) -> HTMLResponse:
    """A plain list of the API's endpoints (used for /docs when Swagger UI is not installed)."""
    ops = [{"method": method.upper(), "path": path, "summary": (op.get("summary") or ""),
            "description": op.get("description") or ""}
           for path, item in app.openapi()["paths"].items() for method, op in item.items()]
    return render("endpoints.html", title="API", ops=ops)
