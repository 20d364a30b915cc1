"""Render a DraftDoc as Markdown (pipe tables) or as a Word document (python-docx, real tables)."""

from __future__ import annotations

import io
from typing import Any

# The renderers read a DraftDoc's fields (rag/draft/models.py) without importing it, so that the draft's models can
# offer to_markdown() and to_docx_bytes() without an import cycle.


def _headers(doc: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The tables' headers, with the year the matrix's statuses stand at."""
    status = f"Status {doc.as_of}".strip() if doc.as_of else "Status"
    return (
        ("ID", doc.activity_name, "Responsible", status, "Proposal"),
        ("ID", doc.activity_name, status, "Why it is left out"),
        ("Indicator", "Baseline (latest achieved)", "Target (latest in the matrix)", "Proposal"),
    )


def _source_note(doc: Any) -> str:
    return (
        f"Drafted from the evaluation (its findings, its recommendations and {doc.matrix}). Numbers in brackets "
        "refer to the sources listed at the end; every quote is verbatim."
    )


def _refs(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _cell(text: str) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|") or "—"


def _with_refs(text: str, numbers: list[int]) -> str:
    return f"{text} {_refs(numbers)}".strip()


def _short(title: str, limit: int = 80) -> str:
    title = " ".join((title or "").split())
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0] + " …"


def _source_line(n: int, c) -> str:
    return f"{n}. [{c.id}] {_short(c.title)} — {c.source}: “{c.quote}”"


# ---------------------------------------------------------------- Markdown


def render_markdown(doc: Any) -> str:
    lines: list[str] = [f"# {doc.title}", ""]
    if not doc.covered:
        lines += [doc.message or "The evaluation does not cover this request.", ""]
        return "\n".join(lines).rstrip() + "\n"
    lines += [f"_Request: {doc.request.strip()}_", "", f"_{_source_note(doc)}_", ""]
    for e in doc.entries:
        lines += _entry_markdown(doc, e)
    if doc.general:
        lines += ["## Recommendations from the evaluation", ""]
        for r in doc.general:
            lines += [f"### {r.theme}", ""]
            lines += [f"- {_with_refs(s.text, s.refs)}" for s in r.statements]
            lines.append("")
    lines += ["## Sources", ""]
    lines += [_source_line(n, c) for n, c in enumerate(doc.citations, 1)]
    return "\n".join(lines).rstrip() + "\n"


def _entry_markdown(doc: Any, e: Any) -> list[str]:
    ACTIVITY_HEADER, LEFT_OUT_HEADER, INDICATOR_HEADER = _headers(doc)
    out = [f"## {doc.measure_name} {e.id}: {e.title}", ""]
    facts = []
    if e.objective:
        facts.append(
            f"**{doc.objective_name}:** {e.objective}"
            + (f" {e.objective_title}" if e.objective_title else "")
        )
    facts.append(
        f"**Responsible entity:** {e.responsible or 'not named in the matrix'} {_refs(e.refs)}".rstrip()
    )
    out += ["  \n".join(facts), "", e.summary, ""]
    if e.rationale:
        out += ["### Rationale: what the evaluation found", ""]
        out += [f"- {_with_refs(s.text, s.refs)}" for s in e.rationale]
        out.append("")
    out += ["### Proposed activities", ""]
    if e.activities:
        out += ["| " + " | ".join(ACTIVITY_HEADER) + " |", "|" + "---|" * len(ACTIVITY_HEADER)]
        for a in e.activities:
            out.append(
                "| "
                + " | ".join(
                    _cell(v)
                    for v in (
                        a.id,
                        a.title,
                        a.responsible,
                        a.status_label,
                        _with_refs(a.proposal, a.refs[:1]),
                    )
                )
                + " |"
            )
        out.append("")
        out += ["What the evaluation says about them:", ""]
        for a in e.activities:
            if a.notes:
                out.append(f"- **{a.id}**: " + " ".join(_with_refs(s.text, s.refs) for s in a.notes))
        out.append("")
    else:
        out += ["No activity of this measure is proposed for the new action plan.", ""]
    if e.left_out:
        out += ["### Activities left out", ""]
        out += ["| " + " | ".join(LEFT_OUT_HEADER) + " |", "|" + "---|" * len(LEFT_OUT_HEADER)]
        for a in e.left_out:
            out.append(
                "| "
                + " | ".join(_cell(v) for v in (a.id, a.title, a.status_label, _with_refs(a.reason, a.refs)))
                + " |"
            )
        out.append("")
        for a in e.left_out:
            out.append(
                f"- {a.id} is left out: {a.reason}. " + " ".join(_with_refs(s.text, s.refs) for s in a.notes)
            )
        out.append("")
    out += ["### Indicators", ""]
    if e.indicators:
        out += ["| " + " | ".join(INDICATOR_HEADER) + " |", "|" + "---|" * len(INDICATOR_HEADER)]
        for i in e.indicators:
            out.append(
                "| "
                + " | ".join(
                    _cell(v) for v in (i.name, i.baseline, i.target, _with_refs(i.proposal, i.refs[:3]))
                )
                + " |"
            )
        out.append("")
        for i in e.indicators:
            history = "; ".join(f"{k}: {v}" for k, v in i.history)
            notes = " ".join(_with_refs(s.text, s.refs) for s in i.notes)
            out.append(f"- **{i.name}** ({history}). {notes}".rstrip())
        out.append("")
    else:
        out += [
            f"{doc.matrix[:1].upper() + doc.matrix[1:]} gives no indicator at the level of this {doc.measure_name.lower()}.",
            "",
        ]
    if e.recommendations:
        out += ["### Cross-cutting recommendations that apply", ""]
        for r in e.recommendations:
            out.append(
                f"- **{r.theme}** (applies because {r.applies_because}): "
                + " ".join(_with_refs(s.text, s.refs) for s in r.statements)
            )
        out.append("")
    out += ["### Open points", ""]
    out += [f"- {_with_refs(s.text, s.refs)}" for s in e.open_points] or ["- None found in the matrix."]
    out.append("")
    return out


# ---------------------------------------------------------------- Word


def render_docx(doc: Any) -> bytes:
    from docx import Document
    from docx.shared import Pt

    d = Document()
    d.core_properties.title = doc.title[:250]
    d.core_properties.subject = f"Draft entries for the {doc.period} action plan"
    d.add_heading(doc.title, level=0)
    if not doc.covered:
        d.add_paragraph(doc.message or "The evaluation does not cover this request.")
        return _save(d)
    p = d.add_paragraph()
    p.add_run(f"Request: {doc.request.strip()}").italic = True
    note = d.add_paragraph()
    note.add_run(_source_note(doc)).italic = True
    for e in doc.entries:
        _entry_docx(d, doc, e)
    if doc.general:
        d.add_heading("Recommendations from the evaluation", level=1)
        for r in doc.general:
            d.add_heading(r.theme, level=2)
            for s in r.statements:
                d.add_paragraph(_with_refs(s.text, s.refs), style="List Bullet")
    d.add_heading("Sources", level=1)
    for n, c in enumerate(doc.citations, 1):
        para = d.add_paragraph()
        para.add_run(f"[{n}] ").bold = True
        para.add_run(f"{c.id} {_short(c.title)} — {c.source}: ")
        para.add_run(f"“{c.quote}”").italic = True
        for run in para.runs:
            run.font.size = Pt(9)
    return _save(d)


def _table(d, header: tuple[str, ...], rows: list[tuple[str, ...]]):
    table = d.add_table(rows=1, cols=len(header))
    try:
        table.style = "Table Grid"
    except Exception:  # noqa: BLE001 - a template without the style keeps the default
        pass
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = " ".join(str(text or "").split()) or "—"
    return table


def _noted(d, label: str, notes: list[Any]) -> None:
    """A bullet with the label in bold and what the evaluation says about it, cited; nothing when it says nothing."""
    if notes:
        para = d.add_paragraph(style="List Bullet")
        para.add_run(f"{label}: ").bold = True
        para.add_run(" ".join(_with_refs(s.text, s.refs) for s in notes))


def _bullets(d, statements: list[Any], prefix: str = "") -> None:
    for s in statements:
        d.add_paragraph(prefix + _with_refs(s.text, s.refs), style="List Bullet")


def _entry_docx(d, doc: Any, e: Any) -> None:
    ACTIVITY_HEADER, LEFT_OUT_HEADER, INDICATOR_HEADER = _headers(doc)
    d.add_heading(f"{doc.measure_name} {e.id}: {e.title}", level=1)
    facts = d.add_paragraph()
    if e.objective:
        facts.add_run(f"{doc.objective_name}: ").bold = True
        facts.add_run(f"{e.objective} {e.objective_title}".strip())
        facts.add_run().add_break()
    facts.add_run("Responsible entity: ").bold = True
    facts.add_run(f"{e.responsible or 'not named in the matrix'} {_refs(e.refs)}".strip())
    d.add_paragraph(e.summary)
    if e.rationale:
        d.add_heading("Rationale: what the evaluation found", level=2)
        _bullets(d, e.rationale)
    d.add_heading("Proposed activities", level=2)
    if e.activities:
        _table(
            d,
            ACTIVITY_HEADER,
            [
                (a.id, a.title, a.responsible, a.status_label, _with_refs(a.proposal, a.refs[:1]))
                for a in e.activities
            ],
        )
        d.add_paragraph("What the evaluation says about them:")
        for a in e.activities:
            _noted(d, a.id, a.notes)
    else:
        d.add_paragraph("No activity of this measure is proposed for the new action plan.")
    if e.left_out:
        d.add_heading("Activities left out", level=2)
        _table(
            d,
            LEFT_OUT_HEADER,
            [(a.id, a.title, a.status_label, _with_refs(a.reason, a.refs)) for a in e.left_out],
        )
        for a in e.left_out:
            d.add_paragraph(
                f"{a.id} is left out: {a.reason}. " + " ".join(_with_refs(s.text, s.refs) for s in a.notes),
                style="List Bullet",
            )
    d.add_heading("Indicators", level=2)
    if e.indicators:
        _table(
            d,
            INDICATOR_HEADER,
            [(i.name, i.baseline, i.target, _with_refs(i.proposal, i.refs[:3])) for i in e.indicators],
        )
        for i in e.indicators:
            _noted(d, i.name, i.notes)
    else:
        d.add_paragraph(
            f"{doc.matrix[:1].upper() + doc.matrix[1:]} gives no indicator at the level of this {doc.measure_name.lower()}."
        )
    if e.recommendations:
        d.add_heading("Cross-cutting recommendations that apply", level=2)
        for r in e.recommendations:
            para = d.add_paragraph(style="List Bullet")
            para.add_run(f"{r.theme}").bold = True
            para.add_run(
                f" (applies because {r.applies_because}): "
                + " ".join(_with_refs(s.text, s.refs) for s in r.statements)
            )
    d.add_heading("Open points", level=2)
    if e.open_points:
        _bullets(d, e.open_points)
    else:
        d.add_paragraph("None found in the matrix.")


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
