"""Write an evaluation report: report.json, report.md and a per-type accuracy chart (PNG)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.harness import METRICS, check_thresholds, metric_label

CHART = "fact_accuracy_by_type.png"
SHORT = {"system": "system", "naive_dense": "naive", "bm25": "BM25"}
RATE_METRICS = [m for m in METRICS if not m.startswith("latency")]


def fmt(value: Any, metric: str = "") -> str:
    if value is None:
        return "n/a"
    if metric.startswith("latency"):
        return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _ratio(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _columns(report: dict[str, Any]) -> list[str]:
    return ["system", *report.get("baselines", {}).keys()]


def _values(report: dict[str, Any], name: str) -> dict[str, Any]:
    return report["system"] if name == "system" else report["baselines"][name]


def summary_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the overall table: metric, system, each baseline, system/baseline ratios."""
    k = report.get("meta", {}).get("k")
    cols = _columns(report)
    header = ["metric", *[SHORT.get(c, c) for c in cols], *[f"sys/{SHORT.get(b, b)}" for b in cols[1:]]]
    rows = []
    for metric in METRICS:
        row = [metric_label(metric, k), *[fmt(_values(report, c).get(metric), metric) for c in cols]]
        row += [_ratio(report.get("ratios", {}).get(b, {}).get(metric)) for b in cols[1:]]
        rows.append(row)
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))
    )  # noqa: E731
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *[line(r) for r in rows]])


def md_table(header: list[str], rows: list[list[str]]) -> str:
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in rows]
    return "\n".join(out)


def summary_table(report: dict[str, Any]) -> str:
    """The plain-text summary the command prints: overall metrics, then fact accuracy by type."""
    meta = report.get("meta", {})
    head = (
        f"{meta.get('questions', '?')} questions, k={meta.get('k')}, mode {meta.get('mode')}, "
        f"{meta.get('seconds', '?')} s; {len(report.get('failures', []))} failed"
    )
    h, rows = summary_rows(report)
    th, trows = compact_type_rows(report)
    return "\n\n".join(
        [
            head,
            text_table(h, rows),
            "By type (answer = fact accuracy; draft coverage for drafts, "
            "abstention recall for unanswerable):",
            text_table(th, trows),
        ]
    )


def answer_metric(qtype: str) -> str:
    """The answer metric that applies to a question type."""
    return {"draft": "draft_coverage", "unanswerable": "abstention_recall"}.get(qtype, "fact_accuracy")


def compact_type_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Per type: its answer metric and evidence hit@k, for the system and each baseline."""
    k = report.get("meta", {}).get("k")
    cols = _columns(report)
    header = [
        "type",
        "n",
        *[f"answer {SHORT.get(c, c)}" for c in cols],
        *[f"hit@{k} {SHORT.get(c, c)}" for c in cols],
    ]
    rows = []
    for t, per in report.get("by_type", {}).items():
        m = answer_metric(t)
        rows.append(
            [
                t,
                str(per["system"]["n"]),
                *[fmt(per.get(c, {}).get(m), m) for c in cols],
                *[fmt(per.get(c, {}).get("evidence_hit_at_k")) for c in cols],
            ]
        )
    return header, rows


def type_rows(report: dict[str, Any], metrics: list[str]) -> tuple[list[str], list[list[str]]]:
    """Rows per question type: n, then each metric for the system and each baseline."""
    k = report.get("meta", {}).get("k")
    cols = _columns(report)
    header = ["type", "n"]
    for m in metrics:
        header += [
            f"{metric_label(m, k)} {SHORT.get(c, c)}" if len(cols) > 1 else metric_label(m, k) for c in cols
        ]
    rows = []
    for t, per in report.get("by_type", {}).items():
        row = [t, str(per["system"]["n"])]
        for m in metrics:
            row += [fmt(per.get(c, {}).get(m), m) for c in cols]
        rows.append(row)
    return header, rows


def _answer_excerpt(text: str, limit: int = 1200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + " …"


def render_markdown(
    report: dict[str, Any], checks: list[dict[str, Any]] | None = None, chart: str | None = CHART
) -> str:
    meta = report.get("meta", {})
    k = meta.get("k")
    out = [
        "# Evaluation report",
        "",
        f"- Gold: {', '.join(meta.get('gold_files', []))}, {meta.get('questions')} questions "
        f"({', '.join(f'{t} {n}' for t, n in meta.get('types', {}).items())})",
        f"- Mode: {meta.get('mode')}; k = {k}; embeddings: `{meta.get('embed_model')}`",
        f"- Run: {meta.get('created')}, {meta.get('seconds')} s",
        "",
        "Metric definitions are in `evals/harness.py` and `evals/README.md`. Fact accuracy counts answerable "
        "non-draft questions; draft coverage is the share of required facts in draft answers; evidence hit@k "
        "also counts a source holding >= 80% of a quote's words (matrix rows re-written field by field). "
        "Baselines answer with their top chunk, never abstain and cite nothing (citation metrics n/a). "
        "Ratios are system / baseline.",
        "",
        "## Overall",
        "",
        md_table(*summary_rows(report)),
        "",
    ]
    for name, b in report.get("baselines", {}).items():
        out.append(f"- **{SHORT.get(name, name)}** ({name}): {b.get('description', '')}")
    if report.get("baselines"):
        out.append("")
    if chart:
        out += [f"![Fact accuracy by type]({chart})", ""]
    out += ["## By type", "", "### System, every metric", ""]
    cols = [m for m in METRICS]
    header = ["type", "n", *[metric_label(m, k) for m in cols]]
    rows = [
        [t, str(per["system"]["n"]), *[fmt(per["system"].get(m), m) for m in cols]]
        for t, per in report.get("by_type", {}).items()
    ]
    out += [md_table(header, rows), ""]
    if report.get("baselines"):
        out += ["### System beside the baselines", ""]
        out += [
            md_table(
                *type_rows(
                    report,
                    [
                        "fact_accuracy",
                        "draft_coverage",
                        "evidence_hit_at_k",
                        "mrr_at_k",
                        "id_recall_at_k",
                        "abstention_recall",
                    ],
                )
            ),
            "",
        ]
    if checks:
        failed = [c for c in checks if not c["ok"]]
        out += [
            "## Quality gate (evals/thresholds.toml)",
            "",
            f"{len(checks) - len(failed)} of {len(checks)} thresholds hold.",
            "",
        ]
        out += [
            md_table(
                ["scope", "metric", "value", "threshold", "better", "ok"],
                [
                    [
                        c["scope"],
                        c["metric"],
                        fmt(c["value"], c["metric"]),
                        fmt(c["threshold"], c["metric"]),
                        c["better"],
                        "yes" if c["ok"] else "**NO**",
                    ]
                    for c in checks
                ],
            ),
            "",
        ]
    fails = report.get("failures", [])
    out += [f"## Failed questions ({len(fails)})", ""]
    if not fails:
        out.append("None.")
    for f in fails:
        out += [f"### {f['id']} ({f['type']}): {f['question']}", ""]
        if f.get("history"):
            out.append(
                "- History: "
                + " / ".join(f"{t['role']}: {_answer_excerpt(t['content'], 200)}" for t in f["history"])
            )
        out.append("- Why: " + "; ".join(f["reasons"]))
        if f.get("missing"):
            out.append(
                "- Missing facts (no alternative found): "
                + "; ".join(" or ".join(f"`{a}`" for a in g) for g in f["missing"])
            )
        if f.get("missing_ids"):
            out.append("- Expected IDs not cited: " + ", ".join(f["missing_ids"]))
        out.append("- Cited: " + (", ".join(f["cited_ids"]) if f.get("cited_ids") else "nothing"))
        if f.get("invalid_ids"):
            out.append("- Cited IDs that do not exist: " + ", ".join(f["invalid_ids"]))
        for q in f.get("invalid_quotes", []):
            out.append(f"- Quote not found verbatim: “{_answer_excerpt(q, 300)}”")
        rank = f.get("evidence_rank")
        out.append(f"- Evidence retrieved: {'rank ' + str(rank) if rank else f'not in the top {k}'}")
        out.append(f"- Reference answer: {_answer_excerpt(f.get('expected', ''), 600)}")
        out += [
            "- Answer given" + (" (abstained)" if f.get("abstained") else "") + ":",
            "",
            "  > " + (_answer_excerpt(f.get("answer", "")) or "(empty)"),
            "",
        ]
    return "\n".join(out) + "\n"


def chart_data(report: dict[str, Any]) -> tuple[list[str], dict[str, list[float]]]:
    """Per type: fact accuracy (draft: draft coverage; unanswerable: abstention recall) per system."""
    labels: list[str] = []
    values: dict[str, list[float]] = {c: [] for c in _columns(report)}
    for t, per in report.get("by_type", {}).items():
        metric = answer_metric(t)
        if per["system"].get(metric) is None:
            continue
        labels.append({"draft": "draft\n(coverage)", "unanswerable": "unanswerable\n(abstention)"}.get(t, t))
        for c in values:
            values[c].append(per.get(c, {}).get(metric) or 0.0)
    return labels, values


def write_chart(report: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values = chart_data(report)
    fig, ax = plt.subplots(figsize=(max(7.0, 1.1 * len(labels) + 2), 4.2), dpi=110)
    n = max(1, len(values))
    width = 0.8 / n
    colors = {"system": "#1f77b4", "naive_dense": "#ff7f0e", "bm25": "#7f7f7f"}
    for i, (name, vals) in enumerate(values.items()):
        xs = [x + (i - (n - 1) / 2) * width for x in range(len(labels))]
        bars = ax.bar(xs, vals, width, label=SHORT.get(name, name), color=colors.get(name))
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in vals], fontsize=6, padding=1)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("fact accuracy")
    ax.set_title(f"Fact accuracy by question type (k={report.get('meta', {}).get('k')})")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_report(
    report: dict[str, Any], out_dir: Path | str, thresholds: dict[str, Any] | None = None
) -> dict[str, Path]:
    """Write report.json, report.md and the chart into out_dir; returns their paths.
    With thresholds, their checks are added to the report under "gate"."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    checks = check_thresholds(report, thresholds) if thresholds else None
    if checks is not None:
        report["gate"] = checks  # kept in the dictionary too, for `egov eval --json`
    paths = {"json": out / "report.json", "md": out / "report.md", "chart": out / CHART}
    write_chart(report, paths["chart"])
    paths["json"].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["md"].write_text(render_markdown(report, checks, CHART), encoding="utf-8")
    return paths
