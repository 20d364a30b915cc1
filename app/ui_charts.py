"""Altair charts of the Evaluation Matrix: indicator values per measure, activity statuses per objective."""

from __future__ import annotations

import re
import textwrap

import altair as alt
import pandas as pd

from ingest.records import Activity, Indicator, IndicatorValue, ValueRole

STATUS_ORDER = ["completed", "ongoing", "not initiated", "abandoned", "no data", "unknown"]
STATUS_LABEL = {
    "completed": "Completed",
    "ongoing": "Ongoing",
    "not initiated": "Not initiated",
    "abandoned": "Abandoned",
    "no data": "No data",
    "unknown": "Not given",
}
STATUS_COLOR = {
    "completed": "#2e7d32",
    "ongoing": "#1565c0",
    "not initiated": "#f9a825",
    "abandoned": "#c62828",
    "no data": "#8d8d8d",
    "unknown": "#cfd4da",
}

KIND_MEASURED, KIND_TARGET = "Measured", "Target"


# Large values on an axis as 0, 500k, 1.5M (the bars' own labels keep the matrix's notation).
AXIS_LABEL = "datum.value == 0 ? '0' : format(datum.value, '~s')"


def status_label(status: str) -> str:
    return STATUS_LABEL.get(status, status.capitalize())


def unit_of(ind: Indicator) -> str:
    """The indicator's unit as an axis title: 'Percent (%)', 'Number', 'Index points', or from the name."""
    unit = (ind.unit or "").strip().lower()
    if unit in {"%", "percent", "percentage"}:
        return "Percent (%)"
    m = re.search(r"\(([^()]{1,30})\)\s*$", ind.name or "")
    named = m.group(1).strip() if m else ""
    if named and named not in {"%", "Number", "number"}:
        return named[:1].upper() + named[1:]
    if unit in {"number", "no.", "count"} or named.lower() == "number":
        return "Number"
    if (ind.name or "").lower().startswith(("percentage", "share", "the percentage")):
        return "Percent (%)"
    if (ind.name or "").lower().startswith(("number", "the number")):
        return "Number"
    return "Value (unit not stated)"


def indicator_frame(ind: Indicator) -> pd.DataFrame:
    """One row per value point with a parsed number: point, value, kind, the value as written."""
    rows = []
    for value in ind.values:
        if value.number is None:
            continue
        rows.append(
            {
                "Point": point_label(value),
                "Value": value.number,
                "Kind": KIND_TARGET if value.role == ValueRole.TARGET else KIND_MEASURED,
                "As written": " ".join(value.raw.split())[:60],
                "Shown": number_text(value.number),
            }
        )
    return pd.DataFrame(rows, columns=["Point", "Value", "Kind", "As written", "Shown"])


def number_text(number: float) -> str:
    """One format for every number on a chart, whatever the matrix wrote ("2.194", "5196", "4,000",
    "96,55"): thousands with a comma, decimals with a point, no trailing zeros."""
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def missing_points(ind: Indicator) -> list[tuple[str, str]]:
    """(point, text as written) for values the matrix gives without a single number (ranges, comments)."""
    out = []
    for value in ind.values:
        raw = " ".join(value.raw.split())
        if value.number is None and raw and raw not in {"/", "-"}:
            out.append((point_label(value), raw))
    return out


def point_label(value: IndicatorValue) -> str:
    """A short label for a value column: 'Baseline 2019', 'Target 2022', 'Achieved 2021', else the column's label."""
    if value.year is None:
        return value.label or "Value"
    word = {ValueRole.BASELINE: "Baseline", ValueRole.TARGET: "Target", ValueRole.ACHIEVED: "Achieved"}.get(
        value.role, "Value"
    )
    return f"{word} {value.year}"


def indicator_chart(ind: Indicator, height: int = 220, title_width: int = 48) -> alt.Chart | None:
    """Bars of baseline 2019, 2020, target 2021, achieved 2021 and target 2022; targets lighter."""
    df = indicator_frame(ind)
    if df.empty:
        return None
    unit = unit_of(ind)
    title = textwrap.wrap(ind.name, title_width)[:4] or ["Indicator"]
    order = [point_label(v) for v in ind.values]
    base = alt.Chart(df).encode(
        x=alt.X(
            "Point:N",
            sort=order,
            scale=alt.Scale(domain=order),
            title="Year and value type",
            axis=alt.Axis(
                labelAngle=0, labelLimit=120, labelOverlap=False, labelExpr="split(datum.label, ' ')"
            ),
        ),
        y=alt.Y(
            "Value:Q",
            title=unit,
            axis=alt.Axis(labelExpr=AXIS_LABEL if df["Value"].max() >= 10000 else alt.Undefined),
        ),
        tooltip=[
            alt.Tooltip("Point:N", title="Value"),
            alt.Tooltip("As written:N", title="In the matrix"),
            alt.Tooltip("Value:Q", title=unit, format=","),
        ],
    )
    bars = base.mark_bar(size=34, cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        color=alt.Color(
            "Kind:N",
            title=None,
            scale=alt.Scale(domain=[KIND_MEASURED, KIND_TARGET], range=["#1f5fa8", "#a9c7ea"]),
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        )
    )
    labels = base.mark_text(dy=-7, fontSize=11, color="#31333f").encode(text="Shown:N")
    return (bars + labels).properties(
        height=height, title=alt.TitleParams(text=title, anchor="start", fontSize=13, fontWeight=600)
    )


def status_frame(activities: list[Activity], group: str, labels: dict[str, str]) -> pd.DataFrame:
    """Activities counted per group (objective or measure ID) and status."""
    counts: dict[tuple[str, str], int] = {}
    for a in activities:
        key = getattr(a, group)
        counts[(key, a.status)] = counts.get((key, a.status), 0) + 1
    rows = [
        {
            "Group": labels.get(k, k),
            "Status": status_label(s),
            "Activities": n,
            "order": STATUS_ORDER.index(s) if s in STATUS_ORDER else 99,
            "key": k,
        }
        for (k, s), n in counts.items()
    ]
    return pd.DataFrame(rows, columns=["Group", "Status", "Activities", "order", "key"])


def status_chart(
    activities: list[Activity],
    group: str = "objective",
    labels: dict[str, str] | None = None,
    group_title: str = "Specific objective",
) -> alt.Chart | None:
    """Horizontal stacked bars: activities per objective (or measure), coloured by status."""
    labels = labels or {}
    df = status_frame(activities, group, labels)
    if df.empty:
        return None
    groups = [
        labels.get(k, k) for k in sorted(df["key"].unique(), key=lambda x: [int(p) for p in x.split(".")])
    ]
    domain = [status_label(s) for s in STATUS_ORDER]
    chart = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("Group:N", sort=groups, title=None, axis=alt.Axis(labelLimit=340, labelFontSize=12)),
            x=alt.X(
                "sum(Activities):Q", title="Number of activities", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            color=alt.Color(
                "Status:N",
                title="Status",
                scale=alt.Scale(domain=domain, range=[STATUS_COLOR[s] for s in STATUS_ORDER]),
                legend=alt.Legend(orient="top", direction="horizontal", title=None, labelFontSize=12),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("Group:N", title=group_title),
                "Status:N",
                alt.Tooltip("Activities:Q", title="Activities"),
            ],
        )
    )
    return chart.properties(height=status_chart_height(len(groups)))


def status_chart_height(groups: int) -> int:
    """Pixel height for a status chart of so many bars (Streamlit needs it given explicitly)."""
    return 42 * groups + 100
