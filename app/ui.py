"""Streamlit front end of the eGov Evaluation Assistant: `egov ui` or `streamlit run app/ui.py`.

Three pages (chat, matrix explorer, drafting) and a sidebar with the index statistics and, on the
chat page, the answer settings. The pages call `app.ui_client` (in-process `rag`, or the HTTP API
when EGOV_API_URL is set); no answering logic lives here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run app/ui.py` from a checkout that is not pip-installed
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from app.ui_charts import status_label  # noqa: E402
from app.ui_common import APP_TITLE, backend, call, inject_css, warm  # noqa: E402
from app.ui_text import short  # noqa: E402

HERE = Path(__file__).resolve().parent
# Widget values the sidebar keeps while the user is on another page.
SETTINGS_KEYS = ("answer_mode", "answer_k", "flt_objective", "flt_measure", "flt_doc_type")
DOC_TYPES = {
    "": "All documents",
    "report": "Report text",
    "annex": "Annexes (Evaluation Matrix)",
    "interview": "Interview notes",
}


def keep_settings() -> None:
    """Keep the answer settings across pages (Streamlit drops state of widgets not drawn in a run)."""
    for key in SETTINGS_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


COVERS = (
    "Ask about the evaluation: what a measure or activity achieved, why, who was responsible, what it "
    "recommends. Each answer cites the measure and activity IDs it rests on, or says plainly that the "
    "evaluation does not answer."
)
LANGUAGE = (
    "Ask in English or Serbian (Latin or Cyrillic). The evaluation is in English: answers quote it in English.  \n"
    "Pitajte na engleskom ili srpskom (latinica ili ćirilica). Evaluacija je na engleskom, pa odgovori "
    "citiraju izveštaj na engleskom."
)


def sidebar_stats() -> dict | None:
    """What the evaluation holds, in an official's words; the statistics themselves are returned for
    'About'."""
    stats = call(backend().stats, failure="Index statistics are not available.")
    if not stats:
        return None
    statuses = {k: v for k, v in (stats.get("statuses") or {}).items() if v}
    line = (
        f"{stats.get('measures', 0)} measures, {stats.get('activities', 0)} activities and "
        f"{stats.get('indicators', 0)} indicators"
    )
    if statuses:
        line += " · activities " + ", ".join(f"{v} {status_label(k).lower()}" for k, v in statuses.items())
    st.caption(line)
    return stats


def sidebar_about(stats: dict | None) -> None:
    """Details for whoever runs the tool: the answer mode, how many sources, the backend, the index."""
    with st.expander("About this tool", icon=":material/info:"):
        if st.session_state.get("page_title") == "Ask":
            sidebar_answer_mode()
        if stats:
            docs = stats.get("documents", 0)
            st.caption(
                f"{docs} document{'s' if docs != 1 else ''} indexed in {stats.get('chunks', 0)} text chunks."
            )
        st.caption(f"Backend: {backend().label}")


def sidebar_answer_mode() -> None:
    b = backend()
    modes = call(b.modes) or []
    if modes:
        labels = {m.key: m.label for m in modes}
        st.radio(
            "Answer mode",
            list(labels),
            format_func=labels.get,
            key="answer_mode",
            help="Extractive answers quote the evaluation word for word. An LLM rewrites them, still citing.",
        )
        if len(modes) == 1 and modes[0].key == "extractive":
            st.caption("No LLM is configured (set EGOV_LLM_PROVIDER and EGOV_LLM_MODEL to add one).")
    st.session_state.setdefault("answer_k", max(1, min(20, b.default_k())))
    st.slider(
        "Sources to use",
        min_value=1,
        max_value=20,
        key="answer_k",
        help="How many passages and records are retrieved for each question.",
    )


def sidebar_filters() -> None:
    b = backend()
    st.markdown("#### Limit answers to")
    cat = call(b.catalog)
    objectives = {o.id: o.title for o in cat.objectives} if cat else {}
    chosen = st.selectbox(
        "Specific objective",
        [""] + list(objectives),
        key="flt_objective",
        format_func=lambda k: f"{k} · {short(objectives[k], 42)}" if k else "All objectives",
    )
    measures = {m.id: m.title for m in (cat.measures if cat else []) if not chosen or m.objective == chosen}
    if st.session_state.get("flt_measure") not in ("", None, *measures):
        st.session_state["flt_measure"] = ""
    st.selectbox(
        "Measure",
        [""] + list(measures),
        key="flt_measure",
        format_func=lambda k: f"{k} · {short(measures[k], 42)}" if k else "All measures",
    )
    st.selectbox("Documents", list(DOC_TYPES), key="flt_doc_type", format_func=lambda k: DOC_TYPES.get(k, k))


def main() -> None:
    st.set_page_config(
        page_title=APP_TITLE,
        page_icon=":material/account_balance:",
        layout="wide",
        initial_sidebar_state="auto",  # open on a desktop, closed on a phone (the chat box stays in view)
    )
    inject_css()
    keep_settings()
    pages = [
        st.Page(HERE / "ui_chat.py", title="Ask", icon=":material/forum:", url_path="chat", default=True),
        st.Page(
            HERE / "ui_explorer.py",
            title="Evaluation Matrix",
            icon=":material/table_view:",
            url_path="explorer",
        ),
        st.Page(
            HERE / "ui_draft.py", title="Draft action plan", icon=":material/edit_document:", url_path="draft"
        ),
    ]
    page = st.navigation(pages, position="top")
    st.session_state["page_title"] = page.title
    with st.sidebar:
        st.markdown(f"### :material/account_balance: {APP_TITLE}")
        st.caption("Ex-post evaluation of Serbia's e-Government Development Programme 2020-2022.")
        st.markdown(COVERS)
        st.caption(LANGUAGE)
        stats = sidebar_stats()
        if page.title == "Ask":
            st.divider()
            sidebar_filters()
        st.divider()
        sidebar_about(stats)
    page.run()
    warm()


main()
