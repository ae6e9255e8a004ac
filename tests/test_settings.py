"""One Settings object: defaults, a TOML file, the environment; `storylens config`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import DEMO, ROOT

from storylens.engine import BATCH, StoryEngine
from storylens.errors import ConfigError, InputError
from storylens.ingest import read_article
from storylens.settings import (DEFAULTS, CopySettings, CoverageSettings, IngestSettings, Settings, StorySettings,
                                load_settings, use)
from storylens.store import SQLiteStore


def test_module_constants_are_the_settings_defaults():
    from dataclasses import fields

    from storylens.cluster.assign import CHECKED_PARTIAL
    from storylens.coverage import cited_summary, framing, render, thread, tone
    from storylens.ingest.files import MAX_BYTES
    from storylens.ingest.limits import MAX_TEXT_CHARS
    from storylens.match import duplicates
    from storylens.server.app import MAX_BODY

    assert BATCH == DEFAULTS.ingest.batch_size and MAX_BYTES == DEFAULTS.ingest.max_file_bytes
    assert MAX_TEXT_CHARS == DEFAULTS.ingest.max_text_chars and MAX_BODY == DEFAULTS.server.max_body_bytes
    assert CHECKED_PARTIAL == DEFAULTS.stories.checked_partial
    assert (duplicates.NEAR, duplicates.PARTIAL, duplicates.MIN_PARTIAL_SHINGLES) == (0.5, 0.7, 50)
    assert CopySettings() == CopySettings(duplicates.NEAR, duplicates.PARTIAL, duplicates.MIN_PARTIAL_SHINGLES)
    assert CoverageSettings() == CoverageSettings(
        cited_summary.SUMMARY_SENTENCES, render.MAX_FACTS, render.MAX_ENTITIES, framing.MAX_CONTRASTS, tone.EXAMPLES,
        thread.MAX_SHARED, thread.SUMMARY_CHARS) == CoverageSettings(5, 15, 25, 30, 5, 8, 240)
    allowed = next(f.metadata for f in fields(CoverageSettings) if f.name == "summary_sentences")
    assert (allowed["at_least"], allowed["at_most"]) == (cited_summary.MIN_SENTENCES, cited_summary.MAX_SENTENCES)


def test_file_then_environment_override_the_defaults(tmp_path):
    (tmp_path / "storylens.toml").write_text("threads = 1\n[ingest]\nbatch_size = 16\n[stories]\njoin_threshold = 0.6\n")
    loaded = load_settings(env={"STORYLENS_INGEST_BATCH_SIZE": "8"}, cwd=tmp_path)
    assert loaded.settings.threads == 1 and loaded.settings.stories.join_threshold == 0.6
    assert loaded.settings.ingest.batch_size == 8 and loaded.sources["ingest.batch_size"] == "environment"
    assert loaded.sources["stories.join_threshold"] == str(tmp_path / "storylens.toml")
    assert loaded.settings.server == DEFAULTS.server
    assert load_settings(env={}, cwd=tmp_path / "nowhere").settings == DEFAULTS


@pytest.mark.parametrize("text, env, message", [
    ("[stories]\njoin = 0.6\n", {}, "has no setting 'join'"),
    ("[ingest]\nbatch_size = 'many'\n", {}, "ingest.batch_size: 'many' is not an integer"),
    ("colour = 1\n", {}, "unknown setting 'colour'"),
    ("threads = [\n", {}, "not a TOML file"),
    ("", {"STORYLENS_STORIES_JOIN_THRESHOLD": "1.5"}, "at most 1"),
    ("", {"STORYLENS_THREADS": "0"}, "must be above 0"),
    ("[coverage]\nsummary_sentences = 0\n", {}, "coverage.summary_sentences: must be from 3 to 7, not 0"),
    ("[coverage]\nsummary_sentences = 8\n", {}, "coverage.summary_sentences: must be from 3 to 7, not 8"),
    ("", {"STORYLENS_COVERAGE_MAX_FACTS": "0"}, "environment: coverage.max_facts: must be above 0, not 0"),
    ("[copies]\npartial = 1.5\n", {}, "copies.partial: a probability or share, at most 1, not 1.5"),
    ("", {"STORYLENS_COPIES_NEAR": "0"}, "environment: copies.near: must be above 0"),
    ("[copies]\nmin_partial_shingles = 12.5\n", {}, "copies.min_partial_shingles: 12.5 is not an integer"),
    ("[compare]\nalign_threshold = 0.7\n", {}, "unknown setting 'compare'"),
])
def test_a_bad_setting_is_one_error_naming_it(tmp_path, text, env, message):
    path = tmp_path / "storylens.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path, env=env)
    assert "\n" not in str(caught.value)


def test_the_engine_takes_its_thresholds_from_the_settings(tmp_path, seed_paths):
    """The seed pair is one story by default; with a join threshold of 0.999 it is two."""
    articles = [read_article(p) for p in seed_paths]
    counts = []
    for name, settings in (("default", Settings()),
                           ("strict", Settings(ingest=IngestSettings(batch_size=1),
                                               stories=StorySettings(join_threshold=0.999)))):
        store = SQLiteStore(tmp_path / f"{name}.db")
        try:
            engine = StoryEngine(store, settings=settings)
            assert engine.batch_size == settings.ingest.batch_size
            engine.ingest_articles(articles)
            counts.append(store.counts()["stories"])
        finally:
            store.close()
    assert counts == [1, 2]


def test_config_command_shows_the_file_and_the_environment(tmp_path):
    (tmp_path / "storylens.toml").write_text("[stories]\nmerge_threshold = 0.9\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src"), "STORYLENS_WATCH_EVERY": "120"}
    done = subprocess.run([sys.executable, "-m", "storylens.cli", "config", "--json"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, check=True)
    shown = json.loads(done.stdout)
    assert shown["settings"]["stories"]["merge_threshold"] == 0.9 and shown["settings"]["watch"]["every"] == 120.0
    assert shown["sources"] == {"stories.merge_threshold": str(tmp_path / "storylens.toml"), "watch.every": "environment"}
    bad = subprocess.run([sys.executable, "-m", "storylens.cli", "--config", str(tmp_path / "none.toml"), "config"],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert bad.returncode == 2 and bad.stderr.strip() == f"{tmp_path / 'none.toml'}: no such settings file"


def test_a_file_whose_path_names_a_threshold_bounds_only_the_shares(tmp_path):
    """Which values are shares (at most 1) is declared with the setting, not guessed from
    the words of the file's path: a 30-second timeout in .../threshold-partial/ is fine."""
    folder = tmp_path / "threshold-partial"
    folder.mkdir()
    path = folder / "storylens.toml"
    path.write_text("[server]\nrequest_timeout = 30.0\n[watch]\nevery = 120.0\n")
    loaded = load_settings(path, env={})
    assert loaded.settings.server.request_timeout == 30.0 and loaded.settings.watch.every == 120.0
    path.write_text("[stories]\nmerge_threshold = 2.0\n")
    with pytest.raises(ConfigError, match="at most 1"):
        load_settings(path, env={})


def test_every_limit_in_force_is_the_one_used(tmp_path):
    """A setting changed in the file changes what storylens does, not only what `config`
    prints: the server's list and page limits, the fetcher's, the watch loop's backoff."""
    from storylens import settings as settings_module
    from storylens.ingest.fetch import Fetcher
    from storylens.server.service import check_query, parse_records
    from storylens.settings import ServerSettings, WatchSettings, use
    from storylens.watch import retry_delay

    before = settings_module.current()
    try:
        use(Settings(ingest=IngestSettings(max_fetch_bytes=1000, max_redirects=2),
                     server=ServerSettings(max_list=2, max_page=5), watch=WatchSettings(max_backoff=100.0)))
        with pytest.raises(InputError, match="at most 2 articles"):
            parse_records([{"text": "one article text"}] * 3)
        with pytest.raises(InputError, match="between 1 and 5"):
            check_query(None, None, None, 6, 0)
        with Fetcher() as fetcher:
            assert fetcher.max_bytes == 1000 and fetcher.max_redirects == 2
        assert retry_delay(60.0, 5) == 100.0
    finally:
        use(before)


def test_the_fetchers_politeness_comes_from_the_fetch_settings(tmp_path):
    """[fetch] in the file sets what every Fetcher does unless told otherwise; 0 retries and
    no pause are allowed, a negative pause is not; a watch file's politeness still wins."""
    from storylens import settings as settings_module
    from storylens.ingest.fetch import Fetcher
    from storylens.settings import use

    (tmp_path / "storylens.toml").write_text("[fetch]\ntimeout = 4.5\nretries = 0\nmin_interval = 0\n")
    loaded = load_settings(env={"STORYLENS_FETCH_BACKOFF": "0.25"}, cwd=tmp_path)
    assert loaded.settings.fetch.timeout == 4.5 and loaded.settings.fetch.retries == 0
    assert loaded.settings.fetch.min_interval == 0.0 and loaded.sources["fetch.backoff"] == "environment"
    before = settings_module.current()
    try:
        use(loaded.settings)
        with Fetcher() as fetcher:
            assert (fetcher.timeout, fetcher.retries, fetcher.backoff, fetcher.min_interval) == (4.5, 0, 0.25, 0.0)
        with Fetcher(timeout=2.0) as fetcher:
            assert fetcher.timeout == 2.0 and fetcher.retries == 0
    finally:
        use(before)
    (tmp_path / "storylens.toml").write_text("[fetch]\nmin_interval = -1\n")
    with pytest.raises(ConfigError, match=r"fetch.min_interval: must be 0 or more, not -1"):
        load_settings(env={}, cwd=tmp_path)


def test_a_coverage_report_lists_what_the_coverage_settings_say(tmp_path):
    """[coverage] in the file (and in the environment) changes a real report of two demo
    articles: its summary, the facts and entities its text lists."""
    from storylens import Analyzer, read_articles
    from storylens import settings as settings_module
    from storylens.coverage import build_coverage
    from storylens.coverage.render import render_text

    articles = [a for a in read_articles(DEMO) if a.id.startswith("valdoria-inflation")][:2]
    analyzed = Analyzer().analyze_many(articles)
    (tmp_path / "storylens.toml").write_text("[coverage]\nsummary_sentences = 3\nmax_facts = 1\n")
    loaded = load_settings(env={"STORYLENS_COVERAGE_MAX_ENTITIES": "2"}, cwd=tmp_path)
    assert loaded.sources["coverage.summary_sentences"] == str(tmp_path / "storylens.toml")
    assert loaded.sources["coverage.max_entities"] == "environment"
    before = settings_module.current()
    try:
        use(Settings())
        default = build_coverage(analyzed)
        use(loaded.settings)
        report = build_coverage(analyzed)
        text = render_text(report)
    finally:
        use(before)
    assert len(default.summary) > 3 and len(report.summary) == 3
    assert [s.text for s in report.summary] == [s.text for s in default.summary[:3]]
    assert len(report.facts) == len(default.facts) > 1, "the JSON form keeps every fact"
    assert f"… and {len(report.facts) - 1} more (see --format json)" in text
    assert f"… and {len(report.entities) - 2} more (see --format json)" in text


def test_tone_examples_and_thread_reports_take_their_lengths_from_the_coverage_settings():
    from storylens import settings as settings_module
    from storylens.article import Entity
    from storylens.coverage.thread import first_sentence, shared_names
    from storylens.coverage.tone import article_tone

    line = "NORTHBRIDGE, March 27 (CPA) - Firefighters fought a blaze at the harbour warehouse for six hours on Tuesday."
    names = tuple(Entity(n, "PLACE", (n,), n.lower()) for n in ("Miraval", "Estrela", "Northbridge"))
    assert first_sentence(line, "Fire", "en") == line.split(" - ", 1)[1]
    assert len(shared_names(names, names)) == 3
    loaded = "The attack killed three and deepened the crisis, officials said, amid fear of a wider war."
    assert article_tone(loaded, "en")[4] == ["attack", "killed", "crisis", "fear", "war"]
    before = settings_module.current()
    try:
        use(Settings(coverage=CoverageSettings(thread_shared_names=2, thread_summary_chars=40, tone_examples=2)))
        assert first_sentence(line, "Fire", "en") == "Firefighters fought a blaze at the …"
        assert shared_names(names, names) == ("Miraval", "Estrela")
        assert article_tone(loaded, "en")[4] == ["attack", "killed"]
    finally:
        use(before)


def test_wire_copies_follow_the_copies_settings(tmp_path):
    """[copies] decides what a coverage report of files and the story engine call a copy:
    the demo's wire copy (Jaccard 0.83, 93% inside its original) is a near copy by default,
    a partial one from near = 0.9, and none with partial = 0.95 too."""
    from storylens import read_articles
    from storylens import settings as settings_module
    from storylens.coverage.copies import find_copies

    articles = list(read_articles(DEMO))
    (tmp_path / "storylens.toml").write_text("[copies]\npartial = 0.95\n")
    stricter = load_settings(env={"STORYLENS_COPIES_NEAR": "0.9"}, cwd=tmp_path).settings
    assert stricter.copies == CopySettings(near=0.9, partial=0.95)
    before = settings_module.current()
    try:
        kinds = []
        for settings in (Settings(), Settings(copies=CopySettings(near=0.9)), stricter):
            use(settings)
            found = find_copies(articles)
            copy = found.get("harbor-fire-en-lakeshore")
            kinds.append(copy.kind if copy else None)
    finally:
        use(before)
    assert kinds == ["near", "partial", None]
    store = SQLiteStore(tmp_path / "stories.db")
    try:
        engine = StoryEngine(store, settings=stricter)
        assert engine.clusterer.copies == stricter.copies
        index = engine.clusterer.duplicates_
        assert (index.near, index.partial) == (0.9, DEFAULTS.stories.checked_partial)
        engine.close()
    finally:
        store.close()
