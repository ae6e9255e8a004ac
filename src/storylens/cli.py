"""The ``storylens`` command: a thin layer over the library API.

Errors from the library (``StorylensError``) become one line on stderr and the
error's exit code; nothing else is caught here.
"""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from storylens.errors import StorylensError

app = typer.Typer(help="Follow a news story across outlets and languages.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@app.callback()
def _root() -> None:
    """storylens: same-story detection, comparison and coverage of news articles."""


@app.command()
def compare(
    article_a: str = typer.Argument(..., metavar="ARTICLE_A", help="Text, HTML or JSON file; FILE#ID picks one record of a JSONL file."),
    article_b: str = typer.Argument(..., metavar="ARTICLE_B", help="The article to compare it with."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the report."),
) -> None:
    """Do two articles report the same story? How similar are they, and why?"""
    from storylens import compare_files

    result = compare_files(article_a, article_b)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        from storylens.render import render_comparison

        render_comparison(result, out)


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
