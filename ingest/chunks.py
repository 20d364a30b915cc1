"""Chunks that read on their own: one per matrix record, prose by paragraph within its section."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from core.ids import find_ids
from core.text import split_sentences
from ingest.glossary import Glossary
from ingest.loaders import Document
from ingest.matrix import find_matrix, parse_matrix
from ingest.records import Activity, Catalog, Indicator, Measure, Objective
from ingest.sections import Paragraph, clean_line, paragraphs
from ingest.structure import defined_abbreviations, programme_period

MIN_WORDS, MAX_WORDS = 80, 300
MAX_CHARS = 4000  # a piece with no sentence end (a pasted blob, a 10 MB line) is cut to this size
# A section is a questionnaire (an interview guide, a survey form) when at least this share of its sentences
# are questions: its lines are what was asked, not what was found. The share is read from the document: in
# the shipped report one annex's sentences are 55% questions and no other section's more than 15%.
QUESTIONNAIRE_SHARE = 0.4


@dataclass
class Chunk:
    """A piece of text to embed and retrieve, with the metadata that places it."""

    id: str
    text: str
    document: str
    doc_type: str
    kind: str  # activity | indicator | measure | objective | section
    section: str = ""
    ids: list[str] = field(default_factory=list)
    record_id: str = ""
    line_start: int = 0
    line_end: int = 0
    page: int | None = None
    meta: dict[str, str] = field(default_factory=dict)  # a document's header (interview notes)
    asks: bool = False  # part of a questionnaire (QUESTIONNAIRE_SHARE): retrieved, never quoted as a finding

    @property
    def hash(self) -> str:
        key = self.text + ("".join(f"\n{k}={v}" for k, v in sorted(self.meta.items())) if self.meta else "")
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (lists joined, None left out)."""
        meta: dict[str, str | int] = {
            "document": self.document,
            "doc_type": self.doc_type,
            "kind": self.kind,
            "section": self.section,
            "ids": " ".join(self.ids),
            "record_id": self.record_id,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "hash": self.hash,
        }
        if self.page is not None:
            meta["page"] = self.page
        for key, value in self.meta.items():
            meta.setdefault(key, value)
        return meta


def _field_lines(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"{label}: {' '.join(value.split())}"
        for label, value in pairs
        if value and value.strip() not in {"", "/"}
    )


def activity_text(a: Activity, m: Measure | None, o: Objective | None, catalog: Catalog | None = None) -> str:
    """An activity record written out with its context and every field by name."""
    names = catalog or Catalog()
    head = f"{names.level_name('activity')} {a.id} {a.title}"
    context = " ".join(
        part
        for part in (
            f"{names.level_name('objective')} {a.objective}: {o.title if o else ''}." if a.objective else "",
            f"{names.level_name('measure')} {a.measure}: {m.title if m else ''}." if a.measure else "",
        )
        if part
    )
    return (
        head
        + "\n"
        + context
        + "\n"
        + _field_lines(
            [
                ("Responsible", a.responsible),
                ("Status", a.status_raw or "not given (blank in the matrix)"),
                ("Reasoning for the progress", a.reasoning),
                ("Relevance", a.relevance),
                ("Effectiveness", a.effectiveness),
                ("Possible next steps", a.next_steps),
            ]
        )
    )


def indicator_text(ind: Indicator, owner_title: str, catalog: Catalog | None = None) -> str:
    """An indicator row written out with the record it belongs to and every value under its column's label."""
    names = catalog or Catalog()
    owner = "Overall objective" if ind.owner == "0" else names.label(ind.owner)
    return f"Indicator: {ind.name}\n{owner}: {owner_title}.\n" + _field_lines(
        [(v.label or "Value", v.raw) for v in ind.values]
        + [("Reasoning for the progress", ind.reasoning), ("Possible next steps", ind.next_steps)]
    )


def measure_text(
    m: Measure,
    o: Objective | None,
    activities: list[Activity],
    indicators: list[Indicator],
    catalog: Catalog | None = None,
) -> str:
    """A measure with its objective, responsible entity, relevance and the list of its activities."""
    names = catalog or Catalog()
    lines = [
        f"{names.level_name('measure')} {m.id} {m.title}",
        f"{names.level_name('objective')} {m.objective}: {o.title if o else ''}." if m.objective else "",
        _field_lines([("Responsible entity", m.responsible), ("Relevance", m.relevance)]),
    ]
    if activities:
        lines.append(
            "Activities: "
            + "; ".join(f"{a.id} {a.title} ({a.status_raw or 'status not given'})" for a in activities)
        )
    if indicators:
        lines.append("Indicators: " + "; ".join(i.name for i in indicators))
    return "\n".join(l for l in lines if l)


def objective_text(o: Objective, measures: list[Measure], catalog: Catalog | None = None) -> str:
    """A specific objective with its responsible entity, achievement and measures."""
    label = "Overall objective" if o.id == "0" else (catalog or Catalog()).label(o.id)
    lines = [
        f"{label}: {o.title}",
        _field_lines(
            [
                ("Responsible entity", o.responsible),
                ("Achievement of indicators", o.achievement),
                ("Relevance", o.relevance),
            ]
        ),
    ]
    if measures:
        lines.append(f"Measures ({len(measures)}): " + "; ".join(f"{m.id} {m.title}" for m in measures))
    return "\n".join(l for l in lines if l)


def record_chunks(catalog: Catalog, document: str) -> list[Chunk]:
    """One chunk per objective, measure, indicator and activity of the catalog."""
    objectives = {o.id: o for o in catalog.objectives}
    measures = {m.id: m for m in catalog.measures}
    out: list[Chunk] = []
    section = catalog.matrix_name

    def add(kind: str, key: str, text: str, ids: list[str], line: int) -> None:
        out.append(
            Chunk(
                id=f"{document}#{kind}:{key}",
                text=text,
                document=document,
                doc_type="annex",
                kind=kind,
                section=section,
                ids=ids,
                record_id=key,
                line_start=line,
                line_end=line,
            )
        )

    for o in ([catalog.overall] if catalog.overall else []) + catalog.objectives:
        ms = [m for m in catalog.measures if m.objective == o.id]
        add("objective", o.id, objective_text(o, ms, catalog), [o.id] if o.id != "0" else [], o.line)
    for m in catalog.measures:
        acts = [a for a in catalog.activities if a.measure == m.id]
        inds = [i for i in catalog.indicators if i.owner == m.id]
        add(
            "measure",
            m.id,
            measure_text(m, objectives.get(m.objective), acts, inds, catalog),
            [i for i in (m.id, m.objective) if i],
            m.line,
        )
    for ind in catalog.indicators:
        owner = objectives.get(ind.owner) or measures.get(ind.owner) or catalog.overall
        ids = [ind.owner] + (
            [m.objective for m in [measures[ind.owner]] if m.objective] if ind.owner in measures else []
        )
        add(
            "indicator",
            ind.id,
            indicator_text(ind, owner.title if owner else "", catalog),
            [i for i in ids if i != "0"],
            ind.line,
        )
    for a in catalog.activities:
        add(
            "activity",
            a.id,
            activity_text(a, measures.get(a.measure), objectives.get(a.objective), catalog),
            [i for i in (a.id, a.measure, a.objective) if i],
            a.line,
        )
    return out


def _split_long(text: str) -> list[str]:
    """A paragraph over MAX_WORDS cut at sentence ends into pieces of at most about MAX_WORDS."""
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        if (
            len(sentence) > MAX_CHARS or len(sentence.split()) > MAX_WORDS
        ):  # a run-on: cut at words, then characters
            if current:
                pieces.append(" ".join(current))
                current = []
            pieces.extend(_cut_run_on(sentence))
            continue
        if current and len(" ".join(current + [sentence]).split()) > MAX_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _cut_run_on(text: str) -> list[str]:
    """Pieces of at most MAX_WORDS words and MAX_CHARS characters; a longer 'word' is sliced."""
    pieces: list[str] = []
    words: list[str] = []
    size = 0
    for word in text.split():
        for start in range(0, len(word), MAX_CHARS):
            part = word[start : start + MAX_CHARS]
            if words and (len(words) >= MAX_WORDS or size + len(part) + 1 > MAX_CHARS):
                pieces.append(" ".join(words))
                words, size = [], 0
            words.append(part)
            size += len(part) + 1
    if words:
        pieces.append(" ".join(words))
    return pieces


def prose_chunks(paras: list[Paragraph], document: str, doc_type: str) -> list[Chunk]:
    """Paragraphs grouped within their section into chunks of roughly MIN_WORDS to MAX_WORDS words."""
    out: list[Chunk] = []
    groups: list[list[Paragraph]] = []
    for p in paras:
        last = groups[-1] if groups else None
        same = last and last[-1].section == p.section and last[-1].page == p.page
        words = sum(len(q.text.split()) for q in last) if last else 0
        if same and words < MIN_WORDS and words + len(p.text.split()) <= MAX_WORDS:
            last.append(p)  # type: ignore[union-attr]
        else:
            groups.append([p])
    counters: dict[str, int] = {}
    for group in groups:
        section = " > ".join(group[0].section)
        body = "\n".join(p.text for p in group)
        for piece in _split_long(body) if len(body) > MAX_CHARS or len(body.split()) > MAX_WORDS else [body]:
            key = section.split(" ", 1)[0] if section else "top"
            counters[key] = counters.get(key, 0) + 1
            is_annex = section.lower().startswith("annex")
            text = f"[{section}]\n{piece}" if section else piece
            out.append(
                Chunk(
                    id=f"{document}#section:{key}:{counters[key]}"
                    + (f":p{group[0].page}" if group[0].page else ""),
                    text=text,
                    document=document,
                    doc_type="annex" if is_annex and doc_type == "report" else doc_type,
                    kind="section",
                    section=section,
                    ids=find_ids(piece),
                    record_id=key,
                    line_start=group[0].line_start,
                    line_end=group[-1].line_end,
                    page=group[0].page,
                )
            )
    return mark_questionnaires(out)


def mark_questionnaires(chunks: list[Chunk]) -> list[Chunk]:
    """Mark the chunks of every top-level section whose sentences are mostly questions (QUESTIONNAIRE_SHARE)."""
    asked: dict[str, list[int]] = {}
    for c in chunks:
        top = c.section.split(" > ")[0]
        found = [t for t in split_sentences(c.text.split("\n", 1)[-1]) if len(t) > 20]
        tally = asked.setdefault(top, [0, 0])
        tally[0] += sum(t.rstrip(" ”\"')").endswith("?") for t in found)
        tally[1] += len(found)
    for c in chunks:
        questions, total = asked[c.section.split(" > ")[0]]
        c.asks = bool(c.section) and total > 0 and questions / total >= QUESTIONNAIRE_SHARE
    return chunks


def chunk_document(doc: Document, glossary: Glossary | None = None) -> tuple[list[Chunk], Catalog]:
    """All chunks of a document and the matrix records it holds (an empty catalog if none)."""
    headings = (glossary or Glossary()).heading_lines()
    paras: list[Paragraph] = []
    catalog = Catalog(source=doc.name)
    for page in doc.pages:
        span = find_matrix(page.lines)
        if span is None:
            paras.extend(paragraphs(page.lines, 1, page.number, extra_headings=headings))
            continue
        paras.extend(paragraphs(page.lines[: span.start], 1, page.number, extra_headings=headings))
        body = [clean_line(line) for line in page.lines[span.start + 1 : span.end]]
        catalog = catalog.merge(parse_matrix(body, span.start + 2, doc.name, span.title))
        if span.end < len(page.lines):
            paras.extend(
                paragraphs(page.lines[span.end :], span.end + 1, page.number, extra_headings=headings)
            )
    if any(p.section for p in paras):  # text before the first heading of a structured report is its summary
        for p in paras:
            if p.section:
                break
            p.section = ["Summary"]
    _fill_objective_titles(catalog, paras)
    if catalog.has_matrix:
        text = "\n".join(line for page in doc.pages for line in page.lines)
        catalog.period, catalog.next_period = programme_period(text, catalog)
        catalog.abbreviations = defined_abbreviations(text)
    chunks = prose_chunks(paras, doc.name, doc.doc_type) + record_chunks(catalog, doc.name)
    for chunk in chunks:
        chunk.meta = dict(doc.meta)
    return chunks, catalog


def _fill_objective_titles(catalog: Catalog, paras: list[Paragraph]) -> None:
    """Objectives the matrix leaves untitled take their title from a heading that names them."""
    name = catalog.level_name("objective")
    for o in catalog.objectives:
        if o.title:
            continue
        label = re.compile(rf"{re.escape(name)}\s+{re.escape(o.id)}\s*[:.]\s*(.+)", re.I)
        for p in paras:
            found = next((m.group(1).strip() for m in map(label.search, p.section) if m), "")
            if found:
                o.title = found
                break
