"""Aggregating per-question scores: metric tables overall and by type, latency percentiles, baseline ratios."""

from __future__ import annotations

import math
from typing import Any

from evals.metrics import METRICS


def percentile(values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0-100), as numpy's default; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: list[float | bool | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def summarise(scores: list[dict[str, Any]], cites: bool = True) -> dict[str, Any]:
    """Aggregate per-question scores into the metric table (None where a metric does not apply)."""
    out: dict[str, Any] = {"n": len(scores)}
    for name in (
        "evidence_hit_at_k",
        "mrr_at_k",
        "id_recall_at_k",
        "fact_accuracy",
        "draft_coverage",
        "abstention_recall",
        "false_abstention_rate",
    ):
        out[name] = _mean([s[name] for s in scores])
    if cites:
        out["expected_id_recall"] = _mean([s["expected_id_recall"] for s in scores])
        total = sum(s["n_citations"] for s in scores)
        out["cited_id_validity"] = 1 - sum(len(s["invalid_ids"]) for s in scores) / total if total else None
        out["quote_validity"] = 1 - sum(len(s["invalid_quotes"]) for s in scores) / total if total else None
        out["n_citations"] = total
    else:
        out["expected_id_recall"] = out["cited_id_validity"] = out["quote_validity"] = None
    lat = [s["latency_ms"] for s in scores if s.get("latency_ms") is not None]
    out["latency_p50_ms"] = _round(percentile(lat, 50), 1)
    out["latency_p95_ms"] = _round(percentile(lat, 95), 1)
    out["errors"] = sum(1 for s in scores if s.get("error"))
    return {key: (_round(v, 4) if isinstance(v, float) else v) for key, v in out.items()}


def _round(v: float | None, nd: int) -> float | None:
    return None if v is None else round(v, nd)


def ratios(system: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float | None]:
    """system / baseline for every metric both have (None when the baseline value is 0 or missing)."""
    out = {}
    for name in METRICS:
        a, b = system.get(name), baseline.get(name)
        out[name] = (
            round(a / b, 3) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
        )
    return out


def by_type(scores: list[dict[str, Any]], cites: bool) -> dict[str, dict[str, Any]]:
    types = list(dict.fromkeys(s["type"] for s in scores))
    return {t: summarise([s for s in scores if s["type"] == t], cites) for t in types}
