"""Drafting page: a measure or a topic -> a draft 2023-2025 action-plan entry -> edit -> .docx and .md."""

from __future__ import annotations

import re

import streamlit as st

from app.ui_client import BackendError, DraftView, FeatureMissing
from app.ui_common import backend, catalog
from app.ui_export import markdown_to_docx
from app.ui_text import citation_label, inert_markdown, md_escape, short

TOPICS = ["information security", "support for e-Government users", "open data", "one-stop shops", "IT staff"]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60] or "draft"


def _preview(markdown: str, title: str) -> str:
    """The draft for reading on the page: its title (shown above) dropped, headings two levels smaller."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# ") and lines[0][2:].strip() == title.strip():
        lines = lines[1:]
    return "\n".join(
        re.sub(r"^(#{1,4})(?=\s)", lambda m: "#" * min(6, len(m.group(1)) + 2), line) for line in lines
    )


def make_draft(request: str) -> None:
    """Ask the drafter and keep the result (or a clear message) in the session."""
    try:
        with st.spinner("Drafting from the evaluation's findings…"):
            view = backend().draft(request)
    except FeatureMissing as exc:
        st.session_state["draft_error"] = ("info", str(exc))
        return
    except BackendError as exc:
        st.session_state["draft_error"] = ("error", str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - a clear message, never a traceback
        st.session_state["draft_error"] = (
            "error",
            f"The draft could not be made ({exc.__class__.__name__}).",
        )
        return
    st.session_state.pop("draft_error", None)
    st.session_state["draft"] = view
    st.session_state["draft_text"] = st.session_state["draft_text_saved"] = view.markdown


def chooser() -> str | None:
    """Measure picker or topic box; returns the request when the user asks for a draft."""
    cat = catalog()
    measures = {m.id: m.title for m in cat.measures} if cat is not None else {}
    how = st.segmented_control(
        "Draft for", ["A measure", "A topic"], default="A measure", key="draft_how", required=True
    )
    request = ""
    if how == "A topic" or not measures:
        request = st.text_input(
            "Topic or request",
            key="draft_topic",
            placeholder="e.g. information security, or: Draft the entry for the one-stop-shop measure",
        )
        st.caption("Examples: " + ", ".join(TOPICS) + ".")
    else:
        request = (
            st.selectbox(
                "Measure",
                list(measures),
                key="draft_measure",
                format_func=lambda k: f"{k} · {short(measures[k], 100)}",
            )
            or ""
        )
    if st.button(
        "Draft the entry",
        type="primary",
        icon=":material/edit_note:",
        key="draft_go",
        disabled=not (request or "").strip(),
    ):
        return request.strip()
    return None


def result(view: DraftView) -> None:
    if not view.covered:
        st.warning(
            view.message or "The evaluation does not cover this topic, so there is nothing to draft from.",
            icon=":material/search_off:",
        )
        return
    st.subheader(view.title)
    if view.message:
        st.caption(view.message)
    # The text as last edited (the text area below holds it; kept while the user visits other pages).
    if "draft_text" not in st.session_state:
        st.session_state["draft_text"] = st.session_state.get("draft_text_saved", view.markdown)
    text = st.session_state.get("draft_text") or ""
    edited = text != view.markdown
    name = _slug(view.title or view.request)
    try:
        docx = view.docx if (not edited and view.docx) else markdown_to_docx(text, title=view.title)
    except Exception:  # noqa: BLE001 - the Markdown download still works
        docx = None
        st.error("The Word file could not be made from the edited text; the Markdown download still works.")
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        if docx:
            st.download_button(
                "Download .docx",
                docx,
                file_name=f"{name}.docx",
                on_click="ignore",
                type="primary",
                mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                icon=":material/description:",
                key="draft_dl_docx",
            )
        st.download_button(
            "Download .md",
            text,
            file_name=f"{name}.md",
            mime="text/markdown",
            on_click="ignore",
            icon=":material/download:",
            key="draft_dl_md",
        )
        if edited:
            if st.button("Undo my edits", icon=":material/undo:", key="draft_reset"):
                st.session_state["draft_text"] = st.session_state["draft_text_saved"] = view.markdown
                st.rerun()
            st.caption("Edited: both downloads carry your text.")
    preview, edit = st.tabs([":material/visibility: Preview", ":material/edit: Edit"])
    with edit:
        st.session_state["draft_text_saved"] = st.text_area(
            "Edit the draft (Markdown). Your changes go into both downloads.", key="draft_text", height=460
        )
    with preview:
        with st.container(border=True, height=460):
            st.markdown(inert_markdown(_preview(text, view.title)))
    if view.citations:
        with st.expander(f"Sources the draft rests on ({len(view.citations)})"):
            for i, c in enumerate(view.citations, 1):
                quote = short(c.quote, 220)
                st.markdown(
                    f"{i}. **{citation_label(c)}** — {md_escape(short(c.title, 100))}  \n"
                    f"_{md_escape(c.source)}_" + (f"  \n“{md_escape(quote)}”" if quote else "")
                )


def render() -> None:
    st.title("Draft the 2023-2025 action plan")
    st.caption(
        "Choose a measure or type a topic: the assistant drafts an action-plan entry from what the evaluation "
        "found and recommended (rationale, activities to continue or carry over, indicators with baselines "
        "and targets, open points), each statement cited. Edit it, then download it as Word or Markdown."
    )
    request = chooser()
    if request:
        make_draft(request)
    err = st.session_state.get("draft_error")
    if err:
        (st.info if err[0] == "info" else st.error)(
            err[1], icon=":material/construction:" if err[0] == "info" else ":material/error:"
        )
        return
    view = st.session_state.get("draft")
    if view is not None:
        st.divider()
        result(view)


if __name__ == "__main__":
    render()
