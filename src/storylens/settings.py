"""Every threshold and limit a run of storylens can change, in one frozen object.

``Settings()`` holds the defaults; the modules take their constants from ``DEFAULTS``.
``load_settings()`` reads, in order, the defaults, a TOML file (``--config FILE``, else
``STORYLENS_CONFIG``, else ``storylens.toml`` in the working folder when there is one) and
the environment (``STORYLENS_<SECTION>_<NAME>``, e.g. ``STORYLENS_STORIES_JOIN_THRESHOLD``;
``STORYLENS_THREADS`` for ``threads``). The file has one table per section::

    threads = 2
    [ingest]
    batch_size = 128
    [stories]
    join_threshold = 0.55
    [coverage]
    summary_sentences = 3

A server, a watch loop, a worker or a Spark job can carry the one object.
``storylens config`` prints the settings in force and where each value came from.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from storylens.errors import ConfigError

MB = 1024 * 1024
SHARE = {"at_most": 1.0}  # a probability or a share: above 0, at most 1
ZERO_OK = {"zero_ok": True}  # 0 is allowed (no retries, no pause)


def between(low: int, high: int) -> dict[str, int]:
    """Metadata of a count that must lie from ``low`` to ``high``."""
    return {"at_least": low, "at_most": high}


@dataclass(frozen=True)
class IngestSettings:
    batch_size: int = 64  # articles profiled, placed and committed together (one transaction)
    max_file_bytes: int = 20 * MB  # a larger file is refused, not truncated
    max_text_chars: int = 100_000  # a longer text is cut at a paragraph or word break
    max_fetch_bytes: int = 20 * MB  # a larger page or feed is refused by the fetcher
    max_archive_page_bytes: int = 20 * MB  # a larger WARC/ARC record is skipped
    max_redirects: int = 5  # RFC 9309 asks robots.txt readers to follow at least five


@dataclass(frozen=True)
class StorySettings:
    join_threshold: float = field(default=0.5, metadata=SHARE)  # an article joins its most probable story from this probability
    merge_threshold: float = field(default=0.95, metadata=SHARE)  # a second story this probable is merged into the first
    thread_threshold: float = field(default=0.7, metadata=SHARE)  # a new story joins the thread of a story this probably its earlier step
    thread_merge_threshold: float = field(default=0.99, metadata=SHARE)  # two threads merge on a link this probable
    checked_partial: float = field(default=0.4, metadata=SHARE)  # 5-gram containment from which a partial copy is checked
    neighbors: int = 20  # nearest earlier articles retrieved by vector
    background_neighbors: int = 10  # of which the background cosine is the mean
    max_candidates: int = 8  # candidate stories weighed per article
    max_members: int = 50  # most recent members a story is seen through
    rare_name_df: int = 3  # a multi-word name in at most this many articles retrieves them
    window_days: float = field(default=60.0, metadata=ZERO_OK)  # live span: older stories go dormant (0: all stay live)
    window_undated: int = 20_000  # the most recent articles whose stories stay live whatever their dates
    # a name (not a copy band) of an article dated more than this many days before the stream's newest
    # revives nothing: what a name revives stays bounded as the store grows (0: any age)
    revive_days: float = field(default=730.0, metadata=ZERO_OK)
    compact_every: int = 5_000  # articles placed between two checks for stories gone dormant


@dataclass(frozen=True)
class CopySettings:
    """Wire copies and near-duplicates (``match.duplicates``), as the story engine, the Spark
    job and coverage reports of loose files decide them. The fingerprint (5-word shingles,
    128 MinHash values, a fixed seed) is no setting: stores keep fingerprints."""

    near: float = field(default=0.5, metadata=SHARE)  # estimated Jaccard of 5-grams from which an article is a near copy
    # share of the smaller article inside the other from which it is a partial copy (the engine
    # also takes one from stories.checked_partial when the story evidence agrees)
    partial: float = field(default=0.7, metadata=SHARE)
    min_partial_shingles: int = 50  # distinct 5-grams of the smaller article for a partial copy (fewer: a quote, a footer)


@dataclass(frozen=True)
class CoverageSettings:
    """How much a coverage report or a thread report lists."""

    summary_sentences: int = field(default=5, metadata=between(3, 7))  # sentences of a report's summary
    max_facts: int = 15  # facts listed in the text and Markdown forms (the JSON form has all)
    max_entities: int = 25  # people, places and organisations listed in the text and Markdown forms
    max_contrasts: int = 30  # framing contrasts a report keeps, most widely used first
    tone_examples: int = 5  # loaded words shown per article, most frequent first
    thread_shared_names: int = 8  # names a thread report lists per link (those the two stories share)
    thread_summary_chars: int = 240  # characters of a thread step's one-line summary (cut at a word)


@dataclass(frozen=True)
class ServerSettings:
    max_body_bytes: int = 5 * MB
    request_timeout: float = 30.0  # seconds for a request's headers, and for each part of its body
    max_connections: int = 256  # open connections and tasks; beyond them, 503
    max_list: int = 1000  # articles in one POST /articles
    max_page: int = 500  # stories in one page of GET /stories
    max_compare_chars: int = 100_000  # characters of one compared article's text (POST /compare)
    coverage_cache: int = 128  # stories whose coverage report is kept in memory


@dataclass(frozen=True)
class FetchSettings:
    """The fetcher's politeness (``ingest.fetch.Fetcher``); a watch file's ``[politeness]``
    table overrides them for its sources."""

    timeout: float = 10.0  # seconds before a request is given up
    retries: int = field(default=3, metadata=ZERO_OK)  # further tries of a 5xx answer, a timeout or a lost connection
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    min_interval: float = field(default=1.0, metadata=ZERO_OK)  # seconds between two requests to one host
    robots_ttl: float = 3600.0  # seconds a host's robots.txt is kept
    robots_retry: float = 600.0  # seconds before an unreadable robots.txt is asked for again


@dataclass(frozen=True)
class WatchSettings:
    every: float = 600.0  # seconds between polls of a source that says nothing else
    max_backoff: float = 6 * 3600.0  # the longest wait after failures


@dataclass(frozen=True)
class Settings:
    threads: int | None = None  # None: the cores this process may use (``storylens.threads``)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    copies: CopySettings = field(default_factory=CopySettings)
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


DEFAULTS = Settings()
SECTIONS = ("ingest", "stories", "copies", "coverage", "server", "fetch", "watch")
CONFIG_FILE = "storylens.toml"


def _typed(value: Any, kind: type, where: str, at_most: float | None = None, zero_ok: bool = False,
           at_least: float | None = None) -> Any:
    """``value`` as ``kind`` (from TOML or an environment string), above 0 (or 0 with
    ``zero_ok``), from ``at_least`` to ``at_most`` when given, or a ConfigError naming ``where``."""
    try:
        if isinstance(value, str):
            value = value.strip()
            value = kind(float(value)) if kind is float else kind(value)
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise TypeError
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {value!r} is not a{'n integer' if kind is int else ' number'}") from None
    if at_least is not None and not at_least <= value <= at_most:
        raise ConfigError(f"{where}: must be from {at_least:g} to {at_most:g}, not {value!r}")
    if value < 0 or (value == 0 and not zero_ok):
        raise ConfigError(f"{where}: must be {'0 or more' if zero_ok else 'above 0'}, not {value!r}")
    if at_most is not None and value > at_most:
        raise ConfigError(f"{where}: a probability or share, at most {at_most:g}, not {value!r}")
    return value


def _with(base: Settings, values: Mapping[str, Any], origin: str, sources: dict[str, str]) -> Settings:
    """``base`` with the values of one source (a TOML document or the environment's, as a
    nested mapping); unknown keys are refused, naming the key."""
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key == "threads":
            changes["threads"] = _typed(value, int, f"{origin}: threads")
            sources["threads"] = origin
        elif key in SECTIONS and isinstance(value, Mapping):
            section = getattr(base, key)
            known = {f.name: f for f in fields(section)}
            updates = {}
            for name, item in value.items():
                if name not in known:
                    raise ConfigError(f"{origin}: [{key}] has no setting {name!r}; known: {', '.join(sorted(known))}")
                declared = known[name]
                updates[name] = _typed(item, float if isinstance(declared.default, float) else int,
                                       f"{origin}: {key}.{name}", declared.metadata.get("at_most"),
                                       declared.metadata.get("zero_ok", False), declared.metadata.get("at_least"))
                sources[f"{key}.{name}"] = origin
            changes[key] = dataclasses.replace(section, **updates)
        else:
            raise ConfigError(f"{origin}: unknown setting {key!r}; known: threads, {', '.join(f'[{s}]' for s in SECTIONS)}")
    return dataclasses.replace(base, **changes)


def _environment(env: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if env.get("STORYLENS_THREADS", "").strip():
        found["threads"] = env["STORYLENS_THREADS"]
    for section in SECTIONS:
        for f in fields(getattr(DEFAULTS, section)):
            name = f"STORYLENS_{section.upper()}_{f.name.upper()}"
            if env.get(name, "").strip():
                found.setdefault(section, {})[f.name] = env[name]
    return found


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    sources: dict[str, str]  # "section.name" -> the file or "environment" it came from (defaults absent)
    file: Path | None


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                  cwd: str | Path | None = None) -> LoadedSettings:
    """The settings in force: defaults, then the TOML file, then the environment."""
    env = os.environ if env is None else env
    chosen = path or env.get("STORYLENS_CONFIG") or None
    file = Path(chosen) if chosen else Path(cwd or ".").resolve() / CONFIG_FILE
    sources: dict[str, str] = {}
    settings = DEFAULTS
    if file.is_file():
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not a TOML file ({exc})") from None
        settings = _with(settings, document, str(file), sources)
    elif chosen:
        raise ConfigError(f"{file}: no such settings file")
    else:
        file = None
    settings = _with(settings, _environment(env), "environment", sources)
    return LoadedSettings(settings, sources, file)


_current: Settings | None = None


def current() -> Settings:
    """This process's settings: what ``use`` set, else loaded once from the file and environment."""
    global _current
    if _current is None:
        _current = load_settings().settings
    return _current


def use(settings: Settings) -> Settings:
    """Make ``settings`` this process's (the CLI does, from ``--config``)."""
    global _current
    _current = settings
    return settings
