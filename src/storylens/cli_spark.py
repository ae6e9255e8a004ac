"""``storylens spark ingest``: the Spark job, thin over ``storylens.spark.job``."""

from __future__ import annotations

import sys

import typer

from storylens.cli_output import err, out, print_json

spark_app = typer.Typer(help="Run the story engine on Apache Spark (pip install 'storylens[spark]'; Java 17+).",
                        no_args_is_help=True)


@spark_app.command("ingest")
def spark_ingest(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...", help="JSON Lines, Parquet, WARC/ARC or other article "
                                       "files, folders or globs, on any Hadoop file system URI."),
    output: str = typer.Option(..., "--output", help="Folder (or URI) for the Parquet tables; open it with "
                               "--db parquet:///FOLDER."),
    master: str = typer.Option(None, "--master", help="Spark master, e.g. local[2] (default: local[*], or what "
                               "spark-submit gives)."),
    state: str = typer.Option(None, "--state", help="The job's state store, a local SQLite file (default: "
                              "OUTPUT/_state/storylens.db; needed when OUTPUT is not local)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Profile the inputs on the executors, place them in stories and threads on the driver
    (the single-machine engine's rule), and write Parquet tables. Re-runnable: a killed run
    resumes, a later run adds to the same stories."""
    from storylens.spark.job import run

    def stage(name: str) -> None:
        if not as_json:
            err.print(f"storylens: {name}...", markup=False)

    report = run(inputs, output, master=master, state=state, on_stage=stage)
    if as_json:
        print_json(report.to_dict())
    else:
        r = report.ingest
        out.print(f"{r.read} read, {r.added} added ({r.copies} copies), {r.skipped} already stored; "
                  f"{r.stories_opened} new stories, {r.threads_opened} new threads; tables in {output} "
                  f"(stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()) + ")")
        if report.read_error_count:
            err.print(f"{report.read_error_count} not read:", markup=False)
            for line in report.read_errors:
                err.print(" ".join(line.split()), markup=False, soft_wrap=True)
            if report.read_error_count > len(report.read_errors):
                err.print(f"... and {report.read_error_count - len(report.read_errors)} more (the first "
                          f"{len(report.read_errors)} are listed)", markup=False)
    if report.read_error_count and not report.ingest.read:
        sys.exit(2)
