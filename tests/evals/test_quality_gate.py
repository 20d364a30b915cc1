"""The quality gate: the assistant, in extractive mode, over the sealed test set (evals/sets.toml), must not
fall below evals/thresholds.toml, whose values were measured on that set. Runs on the session index (the `indexed` fixture); the baselines are left
out here to keep the suite fast (`egov eval` measures them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from evals.harness import check_thresholds, evaluate, load_gold, load_thresholds, set_files
from evals.report import summary_table, write_report

GATE_REPORT = Path(tempfile.gettempdir()) / "egov-quality-gate"  # outside the repository


@pytest.fixture(scope="module")
def gold_report(indexed):
    assert indexed.llm_provider == "none", "the gate measures the extractive mode"
    rules = load_thresholds()
    return evaluate(
        load_gold(set_files("test")), k=int(rules.get("k", 5)), baselines=False, settings=indexed
    ), rules


def test_every_gold_question_runs_without_error(gold_report):
    report, _ = gold_report
    assert report["meta"]["mode"] == "extractive"
    errors = [f"{f['id']}: {r}" for f in report["failures"] for r in f["reasons"] if r.startswith("error")]
    assert not errors, errors


def test_metrics_meet_thresholds(gold_report):
    report, rules = gold_report
    out = GATE_REPORT  # kept after the run so a failing gate can be read
    write_report(report, out, rules)
    failed = [c for c in check_thresholds(report, rules) if not c["ok"]]
    detail = "; ".join(
        f"{c['scope']}.{c['metric']} = {c['value']} ({'<' if c['better'] == 'higher' else '>'} "
        f"threshold {c['threshold']})"
        for c in failed
    )
    assert not failed, (
        f"quality gate failed: {detail}\n\n{summary_table(report)}\n\nreport: {out / 'report.md'}"
    )
