"""Text helpers of the UI (no Streamlit here): labels, quote highlighting, record fields."""

from __future__ import annotations

import html
import re
from typing import Any

from app.ui_words import WORDS, word
from core.ids import depth, is_id, parent
from ingest.records import Activity, Catalog, Indicator, Measure, Objective

KIND_LABEL = {
    "activity": "Activity",
    "measure": "Measure",
    "objective": "Objective",
    "indicator": "Indicator",
    "section": "Section",
}
KIND_ICON = {
    "activity": ":material/task_alt:",
    "measure": ":material/flag:",
    "objective": ":material/target:",
    "indicator": ":material/monitoring:",
    "section": ":material/article:",
}


def _get(obj: Any, name: str, default: Any = "") -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def citation_label(c: Any, language: Any = "en") -> str:
    """'Activity 1.4.2.2', 'Measure 1.3.5', 'Indicator of Measure 1.3.1', 'Section 3.2.4', 'Report: Executive
    summary'; in Serbian ('Aktivnost 1.4.2.2', 'Pokazatelj mere 1.3.1') for an answer in Serbian."""
    kind, id_ = _get(c, "kind"), str(_get(c, "id"))
    if kind == "indicator":
        if id_ == "0":
            return word("indicator.overall", language)
        owner = {1: "indicator.of_objective", 2: "indicator.of_measure"}.get(id_.count("."), "indicator.of")
        return word(owner, language, id=id_)
    if kind == "section":
        return (
            word("kind.section", language, id=id_)
            if id_[:1].isdigit()
            else word("report", language, title=short(id_, 40))
        )
    if f"kind.{kind}" in WORDS:
        return word(f"kind.{kind}", language, id=id_).strip()
    return f"{KIND_LABEL.get(kind, kind.capitalize())} {id_}".strip()


def short(text: str, n: int = 90) -> str:
    """Whitespace folded and cut at a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= n:
        return text
    return text[: n - 1].rsplit(" ", 1)[0].rstrip(",;:-") + "…"


MD_ACTIVE = re.compile(r"([\\`*_\[\]<>!|~$])")  # what makes markdown do something: links, images, HTML, code
URL_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|javascript|data)(:)")
WWW = re.compile(r"(?i)\bwww\.")


def md_escape(text: str) -> str:
    """Document or answer text made inert for st.markdown and st.write_stream: it shows as written, with
    no image fetched, no link, no HTML, no LaTeX from '$' and no heading, quote or list made by a line's
    first character. Bare web addresses are broken up with a zero-width space so they are not linked."""
    text = MD_ACTIVE.sub(r"\\\1", text or "")
    text = URL_SCHEME.sub("\\1\u200b\\2", text)
    text = WWW.sub(lambda m: m.group(0)[:3] + "\u200b.", text)
    text = re.sub(r"(?m)^(\s*)(\d+)\.", r"\1\2\\.", text)  # "1." at a line's start: no list
    return re.sub(r"(?m)^(\s*)([#>+=-])", r"\1\\\2", text)


def inert_markdown(markdown: str) -> str:
    """Markdown of our own making (a draft: headings, bold, lists) whose quoted document text may hold
    links, images or HTML: those are made inert (brackets, angle brackets and web addresses escaped),
    the formatting kept."""
    text = re.sub(r"([\[\]<>])", r"\\\1", markdown or "")
    text = URL_SCHEME.sub("\\1\u200b\\2", text)
    return WWW.sub(lambda m: m.group(0)[:3] + "\u200b.", text)


def _quote_pattern(quote: str) -> re.Pattern | None:
    quote = " ".join((quote or "").split())
    quote = re.sub(r"\s*(…|\.\.\.)$", "", quote).strip().strip('“”"')
    if len(quote) < 2:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in quote.split()))


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Span of the quote in the text, whitespace- and then case-insensitively."""
    pattern = _quote_pattern(quote)
    if pattern is None or not text:
        return None
    m = pattern.search(text) or re.compile(pattern.pattern, re.I).search(text)
    return (m.start(), m.end()) if m else None


def highlight_html(text: str, quote: str) -> tuple[str, bool]:
    """The text as HTML (escaped, line breaks kept) with the quote wrapped in <mark>; and whether it was found."""
    text = text or ""
    span = find_quote(text, quote)

    def esc(s: str) -> str:
        return html.escape(s).replace("\n", "<br>")

    if span is None:
        return esc(text), False
    s, e = span
    return f"{esc(text[:s])}<mark>{esc(text[s:e])}</mark>{esc(text[e:])}", True


def record_fields(rec: Any) -> list[tuple[str, str]]:
    """A record's fields as (label, value), in the matrix's order, empty ones left out."""
    if isinstance(rec, Activity):
        pairs = [
            ("Activity", rec.title),
            ("Responsible entity", rec.responsible),
            ("Status", rec.status_raw or "not given in the matrix"),
            ("Reasoning for the progress", rec.reasoning),
            ("Relevance", rec.relevance),
            ("Effectiveness", rec.effectiveness),
            ("Possible next steps", rec.next_steps),
        ]
    elif isinstance(rec, Measure):
        pairs = [
            ("Measure", rec.title),
            ("Responsible entity", rec.responsible),
            ("Relevance", rec.relevance),
        ]
    elif isinstance(rec, Objective):
        pairs = [
            ("Objective", rec.title),
            ("Responsible entity", rec.responsible),
            ("Achievement of indicators", rec.achievement),
            ("Relevance", rec.relevance),
        ]
    elif isinstance(rec, Indicator):
        pairs = [
            ("Indicator", rec.name),
            ("Unit", rec.unit),
            *((v.label or "Value", v.raw) for v in rec.values),
            ("Reasoning for the progress", rec.reasoning),
            ("Possible next steps", rec.next_steps),
        ]
    else:
        return []
    return [(label, value) for label, value in pairs if value and value.strip() not in {"", "/"}]


def record_heading(rec: Any) -> str:
    if isinstance(rec, Activity):
        return f"Activity {rec.id}"
    if isinstance(rec, Measure):
        return f"Measure {rec.id}"
    if isinstance(rec, Objective):
        return "Overall objective" if rec.id == "0" else f"Specific objective {rec.id}"
    if isinstance(rec, Indicator):
        if rec.owner == "0":
            return "Indicator of the overall objective"
        return f"Indicator of {'measure' if rec.owner.count('.') == 2 else 'specific objective'} {rec.owner}"
    return ""


def line_of(source: str) -> int | None:
    m = re.search(r"\bline\s+(\d+)", source or "")
    return int(m.group(1)) if m else None


def find_record(catalog: Catalog, kind: str, id_: str, title: str = "", source: str = "") -> Any:
    """The catalog record a citation names: activity, measure or objective by ID; an indicator by owner and name."""
    if kind == "indicator" or "/ind" in id_:
        direct = next((i for i in catalog.indicators if i.id == id_), None)
        if direct is not None:
            return direct
        line = line_of(source)
        pool = catalog.indicators
        by_line = [i for i in pool if line and i.line == line]
        if by_line:
            return by_line[0]
        named = [i for i in pool if " ".join(i.name.split()) == " ".join((title or "").split())]
        owned = [i for i in named if i.owner == id_]
        found = owned or named
        return found[0] if found else None
    if kind == "section":
        return None
    if id_ == "0" and catalog.overall is not None:
        return catalog.overall
    return catalog.record(id_)


def context_of(rec: Any, catalog: Catalog) -> list[str]:
    """Where a record sits: its objective and measure, as short lines."""
    out = []
    obj_id = getattr(rec, "objective", "") or (
        rec.owner.rsplit(".", 1)[0] if isinstance(rec, Indicator) and rec.owner.count(".") == 2 else ""
    )
    measure_id = getattr(rec, "measure", "") or (
        rec.owner if isinstance(rec, Indicator) and rec.owner.count(".") == 2 else ""
    )
    if isinstance(rec, Indicator) and rec.owner.count(".") == 1:
        obj_id = rec.owner
    if obj_id:
        o = catalog.record(obj_id)
        if o is not None:
            out.append(f"Specific objective {o.id}: {o.title}")
    if measure_id:
        m = catalog.record(measure_id)
        if m is not None:
            out.append(f"Measure {m.id}: {m.title}")
    return out


LEAD_REST_CHARS = 500  # an answer's later paragraphs longer than this fold behind "Show all"
CHIPS_IN_A_ROW = 8  # more citations than this are grouped by the record two levels up


def lead_and_rest(answer: str, limit: int = LEAD_REST_CHARS) -> tuple[str, str]:
    """The answer's first paragraph, and the rest when it is long enough to fold away ('' otherwise)."""
    lead, _, rest = answer.partition("\n\n")
    if not rest.strip() or len(rest) <= limit:
        return answer, ""
    return lead, rest


def chip_groups(
    citations: list[Any], limit: int = CHIPS_IN_A_ROW, language: Any = "en"
) -> list[tuple[str, list[int]]]:
    """Citations in groups to show: one unnamed group when there are few; else one per top-level record
    (an objective: the ID's first two parts), passages of the text in their own group. Each group is
    (label, positions in the list), in order of first appearance; labels in the answer's language."""
    if len(citations) <= limit:
        return [("", list(range(len(citations))))]
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(citations):
        id_ = str(_get(c, "id"))
        kind = str(_get(c, "kind"))
        key = "the text" if kind == "section" or not is_id(id_) else id_
        while is_id(key) and depth(key) > 2:
            key = parent(key)
        groups.setdefault(key, []).append(i)
    return [
        (
            word("group.text", language, n=len(pos))
            if key == "the text"
            else word("group.under", language, id=key, n=len(pos)),
            pos,
        )
        for key, pos in groups.items()
    ]
