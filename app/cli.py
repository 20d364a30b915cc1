"""The `egov` command: ingest, stats, ask, draft, eval, serve, ui."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

app = typer.Typer(
    help="eGov Evaluation Assistant: ask questions of the 2020-2022 e-Government Programme evaluation.",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str, code: int = 1) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: list[Path] | None = typer.Argument(None, help="Files or folders; default: the corpus folder."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed everything into a fresh collection."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Ingest the corpus (or the given files) into the index; unchanged chunks are not re-embedded."""
    from ingest.pipeline import IngestLocked
    from ingest.pipeline import ingest as run_ingest

    try:
        summary = run_ingest(paths or None, rebuild=rebuild, quiet=as_json)
    except IngestLocked as exc:
        _fail(str(exc), 3)
    if as_json:
        print(
            json.dumps(
                summary.model_dump(
                    include={
                        "added",
                        "updated",
                        "deleted",
                        "unchanged",
                        "errors",
                        "documents",
                        "rebuilt",
                        "seconds",
                    }
                )
            )
        )
        return
    typer.echo(
        f"Ingested {len(summary.documents)} document(s) in {summary.seconds:.1f} s"
        f"{' (rebuilt)' if summary.rebuilt else ''}: added {summary.added}, updated {summary.updated}, "
        f"deleted {summary.deleted}, unchanged {summary.unchanged} chunks."
    )
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


@app.command("eval")
def eval_(
    gold: list[Path] | None = typer.Option(
        None, "--gold", help="Gold file(s) in the evals/README.md format; repeat for several."
    ),
    set_name: str = typer.Option(
        "test",
        "--set",
        help="A named set of evals/sets.toml when no --gold is given: test (sealed; the gate's) or dev.",
    ),
    k: int = typer.Option(5, "--k", min=1, help="Retrieval cut-off for hit@k, MRR and ID recall@k."),
    out: Path = typer.Option(
        Path("evals/reports/latest"), "--out", help="Folder for report.md, report.json and the chart."
    ),
    no_baseline: bool = typer.Option(
        False, "--no-baseline", help="Skip the naive LangChain and BM25 baselines."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the report (without per-question rows) as one JSON object."
    ),
) -> None:
    """Score the assistant on gold questions, beside the naive pipeline and BM25; write a report."""
    from evals.harness import THRESHOLDS_DEFAULT, evaluate, load_gold, load_thresholds, set_files
    from evals.report import summary_table, write_report
    from rag.index import IndexMissing

    for path in gold or []:
        if not path.is_file():
            _fail(f"gold file not found: {path}", 2)
    try:
        files = list(gold) if gold else set_files(set_name)
        items = load_gold(files)
    except ValueError as exc:
        _fail(str(exc), 2)
    if not items:
        _fail("the gold file has no questions", 2)
    progress = lambda m: typer.echo(m, err=True)
    try:
        report = evaluate(
            items, k=k, baselines=not no_baseline, gold_files=[str(p) for p in files], progress=progress
        )
    except IndexMissing as exc:
        _fail(str(exc), 3)
    # The thresholds are measured on the sealed test set at their k: check them only there.
    thresholds = load_thresholds(THRESHOLDS_DEFAULT) if THRESHOLDS_DEFAULT.exists() else None
    if thresholds and (
        thresholds.get("k", k) != k
        or [p.resolve() for p in files] != [p.resolve() for p in set_files("test")]
    ):
        thresholds = None
    paths = write_report(report, out, thresholds)
    if as_json:
        print(json.dumps({key: v for key, v in report.items() if key != "questions"}, ensure_ascii=False))
        return
    typer.echo(summary_table(report))
    typer.echo(f"\nReport: {paths['md']}  ({paths['json'].name}, {paths['chart'].name})")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    log_level: str = typer.Option(
        "info", "--log-level", help="uvicorn log level: critical, error, warning, info, debug."
    ),
    limit_concurrency: int = typer.Option(
        200, "--limit-concurrency", min=1, help="Open connections at most; beyond it new requests get 503."
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1",
        "--forwarded-allow-ips",
        help="Proxies whose X-Forwarded-For names the client (for per-client rate limits behind a proxy).",
    ),
) -> None:
    """Start the HTTP API (FastAPI on uvicorn); docs at http://HOST:PORT/docs. The index loads once at start-up."""
    import uvicorn

    from app.api import create_app
    from core.settings import get_settings

    settings = get_settings()
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_key:
        typer.secho(
            f"Warning: listening on {host} without EGOV_API_KEY: anyone who can reach it can use the API.",
            fg=typer.colors.YELLOW,
            err=True,
        )
    typer.echo(f"eGov API on http://{host}:{port} (docs at /docs)")
    # What uvicorn bounds: open connections (limit_concurrency), idle keep-alive (5 s), the size of an
    # unfinished request head (64 KB). It has no timeout for a client that sends its headers slowly:
    # the reverse proxy in deploy/nginx.conf cuts those off; run the API behind it when it faces users.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level.lower(),
        limit_concurrency=limit_concurrency,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=64 * 1024,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@app.command()
def draft(
    request: str = typer.Argument(
        ..., help='A measure ID ("1.3.5"), a topic ("information security") or a free request.'
    ),
    md: Path | None = typer.Option(None, "--md", help="Also write the draft as Markdown to this file."),
    docx: Path | None = typer.Option(
        None, "--docx", help="Also write the draft as a Word document to this file."
    ),
) -> None:
    """Draft 2023-2025 action-plan entries from the evaluation; print them as Markdown and write the files."""
    from rag.draft import draft as make_draft
    from rag.index import IndexMissing

    try:
        doc = make_draft(request)
    except IndexMissing as exc:
        _fail(str(exc), 2)
    if not doc.covered:
        typer.echo(doc.message or "The evaluation does not cover this request.")
        return
    text = doc.to_markdown()
    typer.echo(text)
    try:
        if md is not None:
            md.parent.mkdir(parents=True, exist_ok=True)
            md.write_text(text, encoding="utf-8")
            typer.echo(f"Markdown written to {md}", err=True)
        if docx is not None:
            docx.parent.mkdir(parents=True, exist_ok=True)
            docx.write_bytes(doc.to_docx_bytes())
            typer.echo(f"Word document written to {docx}", err=True)
    except OSError as exc:
        _fail(f"cannot write the draft: {exc}")


@app.command()
def ui(
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="TCP port."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    api_url: str | None = typer.Option(
        None,
        "--api-url",
        help="Use the HTTP API at this URL instead of the in-process assistant (same as EGOV_API_URL).",
    ),
) -> None:
    """Start the Streamlit front end (chat, Evaluation Matrix explorer, drafting) at http://HOST:PORT."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    if api_url:
        env["EGOV_API_URL"] = api_url
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "app" / "ui.py"),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    typer.echo(f"eGov Evaluation Assistant UI on http://{host}:{port}")
    try:
        code = subprocess.call(cmd, cwd=root, env=env)  # cwd: .streamlit/config.toml (theme) applies
    except KeyboardInterrupt:  # pragma: no cover
        code = 130
    except OSError as exc:
        _fail(f"cannot start Streamlit: {exc}")
    raise typer.Exit(code)


@app.command()
def ask(
    question: str = typer.Argument(..., help="A plain-language question about the evaluation."),
    as_json: bool = typer.Option(False, "--json", help="Print the /ask response shape as JSON."),
    k: int = typer.Option(8, "--k", min=1, max=50, help="How many sources to return."),
) -> None:
    """Answer a question, citing the measure and activity IDs it rests on (or say the evaluation does not)."""
    from rag.ask import ask as run_ask

    answer = run_ask(question, k=k)
    if as_json:
        print(answer.model_dump_json(indent=1))
        return
    typer.echo(answer.answer)
    if answer.notice:
        typer.secho(answer.notice, fg=typer.colors.YELLOW, err=True)
    if answer.citations:
        typer.echo("\nCitations:")
        for c in answer.citations:
            typer.echo(f"  [{c.kind.capitalize()} {c.id}] {c.title[:90]} ({c.source})")
    elif answer.abstained and answer.sources:
        typer.echo("\nNearest sources:")
        for s in answer.sources[:3]:
            typer.echo(
                f"  {s.metadata.get('section') or s.metadata.get('document')}: {s.text.splitlines()[0][:100]}"
            )


@app.command()
def run(
    api_port: int = typer.Option(8000, "--api-port", min=1, max=65535, help="Port of the HTTP API."),
    ui_port: int = typer.Option(8501, "--ui-port", min=1, max=65535, help="Port of the Streamlit app."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
) -> None:
    """Start the whole assistant: the API and the Streamlit app, until Ctrl+C stops both."""
    import os
    import subprocess
    import time

    root = Path(__file__).resolve().parent.parent
    egov = [sys.executable, "-m", "app.cli"]
    procs = [
        subprocess.Popen(
            egov + ["serve", "--host", host, "--port", str(api_port), "--log-level", "warning"], cwd=root
        ),
        subprocess.Popen(
            egov + ["ui", "--host", host, "--port", str(ui_port)], cwd=root, env=dict(os.environ)
        ),
    ]
    typer.echo(f"API: http://{host}:{api_port}/docs   UI: http://{host}:{ui_port}   (Ctrl+C stops both)")
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    codes = [p.returncode for p in procs]
    raise typer.Exit(0 if all(c in (0, -15, 130, None) for c in codes) else 1)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
