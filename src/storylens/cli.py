"""The ``storylens`` command: a thin layer over the library API.

Errors from the library (``StorylensError``) become one line on stderr and the
error's exit code; nothing else is caught here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from storylens.cli_eval import eval_app, train_app
from storylens.cli_spark import spark_app
from storylens.cli_output import err, out, print_json, progress_run
from storylens.errors import StorylensError

app = typer.Typer(help="Follow a news story across outlets and languages.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
app.add_typer(spark_app, name="spark")
_loaded = None  # the settings the root callback loaded (``storylens config`` shows them)


def _n(count: int, one: str, many: str | None = None) -> str:
    """``3 stories``, ``1 story``."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def _show_version(value: bool) -> None:
    if value:
        from storylens import __version__

        out.print(f"storylens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                       help="Print the version and exit."),
          threads: int = typer.Option(None, "--threads", min=1,
                                      help="Threads for the models, in all (default: the setting `threads`, else the "
                                           "cores this process may use; profiling workers take one each)."),
          config: Path = typer.Option(None, "--config", dir_okay=False,
                                      help="A TOML settings file (default: STORYLENS_CONFIG, else ./storylens.toml "
                                           "when present); `storylens config` shows what is in force.")) -> None:
    """storylens: same-story detection, comparison and coverage of news articles."""
    from storylens.settings import load_settings, use
    from storylens.threads import set_threads

    global _loaded
    try:
        _loaded = load_settings(config)
        settings = use(_loaded.settings)
    except StorylensError as exc:
        err.print(str(exc), markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    set_threads(threads or settings.threads)


@app.command("config")
def show_config(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """The settings in force (every threshold and limit), and where each came from."""
    from storylens.settings import SECTIONS, load_settings

    loaded = _loaded or load_settings()
    settings = loaded.settings
    if as_json:
        print_json({"file": str(loaded.file) if loaded.file else None, "settings": settings.to_dict(),
                     "sources": loaded.sources})
        return
    out.print(f"settings file: {loaded.file or 'none (defaults and environment)'}", markup=False)
    out.print(f"threads = {settings.threads if settings.threads is not None else 'all cores'}"
              f"{'  # ' + loaded.sources['threads'] if 'threads' in loaded.sources else ''}", markup=False)
    for section in SECTIONS:
        out.print(f"[{section}]", markup=False)
        for name, value in getattr(settings, section).__dict__.items():
            source = loaded.sources.get(f"{section}.{name}")
            out.print(f"{name} = {value!r}{'  # ' + source if source else ''}", markup=False)


@app.command()
def compare(
    article_a: str = typer.Argument(..., metavar="ARTICLE_A", help="Text, HTML or JSON file; FILE#ID picks one record of a JSONL file."),
    article_b: str = typer.Argument(..., metavar="ARTICLE_B", help="The article to compare it with."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the report."),
    fast: bool = typer.Option(False, "--fast", help="Score without the e5 model: about 0.5 s faster, "
                                                    "less close to people's judgements (docs/scoring.md)."),
) -> None:
    """Do two articles report the same story? How similar are they, and why?"""
    from storylens import compare_files

    result = compare_files(article_a, article_b, fast=fast)
    if as_json:
        print_json(result.to_dict())
    else:
        from storylens.render import render_comparison

        render_comparison(result, out)


@app.command()
def coverage(
    sources: list[str] = typer.Argument(..., metavar="STORY_ID | FILE FILE [FILE...]",
                                        help="A story id from `storylens stories`, or the article files of one story "
                                             "(FILE#ID picks one record of a JSONL file)."),
    db: str = typer.Option(None, "--db", help="The store that holds STORY_ID (default: storylens.db)."),
    fmt: str = typer.Option("text", "--format", help="text, md, html or json."),
    lang: str = typer.Option(None, "--lang", help="Language of the summary and facts (default: the story's most common)."),
    out_path: str = typer.Option(None, "--out", help="Write the report to this file instead of standard output."),
) -> None:
    """How each outlet told one story: summary, facts, quotes, entities, additions, framing, timeline."""
    from pathlib import Path

    from storylens.errors import ConfigError

    if fmt not in ("text", "md", "html", "json"):
        raise ConfigError(f"--format must be text, md, html or json, got {fmt!r}")
    if len(sources) == 1 and not Path(sources[0].rpartition("#")[0] or sources[0]).exists():
        from storylens.coverage.store import coverage_of_story
        from storylens.errors import StoreError
        from storylens.store import DEFAULT_PATH, open_store, store_path

        if not Path(store_path(db)[1]).exists():
            raise StoreError(f"{sources[0]}: no such file, and no store {db or DEFAULT_PATH} to look it up in as a "
                             "story id; give two or more article files, or --db")
        with open_store(db) as store:  # writable: analyses computed now are kept for next time
            report = coverage_of_story(store, sources[0], language=lang)
    else:
        from storylens.coverage.files import coverage_of_files

        report = coverage_of_files(sources, language=lang)
    if fmt == "json":
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from storylens.coverage.html import render_html

        text = render_html(report)
    else:
        from storylens.coverage.render import render_markdown, render_text

        text = render_markdown(report) if fmt == "md" else render_text(report)
    if out_path:
        try:
            Path(out_path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--out {out_path}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)


DB_OPTION = typer.Option(None, "--db", help="The store: a file, or a URL such as sqlite:///path/news.db "
                                            "(default: storylens.db).")


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., metavar="PATH...", help="Article files (text, HTML, JSON, JSONL), folders, "
                                      "RSS/Atom feeds, OPML lists, WARC(.gz) archives or http(s) URLs."),
    db: str = DB_OPTION,
    workers: int = typer.Option(None, "--workers", min=1, help="Profiling processes (default: 2 for more than 1,000 articles, else 1)."),
    fetch_pages: bool = typer.Option(True, "--fetch-pages/--no-fetch-pages",
                                     help="Fetch the linked page of a feed entry that carries only a short summary."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first file that cannot be read "
                                                        "(default: report it at the end and go on)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let links found in feeds and redirects reach "
                                       "loopback, private and link-local addresses (default: only when the feed is on one)."),
) -> None:
    """Add articles to the store and place them in stories. Re-runnable: nothing is added twice.

    A file that cannot be read is reported at the end, one line each, and the rest are
    read; the exit code is 0 when any article was read (2 when none was)."""
    from storylens.engine import StoryEngine, article_files, count_articles, default_workers
    from storylens.sources import needs_sources
    from storylens.store import open_store

    if needs_sources(paths):
        _ingest_sources(paths, db, workers or 1, fetch_pages, as_json, allow_private)
        return
    files = article_files(paths)
    total = count_articles(files)
    with open_store(db) as store, StoryEngine(store, workers=workers or default_workers(total)) as engine:
        if total > 20 and not as_json:
            report = progress_run(lambda progress, on_total: engine.ingest(files, progress=progress, strict=strict),
                                   "ingesting", total=total)
        else:
            report = engine.ingest(files, strict=strict)
        counts = store.counts()
    if as_json:
        print_json({**report.to_dict(), "store": counts})
    else:
        out.print(f"{report.read} read, {report.added} added ({_n(report.copies, 'copy', 'copies')}), "
                  f"{report.skipped} already stored; {_n(report.stories_opened, 'new story', 'new stories')}, "
                  f"{_n(report.merges, 'merge')}; {_n(report.threads_opened, 'new thread')}; "
                  f"{report.per_second:.0f} articles/s. Store: {_n(counts['articles'], 'article')} in "
                  f"{_n(counts['stories'], 'story', 'stories')}.")
        if report.errors:
            err.print(f"{len(report.errors)} not read:", markup=False)
        for error in report.errors:
            err.print(" ".join(str(error).split()), markup=False, soft_wrap=True)
    if report.errors and not report.read:
        sys.exit(2)


def _ingest_sources(paths: list[str], db: str | None, workers: int, fetch_pages: bool, as_json: bool,
                    allow_private: bool = False) -> None:
    """``ingest`` of feeds, OPML lists, archives and URLs: one poll of each, one line per source."""
    from storylens.engine import StoryEngine
    from storylens.ingest.fetch import Fetcher
    from storylens.sources import Poller, sources_from_specs
    from storylens.store import open_store

    sources = sources_from_specs(paths)
    with open_store(db) as store, Fetcher(allow_private=allow_private) as fetcher, \
            StoryEngine(store, workers=workers) as engine:
        poller = Poller(engine, fetcher, fetch_pages=fetch_pages, track_files=False)
        results = [poller.poll(source) for source in sources]
        counts = store.counts()
    if as_json:
        print_json({"sources": [r.to_dict() for r in results], "added": sum(r.new for r in results),
                     "skipped": sum(r.skipped for r in results), "store": counts})
    else:
        for result in results:
            (err if result.error else out).print(result.line(), soft_wrap=True)
        out.print(f"Store: {counts['articles']} articles in {counts['stories']} stories.")
    failed = [r for r in results if r.error]
    if failed and len(failed) == len(results):
        sys.exit(2)


@app.command()
def watch(
    sources_file: str = typer.Argument(..., metavar="SOURCES.toml", help="Feeds, folders, OPML lists and archives to poll."),
    db: str = DB_OPTION,
    every: str = typer.Option(None, "--every", help="Default time between polls of a source: 30s, 10m, 1h (default: "
                                                   "the file's `every`, else 10m)."),
    once: bool = typer.Option(False, "--once", help="Poll every source once and exit (for cron and tests)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Let links found in feeds and redirects reach "
                                       "loopback, private and link-local addresses (as `allow_private = true`)."),
) -> None:
    """Poll feeds and folders on a schedule; ingest what is new. SIGTERM or Ctrl-C stops after the current batch."""
    import logging

    from storylens.engine import StoryEngine
    from storylens.ingest.fetch import Fetcher
    from storylens.sources import Poller
    from storylens.store import open_store
    from storylens.watch import Watcher, handle_signals, load_sources, parse_interval

    config = load_sources(sources_file)
    default_every = parse_interval(every, "--every") if every else config.every
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s",
                        datefmt="%Y-%m-%dT%H:%M:%S")
    politeness = {**config.politeness, **({"allow_private": True} if allow_private else {})}
    with open_store(db) as store, Fetcher(**politeness) as fetcher, StoryEngine(store) as engine:
        poller = Poller(engine, fetcher, fetch_pages=config.fetch_pages)
        watcher = Watcher(poller, config.sources, default_every)
        handle_signals(watcher.stop)
        totals = watcher.run(once=once)
        counts = store.counts()
    logging.getLogger("storylens.watch").info(
        "stopped after %d polls: %d new, %d skipped, %d errors; store: %d articles in %d stories",
        totals["polls"], totals["new"], totals["skipped"], totals["errors"], counts["articles"], counts["stories"])


def _since(value: str | None):
    if not value:
        return None
    from storylens.ingest.records import parse_date

    return parse_date(value, "--since", "since")


@app.command()
def stories(
    db: str = DB_OPTION,
    lang: str = typer.Option(None, "--lang", help="Only stories with an article in this language (ISO code)."),
    since: str = typer.Option(None, "--since", help="Only stories with an article published on or after this date."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many stories."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list."),
) -> None:
    """The stories in the store, most recently updated first."""
    from storylens.store import open_store

    with open_store(db, readonly=True) as store:
        found = store.stories(language=lang, since=_since(since), limit=limit)
    if as_json:
        print_json([s.to_dict() for s in found])
        return
    from storylens.render import render_stories

    render_stories(found, out)


@app.command()
def story(
    story_id: str = typer.Argument(..., metavar="STORY_ID", help="A story id from `storylens stories`."),
    db: str = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """One story: its articles in time order, with copies marked."""
    from storylens.store import open_store

    with open_store(db, readonly=True) as store:
        detail = store.story(story_id)
    if as_json:
        print_json(detail.to_dict())
        return
    from storylens.render import render_story

    render_story(detail, out)


@app.command()
def predict(
    paths: list[str] = typer.Argument(..., metavar="PATH...", help="Article files (FILE#ID: one record of a JSONL "
                                      "file) or folders."),
    db: str = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list, an object per article."),
) -> None:
    """Where articles would go among the store's stories, storing nothing: the story and thread each would join (or
    a new one), the join rule's probability and the candidate stories weighed."""
    from storylens.engine import StoryEngine, article_files
    from storylens.ingest import read_article, read_articles
    from storylens.store import open_store

    articles = []
    for path in paths:
        if "#" in path and not Path(path).exists():
            articles.append(read_article(path))
        else:
            articles.extend(a for f in article_files([path]) for a in read_articles(f))
    with open_store(db, readonly=True) as store, StoryEngine(store) as engine:
        predicted = engine.predict(articles)
        shown = {s for p in predicted for s in (p.story_id, *(c for c, _ in p.candidates)) if s}
        titles = {s: store.story(s).story.title for s in shown}
    if as_json:
        print_json([p.to_dict() for p in predicted])
        return
    from storylens.render import render_predictions

    render_predictions(predicted, titles, out)


@app.command()
def threads(
    db: str = DB_OPTION,
    lang: str = typer.Option(None, "--lang", help="Only threads with an article in this language (ISO code)."),
    since: str = typer.Option(None, "--since", help="Only threads with an article published on or after this date."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many threads."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list (each thread with its stories)."),
) -> None:
    """The threads (developing stories: events linked over days and weeks), most recently updated first."""
    from storylens.store import open_store

    with open_store(db, readonly=True) as store:
        found = store.threads(language=lang, since=_since(since), limit=limit).threads
        if as_json:
            from storylens.coverage.thread import thread_report

            print_json([thread_report(store, t.id, explain=False).to_dict() for t in found])
            return
    from storylens.render import render_threads

    render_threads(found, out)


@app.command()
def thread(
    thread_id: str = typer.Argument(..., metavar="THREAD_ID", help="A thread id from `storylens threads` "
                                                                  "(or a story id: that story's thread)."),
    db: str = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """One thread as a timeline: its stories in time order, what happened, and why each was linked."""
    from storylens.coverage.thread import thread_report
    from storylens.store import open_store

    with open_store(db, readonly=True) as store:
        report = thread_report(store, thread_id)
    if as_json:
        print_json(report.to_dict())
        return
    from storylens.render import render_thread

    render_thread(report, out)


@app.command()
def serve(
    db: str = DB_OPTION,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (0.0.0.0 exposes the server to the network)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    allowed_host: list[str] = typer.Option(None, "--allowed-host", help="A Host name the server answers to besides "
                                           "127.0.0.1, localhost, ::1 and the --host address (repeat; * for any)."),
    max_compare_chars: int = typer.Option(None, "--max-compare-chars", min=1,
                                          help="Characters of text per article that POST /compare takes (413 beyond; "
                                               "default: the setting server.max_compare_chars, 100,000)."),
    request_timeout: float = typer.Option(None, "--request-timeout", min=0.1,
                                          help="Seconds for a request's headers, and for each part of its body "
                                               "(default: the setting server.request_timeout, 30)."),
) -> None:
    """HTTP API and web page over a store; writes need STORYLENS_TOKEN as a bearer token when it is set."""
    import os

    from storylens.server import serve as run_server
    from storylens.settings import current

    server = current().server
    names = [*(allowed_host or ()), *os.environ.get("STORYLENS_ALLOWED_HOSTS", "").split(",")]
    run_server(db or "storylens.db", host=host, port=port, token=os.environ.get("STORYLENS_TOKEN") or None,
               allowed_hosts=[n.strip() for n in names if n.strip()],
               max_compare_chars=max_compare_chars or server.max_compare_chars,
               request_timeout=request_timeout or server.request_timeout)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except StorylensError as exc:
        err.print(f"storylens: error: {exc}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("storylens: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
