"""The quality gate: loading evals/thresholds.toml and checking a report's metrics against its rules."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from evals.metrics import METRICS

THRESHOLDS_DEFAULT = Path(__file__).resolve().parent / "thresholds.toml"


def load_thresholds(path: Path | str = THRESHOLDS_DEFAULT) -> dict[str, Any]:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def check_thresholds(report: dict[str, Any], thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """Every threshold with the measured value and whether it holds.

    [system] rules apply to the overall system metrics, [by_type.<type>] rules to one type's;
    each rule is {threshold = number, better = "higher" | "lower"}. A metric the report does not
    have (None) fails, so a gate cannot pass by a metric silently disappearing."""
    checks = []
    scopes = [("system", report.get("system", {}), thresholds.get("system", {}))]
    for t, rules in (thresholds.get("by_type") or {}).items():
        scopes.append((f"by_type.{t}", (report.get("by_type", {}).get(t) or {}).get("system", {}), rules))
    for scope, values, rules in scopes:
        for metric, rule in rules.items():
            better = rule.get("better", METRICS.get(metric, ("", "higher"))[1])
            limit = float(rule["threshold"])
            value = values.get(metric)
            ok = value is not None and (value >= limit if better == "higher" else value <= limit)
            checks.append(
                {
                    "scope": scope,
                    "metric": metric,
                    "value": value,
                    "threshold": limit,
                    "better": better,
                    "ok": ok,
                }
            )
    return checks
