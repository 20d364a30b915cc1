"""Draft action-plan entries for the next programme period from what the evaluation found and recommended.

`draft(request)` takes a measure ID ("1.3.5"), a topic ("information security") or a free request
("Draft the next action plan's entry for the service-centre measure") and returns a `DraftDoc`: one entry per
measure with its rationale, the activities to propose (continue, carry over, plan, move in) and to
leave out (with the reason), its indicators (baseline = the latest achieved value), the cross-cutting
recommendations of the report's recommendations chapter that apply, and the open points. Every
statement carries numbered citations whose quotes are verbatim from the report or the Evaluation
Matrix. Decisions come from the matrix fields (status, reasoning, relevance, possible next steps)
read with general patterns, and from what the findings chapter says about each ID.

Without an LLM the draft is composed from records and sentences; with one configured, the entry
summaries may be rewritten by `rag.llm.rewrite_prose` (when that module exists) under an ID guard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ingest.chunks import Chunk
from ingest.config import Settings, get_settings
from ingest.ids import ID_TEXT, find_ids, normalise_id
from ingest.records import Activity, Catalog, Indicator, Measure
from ingest.text import split_sentences as sentences_of
from rag.citations import cite_indicator, cite_record
from rag.index import Index, IndexMissing, get_index
from rag.models import Answer, Citation, Source
from rag.retrieve import Hit, retrieve, unknown_ids
from rag.tokenize import tokenize
from rag.vocabulary import RECOMMEND

MAX_TOPIC_MEASURES = 3
MAX_RATIONALE = 6
# Topic requests: a measure is drafted when the evidence is strong on meaning and words together
# (best hit cosine >= MIN_COSINE and IDF-weighted share of the topic's words in the measure's records
# >= SOME_COVERAGE), or strong on one alone (cosine >= HIGH_COSINE or coverage >= MIN_COVERAGE).
MIN_COSINE = 0.45
SOME_COVERAGE = 0.34
HIGH_COSINE = 0.6
MIN_COVERAGE = 0.6
RELATIVE_SCORE = 0.6  # other measures must reach this share of the best measure's retrieval score
# Measure-specific recommendations: this similar to the measure's title, sharing one of its rarer words.
SPECIFIC_COSINE = 0.55
SPECIFIC_IDF = 2.0
# Words of measure titles that name an action, not a subject: they do not make a sentence specific.
GENERIC_TITLE_WORDS = frozenset(
    tokenize(
        "provision improvement improving improve establishment establishing establish development developing implementation "
        "implementing ensuring support supporting use using introducing introduction new existing form order increasing "
        "raising importance needs apply applying other"
    )
)
SPECIFIC_SHARE = 0.3

Decision = Literal["continue", "carry over", "plan", "move in", "verify", "decide", "leave out"]


# ---------------------------------------------------------------- the document


class Statement(BaseModel):
    """One statement of the draft with the numbers of the citations it rests on."""

    text: str
    refs: list[int] = Field(default_factory=list)  # 1-based numbers into DraftDoc.citations
    source: str = ""  # "matrix", "findings", "recommendations"


class ActivityItem(BaseModel):
    """An activity of the measure: what the draft proposes for it, or why it is left out."""

    id: str
    title: str
    responsible: str = ""
    status: str = ""  # canonical status in the matrix
    status_label: str = ""  # as the draft shows it
    decision: Decision
    proposal: str  # the proposal text ("Carry over: abandoned for lack of funds, still relevant; ...")
    reason: str = ""  # why (for left-out activities: why they are left out)
    from_measure: str = ""  # for activities moved in from another measure
    notes: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class IndicatorItem(BaseModel):
    """An indicator of the measure: baseline (its latest achieved value), target and the proposal for it."""

    key: str
    name: str
    baseline: str = ""  # the latest achieved value
    history: list[tuple[str, str]] = Field(
        default_factory=list
    )  # (column label, value) as the matrix gives them
    target: str = ""  # the matrix's latest target (and comment)
    proposal: str = "Keep"
    notes: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class Recommendation(BaseModel):
    """A recommendation of the report that applies to the entry, with why it applies."""

    theme: str  # "Co-ordination", "Funding", "IT staff and human resources", "Specific to this measure"
    applies_because: str = ""
    statements: list[Statement] = Field(default_factory=list)


class MeasureEntry(BaseModel):
    """The draft action-plan entry for one measure."""

    id: str
    title: str
    objective: str = ""
    objective_title: str = ""
    responsible: str = ""
    relevance: str = ""
    summary: str = ""
    rationale: list[Statement] = Field(default_factory=list)
    activities: list[ActivityItem] = Field(default_factory=list)
    left_out: list[ActivityItem] = Field(default_factory=list)
    indicators: list[IndicatorItem] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    open_points: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class DraftDoc(BaseModel):
    """A draft for the next action plan: entries per measure, citations, renderers."""

    request: str
    period: str = "next programme"  # the plan's years as the evaluation names them
    as_of: str = ""  # the year the matrix's statuses and achieved values stand at
    matrix: str = "the evaluation matrix"  # the matrix's own title
    measure_name: str = "Measure"  # the document's names of its levels
    objective_name: str = "Objective"
    activity_name: str = "Activity"
    title: str
    covered: bool
    message: str | None = None
    entries: list[MeasureEntry] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    general: list[Recommendation] = Field(default_factory=list)  # cross-cutting requests (no single measure)
    topic: str = ""
    mode: str = "extractive"
    chunk_ids: list[str] = Field(default_factory=list)  # the chunks the draft was composed from

    def to_markdown(self) -> str:
        from rag.draft_export import render_markdown

        return render_markdown(self)

    def to_docx_bytes(self) -> bytes:
        from rag.draft_export import render_docx

        return render_docx(self)


# ---------------------------------------------------------------- text helpers

CLAUSE = re.compile(r",?\s+while\s+|;\s+")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (ingest.text's splitter); a piece of one or two words joins the next."""
    out: list[str] = []
    for piece in sentences_of(_norm(text)):
        if out and len(out[-1].split()) < 3:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _cell_sentences(value: str) -> list[str]:
    """Sentences of a matrix cell: its paragraphs (lines), each split into sentences."""
    out: list[str] = []
    for para in (value or "").split("\n"):
        para = _norm(para)
        if para and para not in {"/", "-", "."}:
            out.extend(split_sentences(para))
    return out


def _first(value: str, pattern: re.Pattern | None = None, strict: bool = False) -> str:
    """The first sentence of a cell (or the first that matches the pattern), verbatim."""
    sents = _cell_sentences(value)
    if pattern is not None:
        for s in sents:
            if pattern.search(s):
                return s
        if strict:
            return ""
    return sents[0] if sents else ""


def _clip(text: str, limit: int = 260) -> str:
    text = _norm(text)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _verbatim_prefix(text: str, limit: int = 600) -> str:
    """A quote of at most `limit` characters that is still a verbatim prefix of the text."""
    text = _norm(text)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _plain(value: str) -> str:
    """A cell value for a table: whitespace folded, '/' and '-' read as empty."""
    v = _norm(value)
    return "" if v in {"/", "-", "."} else v


# ---------------------------------------------------------------- reading the matrix fields

NOT_RELEVANT = re.compile(r"\b(?:no longer|not|no)\s+relevant\b", re.I)
STILL_RELEVANT = re.compile(
    r"\bstill relevant\b|\b(?:is|are|remains?|very)\s+relevant\b|\bof (?:great|particular) importance\b"
    r"|\bcontinues to be\b|\bimplementation is recommended\b|\bimportant for\b",
    re.I,
)
NEW_AP = r"\b(?:new|revised)\b[^.]{0,30}\b(?:AP|action plan|programme)\b|\bnext programme\b"
FORWARD = re.compile(r"\b(?:recommend\w*|propos\w*|plann?\w*|transfer\w*|consider\w*)\b", re.I)
NO_CONTINUE = re.compile(
    r"\bno plan to continue\b|\bnot (?:to )?be continued\b|\bwill not be continued\b|\bdiscontinue", re.I
)
CONTINUE = re.compile(
    r"\bcontinu\w*|\bfurther implementation\b|\bextended\b|\bnew (?:deadline|date)\b|\bcompletion\b", re.I
)
FUNDS = re.compile(
    r"\bfunds?\s+(?:have|has|were|was)\s+not\s+(?:been\s+)?(?:secured|made available|provided|available)"
    r"|\bno\s+(?:donor\s+)?funds?\s+(?:have\s+been|has\s+been|were|was)\s+(?:secured|made available|provided)"
    r"|\bfunds\s+were\s+not\b|\black of (?:funds|funding|financ\w*)\b|\bnot been secured\b"
    r"|\bconversion of (?:the )?foreign currency funds\b|\bchange in funding sources\b",
    re.I,
)
_ID = rf"({ID_TEXT})"
MOVE = re.compile(
    rf"\bmove (?:it |the activity )?(?:in)?to (?:the )?(?:\w+ ){{0,2}}{_ID}|\bunder (?:the )?(?:\w+ ){{0,2}}{_ID}",
    re.I,
)
NO_DATA = re.compile(
    r"\bno data\b|\bnot available\b|\bdata (?:need|needs|is needed|are needed) to be collected\b"
    r"|\b(?:more|additional) data\b|\bverify\b|\bto be verified\b|\bprovide data\b",
    re.I,
)
# What the findings chapter says about an ID, clause by clause.
PROSE_POSITIVE = re.compile(
    r"\b(?:still|remains?|are|is)\s+relevant\b|\brecommended (?:for|to continue)\b"
    r"|\bproposed for the next\b|\bimportant for the next\b|\brelevant for the (?:next|20)",
    re.I,
)
PROSE_NEGATIVE = re.compile(r"\bno longer relevant\b|\bnot expected in the programme period\b", re.I)
PROSE_DATA = re.compile(
    r"\b(?:more|additional) data (?:needs?|will|to|are|is)\b|\bnecessary to provide data\b|\bmore data\b",
    re.I,
)
PROSE_CUE = re.compile(
    r"\bpropos|\brecommend|\bnecessary\b|\bneed\b|\bshould\b|\brelevant\b|\bdelete\b|\bimportan", re.I
)
INDICATOR_CANCEL = re.compile(r"\bcancel\w*|\bdelete\b|\bno longer relevant\b|\bremove\b", re.I)
INDICATOR_CHANGE = re.compile(
    r"\bchange (?:the )?(?:name of the )?indicators?\b|\breformulat\w*|\babsolute\b|\brenam\w*"
    r"|\bmaintain the indicator\b|\bretained\b|\binsert an activity\b",
    re.I,
)


def new_ap_pattern(catalog: Catalog) -> re.Pattern[str]:
    """'new action plan', 'next programme', or the next period's years as the evaluation names them."""
    years = ""
    if catalog.next_period:
        a, b = catalog.next_period
        years = rf"|\b{a}\s*[-–]\s*(?:{b}|{b % 100:02d})\b"
    return re.compile(NEW_AP + years, re.I)


def _status_label(a: Activity) -> str:
    return "not given (blank in the matrix)" if a.status == "unknown" else a.status


def _move_target(a: Activity, catalog: Catalog) -> str | None:
    for text in (a.relevance, a.next_steps):
        m = MOVE.search(_norm(text))
        if m:
            target = normalise_id(m.group(1) or m.group(2))
            if (
                target != a.measure
                and catalog.kind_of(target) == "measure"
                and catalog.record(target) is not None
            ):
                return target
    return None


@dataclass
class ProseSentence:
    """A sentence of the report's prose with where it stands and what it is about."""

    text: str
    chunk: Chunk
    section: str
    position: int
    ids: list[str]
    owner: str | None  # the measure whose paragraph it stands in


@dataclass
class _Cues:
    positive: list[ProseSentence] = field(default_factory=list)
    negative: list[ProseSentence] = field(default_factory=list)
    data: list[ProseSentence] = field(default_factory=list)
    mentions: list[ProseSentence] = field(default_factory=list)


# ---------------------------------------------------------------- the report's prose, read once per index

_prose_cache: dict[int, tuple[Index, list[ProseSentence]]] = {}  # keyed by id(), checked by identity


def _measure_of(id_: str, catalog: Catalog) -> str | None:
    kind = catalog.kind_of(id_)
    if kind == "activity":
        return id_.rsplit(".", 1)[0]
    if kind == "measure":
        return id_
    return None


def report_sentences(index: Index) -> list[ProseSentence]:
    """Every sentence of the report's prose (not annexes), with its paragraph's measure."""
    cached = _prose_cache.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    catalog = index.catalog
    known = catalog.all_ids()
    paragraphs: list[tuple[Chunk, str, str]] = []  # chunk, section, text
    prev: Chunk | None = None
    for chunk in index.chunks:
        if chunk.kind != "section" or chunk.doc_type != "report":
            continue
        lines = chunk.text.split("\n")
        if lines and lines[0].startswith("[") and chunk.section:
            lines = lines[1:]
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            continued = (
                i == 0
                and prev is not None
                and prev.document == chunk.document
                and prev.section == chunk.section
                and prev.line_end == chunk.line_start
                and paragraphs
            )
            if continued:
                c0, s0, t0 = paragraphs[-1]
                paragraphs[-1] = (c0, s0, t0 + " " + line)
            else:
                paragraphs.append((chunk, chunk.section, line))
        prev = chunk
    out: list[ProseSentence] = []
    owner: str | None = None
    last_section = None
    pos = 0
    for chunk, section, text in paragraphs:
        ids = [i for i in find_ids(text) if i in known]
        measures = [m for m in (_measure_of(i, catalog) for i in ids) if m and catalog.record(m) is not None]
        if section != last_section:
            owner = None
        if measures:
            owner = measures[0]
        last_section = section
        for s in split_sentences(text):
            out.append(ProseSentence(s, chunk, section, pos, [i for i in find_ids(s) if i in known], owner))
            pos += 1
    _prose_cache.clear()
    _prose_cache[id(index)] = (index, out)
    return out


_vector_cache: dict[int, tuple[Index, list[ProseSentence], np.ndarray]] = {}


def _chapter_vectors(index: Index) -> tuple[list[ProseSentence], np.ndarray]:
    """The recommendations chapter's sentences and their embeddings, computed once per index."""
    cached = _vector_cache.get(id(index))
    if cached is None or cached[0] is not index:
        pool = [
            s for s in report_sentences(index) if _is_recommendations_chapter(s.section) and len(s.text) >= 20
        ]
        vectors = index.text_vectors([s.text for s in pool]) if pool else np.zeros((0, 1), dtype="float32")
        cached = (index, pool, vectors)
        _vector_cache.clear()
        _vector_cache[id(index)] = cached
    return cached[1], cached[2]


def _is_recommendations_chapter(section: str) -> bool:
    top = section.split(" > ")[0]
    return bool(re.search(r"recommendation|limitation", top, re.I))


def _section_number(section: str) -> str:
    label = _section_label(section)
    head = label.split(" ", 1)[0].rstrip(".")
    return head if head[:1].isdigit() else label


def _section_label(section: str) -> str:
    return section.split(" > ")[-1].strip() if section else ""


# ---------------------------------------------------------------- citations


class _Refs:
    """The draft's numbered citations; the same quote from the same source is cited once."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.period = catalog.plan_period()
        year = catalog.as_of_year()
        self.as_of = f"in {year}" if year else "in the matrix"
        self.new_ap = new_ap_pattern(catalog)
        self.items: list[Citation] = []
        self.chunks: list[str] = []

    def add(self, citation: Citation) -> int:
        citation.quote = _norm(citation.quote)
        for n, c in enumerate(self.items, 1):
            if (c.id, c.kind, c.quote, c.source) == (
                citation.id,
                citation.kind,
                citation.quote,
                citation.source,
            ):
                return n
        self.items.append(citation)
        return len(self.items)

    def record(self, rec, quote: str) -> int:
        return self.add(cite_record(rec, self.catalog, quote))

    def indicator(self, ind: Indicator, quote: str) -> int:
        return self.add(cite_indicator(ind, self.catalog, quote))

    def prose(self, s: ProseSentence, about: str, quote: str | None = None) -> int:
        """A sentence of the report, cited under the ID it is drafted for."""
        rec = self.catalog.record(about)
        where = f"{s.chunk.document}, section {_section_label(s.section)}" if s.section else s.chunk.document
        if s.chunk.page:
            where += f", page {s.chunk.page}"
        if s.chunk.id not in self.chunks:
            self.chunks.append(s.chunk.id)
        if rec is None:  # a cross-cutting sentence with no measure: cite its section
            label = _section_label(s.section)
            number = (
                label.split(" ", 1)[0].rstrip(".") if label[:1].isdigit() else (label or s.chunk.document)
            )
            return self.add(
                Citation(id=number, kind="section", title=label, source=where, quote=quote or s.text)
            )
        if _is_recommendations_chapter(s.section):
            return self.add(
                Citation(
                    id=rec.id,
                    kind="section",
                    title=_section_label(s.section),
                    source=where,
                    quote=quote or s.text,
                )
            )
        return self.add(
            Citation(
                id=rec.id,
                kind=self.catalog.kind_of(rec.id),
                title=rec.title,
                source=where,
                quote=quote or s.text,
            )
        )


def _stmt(text: str, refs: list[int], source: str) -> Statement:
    return Statement(text=text, refs=sorted(set(r for r in refs if r)), source=source)


# ---------------------------------------------------------------- activities


def _prose_cues(sentences: list[ProseSentence], activity_id: str) -> _Cues:
    """What the findings chapter says about an activity: clause by clause, so a list shares its verdict."""
    cues = _Cues()
    for s in sentences:
        if activity_id not in s.ids:
            continue
        cues.mentions.append(s)
        clauses = CLAUSE.split(s.text)
        carried: set[str] = set()
        for clause in clauses:
            named = set(find_ids(clause))
            if activity_id not in named:
                continue
            carried.add("x")
            if PROSE_NEGATIVE.search(clause):
                cues.negative.append(s)
            elif PROSE_POSITIVE.search(clause):
                cues.positive.append(s)
            if PROSE_DATA.search(clause):
                cues.data.append(s)
        if not carried:  # the ID stands in a clause the splitter did not separate
            if PROSE_NEGATIVE.search(s.text):
                cues.negative.append(s)
            elif PROSE_POSITIVE.search(s.text):
                cues.positive.append(s)
    return cues


def _activity_item(
    a: Activity, refs: _Refs, sentences: list[ProseSentence], incoming_from: str = ""
) -> ActivityItem:
    """What to do with an activity in the next period, decided from its matrix fields and the findings."""
    rel, ns, why = _norm(a.relevance), _norm(a.next_steps), _norm(a.reasoning)
    ns = "" if ns in {"/", "-"} else ns
    not_rel = NOT_RELEVANT.search(rel)
    still_rel = STILL_RELEVANT.search(rel) and not not_rel
    NEW = refs.new_ap
    PERIOD, AS_OF = refs.period, refs.as_of
    new_ap = NEW.search(ns) or (NEW.search(rel) and not not_rel)
    forward = bool(ns and (new_ap or FORWARD.search(ns)))
    no_continue = NO_CONTINUE.search(ns)
    funds = FUNDS.search(why)
    move = _move_target(a, refs.catalog)
    cues = _prose_cues(sentences, a.id)
    status = a.status

    base = refs.record(a, _first(a.status_raw) or a.title[:200])
    item_refs = [base]
    notes: list[Statement] = []

    def quote_field(label: str, value: str, pattern: re.Pattern | None = None) -> str:
        q = _first(value, pattern)
        if not q:
            return ""
        n = refs.record(a, q)
        item_refs.append(n)
        notes.append(_stmt(f"{label}: “{_clip(q, 400)}”", [n], "matrix"))
        return q

    quote_field("Reasoning for the progress (matrix)", a.reasoning, FUNDS if funds else None)
    quote_field(
        "Relevance (matrix)",
        a.relevance,
        NOT_RELEVANT if not_rel else (STILL_RELEVANT if still_rel else None),
    )
    ns_q = quote_field("Possible next steps (matrix)", a.next_steps, NEW if new_ap else None)
    for s in cues.mentions[:2]:
        n = refs.prose(s, a.id)
        item_refs.append(n)
        notes.append(
            _stmt(f"Findings ({_section_number(s.section)}): “{_clip(s.text, 400)}”", [n], "findings")
        )

    relevance_words = (
        "still relevant" if still_rel else ("the findings call it still relevant" if cues.positive else "")
    )
    next_words = _clip(ns_q or ns, 200)

    decision: Decision
    if incoming_from:
        decision = "move in"
        proposal = f"Move in from {refs.catalog.label(incoming_from).lower()}, as the matrix proposes" + (
            f"; {next_words}" if next_words else ""
        )
        reason = f"the matrix proposes moving it from {refs.catalog.label(incoming_from).lower()} to this {refs.catalog.level_name('measure').lower()}"
    elif move:
        decision, reason = (
            "leave out",
            f"proposed to be moved to {refs.catalog.label(move).lower()} (see that entry)",
        )
        proposal = f"Move to {refs.catalog.label(move).lower()}"
    elif no_continue:
        decision = "leave out"
        reason = f"{status}{' for lack of funds' if funds else ''}; the matrix sees no plan to continue it"
        proposal = "Leave out"
    elif not_rel and not forward:
        if cues.positive:
            decision = "decide"
            reason = (
                "the matrix calls it no longer relevant, but the findings chapter lists it as still relevant"
            )
            proposal = "To decide: the sources disagree (matrix: not relevant; findings: still relevant)" + (
                f"; matrix next step: {next_words}" if next_words else ""
            )
        else:
            decision = "leave out"
            done = (
                "completed"
                if status == "completed"
                else (
                    f"{status}, and the matrix calls it completed"
                    if re.search(r"complet", rel, re.I)
                    else status
                )
            )
            reason = (
                f"{done} and no longer relevant"
                if status != "unknown"
                else "no longer relevant according to the matrix"
            )
            proposal = "Leave out"
    elif status in ("abandoned", "not initiated"):
        decision = "carry over"
        parts = [f"{status} {AS_OF}" + (" for lack of funds" if funds else "")]
        if relevance_words:
            parts.append(relevance_words)
        if new_ap or forward:
            parts.append(f"plan in the {PERIOD} AP" if new_ap else next_words)
        elif next_words:
            parts.append(next_words)
        proposal = "Carry over: " + ", ".join(p for p in parts if p)
        reason = "; ".join(p for p in parts if p)
    elif status == "ongoing":
        decision = "plan" if new_ap else "continue"
        extra = ", ".join(
            p for p in (("still open for lack of funds" if funds else ""), relevance_words) if p
        )
        proposal = ("Plan in the " + PERIOD + " AP" if new_ap else "Continue") + (
            f" ({extra})" if extra else ""
        )
        if next_words and not (proposal == "Continue" and next_words.lower().startswith("continu")):
            proposal += f": {next_words}"
        elif next_words:
            proposal = next_words.rstrip(".")
        reason = f"ongoing {AS_OF}"
    elif status == "completed":
        if still_rel or new_ap or forward or (ns and CONTINUE.search(ns)) or cues.positive:
            decision = "plan" if new_ap else "continue"
            lead = "Plan the follow-up in the " + PERIOD + " AP" if new_ap else "Continue the follow-up"
            proposal = f"{lead} (completed, {relevance_words or 'a next step is proposed'})" + (
                f": {next_words}" if next_words else ""
            )
            reason = "completed, but still relevant"
        else:
            decision = "leave out"
            reason = (
                "completed; the findings call it no longer relevant and the matrix proposes no further step"
                if cues.negative
                else "completed; the matrix proposes no further step"
            )
            proposal = "Leave out"
    else:  # no data or no status
        decision = "plan" if (new_ap or forward) else "verify"
        what = "the matrix gives no status" if status == "unknown" else "the matrix reports no data"
        proposal = (
            f"Plan in the {PERIOD} AP, after verifying its status ({what})"
            if decision == "plan"
            else f"Verify before planning: {what}"
        ) + ("; funds were not secured" if funds else "")
        reason = what
    if not_rel and forward and decision not in ("leave out", "move in"):
        proposal += " (the matrix's relevance column calls it not relevant)"
    return ActivityItem(
        id=a.id,
        title=_norm(a.title),
        responsible=_norm(a.responsible),
        status=status,
        status_label=_status_label(a),
        decision=decision,
        proposal=proposal,
        reason=reason,
        from_measure=incoming_from,
        notes=notes,
        refs=sorted(set(item_refs)),
    )


# ---------------------------------------------------------------- indicators


def _indicator_item(
    ind: Indicator, refs: _Refs, prose: list[ProseSentence]
) -> tuple[IndicatorItem, list[Statement]]:
    """The indicator's row in the draft and the open points it raises."""
    name = _norm(ind.name)
    item_refs = [refs.indicator(ind, f"Indicator: {name}")]
    got = ind.latest_achieved()
    achieved = _plain(got.raw) if got else ""
    if got and achieved:
        item_refs.append(refs.indicator(ind, f"{got.label}: {achieved}"))
    ahead = ind.next_target()
    target = _plain(ahead.raw) if ahead else ""
    if ahead and target:
        item_refs.append(refs.indicator(ind, f"{ahead.label}: {target}"))
    target_words = f"target for {ahead.year}" if ahead and ahead.year else "target"
    achieved_words = f"achieved {got.year}" if got and got.year else "achieved"
    notes: list[Statement] = []
    open_points: list[Statement] = []
    ns = _plain(ind.next_steps)
    reasoning = _plain(ind.reasoning)
    proposal = "Keep" + (f"; {target_words}: {_clip(target, 80)}" if target and len(target) < 80 else "")
    if ns:
        q = f"Possible next steps: {ns}"
        n = refs.indicator(ind, q)
        item_refs.append(n)
        if INDICATOR_CANCEL.search(ns):
            proposal = f"Cancel or revise: {_first(ind.next_steps, INDICATOR_CANCEL)}"
        elif INDICATOR_CHANGE.search(ns):
            proposal = f"Change: {_first(ind.next_steps, INDICATOR_CHANGE)}"
        else:
            proposal = f"Keep; next step: {_clip(_first(ind.next_steps), 200)}"
        notes.append(_stmt(f"Possible next steps (matrix): “{_clip(ns, 400)}”", [n], "matrix"))
        verify = _first(ind.next_steps, re.compile(r"\bverify\b", re.I), strict=True)
        if verify:
            open_points.append(_stmt(f"Indicator “{name}”: {verify}", [n], "matrix"))
    if reasoning and not reasoning.startswith("http"):
        q = f"Reasoning for the progress: {reasoning}"
        n = refs.indicator(ind, q)
        notes.append(_stmt(f"Reasoning (matrix): “{_clip(reasoning, 300)}”", [n], "matrix"))
        if re.fullmatch(r"no data\.?", reasoning, re.I):
            open_points.append(
                _stmt(
                    f"Indicator “{name}”: the matrix has no data on its progress ({achieved_words}: {achieved or 'blank'}); "
                    "data to be collected before setting a target.",
                    [n],
                    "matrix",
                )
            )
    exceeded = _exceeded(ind)
    if exceeded and proposal.startswith("Keep"):
        proposal = f"Keep with a new target: {exceeded}" + proposal[len("Keep") :]
    if not achieved:
        year = f" for {got.year}" if got and got.year else ""
        open_points.append(
            _stmt(
                f"Indicator “{name}”: no achieved value{year} in the matrix; the baseline must be established.",
                item_refs[:1],
                "matrix",
            )
        )
    # The findings' proposals about this indicator (by the words of its name).
    name_toks = set(tokenize(name))
    for s in prose:
        if "indicator" in s.text.lower() and re.search(
            r"\bpropos|\bchange|\bcancel|\bdelete|\breformulat", s.text, re.I
        ):
            overlap = len(name_toks & set(tokenize(s.text))) / (len(name_toks) or 1)
            if overlap >= 0.5:
                n = refs.prose(s, ind.owner)
                item_refs.append(n)
                notes.append(_stmt(f"Findings: “{_clip(s.text, 400)}”", [n], "findings"))
                if proposal.startswith("Keep"):
                    proposal = "Change, as the findings propose (see note)"
    history = [
        (v.label, _plain(v.raw)) for v in ind.values if _plain(v.raw) and v is not got and v is not ahead
    ]
    item = IndicatorItem(
        key=ind.id,
        name=name,
        baseline=achieved,
        history=history,
        target=target,
        proposal=proposal,
        notes=notes,
        refs=sorted(set(item_refs)),
    )
    return item, open_points


def _exceeded(ind: Indicator) -> str:
    """'the 2022 target (50) is already exceeded (83 in 2021)' when the matrix's own numbers say so."""
    got, ahead = ind.latest_achieved(), ind.next_target()
    if got is None or ahead is None or got.number is None or ahead.number is None:
        return ""
    raw_target = _plain(ahead.raw)
    if not re.fullmatch(r"[\d.,\s%]+", raw_target):
        return ""
    if got.number >= ahead.number > 0:
        return f"the {ahead.year or 'latest'} target ({raw_target}) is already exceeded ({_plain(got.raw)} in {got.year or 'the matrix'})"
    return ""


# ---------------------------------------------------------------- cross-cutting recommendations


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    pattern: re.Pattern
    request: re.Pattern  # a request that asks about the theme itself


THEMES = (
    Theme(
        "coordination",
        "Co-ordination and management",
        re.compile(
            r"co-?ordinat\w*|management (?:structure|model|function)|strategic management|centralis\w*|"
            r"\bgovernance\b|\bleadership\b|\bcouncil\b|cross-sectoral",
            re.I,
        ),
        re.compile(
            r"co-?ordinat|\bgovern(?:ed|ance|ing)\b|\bmanag(?:e|ed|ement) (?:of )?the programme|\bleadership\b|steering|\bcouncil\b",
            re.I,
        ),
    ),
    Theme(
        "funding",
        "Funding",
        re.compile(r"\bfund(?:s|ing)?\b|\bbudget\w*|\bdonor\w*|\bloans?\b|\bfinanc\w*", re.I),
        re.compile(r"\bfund(?:s|ing)?\b|\bbudget|\bfinanc|\bdonor|\bmoney\b", re.I),
    ),
    Theme(
        "staff",
        "IT staff and human resources",
        re.compile(
            r"\bIT staff\b|\bhuman (?:resources?|capacit\w*)\b|\bstaff\b|\bskills\b|\bretention\b|\bretain\w*|"
            r"\bprofessional development\b|\bIT (?:experts|profiles)\b|\btraining\w*",
            re.I,
        ),
        re.compile(
            r"\bIT staff\b|\bhuman (?:resources?|capacit)|\bstaff\w*\b|\bskills\b|\bpersonnel\b|\brecruit|\bretention\b|\bsalar",
            re.I,
        ),
    ),
)
STAFF_NEED = re.compile(
    r"\bIT staff\b|\bIT profiles?\b|\btraining\w*\b|\bhuman\b|\bskills\b|\bcapacit\w*\b|\bcivil servants\b"
    r"|\bemployees\b|\bofficials\b",
    re.I,
)
COORD_NEED = re.compile(
    r"\bco-?ordinat\w*|\bcooperation\b|\bworking group\b|\bWG\b|\blocal self-govern\w*|\bLSGs?\b|\bdifferent levels\b",
    re.I,
)


def _theme_sentences(
    index: Index, theme: Theme, chapter_only: bool = True, limit: int = 2
) -> list[ProseSentence]:
    return [s for _, s in _theme_scored(index, theme, chapter_only)[:limit]]


def _theme_scored(index: Index, theme: Theme, chapter_only: bool = True) -> list[tuple[float, ProseSentence]]:
    """The report's recommendation sentences on a theme: theme words, recommending verbs, chapter 4 first."""
    scored: list[tuple[float, ProseSentence]] = []
    for s in report_sentences(index):
        in_chapter = _is_recommendations_chapter(s.section)
        if chapter_only and not in_chapter:
            continue
        hits = len({m.group(0).lower() for m in theme.pattern.finditer(s.text)})
        if not hits or len(s.text) < 60 or s.text.endswith(":"):
            continue
        score = min(hits, 3) + (1.5 if RECOMMEND.search(s.text) else 0) + (0.5 if in_chapter else 0)
        scored.append((score, s))
    scored.sort(key=lambda t: (-t[0], t[1].position))
    return scored


def _recommendations(
    index: Index,
    m: Measure,
    acts: list[ActivityItem],
    catalog: Catalog,
    refs: _Refs,
    prose: list[ProseSentence],
) -> list[Recommendation]:
    """The recommendations chapter's cross-cutting recommendations that apply to this measure, and its own."""
    out: list[Recommendation] = []
    records = [a for a in catalog.activities if a.measure == m.id]
    text = " ".join(
        [m.title]
        + [f"{a.title} {a.reasoning} {a.relevance} {a.next_steps}" for a in records]
        + [i.name for i in catalog.indicators if i.owner == m.id]
    )
    by_key: dict[str, str] = {}
    for name in [_norm(m.responsible)] + [_norm(a.responsible) for a in records]:
        key = name.split(" ")[0].upper() if name else ""
        if key and len(name) > len(by_key.get(key, "")):
            by_key[key] = name
    entities = sorted(by_key.values())
    coord_words = sorted({w.group(0) for w in COORD_NEED.finditer(text)}, key=str.lower)
    if len(entities) > 1:
        why = f"the measure's activities are shared by {', '.join(entities)}"
    elif coord_words:
        why = f"its activities depend on co-ordination (the matrix mentions {', '.join(coord_words[:3])})"
    else:
        why = "the evaluation found the co-ordination of the whole Programme insufficient"
    reasons = {"coordination": why}
    stalled = [a.id for a in records if FUNDS.search(_norm(a.reasoning))]
    if stalled:
        reasons["funding"] = f"{', '.join(stalled)} stalled because funds were not secured"
    staff_words = sorted({w.group(0) for w in STAFF_NEED.finditer(text)}, key=str.lower)
    if staff_words:
        reasons["staff"] = (
            f"the measure relies on people and skills (the matrix mentions {', '.join(staff_words[:3])})"
        )
    for theme in THEMES:
        if theme.key not in reasons:
            continue
        stmts = []
        for s in _theme_sentences(index, theme):
            n = refs.prose(s, m.id)
            stmts.append(_stmt(f"“{_clip(s.text, 500)}”", [n], "recommendations"))
        if stmts:
            out.append(
                Recommendation(theme=theme.label, applies_because=reasons[theme.key], statements=stmts)
            )
    # Recommendations of the chapter that name this measure's subject (its title words).
    specific = _specific_recommendations(index, m, refs)
    if specific:
        out.append(
            Recommendation(
                theme="Specific to this measure",
                applies_because="the recommendations chapter names its subject",
                statements=specific,
            )
        )
    return out


def _specific_recommendations(index: Index, m: Measure, refs: _Refs) -> list[Statement]:
    """Sentences of the recommendations chapter about the measure's subject: close in meaning to its
    title and sharing at least one of its distinctive words."""
    idf = index.idf
    title = {
        t: idf[t]
        for t in tokenize(m.title)
        if idf.get(t, 0.0) >= SPECIFIC_IDF and t not in GENERIC_TITLE_WORDS
    }
    pool, vectors = _chapter_vectors(index)
    if not title or not pool:
        return []
    total = sum(title.values())
    sims = vectors @ index.embed_query(_norm(m.title))
    out: list[tuple[float, ProseSentence]] = []
    for sim, s in zip(sims, pool):
        shared = sum(w for t, w in title.items() if t in set(tokenize(s.text))) / total
        if float(sim) >= SPECIFIC_COSINE and shared >= SPECIFIC_SHARE:
            out.append((float(sim) + (0.05 if RECOMMEND.search(s.text) else 0.0), s))
    out.sort(key=lambda t: -t[0])
    sentences = report_sentences(index)
    stmts = []
    for _, s in out[:2]:
        intro = None
        if s.text[:1] in "·§•-–":  # a list item: quote the sentence that introduces the list
            for j in range(s.position - 1, max(-1, s.position - 15), -1):
                if sentences[j].text.endswith(":") and sentences[j].section == s.section:
                    intro = sentences[j]
                    break
        if intro is not None:
            stmts.append(
                _stmt(
                    f"“{_clip(intro.text, 400)}” … “{s.text}”",
                    [refs.prose(intro, m.id), refs.prose(s, m.id)],
                    "recommendations",
                )
            )
        else:
            stmts.append(_stmt(f"“{_clip(s.text, 400)}”", [refs.prose(s, m.id)], "recommendations"))
    return stmts


# ---------------------------------------------------------------- one measure


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
    entry.open_points = _dedupe(open_points)
    entry.recommendations = _recommendations(index, m, entry.activities, catalog, refs, prose)
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


# ---------------------------------------------------------------- requests

DRAFT_NOISE = (
    re.compile(r"\b20\d\d\s*[-–/]\s*(?:20)?\d\d\b|\b(?:from|in|for|after|until) 20\d\d\b"),
    re.compile(
        r"\b(?:please|kindly|can you|could you|would you|draft(?:ing)?|write|prepare|compose|propose|suggest|produce|"
        r"create|give me|make|outline)\b",
        re.I,
    ),
    re.compile(r"\b(?:new|next|revised|updated|upcoming|future)\b", re.I),
    re.compile(
        r"\b(?:action plans?|APs?|programme cycle|programme period|programmes?|programs?|cycles?|period|plan|"
        r"entry|entries|section|paragraph|text|note|briefing|brief|proposal|measures?|"
        r"(?:including|with) (?:the )?indicators|state secretary|short|one-pager)\b",
        re.I,
    ),
)
DRAFT_VERB = re.compile(
    r"^\s*(?:please\s+|kindly\s+|can you\s+|could you\s+|would you\s+)?"
    r"(?:draft|write|prepare|compose|propose|suggest|produce|create|give me|make|outline)\b",
    re.I,
)
EDGE_WORDS = frozenset(
    "a an the for on about of to in into go and with where how what that which stand stands "
    "our its it be should is are from".split()
)


def topic_of(request: str) -> str:
    """The subject of a drafting request, without the drafting words ("Draft the ... entry for")."""
    text = _norm(request)
    for pattern in DRAFT_NOISE:
        text = pattern.sub(" ", text)
    words = [w for w in re.split(r"\s+", text) if w.strip(" ,.;:!?/()-")]
    while words and words[0].lower().strip(",.;:!?()") in EDGE_WORDS:
        words.pop(0)
    while words and words[-1].lower().strip(",.;:!?()") in EDGE_WORDS:
        words.pop()
    topic = " ".join(words).strip(" ,.;:!?/-")
    return topic


def _coverage(index: Index, topic: str, text: str) -> float:
    """IDF-weighted share of the topic's words that the text holds; an everyday word counts as held when
    most of the corpus terms it stands for are there ("cybersecurity" -> information security, cyber exercises)."""
    idf = index.idf
    q = {t for t in tokenize(topic) if not t[0].isdigit()}
    if not q:
        return 0.0
    have = set(tokenize(text))
    covered = q & have
    for pattern, terms in index.names.term_patterns():
        for m in pattern.finditer(topic):
            start = topic.rfind(" ", 0, m.start()) + 1
            end = topic.find(" ", m.end())
            words = set(tokenize(topic[start : end if end >= 0 else len(topic)])) & q
            wanted = set(tokenize(terms))
            if words and wanted and len(wanted & have) / len(wanted) >= 0.5:
                covered |= words
    default = max(idf.values()) if idf else 1.0
    total = sum(idf.get(t, default) for t in q)
    return sum(idf.get(t, default) for t in covered) / total if total else 0.0


def _measure_text(index: Index, mid: str) -> str:
    """Everything the matrix says about a measure: its record chunk, activities and indicators."""
    return "\n".join(
        c.text
        for c in index.chunks
        if c.kind in ("measure", "activity", "indicator")
        and (c.record_id == mid or (c.kind != "measure" and mid in c.ids))
    )


@dataclass
class _Pick:
    measures: list[str]
    hits: list[Hit]
    best_cosine: float = 0.0
    coverage: dict[str, float] = field(default_factory=dict)


def _pick_measures(index: Index, topic: str) -> _Pick:
    """The measures a topic is about: fused retrieval scores per measure, kept when the evidence is strong."""
    hits = retrieve(index, topic, k=12)
    catalog = index.catalog
    score: dict[str, float] = {}
    cosine: dict[str, float] = {}
    for h in hits:
        c = h.chunk
        if c.kind in ("activity", "measure", "indicator"):
            mids = [i for i in c.ids if catalog.kind_of(i) == "measure"]
            weight = 1.0
        elif c.kind == "section":
            mids = sorted({m for m in (_measure_of(i, catalog) for i in c.ids) if m})
            weight = 0.5 / max(1, len(mids))
        else:
            continue
        for mid in mids:
            if catalog.record(mid) is None:
                continue
            score[mid] = score.get(mid, 0.0) + h.score * weight
            cosine[mid] = max(cosine.get(mid, 0.0), h.cosine)
    pick = _Pick([], hits, max((h.cosine for h in hits[:5]), default=0.0))
    if not score:
        return pick
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    best = ranked[0][1]
    for mid, s in ranked:
        if s < RELATIVE_SCORE * best or len(pick.measures) >= MAX_TOPIC_MEASURES:
            break
        cov = _coverage(index, topic, _measure_text(index, mid))
        pick.coverage[mid] = cov
        cos = cosine.get(mid, 0.0)
        if (cos >= MIN_COSINE and cov >= SOME_COVERAGE) or cos >= HIGH_COSINE or cov >= MIN_COVERAGE:
            pick.measures.append(mid)
    return pick


def _requested_measures(request: str, catalog: Catalog) -> tuple[list[str], list[str]]:
    """Measures the request names by ID (activities name their measure, objectives all of theirs), and unknown IDs."""
    known = catalog.all_ids()
    out: list[str] = []
    for id_ in find_ids(request):
        if id_ not in known:
            continue
        if catalog.kind_of(id_) == "objective":
            mids = [m.id for m in catalog.measures if m.objective == id_]
        else:
            mids = [_measure_of(id_, catalog) or id_]
        out.extend(m for m in mids if m not in out)
    bad = unknown_ids(request, known)
    bad += [
        i for i in find_ids(request) if i not in known and i.count(".") >= 2 and i not in bad
    ]  # 3+ parts: an ID, not a number
    return out, bad


def _general(
    index: Index, request: str, topic: str, themes: list[Theme], refs: _Refs
) -> list[Recommendation]:
    """Cross-cutting recommendations for a request about co-ordination, funding or IT staff."""
    out = []
    vector = index.embed_query(topic or request)
    for theme in themes:
        scored = _theme_scored(index, theme, chapter_only=False)[:30]
        if not scored:
            continue
        sims = index.text_vectors([s.text for _, s in scored]) @ vector
        ranked = sorted(zip(sims, scored), key=lambda t: -(float(t[0]) + 0.15 * t[1][0]))
        chosen = sorted([s for _, (_, s) in ranked[:5]], key=lambda s: s.position)
        stmts = [
            _stmt(
                f"“{_clip(s.text, 500)}”",
                [refs.prose(s, "")],
                "recommendations" if _is_recommendations_chapter(s.section) else "findings",
            )
            for s in chosen
        ]
        out.append(
            Recommendation(theme=theme.label, applies_because="the request asks about it", statements=stmts)
        )
    return out


def _title(entries: list[MeasureEntry], topic: str, by_id: bool, catalog: Catalog) -> str:
    period = catalog.plan_period()
    if len(entries) == 1 and by_id:
        e = entries[0]
        return f"Draft {period} action plan entry: {catalog.label(e.id)} {e.title}"
    ids = ", ".join(e.id for e in entries)
    about = f"{topic} " if topic and not by_id else ""
    noun = "entry" if len(entries) == 1 else "entries"
    level = catalog.level_plural("measure") if len(entries) > 1 else catalog.level_name("measure").lower()
    return f"Draft {period} action plan {noun}: {about}({level} {ids})".replace(": (", ": ")


def draft(request: str, settings: Settings | None = None) -> DraftDoc:
    """Draft action-plan entries for a measure ID, a topic or a free request, from the evaluation only."""
    settings = settings or get_settings()
    index = get_index(settings)
    catalog = index.catalog
    text = _norm(request)
    refs = _Refs(catalog)
    if not text.strip(" ?!.,;:"):
        return DraftDoc(
            request=request,
            title="No draft",
            covered=False,
            message="Name a measure (for example 1.3.5) or a topic to draft an action-plan entry for.",
        )
    mids, bad = _requested_measures(text, catalog)
    by_id = bool(mids)
    topic = "" if by_id else topic_of(text)
    pick: _Pick | None = None
    if not mids and bad:
        return DraftDoc(
            request=request,
            title="No draft",
            covered=False,
            topic=topic,
            message=(
                f"The evaluation has no {bad[0]}: its IDs run from {catalog.id_range()}, "
                if catalog.has_matrix
                else f"The evaluation has no {bad[0]}: it holds no matrix, "
            )
            + "so there is nothing to draft from.",
        )
    if not mids:
        if not topic:
            return DraftDoc(
                request=request,
                title="No draft",
                covered=False,
                message="Name a measure (for example 1.3.5) or a topic to draft an action-plan entry for.",
            )
        pick = _pick_measures(index, topic)
        mids = pick.measures
    themes = [t for t in THEMES if t.request.search(text)] if not mids else []
    if not mids and not themes:
        subject = topic if (topic and DRAFT_VERB.match(text)) else text
        return DraftDoc(
            request=request,
            title="No draft: not covered by the evaluation",
            covered=False,
            topic=topic,
            message=f"The evaluation does not cover “{subject}”: none of its measures, activities or "
            "findings deal with it, so no action-plan entry can be drafted from it without inventing one.",
        )
    entries = [_entry(index, catalog.record(mid), refs) for mid in mids]  # type: ignore[arg-type]
    general = _general(index, text, topic, themes, refs) if not entries else []
    if entries:
        title = _title(entries, topic, by_id, catalog)
    else:
        title = f"Draft {catalog.plan_period()} recommendation: " + " and ".join(
            t.label.lower() for t in themes
        )
    doc = DraftDoc(
        request=request,
        title=title,
        covered=True,
        entries=entries,
        citations=refs.items,
        general=general,
        topic=topic,
        period=refs.period,
        as_of=refs.as_of,
        matrix=catalog.matrix_name,
        measure_name=catalog.level_name("measure"),
        objective_name=catalog.level_name("objective"),
        activity_name=catalog.level_name("activity"),
    )
    doc.chunk_ids = _used_chunks(index, doc, refs, pick)
    _rewrite(doc, settings, index)
    return doc


def _used_chunks(index: Index, doc: DraftDoc, refs: _Refs, pick: _Pick | None) -> list[str]:
    ids: list[str] = []
    for e in doc.entries:
        keys = {e.id} | {a.id for a in e.activities + e.left_out} | {i.key for i in e.indicators}
        ids += [c.id for c in index.chunks if c.kind != "section" and c.record_id in keys]
    ids += refs.chunks
    if pick is not None and not doc.entries:
        ids += [h.chunk.id for h in pick.hits[:5]]
    return list(dict.fromkeys(ids))


# ---------------------------------------------------------------- optional LLM rewrite


def _sources(index: Index, chunk_ids: list[str]) -> list[Source]:
    out: list[Source] = []
    for cid in chunk_ids:
        chunk = index.by_id.get(cid)
        if chunk is None:
            continue
        meta: dict[str, object] = dict(chunk.metadata())
        meta["ids"] = chunk.ids
        out.append(Source(chunk_id=chunk.id, text=chunk.text, score=1.0, metadata=meta))
    return out


def _rewrite(doc: DraftDoc, settings: Settings, index: Index) -> None:
    """Let a configured LLM rewrite each entry's summary (rag.llm guards it against its sources); keep the
    composed summary unless the rewrite also names no ID beyond the entry's own."""
    if getattr(settings, "llm_provider", "none") == "none" or not doc.entries:
        return
    try:
        from rag.llm import rewrite_prose
    except ImportError:
        return
    for e in doc.entries:
        allowed = (
            {e.id, e.objective}
            | {a.id for a in e.activities + e.left_out}
            | {a.from_measure for a in e.activities if a.from_measure}
        )
        keys = allowed | {i.key for i in e.indicators}
        chunk_ids = [
            c.id
            for c in index.chunks
            if (c.kind != "section" and c.record_id in keys)
            or (c.kind == "section" and c.doc_type == "report" and allowed & set(c.ids))
        ]
        sources = _sources(index, chunk_ids)
        try:
            new = rewrite_prose(e.summary, sources, settings)
        except Exception:  # noqa: BLE001 - an unreachable model leaves the extractive draft
            new = None
        if not new or not new.strip():
            continue
        named = set(find_ids(new))
        if (
            named - allowed or e.id not in named
        ):  # the citation guard: no IDs beyond the entry's, and its own kept
            continue
        e.summary = " ".join(new.split())
        doc.mode = "llm"


# ---------------------------------------------------------------- chat route


def draft_answer(question: str, settings: Settings | None = None, answer_id: str = "") -> Answer:
    """The chat route for drafting requests: the draft as Markdown, with its citations and sources."""
    settings = settings or get_settings()
    try:
        doc = draft(question, settings=settings)
        index = get_index(settings)
    except IndexMissing as exc:
        return Answer(
            answer=f"The index is not built yet ({exc}).",
            abstained=True,
            intent="no_index",
            answer_id=answer_id,
        )
    sources = _sources(index, doc.chunk_ids[:20])
    if not doc.covered:
        return Answer(
            answer=doc.message or "The evaluation does not cover this.",
            abstained=True,
            citations=[],
            sources=sources,
            intent="draft",
            answer_id=answer_id,
            mode=doc.mode,
        )
    return Answer(
        answer=doc.to_markdown(),
        abstained=False,
        citations=doc.citations,
        sources=sources,
        intent="draft",
        answer_id=answer_id,
        mode=doc.mode,
    )


__all__ = [
    "ActivityItem",
    "DraftDoc",
    "IndicatorItem",
    "MeasureEntry",
    "Recommendation",
    "Statement",
    "draft",
    "draft_answer",
    "topic_of",
]
