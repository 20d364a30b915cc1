"""Streamlit pieces the pages share: the backend, error handling, the source viewer, styles."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from app.ui_client import Backend, BackendError, FeatureMissing, citation_section, get_backend
from app.ui_text import (
    KIND_LABEL,
    citation_label,
    context_of,
    find_quote,
    find_record,
    highlight_html,
    md_escape,
    record_fields,
    record_heading,
    short,
)
from app.ui_words import word
from ingest.records import Catalog
from rag.models import Citation

log = logging.getLogger("egov.ui")
T = TypeVar("T")

APP_TITLE = "eGov Evaluation Assistant"
CAPTION_COLOR = "#4a5561"  # small text; kept in step with the CSS below (tests/app/test_ui_contrast.py)

CSS = """
<style>
.egov-source {font-size: 0.95rem; line-height: 1.55;}
.egov-source .where {color: #5f6368; font-size: 0.85rem; margin-bottom: 0.6rem;}
.egov-source .context {color: #5f6368; font-size: 0.85rem; margin: 0 0 0.6rem 0;}
.egov-source table.fields {border-collapse: collapse; width: 100%;}
.egov-source table.fields th {text-align: left; vertical-align: top; width: 28%; padding: 0.45rem 0.75rem 0.45rem 0;
  color: #3c4043; font-weight: 600; border-top: 1px solid #e6e8eb;}
.egov-source table.fields td {vertical-align: top; padding: 0.45rem 0; border-top: 1px solid #e6e8eb;}
.egov-source .passage {background: #f7f8fa; border-left: 3px solid #1f5fa8; padding: 0.7rem 0.9rem; border-radius: 4px;}
.egov-source mark, .egov-answer mark {background: #ffe58a; padding: 0 2px; border-radius: 2px;}
.block-container {padding-top: 3.2rem;}
h1 {font-size: 2.1rem !important;}
.egov-source .label {font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: #5f6368;
  margin: 0.9rem 0 0.3rem 0;}
/* WCAG AA (4.5:1) for small text: captions and the sidebar's text get CAPTION_COLOR (6.96:1 on the sidebar's
   background, 7.6:1 on white) instead of the theme's faded grey (4.07:1 and 3.94:1) */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stSidebar"] p, [data-testid="stSidebar"] label, [data-testid="stSidebar"] span {color: #4a5561;}
</style>
"""


def inject_css() -> None:
    st.html(CSS)


def backend() -> Backend:
    """The backend of this app (in-process or the API)."""
    return get_backend()


def warm() -> None:
    """Load the index and model in the background (after a page is drawn) so the first answer is quick."""
    try:
        get_backend().warm()
    except Exception:  # noqa: BLE001 - warming is only an optimisation
        log.warning("warm-up failed", exc_info=True)


def call(fn: Callable[..., T], *args: Any, failure: str = "", **kwargs: Any) -> T | None:
    """Run a backend call; on failure show a clear message (never a traceback) and return None."""
    try:
        return fn(*args, **kwargs)
    except FeatureMissing as exc:
        st.info(str(exc), icon=":material/construction:")
    except BackendError as exc:
        st.error(f"{failure} {exc}".strip(), icon=":material/error:")
    except Exception as exc:  # noqa: BLE001
        log.exception("UI backend call failed")
        st.error(
            f"{failure} Something went wrong ({exc.__class__.__name__}). Please try again.".strip(),
            icon=":material/error:",
        )
    return None


def catalog() -> Catalog | None:
    """The record catalog, or None after showing why it is not available."""
    cat = call(backend().catalog, failure="The Evaluation Matrix could not be loaded.")
    if cat is not None and not cat.activities and not cat.measures:
        st.info(
            "The index holds no Evaluation Matrix yet. Build it with `egov ingest` and reload this page.",
            icon=":material/database:",
        )
        return None
    return cat


# ------------------------------------------------------------------------- source viewer


@dataclass
class SourceRef:
    """Something an answer rests on: a citation (with its quote) or a retrieved source (with its text)."""

    kind: str
    id: str
    title: str
    source: str
    quote: str = ""
    text: str = ""  # the retrieved chunk's text, when known
    language: str = "en"  # of the answer that cites it: its label's language (app/ui_words.py)

    @property
    def label(self) -> str:
        return citation_label({"kind": self.kind, "id": self.id}, self.language)


def ref_from_citation(c: dict, language: str = "en") -> SourceRef:
    return SourceRef(
        kind=c.get("kind", ""),
        id=str(c.get("id", "")),
        title=c.get("title", ""),
        source=c.get("source", ""),
        quote=c.get("quote", ""),
        language=language,
    )


def ref_from_source(s: dict, cat: Catalog | None, language: str = "en") -> SourceRef:
    """A retrieved chunk as something to open: its record when it is one, else its report section."""
    meta = s.get("metadata") or {}
    kind = str(meta.get("kind") or "section")
    record_id = str(meta.get("record_id") or "")
    document = str(meta.get("document") or "")
    section = str(meta.get("section") or "").split(" > ")[-1]
    if kind in {"activity", "measure", "objective", "indicator"} and record_id:
        title = ""
        rec = find_record(cat, kind, record_id) if cat is not None else None
        if rec is not None:
            title = getattr(rec, "title", "") or getattr(rec, "name", "")
        id_ = (
            record_id.split("/")[0] if kind == "indicator" else record_id
        )  # an indicator is cited by its owner
        return SourceRef(
            kind=kind,
            id=id_,
            title=title,
            source=f"{document}, {section}, line {meta.get('line_start', '')}",
            text=s.get("text", ""),
            language=language,
        )
    number = section.split(" ", 1)[0].rstrip(".") if section[:1].isdigit() else (section or document)
    return SourceRef(
        kind="section",
        id=number,
        title=section or document,
        source=f"{document}, section {section}",
        text=s.get("text", ""),
        language=language,
    )


def source_label(ref: SourceRef) -> str:
    if ref.kind == "indicator":
        if ref.title:
            return word("indicator.named", ref.language, title=short(ref.title, 34))
        return word("indicator", ref.language)
    return ref.label


def _fields_html(fields: list[tuple[str, str]], quote: str) -> tuple[str, bool]:
    rows, found = [], False
    for label, value in fields:
        if quote and not found:
            body, hit = highlight_html(value, quote)
            found = hit
        else:
            body = html.escape(value).replace("\n", "<br>")
        rows.append(f"<tr><th>{html.escape(label)}</th><td>{body}</td></tr>")
    return f"<table class='fields'>{''.join(rows)}</table>", found


def render_source(ref: SourceRef) -> None:
    """The source of a citation: the record's fields or the report passage, the quote highlighted."""
    cat = call(backend().catalog, failure="The source could not be opened.")
    rec = find_record(cat, ref.kind, ref.id, ref.title, ref.source) if cat is not None else None
    from_report = "section" in ref.source or ref.kind == "section"
    quote = ref.quote

    passage_html = ""
    passage_found = False
    if from_report or rec is None:
        text = ref.text if ref.text and (not quote or find_quote(ref.text, quote)) else ""
        title, where = (ref.title or ref.label), ref.source
        if not text and quote:
            p = backend().passage(quote, [ref.id], citation_section(_as_citation(ref)))
            if p is not None:
                text, title, where = p.text, p.title, p.location
        if text:
            text = re.sub(r"^\[[^\]\n]*\]\s*\n", "", text)  # the chunk's breadcrumb line; the title says it
            body, passage_found = (
                highlight_html(text, quote) if quote else (html.escape(text).replace("\n", "<br>"), False)
            )
            label = "From the report" if rec is None else f"From the report · {html.escape(short(title, 90))}"
            passage_html = (
                f"<div class='label'>{label}</div>"
                f"<div class='where'>{html.escape(where)}</div><div class='passage'>{body}</div>"
            )

    parts = ["<div class='egov-source'>"]
    if rec is not None:
        heading = record_heading(rec)
        name = getattr(rec, "title", "") or getattr(rec, "name", "")
        st.markdown(f"**{md_escape(heading)}** — {md_escape(short(name, 160))}")
        context = context_of(rec, cat) if cat is not None else []
        if context:
            parts.append("<div class='context'>" + "<br>".join(html.escape(c) for c in context) + "</div>")
    else:
        st.markdown(f"**{md_escape(short(ref.title or ref.label, 200))}**")

    if passage_html:
        parts.append(passage_html)
    if rec is not None:
        fields_html, fields_found = _fields_html(record_fields(rec), "" if passage_found else quote)
        where = ref.source if not from_report else (ref.source.split(",")[0] + ", Annex 7: Evaluation Matrix")
        parts.append(
            f"<div class='label'>The record in the Evaluation Matrix</div>"
            f"<div class='where'>{html.escape(where)}</div>{fields_html}"
        )
        passage_found = passage_found or fields_found
    parts.append("</div>")
    st.html("".join(parts))
    if quote and not passage_found:
        st.caption("Quoted: “" + short(quote, 400) + "”")


def _as_citation(ref: SourceRef) -> Any:

    kind = ref.kind if ref.kind in KIND_LABEL else "section"
    return Citation(id=ref.id, kind=kind, title=ref.title, source=ref.source, quote=ref.quote)  # type: ignore[arg-type]


def open_source(ref: SourceRef) -> None:
    """Open the source in a dialog."""
    st.dialog(ref.label, width="large")(render_source)(ref)
