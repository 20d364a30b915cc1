"""Where a quote comes from and how it is cited: records by their matrix row, prose by its document
and section, a note's or upload's words as what they are; and the short text forms answers quote."""

from __future__ import annotations

from core.ids import find_ids
from core.text import split_sentences
from core.tokenize import tokenize
from ingest.chunks import Chunk
from ingest.provenance import describe, is_evaluation
from ingest.records import Activity, Catalog, Indicator, Measure, Objective
from ingest.sentences import Sentence
from rag.index import Index
from rag.messages import Msg, msg
from rag.models import Citation
from rag.sentence_rank import GENERIC


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def norm(text: str) -> str:
    return " ".join(text.split())


def first_sentences(text: str, n: int = 2, limit: int = 400) -> str:
    """The first n sentences of a cell, whitespace folded, cut at a sentence end when too long."""
    text = norm(text)
    parts = split_sentences(text)
    out = " ".join(parts[:n])
    if len(out) > limit:
        out = out[:limit].rsplit(" ", 1)[0] + " …"
    return out


def quote_or(value: str, fallback: str) -> str:
    """A verbatim quote: the first sentence of a field value (whitespace folded), else the fallback."""
    value = norm(value)
    if not value or value == "/":
        return norm(fallback)
    first = split_sentences(value)[0]
    return first[:300].rsplit(" ", 1)[0] if len(first) > 300 else first


def record_source(rec: Activity | Measure | Objective | Indicator, catalog: Catalog) -> str:
    doc = rec.document or (catalog.source.split(", ")[0] if catalog.source else "")
    return ", ".join(p for p in (doc, catalog.matrix_name, f"line {rec.line}") if p)


def cite_record(rec: Activity | Measure | Objective, catalog: Catalog, quote: str) -> Citation:
    return Citation(
        id=rec.id,
        kind=catalog.kind_of(rec.id),
        title=rec.title,
        source=record_source(rec, catalog),
        quote=quote,
    )


def cite_indicator(ind: Indicator, catalog: Catalog, quote: str) -> Citation:
    first = catalog.objectives or catalog.measures
    owner = ind.owner if ind.owner != "0" else (first[0].id if first else "0")
    return Citation(
        id=owner, kind="indicator", title=ind.name, source=record_source(ind, catalog), quote=quote
    )


def cite_sentence(s: Sentence, catalog: Catalog, index: Index | None = None) -> list[Citation]:
    """Citations for a quoted sentence: its record; for prose, the IDs it names, else the record it is
    about (by title words) and the objective its findings section covers, else the section itself."""
    chunk = s.chunk
    if chunk.kind != "section":
        rec = catalog.record(chunk.record_id)
        if rec is not None and not is_evaluation(
            chunk
        ):  # a note's or upload's copy of a record: its own words
            where = f"{chunk.document}, line {chunk.line_start}" if chunk.line_start else chunk.document
            return [
                Citation(id=rec.id, kind=catalog.kind_of(rec.id), title=rec.title, source=where, quote=s.text)
            ]
        if rec is not None:
            return [cite_record(rec, catalog, s.text)]
        ind = next((i for i in catalog.indicators if i.id == chunk.record_id), None)
        if ind is not None:
            return [cite_indicator(ind, catalog, s.text)]
    label = chunk.section.split(" > ")[-1] if chunk.section else chunk.document
    where = f"{chunk.document}, section {label}" if chunk.section else chunk.document
    if chunk.page:
        where += f", page {chunk.page}"
    ids = [i for i in find_ids(s.text) if catalog.record(i) is not None]
    if not ids and index is not None:
        ids = _records_about(s.text, index)
    objective = next(
        (
            i
            for part in chunk.section.split(" > ")
            for i in find_ids(part, catalog.all_ids())
            if catalog.kind_of(i) == "objective"
        ),
        None,
    )
    if objective and objective not in ids and catalog.record(objective) is not None:
        ids.append(objective)
    if ids:
        return [
            Citation(id=i, kind=catalog.kind_of(i), title=catalog.record(i).title, source=where, quote=s.text)  # type: ignore[union-attr]
            for i in ids[:3]
        ]
    number = label.split(" ", 1)[0].rstrip(".") if label[:1].isdigit() else label
    return [Citation(id=number, kind="section", title=label, source=where, quote=s.text)]


def _records_about(text: str, index: Index) -> list[str]:
    """The activity or measure whose title the sentence echoes most (most of the title's rare words)."""
    toks = set(tokenize(text))
    best: str | None = None
    best_score = 0.0
    records: list[Activity | Measure] = [*index.catalog.activities, *index.catalog.measures]
    for rec in records:
        title = {t for t in tokenize(rec.title) if t not in GENERIC and t not in index.common}
        if len(title) < 2:
            continue
        weight = sum(index.idf.get(t, 1.0) for t in title)
        score = sum(index.idf.get(t, 1.0) for t in title & toks) / weight if weight else 0.0
        if score > best_score:
            best, best_score = rec.id, score
    return [best] if best and best_score >= 0.6 else []


def source_label(s: Sentence, catalog: Catalog) -> str:
    chunk = s.chunk
    if chunk.kind == "section":
        return describe(chunk)
    if chunk.kind == "indicator":
        what = "the indicator " + chunk.text.split("\n")[0].replace("Indicator: ", "“") + "”"
    else:
        what = catalog.label(chunk.record_id)
    source = catalog.matrix_name if is_evaluation(chunk) else describe(chunk)
    return f"{source} ({what}{', ' + s.label.lower() if s.label else ''})"


def who_says(chunk: Chunk) -> str:
    """ "The report's text (Summary) says", or the note's own name: never the report for a note."""
    if is_evaluation(chunk):
        section = chunk.section.split(" > ")[-1]
        return f"The report's text ({section}) says" if section else f"“{chunk.document}” says"
    name = describe(chunk)
    return name[0].upper() + name[1:] + " say" + ("" if name.startswith("the interview notes") else "s")


def quoted(chunk: Chunk, text: str) -> Msg:
    """ "The report's text (Summary) says: “…”": a quote with who says it, in the answer's language."""
    who = who_says(chunk)
    if not is_evaluation(chunk):
        return msg("says.note", who=who, name=describe(chunk), text=text)
    section = chunk.section.split(" > ")[-1]
    if section:
        return msg("says.report", who=who, section=section, text=text)
    return msg("says.document", who=who, document=chunk.document, text=text)


def according(s: Sentence, catalog: Catalog) -> Msg:
    """ "According to <where it stands>: “…”", in the answer's language: the report's, the matrix's or a note's."""
    chunk, label = s.chunk, source_label(s, catalog)
    if not is_evaluation(chunk):
        return msg("according.note", label=label, text=s.text)
    if chunk.kind != "section":
        return msg("according.matrix", label=label, text=s.text)
    section = chunk.section.split(" > ")[-1] or chunk.document
    return msg("according.report", label=label, section=section, text=s.text)
