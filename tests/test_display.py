"""Times as reports and pages show them: a day-only date is shown as the day, not as T00:00."""

from __future__ import annotations

import json

from conftest import run_cli

from storylens.display import shown_time


def test_shown_time():
    assert shown_time("2014-12-30T00:00:00+00:00") == "2014-12-30"
    assert shown_time("2014-12-30T14:05:09+00:00") == "2014-12-30 14:05"
    assert shown_time(None) == "undated"


def test_coverage_shows_a_day_only_date_as_the_day(tmp_path):
    rows = [{"id": "a", "title": "Bridge reopens in Marlow", "published": "2026-03-12", "outlet": "Marlow Times",
             "text": "The old bridge in Marlow reopened on Thursday after two years of repairs, the council said. "
                     "About 12,000 vehicles are expected to cross it every day."},
            {"id": "b", "title": "Marlow bridge open again", "published": "2026-03-12", "outlet": "Valley Post",
             "text": "Marlow's old bridge is open again after two years of repairs, council officials said on Thursday. "
                     "They expect 12,000 vehicles a day."}]
    path = tmp_path / "bridge.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("coverage", f"{path}#a", f"{path}#b", "--format", "text")
    assert result.returncode == 0, result.stderr
    assert "2026-03-12" in result.stdout and "T00:00" not in result.stdout and "2026-03-12 00:00" not in result.stdout
