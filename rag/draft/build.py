"""Composing one measure's draft entry: rationale, activities, indicators, recommendations, open points, summary."""

from __future__ import annotations

import re

from ingest.records import Measure
from rag.disagreements import disagreement_note, disagreements
from rag.draft.activities import _activity_item
from rag.draft.cues import NOT_RELEVANT, PROSE_CUE, _move_target
from rag.draft.indicators import _indicator_item
from rag.draft.models import ActivityItem, MeasureEntry, Statement
from rag.draft.prose import (
    ProseSentence,
    _is_recommendations_chapter,
    _prose_cues,
    _section_number,
    report_sentences,
)
from rag.draft.refs import _Refs, _stmt
from rag.draft.text import _cap, _clip, _first, _norm, _plain, _verbatim_prefix
from rag.draft.themes import _recommendations
from rag.index import Index

MAX_RATIONALE = 6


def _measure_sentences(prose: list[ProseSentence], m: Measure, activity_ids: set[str]) -> list[ProseSentence]:
    """Sentences of the report about the measure: in its paragraphs, or naming it or its activities."""
    out = []
    for s in prose:
        if _is_recommendations_chapter(s.section):
            continue
        names_other = [i for i in s.ids if i.count(".") >= m.id.count(".") and not i.startswith(m.id)]
        if m.id in s.ids or activity_ids & set(s.ids) or (s.owner == m.id and not names_other):
            out.append(s)
    return out


def _rationale(
    m: Measure, sentences: list[ProseSentence], refs: _Refs, activity_ids: set[str]
) -> list[Statement]:
    out: list[Statement] = []
    if _plain(m.relevance):
        out.append(
            _stmt(
                f"{_cap(refs.catalog.matrix_name)}: “{_norm(m.relevance)}”",
                [refs.record(m, _first(m.relevance))],
                "matrix",
            )
        )
    pool = [s for s in sentences if not (activity_ids & set(s.ids)) or m.id in s.ids]
    scored: list[tuple[float, ProseSentence]] = []
    for rank, s in enumerate(pool):
        score: float = (3 if m.id in s.ids else 0) + (1 if re.search(r"\d", s.text.replace(m.id, "")) else 0)
        score += 1 if PROSE_CUE.search(s.text) else 0
        score += 2 if re.search(r"\bdelete\b|\bmerge\b", s.text, re.I) else 0
        score -= 0.01 * rank + (1 if len(s.text) > 600 else 0) + (1.5 if s.text.count(",") >= 8 else 0)
        scored.append((score, s))
    chosen = sorted(scored, key=lambda t: -t[0])[:MAX_RATIONALE]
    for _, s in sorted(chosen, key=lambda t: t[1].position):
        quote = _verbatim_prefix(s.text)
        shown = quote + (" …" if quote != s.text else "")
        out.append(
            _stmt(
                f"Findings ({_section_number(s.section)}): “{shown}”",
                [refs.prose(s, m.id, quote)],
                "findings",
            )
        )
    return out


def _entry(index: Index, m: Measure, refs: _Refs) -> MeasureEntry:
    catalog = index.catalog
    prose = report_sentences(index)
    own = [a for a in catalog.activities if a.measure == m.id]
    incoming = [a for a in catalog.activities if a.measure != m.id and _move_target(a, catalog) == m.id]
    activity_ids = {a.id for a in own + incoming}
    sentences = _measure_sentences(prose, m, activity_ids)
    head = refs.record(m, _norm(m.title))
    if m.responsible:
        refs.record(m, _norm(m.responsible))
    objective = catalog.record(m.objective)
    entry = MeasureEntry(
        id=m.id,
        title=_norm(m.title),
        objective=m.objective,
        objective_title=_norm(objective.title) if objective else "",
        responsible=_norm(m.responsible),
        relevance=_plain(m.relevance),
        refs=[head],
    )
    entry.rationale = _rationale(m, sentences, refs, activity_ids)
    open_points: list[Statement] = []
    for a in own + incoming:
        item = _activity_item(a, refs, sentences, incoming_from=a.measure if a in incoming else "")
        (entry.left_out if item.decision == "leave out" else entry.activities).append(item)
        if item.decision in ("verify", "decide") or (
            item.decision == "plan" and a.status in ("no data", "unknown")
        ):
            open_points.append(
                _stmt(
                    f"Activity {a.id}: {item.reason}; {('confirm whether to plan it' if item.decision == 'decide' else 'its status must be verified')}.",
                    item.refs[:1],
                    "matrix",
                )
            )
        cues = _prose_cues(sentences, a.id)
        for s in cues.data[:1]:
            open_points.append(
                _stmt(
                    f"Activity {a.id}: the findings ask for more data — “{_clip(s.text, 300)}”",
                    [refs.prose(s, a.id)],
                    "findings",
                )
            )
        if item.decision != "leave out" and cues.negative and not cues.positive:
            open_points.append(
                _stmt(
                    f"Activity {a.id}: the findings call it no longer relevant while the matrix "
                    f"fields support “{item.decision}”; confirm.",
                    [refs.prose(cues.negative[0], a.id)],
                    "findings",
                )
            )
    _share_repeated_notes(entry.activities + entry.left_out)
    measure_prose = [s for s in sentences if s.owner == m.id or m.id in s.ids]
    for ind in [i for i in catalog.indicators if i.owner == m.id]:
        ind_item, points = _indicator_item(ind, refs, measure_prose)
        entry.indicators.append(ind_item)
        open_points.extend(points)
    for s in sentences:
        if m.id in s.ids and re.search(
            r"\b(?:delete|cancel|merge)\s+(?:the\s+)?measure\s+" + re.escape(m.id) + r"(?!\.?\d)",
            s.text,
            re.I,
        ):
            open_points.append(
                _stmt(
                    f"{catalog.label(m.id)}: the findings propose deleting or merging the measure — decide before "
                    "drafting it into the new AP.",
                    [refs.prose(s, m.id)],
                    "findings",
                )
            )
            break
    entry.recommendations = _recommendations(index, m, entry.activities, catalog, refs, prose)
    open_points.extend(_differing_figures(entry, m, refs))
    entry.open_points = _dedupe(open_points)
    entry.summary = _summary(entry, refs)
    return entry


def _share_repeated_notes(items: list[ActivityItem]) -> None:
    """A findings sentence that lists several activities is quoted once, then referred back to."""
    first: dict[str, str] = {}
    for item in items:
        for n, note in enumerate(item.notes):
            if note.source != "findings":
                continue
            if note.text in first:
                label = note.text.split(":", 1)[0]
                item.notes[n] = Statement(
                    text=f"{label}: the sentence quoted for {first[note.text]}",
                    refs=note.refs,
                    source=note.source,
                )
            else:
                first[note.text] = item.id


def _dedupe(items: list[Statement]) -> list[Statement]:
    seen, out = set(), []
    for s in items:
        if s.text not in seen:
            seen.add(s.text)
            out.append(s)
    return out


def _ids_phrase(items: list[ActivityItem]) -> str:
    ids = [i.id for i in items]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _summary(e: MeasureEntry, refs: _Refs) -> str:
    """One composed paragraph that introduces the entry (the prose an LLM may rewrite)."""
    catalog = refs.catalog
    lead = f"{catalog.label(e.id)} ({e.title})"
    if e.responsible or e.objective:
        lead += (
            ","
            + (f" led by {e.responsible}" if e.responsible else "")
            + (f" under {catalog.label(e.objective).lower()}" if e.objective else "")
            + ","
        )
    relevance = (
        f" remains relevant for the coming period according to {catalog.matrix_name}"
        if re.search(r"\brelevant\b", e.relevance, re.I) and not NOT_RELEVANT.search(e.relevance)
        else " is reviewed here from the evaluation's findings"
    )
    parts = [lead + relevance + "."]
    groups: dict[str, list[ActivityItem]] = {}
    for a in e.activities:
        groups.setdefault(a.decision, []).append(a)
    verbs = {
        "carry over": "carry over",
        "continue": "continue",
        "plan": "plan",
        "move in": "move in",
        "verify": "verify first",
        "decide": "decide on",
    }
    said = [f"{verbs[d]} {_ids_phrase(items)}" for d, items in groups.items()]
    if said:
        parts.append(f"For {refs.period} the draft proposes to " + "; ".join(said) + ".")
    elif not e.left_out:
        parts.append(f"{_cap(catalog.matrix_name)} lists no {catalog.level_plural('activity')} for it.")
    if e.left_out:
        parts.append(
            f"It leaves out {_ids_phrase(e.left_out)} ({'; '.join(f'{a.id}: {a.reason}' for a in e.left_out)})."
        )
    if e.indicators:
        shown = [
            f"“{i.name}” ({i.baseline or 'no value'} {refs.as_of}"
            + (f", target {_clip(i.target, 40)}" if i.target and len(i.target) <= 40 else "")
            + ")"
            for i in e.indicators[:3]
        ]
        parts.append(
            (
                "Its indicators start from their latest achieved values: "
                if len(e.indicators) > 1
                else "Its indicator starts from its latest achieved value: "
            )
            + "; ".join(shown)
            + (f" and {len(e.indicators) - 3} more" if len(e.indicators) > 3 else "")
            + "."
        )
    if e.open_points:
        parts.append(
            f"{len(e.open_points)} open point{'s' if len(e.open_points) > 1 else ''} must be settled before adoption."
        )
    return " ".join(parts)


def _differing_figures(entry: MeasureEntry, m: Measure, refs: _Refs) -> list[Statement]:
    """An open point for each thing of the measure that the entry's sources count differently (the findings'
    19 service centres against the matrix's 14), each figure cited."""
    numbers = set(entry.refs) | {n for st in entry.rationale + entry.open_points for n in st.refs}
    for item in entry.activities + entry.left_out:
        numbers |= set(item.refs) | {n for st in item.notes for n in st.refs}
    for ind in entry.indicators:
        numbers |= set(ind.refs) | {n for st in ind.notes for n in st.refs}
    for rec in entry.recommendations:
        numbers |= {n for st in rec.statements for n in st.refs}
    cited = [refs.items[n - 1] for n in sorted(numbers) if 0 < n <= len(refs.items)]
    points = []
    for a, b in disagreements(cited, m.title):
        points.append(
            _stmt(
                f"{disagreement_note((a, b))} Settle which figure the new plan starts from.",
                [refs.items.index(a.citation) + 1, refs.items.index(b.citation) + 1],
                "findings",
            )
        )
    return points
