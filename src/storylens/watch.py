"""Watch mode: poll the sources of a SOURCES.toml file on a schedule, into a store.

``load_sources(path)`` reads the file (see docs/sources.md); ``Watcher(poller, config)``
polls each source when it is due, logs one line per poll, and backs off from a failing
source (``retry_delay``) without holding up the others. ``Watcher.stop`` (a
``threading.Event``, set by ``handle_signals`` on SIGTERM and Ctrl-C) ends the run after
the current batch is committed.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from storylens.errors import ConfigError
from storylens.settings import DEFAULTS, current
from storylens.sources import Poller, PollResult, Source

log = logging.getLogger("storylens.watch")

DEFAULT_EVERY = DEFAULTS.watch.every
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_interval(value: str | int | float, what: str = "interval") -> float:
    """Seconds in ``30s``, ``10m``, ``1h``, ``1h30m``, ``2d`` or a plain number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip().lower().replace(" ", "")
        if re.fullmatch(r"\d+(\.\d+)?", text):
            seconds = float(text)
        elif text and _INTERVAL.sub("", text) == "":
            seconds = sum(float(n) * _UNITS[u] for n, u in _INTERVAL.findall(text))
        else:
            raise ConfigError(f"{what}: {value!r} is not an interval; write e.g. 30s, 10m, 1h or 1h30m")
    if seconds <= 0:
        raise ConfigError(f"{what}: {value!r} must be more than zero")
    return seconds


def retry_delay(every: float, failures: int) -> float:
    """Seconds before a failing source is tried again: its interval doubled per failure
    in a row, at most six hours (or its interval, when longer)."""
    return min(every * 2 ** failures, max(every, current().watch.max_backoff)) if failures else every


@dataclass
class WatchConfig:
    """A SOURCES.toml file: the sources, the default interval and the politeness settings."""

    sources: list[Source]
    every: float = DEFAULT_EVERY
    fetch_pages: bool = True
    politeness: dict = field(default_factory=dict)  # keyword arguments of ``Fetcher``


_POLITENESS = {"min_interval": "interval", "timeout": "interval", "backoff": "interval", "retries": int,
               "robots": bool, "user_agent": str, "allow_private": "allow"}
_SECTIONS = {"feed": ("url", "path", "every"), "folder": ("path", "every"), "opml": ("path", "every"),
             "warc": ("path", "every")}


def _check_keys(table: dict, allowed, where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")


def _politeness(table: dict, where: str) -> dict:
    _check_keys(table, _POLITENESS, where)
    out = {}
    for key, kind in _POLITENESS.items():
        if key not in table:
            continue
        value = table[key]
        if kind == "interval":
            out[key] = 0.0 if value in (0, "0", "0s") and key == "min_interval" else parse_interval(value, f"{where}.{key}")
        elif kind == "allow":  # true, or a list of addresses, networks (10.0.0.0/8) and host names
            if not (isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise ConfigError(f"{where}.{key}: give true, false or a list of addresses, networks and host "
                                  f"names, got {value!r}")
            out[key] = value
        elif kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}.{key}: give a whole number of 0 or more, got {value!r}")
            out[key] = value
        elif not isinstance(value, kind):
            raise ConfigError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
        else:
            out["respect_robots" if key == "robots" else key] = value
    return out


def load_sources(path: str | Path) -> WatchConfig:
    """Read a SOURCES.toml file; paths in it are relative to its folder."""
    from storylens.ingest.opml import read_opml

    path = Path(path)
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{name}: no such sources file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML ({exc})") from None
    _check_keys(data, {"every", "fetch_pages", "politeness", *_SECTIONS}, name)
    every = parse_interval(data["every"], f"{name}: every") if "every" in data else current().watch.every
    fetch_pages = data.get("fetch_pages", True)
    if not isinstance(fetch_pages, bool):
        raise ConfigError(f"{name}: fetch_pages must be true or false")
    politeness = _politeness(data.get("politeness", {}), f"{name}: [politeness]")
    sources: list[Source] = []
    base = path.parent
    for section, allowed in _SECTIONS.items():
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise ConfigError(f"{name}: write [[{section}]] (an array of tables), one per source")
        for n, entry in enumerate(entries, start=1):
            where = f"{name}: [[{section}]] #{n}"
            _check_keys(entry, allowed, where)
            interval = parse_interval(entry["every"], f"{where}.every") if "every" in entry else None
            if section == "feed" and ("url" in entry) == ("path" in entry):
                raise ConfigError(f"{where}: give either url = \"https://...\" or path = \"FILE\"")
            if section != "feed" and "path" not in entry:
                raise ConfigError(f"{where}: give path = \"...\"")
            location = entry.get("url") or str(base / entry["path"])
            if section == "opml":
                sources.extend(Source("feed", s.feed, interval) for s in read_opml(location))
            else:
                sources.append(Source(section, location, interval))
    if not sources:
        raise ConfigError(f"{name}: lists no sources; add [[feed]], [[folder]], [[opml]] or [[warc]] tables")
    return WatchConfig(sources, every, fetch_pages, politeness)


class Watcher:
    """Polls each source when it is due until ``stop`` is set (or once, with ``once``)."""

    def __init__(self, poller: Poller, sources: list[Source], every: float = DEFAULT_EVERY) -> None:
        self.poller = poller
        self.sources = sources
        self.every = every

    @property
    def stop(self) -> threading.Event:
        return self.poller.stop

    def interval(self, source: Source) -> float:
        return source.every or self.every

    def poll(self, source: Source) -> PollResult:
        result = self.poller.poll(source)
        (log.warning if result.error else log.info)("poll %s", result.line())
        return result

    def run(self, once: bool = False) -> dict[str, int]:
        """Poll until stopped; return totals (polls, new, skipped, errors)."""
        totals = {"polls": 0, "new": 0, "skipped": 0, "errors": 0}
        due = {s: 0.0 for s in self.sources}
        failures = {s: 0 for s in self.sources}
        log.info("watching %d sources (default every %gs)", len(self.sources), self.every)
        while not self.stop.is_set():
            now = time.monotonic()
            for source in sorted((s for s in self.sources if due[s] <= now), key=due.get):
                if self.stop.is_set():
                    break
                result = self.poll(source)
                totals["polls"] += 1
                totals["new"] += result.new
                totals["skipped"] += result.skipped
                totals["errors"] += result.errors
                failures[source] = failures[source] + 1 if result.error else 0
                due[source] = time.monotonic() + retry_delay(self.interval(source), failures[source])
                if result.error and not once:
                    log.info("retry %s in %.0fs", source.label, due[source] - time.monotonic())
            if once:
                break
            self.stop.wait(max(0.0, min(due.values()) - time.monotonic()))
        return totals


def handle_signals(stop: threading.Event) -> None:
    """SIGTERM and Ctrl-C set ``stop`` (a second Ctrl-C interrupts at once)."""

    def on_signal(number, frame) -> None:
        log.info("%s received: finishing the current batch, then stopping", signal.Signals(number).name)
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
