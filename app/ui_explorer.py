"""Explorer page: objectives -> measures -> activities and indicators of the Evaluation Matrix (Annex 7)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from app.ui_charts import (
    STATUS_ORDER,
    indicator_chart,
    missing_points,
    point_label,
    status_chart,
    status_chart_height,
    status_label,
    unit_of,
)
from app.ui_common import catalog
from app.ui_filters import filter_activities, filter_indicators, filter_measures, id_key
from app.ui_text import context_of, md_escape, record_fields, record_heading, short
from ingest.records import Activity, Catalog, Indicator, Measure

STATUS_TEXT_COLOR = {
    "completed": "#2e7d32",
    "ongoing": "#1565c0",
    "not initiated": "#8a5300",  # a dark orange: 6.3:1 on white (#b26a00 was 4.24:1)
    "abandoned": "#c62828",
    "no data": "#6b6b6b",
    "unknown": "#6b6b6b",
}
BADGE_COLOR = {
    "completed": "green",
    "ongoing": "blue",
    "not initiated": "orange",
    "abandoned": "red",
    "no data": "gray",
    "unknown": "gray",
}
CHAT_PAGE = Path(__file__).resolve().parent / "ui_chat.py"


def _status_text(a: Activity) -> str:
    return status_label(a.status)


def _styled(df: pd.DataFrame) -> object:
    """The table with its Status column coloured like the charts."""
    colors = {status_label(s): c for s, c in STATUS_TEXT_COLOR.items()}
    return df.style.map(
        lambda v: f"color: {colors.get(v, '#1f2933')}; font-weight: 600" if v in colors else "",
        subset=["Status"],
    )


def filters(cat: Catalog) -> dict:
    """The filter row: objective, status, responsible entity, search."""
    objectives = {o.id: o.title for o in cat.objectives}
    statuses = [s for s in STATUS_ORDER if any(a.status == s for a in cat.activities)]
    responsible = sorted({a.responsible for a in cat.activities if a.responsible}, key=str.lower)
    c1, c2, c3, c4 = st.columns([1.3, 1.2, 1.2, 1.5])
    objective = c1.selectbox(
        "Specific objective",
        [""] + list(objectives),
        key="ex_objective",
        format_func=lambda k: f"{k} · {short(objectives[k], 38)}" if k else "All objectives",
    )
    status = c2.multiselect(
        "Status", statuses, key="ex_status", format_func=status_label, placeholder="Any status"
    )
    resp = c3.multiselect("Responsible entity", responsible, key="ex_responsible", placeholder="Any entity")
    query = c4.text_input(
        "Search",
        key="ex_search",
        placeholder="Words or an ID, e.g. open data, 1.4.2",
        icon=":material/search:",
    )
    return {"objective": objective, "status": status, "responsible": resp, "query": query or ""}


def owner_label(owner: str, cat: Catalog) -> str:
    if owner == "0":
        return "Overall objective"
    rec = cat.record(owner)
    kind = "Measure" if owner.count(".") == 2 else "Objective"
    return f"{kind} {owner}" + (f" · {short(rec.title, 60)}" if rec is not None else "")


def record_block(rec: object, cat: Catalog, skip_title: bool = False) -> None:
    """A record's every field, readable (no raw data)."""
    fields = record_fields(rec)[1:] if skip_title else record_fields(rec)
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value).replace(chr(10), '<br>')}</td></tr>"
        for label, value in fields
    )
    context = "<br>".join(html.escape(c) for c in context_of(rec, cat))
    st.html(
        "<div class='egov-source'>"
        + (f"<div class='context'>{context}</div>" if context else "")
        + f"<table class='fields'>{rows}</table></div>"
    )


# ------------------------------------------------------------------------------- the tabs


def tab_objectives(cat: Catalog, f: dict, activities: list[Activity]) -> None:
    rows = []
    for o in cat.objectives:
        acts = [a for a in cat.activities if a.objective == o.id]
        done = sum(a.status == "completed" for a in acts)
        rows.append(
            {
                "ID": o.id,
                "Specific objective": o.title,
                "Responsible": o.responsible,
                "Achievement of indicators": o.achievement,
                "Measures": sum(m.objective == o.id for m in cat.measures),
                "Activities": len(acts),
                "Completed": round(100 * done / len(acts)) if acts else 0,
            }
        )
    if cat.overall is not None:
        st.markdown(
            f"**Overall objective:** {md_escape(cat.overall.title)}"
            + (f" — indicators: {md_escape(cat.overall.achievement)}" if cat.overall.achievement else "")
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="ex_objectives_table",
        column_config={
            "ID": st.column_config.TextColumn("ID", width=44),
            "Specific objective": st.column_config.TextColumn(width=280),
            "Responsible": st.column_config.TextColumn(width=90),
            "Achievement of indicators": st.column_config.TextColumn("Indicators achieved", width=235),
            "Measures": st.column_config.NumberColumn(width=75),
            "Activities": st.column_config.NumberColumn(width=75),
            "Completed": st.column_config.ProgressColumn(
                "Completed",
                format="%d%%",
                min_value=0,
                max_value=100,
                width=100,
                help="Share of the objective's activities marked completed",
            ),
        },
    )
    if f["objective"]:
        labels = {m.id: f"{m.id} {short(m.title, 56)}" for m in cat.measures}
        st.markdown(f"##### Activity status per measure of objective {f['objective']}")
        chart = status_chart(activities, group="measure", labels=labels, group_title="Measure")
    else:
        labels = {o.id: f"{o.id} {short(o.title, 56)}" for o in cat.objectives}
        st.markdown("##### Activity status per specific objective")
        chart = status_chart(activities, group="objective", labels=labels, group_title="Specific objective")
    if chart is None:
        st.info("No activities match the filters.")
    else:
        groups = len({getattr(a, "measure" if f["objective"] else "objective") for a in activities})
        st.altair_chart(chart, width="stretch", height=status_chart_height(groups))
        st.caption(
            f"{len(activities)} activities shown, counted by their status in the Evaluation Matrix "
            "(status as of the end of 2021)."
        )


def indicator_charts(indicators: list[Indicator]) -> None:
    """One bar chart per indicator, two per row, with what could not be charted listed below."""
    if not indicators:
        st.info("No indicators are given for this record.")
        return
    for start in range(0, len(indicators), 2):
        cols = st.columns(2)
        for col, ind in zip(cols, indicators[start : start + 2]):
            with col, st.container(border=True):
                chart = indicator_chart(ind)
                if chart is None:
                    st.markdown(f"**{md_escape(ind.name)}**")
                    st.caption("The matrix gives no numbers for this indicator.")
                else:
                    st.altair_chart(chart, width="stretch", height=300)
                    st.caption(
                        f"Unit: {unit_of(ind)}. Darker bars are measured values, lighter bars targets."
                    )
                gaps = missing_points(ind)
                if gaps:
                    st.caption(
                        "Not charted (no single number in the matrix): "
                        + "; ".join(
                            f"{md_escape(label)}: “{md_escape(short(raw, 80))}”" for label, raw in gaps
                        )
                    )


def tab_measures(cat: Catalog, measures: list[Measure], activities: list[Activity]) -> None:
    rows = []
    for m in measures:
        acts = [a for a in cat.activities if a.measure == m.id]
        rows.append(
            {
                "ID": m.id,
                "Measure": m.title,
                "Objective": m.objective,
                "Responsible": m.responsible,
                "Activities": len(acts),
                "Completed": round(100 * sum(a.status == "completed" for a in acts) / len(acts))
                if acts
                else 0,
                "Indicators": sum(i.owner == m.id for i in cat.indicators),
            }
        )
    if not rows:
        st.info("No measures match the filters.")
        return
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="ex_measures_table",
        height=min(420, 38 + 35 * len(rows)),
        column_config={
            "ID": st.column_config.TextColumn(width=56),
            "Measure": st.column_config.TextColumn(width=330),
            "Objective": st.column_config.TextColumn(width=75),
            "Responsible": st.column_config.TextColumn(width=130),
            "Activities": st.column_config.NumberColumn(width=75),
            "Completed": st.column_config.ProgressColumn(
                "Completed",
                format="%d%%",
                min_value=0,
                max_value=100,
                width=100,
                help="Share of the measure's activities marked completed",
            ),
            "Indicators": st.column_config.NumberColumn(width=80),
        },
    )
    ids = [m.id for m in measures]
    if st.session_state.get("ex_measure") not in ids:
        st.session_state["ex_measure"] = ids[0]
    by_id = {m.id: m for m in measures}
    chosen = st.selectbox(
        "Open a measure", ids, key="ex_measure", format_func=lambda k: f"{k} · {short(by_id[k].title, 90)}"
    )
    m = by_id[chosen]
    with st.container(border=True):
        st.markdown(f"##### Measure {m.id}: {md_escape(m.title)}")
        record_block(m, cat, skip_title=True)
        acts = [a for a in cat.activities if a.measure == m.id]
        if acts:
            st.markdown("**Activities**")
            st.dataframe(
                _styled(
                    pd.DataFrame(
                        [
                            {
                                "ID": a.id,
                                "Activity": a.title,
                                "Status": _status_text(a),
                                "Responsible": a.responsible,
                            }
                            for a in acts
                        ]
                    )
                ),
                hide_index=True,
                key="ex_measure_acts",
                column_config={
                    "ID": st.column_config.TextColumn(width=70),
                    "Activity": st.column_config.TextColumn(width="large"),
                },
            )
        st.markdown(f"**Indicators of measure {m.id}**")
        indicator_charts([i for i in cat.indicators if i.owner == m.id])


def _select_row() -> None:
    """A row clicked in the activities table, on its checkbox or on any of its cells, opens that activity
    below it."""
    state = st.session_state.get("ex_activities_table")
    shown = st.session_state.get("ex_shown_ids", [])
    row = clicked_row(getattr(state, "selection", None) if state is not None else None)
    if row is not None and row < len(shown):
        st.session_state["ex_activity"] = shown[row]


def clicked_row(selection: object) -> int | None:
    """The row a table selection points at: a selected row, else the row of a selected cell."""
    rows = list(getattr(selection, "rows", None) or [])
    if rows:
        return int(rows[0])
    cells = list(getattr(selection, "cells", None) or [])
    return int(cells[0][0]) if cells else None


def tab_activities(cat: Catalog, activities: list[Activity]) -> None:
    total = len(cat.activities)
    st.caption(
        f"{len(activities)} of {total} activities shown. Click a row, or pick one below, to read its whole record."
    )
    if not activities:
        st.info("No activities match the filters. Clear a filter or the search to see more.")
        return
    ids = [a.id for a in activities]
    st.session_state["ex_shown_ids"] = ids
    df = pd.DataFrame(
        [
            {
                "ID": a.id,
                "Activity": a.title,
                "Status": _status_text(a),
                "Responsible": a.responsible,
                "Measure": a.measure,
            }
            for a in activities
        ]
    )
    st.dataframe(
        _styled(df),
        hide_index=True,
        key="ex_activities_table",
        on_select=_select_row,
        selection_mode=["single-row", "single-cell"],  # a click on a row's text opens it too
        height=min(400, 38 + 35 * len(ids)),
        column_config={
            "ID": st.column_config.TextColumn(width=70),
            "Activity": st.column_config.TextColumn(width="large"),
            "Status": st.column_config.TextColumn(width="small"),
            "Responsible": st.column_config.TextColumn(width="small"),
            "Measure": st.column_config.TextColumn(width=70),
        },
    )
    if st.session_state.get("ex_activity") not in ids:
        st.session_state["ex_activity"] = None
    by_id = {a.id: a for a in activities}
    chosen = st.selectbox(
        "Open an activity",
        ids,
        key="ex_activity",
        index=None,
        placeholder="Choose an activity…",
        format_func=lambda k: f"{k} · {short(by_id[k].title, 100)}",
    )
    if chosen:
        a = by_id[chosen]
        with st.container(border=True):
            head, badge = st.columns([5, 1], vertical_alignment="center")
            head.markdown(f"#### {record_heading(a)}")
            with badge:
                st.badge(status_label(a.status), color=BADGE_COLOR.get(a.status, "gray"))  # type: ignore[arg-type]
            record_block(a, cat)
            measure_indicators = [i for i in cat.indicators if i.owner == a.measure]
            if measure_indicators:  # how the activity's measure is measured, beside the activity
                st.markdown(f"**Indicators of measure {a.measure}**")
                indicator_charts(measure_indicators)
            if st.button("Ask about this activity", icon=":material/forum:", key="ex_ask"):
                st.session_state["pending_question"] = f"What is the status of Activity {a.id} and why?"
                st.switch_page(CHAT_PAGE)


def tab_indicators(cat: Catalog, indicators: list[Indicator]) -> None:
    if not indicators:
        st.info("No indicators match the filters.")
        return
    rows = [
        {
            "Of": owner_label(i.owner, cat).split(" · ")[0].replace("Overall objective", "Overall"),
            "Indicator": i.name,
            "Unit": unit_of(i),
            **{point_label(v): short(v.raw, 60) for v in i.values},
        }
        for i in indicators
    ]
    columns = list(dict.fromkeys(k for row in rows for k in row if k not in {"Of", "Indicator", "Unit"}))
    st.caption(
        f"{len(rows)} of {len(cat.indicators)} indicators shown, with the values as the matrix writes them."
    )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key="ex_indicators_table",
        height=min(360, 38 + 35 * len(rows)),
        column_config={
            "Of": st.column_config.TextColumn(width=105, help="The measure or objective"),
            "Indicator": st.column_config.TextColumn(width=300),
            "Unit": st.column_config.TextColumn(width=95),
            **{c: st.column_config.TextColumn(width=80) for c in columns},
        },
    )
    owners = sorted(
        {i.owner for i in indicators}, key=lambda o: (o.count("."), id_key(o)) if o != "0" else (0, [])
    )
    measures_first = [o for o in owners if o.count(".") == 2] + [o for o in owners if o.count(".") != 2]
    if st.session_state.get("ex_chart_owner") not in measures_first:
        st.session_state["ex_chart_owner"] = measures_first[0]
    owner = st.selectbox(
        "Chart the indicators of",
        measures_first,
        key="ex_chart_owner",
        format_func=lambda o: owner_label(o, cat),
    )
    indicator_charts([i for i in indicators if i.owner == owner])


def render() -> None:
    st.title("Evaluation Matrix")
    st.caption(
        "Annex 7 of the evaluation, record by record: specific objectives, their measures, the activities "
        "with their status in 2021, and the indicators with baseline, targets and achieved values. "
        "Filter and search; open a measure or an activity to read its whole record."
    )
    cat = catalog()
    if cat is None:
        return
    f = filters(cat)
    activities = filter_activities(cat, f)
    measures = filter_measures(cat, f, activities)
    indicators = filter_indicators(cat, f, measures)
    t_obj, t_meas, t_act, t_ind = st.tabs(
        [
            ":material/target: Objectives",
            ":material/flag: Measures",
            ":material/task_alt: Activities",
            ":material/monitoring: Indicators",
        ],
        key="ex_tab",
    )
    with t_obj:
        tab_objectives(cat, f, activities)
    with t_meas:
        tab_measures(cat, measures, activities)
    with t_act:
        tab_activities(cat, activities)
    with t_ind:
        tab_indicators(cat, indicators)


if __name__ == "__main__":
    render()
