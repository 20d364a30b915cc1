"""`egov draft "REQUEST" [--md FILE] [--docx FILE]` over the session index."""

from __future__ import annotations

from pathlib import Path

import docx
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_draft_writes_markdown_and_a_docx_that_opens(indexed, tmp_path: Path) -> None:
    md, word = tmp_path / "out" / "draft.md", tmp_path / "out" / "draft.docx"
    result = runner.invoke(app, ["draft", "1.3.5", "--md", str(md), "--docx", str(word)])
    assert result.exit_code == 0, result.output
    assert "1.3.5.1" in result.stdout and "Number of services with one stop shops set" in result.stdout
    assert md.read_text(encoding="utf-8").startswith("# Draft 2023-2025 action plan entry: Measure 1.3.5")
    d = docx.Document(str(word))
    headers = [tuple(c.text for c in t.rows[0].cells) for t in d.tables]
    assert headers[0] == (
        "ID",
        "Activity",
        "Responsible",
        "Status in 2021",
        "Proposal",
    )  # the year the matrix stands at
    assert ("Indicator", "Baseline (latest achieved)", "Target (latest in the matrix)", "Proposal") in headers
    assert [r.cells[0].text for r in d.tables[0].rows[1:]] == ["1.3.5.1", "1.3.5.2", "1.3.5.3"]
    assert any(p.text == "Sources" for p in d.paragraphs)


def test_draft_topic_prints_the_draft(indexed) -> None:
    result = runner.invoke(app, ["draft", "information security"])
    assert result.exit_code == 0, result.output
    assert "## Measure 1.1.9" in result.stdout and "| ID | Activity |" in result.stdout


def test_draft_outside_the_evaluation_prints_the_message_and_exits_0(indexed, tmp_path: Path) -> None:
    word = tmp_path / "none.docx"
    result = runner.invoke(
        app, ["draft", "blockchain land registry for cryptocurrency mining", "--docx", str(word)]
    )
    assert result.exit_code == 0, result.output
    assert "does not cover" in result.stdout and not word.exists()
