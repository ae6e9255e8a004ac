"""Every command of the CLI is documented in the README."""

from __future__ import annotations

from conftest import ROOT
from storylens.cli import app


def _commands() -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for group in app.registered_groups:
        names += [f"{group.name} {c.name or c.callback.__name__}" for c in group.typer_instance.registered_commands]
    return names


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands()
    assert {"compare", "ingest", "stories", "story", "coverage", "serve", "watch", "eval clusters"} <= set(commands)
    missing = [c for c in commands if f"storylens {c}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
