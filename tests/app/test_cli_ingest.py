"""`egov ingest` and `egov stats` from the command line, over temp folders and the hash embedder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from app.cli import app
from core.settings import get_settings
from ingest.pipeline import ingest_lock

PROJECT = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {"added", "updated", "deleted", "unchanged", "errors"}
STATS_KEYS = {"documents", "chunks", "objectives", "measures", "activities", "indicators", "statuses"}
STATUSES = {"completed", "ongoing", "abandoned", "not initiated", "no data", "unknown"}

TEXT = """1. INTRODUCTION
The evaluation covers the e-Government Development Programme 2020-2022.

2. FINDINGS
Measure 1.3.5 (one stop shop) made progress; Activity 1.4.2.2 was abandoned.
"""

MATRIX = """Annex 7: Evaluation Matrix

\tMeasure 1.4.2 Improvement of Open Data Portal
Responsible entity: ITE Office

\t1.4.2.2: Portal upgrade
\tITE Office
\tabandoned
\tNo funds were secured.
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """EGOV_* env vars pointing at a temp corpus and data folder, with fresh settings around the test."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = tmp_path / "data"
    monkeypatch.setenv("EGOV_DATA_DIR", str(data))
    monkeypatch.setenv("EGOV_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("EGOV_EMBED_MODEL", "hash:64")
    get_settings.cache_clear()
    yield corpus, data
    get_settings.cache_clear()  # the next user reads the restored env again


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result


def test_ingest_json_and_stats_json(env) -> None:
    corpus, data = env
    (corpus / "report.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "annex.txt").write_text(MATRIX, encoding="utf-8")

    result = invoke("ingest", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert SUMMARY_KEYS <= set(summary)
    assert summary["errors"] == []
    assert summary["added"] > 0 and summary["updated"] == summary["deleted"] == summary["unchanged"] == 0
    assert (data / "chroma").is_dir()  # the embedded store, which holds the index

    again = json.loads(invoke("ingest", "--json").stdout)
    assert (again["added"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert again["unchanged"] == summary["added"]

    result = invoke("stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert STATS_KEYS <= set(stats)
    assert stats["documents"] == 2
    assert stats["chunks"] == summary["added"]
    assert (stats["objectives"], stats["measures"], stats["activities"]) == (0, 1, 1)
    assert set(stats["statuses"]) == STATUSES
    assert stats["statuses"]["abandoned"] == 1


def test_broken_file_in_errors_without_traceback(env) -> None:
    corpus, _ = env
    (corpus / "report.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = invoke("ingest", "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    summary = json.loads(result.stdout)
    errors = summary["errors"]
    assert isinstance(errors, list) and len(errors) == 2
    for e in errors:
        assert set(e) == {"file", "reason"}
        assert e["reason"] and "Traceback" not in e["reason"]
    assert {Path(e["file"]).name for e in errors} == {"broken.pdf", "binary.txt"}
    assert summary["added"] > 0


def test_plain_output_lists_skipped_files(env) -> None:
    corpus, _ = env
    (corpus / "report.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "empty.md").write_bytes(b"")
    result = invoke("ingest")
    assert result.exit_code == 0, result.output
    assert "Ingested 1 document(s)" in result.output
    assert "skipped" in result.output and "empty.md" in result.output and "empty file" in result.output
    result = invoke("stats")
    assert result.exit_code == 0
    assert "documents: 1" in result.output


def test_ingest_refused_while_locked(env, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, data = env
    (corpus / "report.txt").write_text(TEXT, encoding="utf-8")
    import ingest.pipeline as pipeline

    real = pipeline.ingest_lock
    monkeypatch.setattr(pipeline, "ingest_lock", lambda s, wait_seconds=30.0: real(s, 0.2))
    with ingest_lock(get_settings()):
        result = invoke("ingest", "--json")
    assert result.exit_code == 3
    assert "another ingest is running" in result.output
    assert "Traceback" not in result.output


def test_stats_on_an_empty_index(env) -> None:
    result = invoke("stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["documents"] == stats["chunks"] == stats["activities"] == 0


def _subcommands() -> list[str]:
    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_ingest_and_stats_are_commands() -> None:
    assert {"ingest", "stats"} <= set(_subcommands())


@pytest.mark.parametrize("command", [[]] + [[c] for c in _subcommands()])
def test_help_on_every_subcommand(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_egov_ingest_in_a_subprocess(tmp_path: Path) -> None:
    """The installed console script end to end, in its own process, as a user runs it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "bad.pdf").write_bytes(b"%PDF-1.7\ntruncated")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        EGOV_DATA_DIR=str(tmp_path / "data"),
        EGOV_CORPUS_DIR=str(corpus),
        EGOV_EMBED_MODEL="hash:64",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    egov = Path(sys.executable).with_name("egov")
    cmd = [str(egov)] if egov.exists() else [sys.executable, "-m", "app.cli"]
    proc = subprocess.run(
        [*cmd, "ingest", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert SUMMARY_KEYS <= set(summary)
    assert [Path(e["file"]).name for e in summary["errors"]] == ["bad.pdf"]
    proc = subprocess.run(
        [*cmd, "stats", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stdout)
    assert STATS_KEYS <= set(stats) and stats["documents"] == 1
