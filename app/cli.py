"""The `egov` command: ingest, stats, ask, draft, eval, serve, ui."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="eGov Evaluation Assistant: ask questions of the 2020-2022 e-Government Programme evaluation.",
                  no_args_is_help=True, add_completion=False)


def _fail(message: str, code: int = 1) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def ingest(paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders; default: the corpus folder."),
           rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed everything into a fresh collection."),
           as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object.")) -> None:
    """Ingest the corpus (or the given files) into the index; unchanged chunks are not re-embedded."""
    from ingest.pipeline import IngestLocked
    from ingest.pipeline import ingest as run_ingest

    try:
        summary = run_ingest(paths or None, rebuild=rebuild, quiet=as_json)
    except IngestLocked as exc:
        _fail(str(exc), 3)
    if as_json:
        print(json.dumps(summary.model_dump(include={"added", "updated", "deleted", "unchanged", "errors", "documents", "rebuilt", "seconds"})))
        return
    typer.echo(f"Ingested {len(summary.documents)} document(s) in {summary.seconds:.1f} s"
               f"{' (rebuilt)' if summary.rebuilt else ''}: added {summary.added}, updated {summary.updated}, "
               f"deleted {summary.deleted}, unchanged {summary.unchanged} chunks.")
    for err in summary.errors:
        typer.secho(f"  skipped {err.file}: {err.reason}", fg=typer.colors.YELLOW)


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print as one JSON object.")) -> None:
    """Documents, chunks, and the matrix's objectives, measures, activities, indicators and statuses."""
    from ingest.stats import index_stats

    result = index_stats()
    if as_json:
        print(json.dumps(result))
        return
    for key in ("documents", "chunks", "objectives", "measures", "activities", "indicators"):
        typer.echo(f"{key:>11}: {result[key]}")
    typer.echo("   statuses: " + ", ".join(f"{k} {v}" for k, v in result["statuses"].items()))


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
