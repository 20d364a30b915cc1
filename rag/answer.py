"""The extractive answerer: exact answers from the record catalog, cited sentences for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ingest.chunks import Chunk
from ingest.ids import find_ids
from ingest.provenance import describe, describe_document, is_evaluation, supplementary_document
from ingest.records import Activity, Catalog, Indicator, IndicatorValue, Measure, Objective, ValueRole
from ingest.sentences import Sentence
from ingest.text import split_sentences
from rag.index import Index
from rag.models import Citation
from rag.retrieve import Hit
from rag.tokenize import tokenize
from rag.understand import Query


@dataclass
class Draft:
    """An answer under construction: its sentences and the citations they rest on."""

    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    intent: str = ""
    confidence: float | None = None

    def say(self, text: str) -> None:
        """Add a sentence; one that ends without punctuation gets a full stop."""
        text = text.strip()
        if text:
            self.parts.append(text if text[-1] in ".!?…”:;)" else text + ".")

    def cite(self, citation: Citation) -> None:
        """Once per ID and kind from the evaluation, and once more from each note or upload that restates
        it (cited beside it, as itself)."""

        def key(c: Citation) -> tuple[str, str, str]:
            document = c.source.split(",")[0]
            return (c.id, c.kind, document if supplementary_document(document) else "")

        if all(key(c) != key(citation) for c in self.citations):
            self.citations.append(citation)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


# ---------------------------------------------------------------- citations


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _first_sentences(text: str, n: int = 2, limit: int = 400) -> str:
    """The first n sentences of a cell, whitespace folded, cut at a sentence end when too long."""
    text = _norm(text)
    parts = split_sentences(text)
    out = " ".join(parts[:n])
    if len(out) > limit:
        out = out[:limit].rsplit(" ", 1)[0] + " …"
    return out


def _quote(value: str, fallback: str) -> str:
    """A verbatim quote: the first sentence of a field value (whitespace folded), else the fallback."""
    value = _norm(value)
    if not value or value == "/":
        return _norm(fallback)
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


# ---------------------------------------------------------------- prose support


def prose_about(
    index: Index, ids: list[str], question: str, limit: int = 1, topic: str = ""
) -> list[Sentence]:
    """Sentences of the report's prose about the IDs (naming them, or sharing the topic's rare words).

    Only the sentences that can qualify are read: those naming an ID, and those holding one of
    the topic's rarest words that together weigh more than half of it (a sentence without any of
    them cannot share half the topic).
    """
    wanted = set(ids)
    q = content_terms(question)
    topic_terms = content_terms(topic) if topic else set()
    weight = {t: index.idf.get(t, 1.0) for t in topic_terms}
    total = sum(weight.values()) or 1.0
    candidates: set[int] = set()
    for i in ids:
        candidates.update(index.prose_naming.get(i, ()))
    reached = 0.0
    for t in sorted(weight, key=lambda t: (-weight[t], t)):
        if reached > 0.5 * total:
            break
        candidates.update(index.prose_postings.get(t, ()))
        reached += weight[t]
    found: list[tuple[float, Sentence]] = []
    for n in sorted(candidates):
        s = index.sentences[n]
        if s.chunk.doc_type not in ("report", "interview"):
            continue
        toks = s.tokens
        names = bool(wanted & set(s.ids))
        shared = sum(weight[t] for t in topic_terms & toks) / total
        if not names and shared < 0.5:
            continue
        overlap = sum(index.idf.get(t, 1.0) for t in q & toks)
        found.append(
            (overlap + (3.0 if names else 0.0) + 2.0 * shared + (0.5 if re.search(r"\d", s.text) else 0), s)
        )
    found.sort(key=lambda t: (not is_evaluation(t[1].chunk), -t[0]))  # the evaluation's words first
    return [s for _, s in found[:limit]]


def add_prose(
    draft: Draft, index: Index, ids: list[str], question: str, limit: int = 1, topic: str = ""
) -> None:
    """Add what the report's prose says about the IDs, labelled as such."""
    for s in prose_about(index, ids, question, limit, topic):
        if any(s.text in p for p in draft.parts):
            continue
        draft.say(f"{_says(s.chunk)}: “{s.text}”")
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)


# ---------------------------------------------------------------- structured answers


def _status_phrase(a: Activity, catalog: Catalog) -> str:
    if not a.status_raw:
        return f"has no status in {catalog.matrix_name} (the status cell is blank)"
    return f"is marked “{_norm(a.status_raw)}” in {catalog.matrix_name}"


def answer_activity_status(
    draft: Draft, a: Activity, query: Query, index: Index, detail: bool = True
) -> None:
    catalog = index.catalog
    lead = ""
    if query.statuses and query.intent == "status" and a.status != "unknown":
        lead = "Yes. " if a.status in query.statuses else "No. "
    m = catalog.record(a.measure)
    under = (
        f", under {catalog.label(m.id).lower()} ({_first_sentences(m.title, 1, 120)}),"
        if isinstance(m, Measure)
        else ""
    )
    draft.say(
        f"{lead}{catalog.label(a.id)} ({_first_sentences(a.title, 1, 160)}){under} {_status_phrase(a, catalog)}."
    )
    draft.cite(cite_record(a, catalog, _quote(a.status_raw, a.title)))
    if isinstance(m, Measure):
        draft.cite(cite_record(m, catalog, _norm(m.title)))
    for other in index.restated.get(a.id, []):  # a note or upload that states it differently, as what it is
        if other.status != a.status and other.status_raw:
            draft.say(
                f"{describe_document(other.document)[:1].upper() + describe_document(other.document)[1:]} marks it "
                f"“{_norm(other.status_raw)}”; this answer follows {catalog.matrix_name}, the evaluation's own record."
            )
            draft.cite(cite_record(other, catalog, _norm(other.status_raw)))
    if detail and a.responsible:  # who answers for it belongs with where it stands
        draft.say(f"Responsible: {index.names.spell_out(a.responsible)}.")
    if detail and a.reasoning and a.reasoning != "/":
        draft.say(f"Reasoning given: {_first_sentences(a.reasoning, 2)}")
    if detail and a.relevance and query.intent == "why":
        draft.say(f"Relevance: {_first_sentences(a.relevance, 1)}")
    if detail and a.next_steps:
        draft.say(f"Possible next steps: {_first_sentences(a.next_steps, 1)}")


def answer_responsible(draft: Draft, rec: Activity | Measure | Objective, index: Index) -> None:
    catalog = index.catalog
    label = catalog.level_name(catalog.kind_of(rec.id))
    if rec.responsible:
        draft.say(
            f"{label} {rec.id} ({_first_sentences(rec.title, 1, 160)}) is the responsibility of "
            f"{index.names.spell_out(rec.responsible)}, according to {catalog.matrix_name}."
        )
        draft.cite(cite_record(rec, catalog, rec.responsible))
    else:
        draft.say(
            f"{catalog.matrix_name[:1].upper() + catalog.matrix_name[1:]} does not name a responsible entity for {label.lower()} {rec.id}."
        )
        draft.cite(cite_record(rec, catalog, _norm(rec.title)[:200]))
    if isinstance(rec, Activity):
        m = catalog.record(rec.measure)
        if isinstance(m, Measure) and m.responsible:
            draft.say(f"Its {catalog.label(m.id).lower()} is led by {index.names.spell_out(m.responsible)}.")
            draft.cite(cite_record(m, catalog, m.responsible))


def indicator_sentence(ind: Indicator, catalog: Catalog) -> str:
    """Every value of an indicator row under its column's own label."""
    owner = "the overall objective" if ind.owner == "0" else catalog.label(ind.owner).lower()
    listed = "; ".join(
        f"{_value_label(v)} {_first_sentences(v.raw, 1, 200)}"
        + (" (none)" if v.role == ValueRole.ACHIEVED and v.number == 0 else "")
        for v in ind.values
        if _norm(v.raw) and _norm(v.raw) not in {"/", "-"}
    )
    return f"For the indicator “{_norm(ind.name)}” ({owner}), {catalog.matrix_name} gives: {listed}."


def _value_label(v: IndicatorValue) -> str:
    """'Target value for 2022 and the comment' -> 'target value for 2022'; 'Baseline value (2019)' as it is, lower-cased."""
    label = re.sub(r"\s+and (?:the )?comments?(?: comment)?$", "", _norm(v.label), flags=re.I)
    return (label[:1].lower() + label[1:]) if label else "value"


def answer_indicator(draft: Draft, inds: list[Indicator], query: Query, index: Index) -> None:
    for ind in inds:
        draft.say(indicator_sentence(ind, index.catalog))
        got = ind.latest_achieved()
        draft.cite(
            cite_indicator(
                ind, index.catalog, _quote(got.raw, ind.name) if got and got.raw else _norm(ind.name)
            )
        )
        if ind.reasoning and ind.reasoning != "/" and not ind.reasoning.startswith("http"):
            draft.say(f"Reasoning: {_first_sentences(ind.reasoning, 1, 300)}")
    owners = [i.owner for i in inds if i.owner != "0"]
    add_prose(draft, index, [], query.text, topic=inds[0].name if inds else "")
    if owners and len(draft.parts) < 3:
        add_prose(draft, index, owners[:1], query.text)


def answer_about(draft: Draft, rec: Activity | Measure | Objective, query: Query, index: Index) -> None:
    catalog = index.catalog
    if isinstance(rec, Activity):
        answer_activity_status(draft, rec, query, index)
        return
    if isinstance(rec, Measure):
        o = catalog.record(rec.objective)
        under = (
            f" falls under {catalog.label(rec.objective).lower()}{f' ({o.title})' if o else ''};"
            if rec.objective
            else ":"
        )
        draft.say(
            f"{catalog.label(rec.id)} ({_norm(rec.title)}){under} the responsible entity is "
            f"{index.names.spell_out(rec.responsible) if rec.responsible else 'not named'}."
        )
        draft.cite(cite_record(rec, catalog, _norm(rec.title)))
        if rec.relevance:
            draft.say(f"Relevance: {_first_sentences(rec.relevance, 1)}")
        acts = [a for a in catalog.activities if a.measure == rec.id]
        if acts:
            draft.say(
                f"It has {len(acts)} {catalog.level_plural('activity')}: "
                + "; ".join(
                    f"{a.id} {_first_sentences(a.title, 1, 90)} ({_norm(a.status_raw) or 'no status given'})"
                    for a in acts
                )
                + "."
            )
            for a in acts:
                draft.cite(
                    cite_record(
                        a, catalog, _quote(a.status_raw, a.title) if a.status_raw else _norm(a.title)[:200]
                    )
                )
        add_prose(draft, index, [rec.id], query.text)
        return
    measures = [m for m in catalog.measures if m.objective == rec.id]
    draft.say(
        f"{catalog.label(rec.id)} ({rec.title}) is led by {index.names.spell_out(rec.responsible) if rec.responsible else 'an entity the matrix does not name'}"
        f"{f'; indicator achievement: {rec.achievement}' if rec.achievement else ''}."
    )
    draft.cite(cite_record(rec, catalog, rec.achievement or _norm(rec.title)))
    if measures:
        draft.say(
            f"It has {len(measures)} {catalog.level_plural('measure')}: "
            + "; ".join(f"{m.id} {_first_sentences(m.title, 1, 90)}" for m in measures)
            + "."
        )


def _scope(query: Query, catalog: Catalog) -> list[str]:
    return [i for i in query.ids if catalog.kind_of(i) in ("objective", "measure")]


def _in_scope(record_id: str, scope: list[str]) -> bool:
    return not scope or any(record_id == s or record_id.startswith(s + ".") for s in scope)


def answer_aggregate(draft: Draft, query: Query, index: Index, hits: list[Hit]) -> None:
    catalog = index.catalog
    scope = _scope(query, catalog)
    where = f" under {' and '.join(catalog.label(s).lower() for s in scope)}" if scope else ""
    unit = query.unit or "activities"
    for sid in scope:
        rec = catalog.record(sid)
        if rec is not None:
            draft.cite(cite_record(rec, catalog, _norm(rec.title)))
    if unit == "objectives" or (query.group_by == "objective" and unit in {"measures", "activities"}):
        rows = []
        for o in catalog.objectives:
            n_m = sum(1 for m in catalog.measures if m.objective == o.id)
            n_a = sum(
                1
                for a in catalog.activities
                if a.objective == o.id and (not query.statuses or a.status in query.statuses)
            )
            rows.append(
                f"{o.id} ({o.title}): {n_m} {catalog.level_plural('measure')}, {n_a} {catalog.level_plural('activity')}"
                + (f" {'/'.join(query.statuses)}" if query.statuses else "")
            )
            draft.cite(cite_record(o, catalog, _norm(o.title)))
        draft.say(
            f"The Programme has {len(catalog.objectives)} {catalog.level_plural('objective')}, {len(catalog.measures)} "
            f"{catalog.level_plural('measure')} and {len(catalog.activities)} {catalog.level_plural('activity')}. "
            f"Per {catalog.level_name('objective').lower()}: " + "; ".join(rows) + "."
        )
        return
    if unit == "measures":
        measures = [m for m in catalog.measures if _in_scope(m.id, scope)]
        draft.say(
            f"There are {len(measures)} {catalog.level_plural('measure')}{where}: "
            + "; ".join(f"{m.id} {_first_sentences(m.title, 1, 100)}" for m in measures)
            + "."
        )
        for m in measures[:30]:
            draft.cite(cite_record(m, catalog, _norm(m.title)))
        return
    if unit == "indicators":
        inds = [i for i in catalog.indicators if _in_scope(i.owner, scope) and i.owner != "0"]
        draft.say(
            f"{_cap(catalog.matrix_name)} lists {len(inds)} indicators{where}: "
            + "; ".join(_norm(i.name) for i in inds[:25])
            + "."
        )
        for i in inds[:25]:
            draft.cite(cite_indicator(i, catalog, _norm(i.name)))
        return
    acts = [a for a in catalog.activities if _in_scope(a.id, scope)]
    if query.entities:
        acts = [a for a in acts if any(index.names.is_responsible(a.responsible, e) for e in query.entities)]
        where += f" for which {' or '.join(index.names.spell_out(e) for e in query.entities)} is responsible"
    if query.statuses:
        noted = [
            a
            for a in acts
            if a.status == "unknown"
            and any(
                s != "unknown" and s in (a.reasoning + " " + a.next_steps).lower() for s in query.statuses
            )
        ]
        acts = [a for a in acts if a.status in query.statuses]
    else:
        noted = []
    if not query.statuses and not scope and not query.entities:  # the activities the question is about
        keys = [h.chunk.record_id for h in hits if h.chunk.kind == "activity"]
        acts = [a for a in catalog.activities if a.id in keys[:8]]
    status_words = " or ".join(
        "with a blank status" if s == "unknown" else f"“{s}”" for s in query.statuses
    ).replace("marked with", "with")
    desc = (
        f"{len(acts)} {catalog.level_name('activity').lower() if len(acts) == 1 else catalog.level_plural('activity')}{where}"
        + (f" {'is' if len(acts) == 1 else 'are'} marked {status_words}" if query.statuses else "")
    )
    if not acts:
        draft.say(
            f"No {catalog.level_plural('activity')}{where} are marked {status_words or 'that way'} in {catalog.matrix_name}."
        )
        return
    shown = acts[:30]
    listing = "; ".join(
        f"{a.id} {_first_sentences(a.title, 1, 90)}"
        + ("" if query.statuses else f" ({_norm(a.status_raw) or 'no status given'})")
        for a in shown
    )
    more = f" (and {len(acts) - len(shown)} more)" if len(acts) > len(shown) else ""
    draft.say(f"In {catalog.matrix_name}, {desc}: {listing}{more}.")
    for a in shown:
        draft.cite(
            cite_record(a, catalog, _quote(a.status_raw, a.title) if a.status_raw else _norm(a.title)[:200])
        )
    for a in noted:
        draft.say(
            f"{catalog.label(a.id)} has a blank status cell, but its text reads “{_first_sentences(a.reasoning or a.next_steps, 1, 120)}”."
        )
        draft.cite(cite_record(a, catalog, _quote(a.reasoning or a.next_steps, a.title)))
    if query.intent == "count" and query.statuses and not scope:
        per = "; ".join(f"{o.id}: {sum(1 for a in acts if a.objective == o.id)}" for o in catalog.objectives)
        draft.say(f"Per {catalog.level_name('objective').lower()}: {per}.")


# ---------------------------------------------------------------- free questions

GENERIC = frozenset(
    tokenize(
        "what which who how many much programme program evaluation "
        "report analysis say says tell does give show know status current currently "
        "yet still already ever so far there any been about"
    )
)


def content_terms(text: str) -> set[str]:
    """The words of a question that carry its meaning (no question words or corpus-wide words)."""
    return {t for t in tokenize(text) if t not in GENERIC}


def coverage(index: Index, question: str, texts: list[str]) -> float:
    """IDF-weighted share of the question's content words found in the texts, directly or as the report's term
    for them (unknown words weigh most)."""
    q = content_terms(question)
    if not q:
        return 1.0
    have: set[str] = set()
    for t in texts:
        have.update(tokenize(t))
    synonyms = index.names.synonym_map(question)  # "help line" is covered by the report's "call centre"
    default = max(index.idf.values()) if index.idf else 1.0
    total = sum(index.idf.get(t, default) for t in q)
    found = sum(index.idf.get(t, default) for t in q if t in have or synonyms.get(t, frozenset()) & have)
    return found / total if total else 0.0


DATE = re.compile(
    r"\b(?:19|20)\d\d\b|\bquarter\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
    re.I,
)
NUMBER = re.compile(r"\b\d[\d.,]*\b")
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of|for|and)?\s*[A-Z][a-z]+)+|\b[A-Z]{2,}\b")


def answer_type(question: str) -> re.Pattern | None:
    """What kind of text answers the question: a date for 'when', a number for 'how many', a name for 'who/where'."""
    q = question.lower()
    if re.search(
        r"^\s*(?:and\s+)?when\b|\bsince when\b|\bwhat date\b|\bwhich year\b|\bhow long\b|\bdeadlines?\b|\bby when\b"
        r"|\bdue (?:date|by)\b|\btime ?(?:line|frame)\b|\bcompletion date\b",
        q,
    ):
        return DATE
    if re.search(r"\bhow (?:many|much)\b|\bwhat (?:share|percentage|number)\b", q):
        return NUMBER
    if re.search(
        r"^\s*(?:who|where)\b|\bwhich (?:institution|body|ministry|unit|organisation|municipalit|cit|town)", q
    ):
        return NAME
    return None


def best_sentences(
    index: Index,
    query: Query,
    hits: list[Hit],
    vector: np.ndarray,
    n: int = 3,
    search_text: str = "",
    require: set[str] | None = None,
    top: int = 6,
    everywhere: bool = True,
) -> list[tuple[float, float, Sentence]]:
    """The sentences that best answer the question: (score, cosine, sentence), at most two per chunk.

    Candidates come from the top hits and from a sentence-level BM25 over the whole index; the
    best by lexical overlap are embedded and ranked by a mix of cosine similarity and overlap.
    """

    q = content_terms(index.names.expand(search_text or query.text))
    qw = sum(index.idf.get(t, 1.0) for t in q) or 1.0
    rank_of = {h.chunk.id: r for r, h in enumerate(hits)}
    pool: dict[str, tuple[float, Sentence]] = {}

    wants = answer_type(query.text)

    def consider(s: Sentence, bonus: float) -> None:
        toks = s.tokens
        if s.text.rstrip(" ”\"'").endswith(
            "?"
        ):  # a question (an interview guide's, a heading's) is not evidence
            return
        if require and not require <= toks:
            return
        lex = sum(index.idf.get(t, 1.0) for t in q & toks) / qw
        score = lex + bonus + (0.15 if wants and wants.search(s.text) else 0.0)
        key = s.chunk.id + "|" + s.text
        if key not in pool or pool[key][0] < score:
            pool[key] = (score, s)

    for rank, hit in enumerate(hits[:top]):
        for s in index.chunk_sentences.get(hit.chunk.id, []):
            consider(s, max(0.0, 0.12 - 0.02 * rank))
    for i, _ in (
        []
        if not everywhere
        else index.sentence_scores(
            tokenize(index.names.expand(search_text or query.text)), 40 if require else 20
        )
    ):
        s = index.sentences[i]
        consider(
            s, 0.1 - 0.02 * rank_of[s.chunk.id] if s.chunk.id in rank_of and rank_of[s.chunk.id] < 5 else 0.0
        )
    ranked = sorted(pool.values(), key=lambda t: -t[0])[:28]
    if not ranked:
        return []
    vecs = index.text_vectors([s.text for _, s in ranked])
    sims = vecs @ vector
    scored = sorted(
        (
            (0.6 * float(sim) + 0.4 * pre - _long(s.text) - _supplementary(s), float(sim), s)
            for (pre, s), sim in zip(ranked, sims)
        ),
        key=lambda t: -t[0],
    )
    if wants and scored and not wants.search(scored[0][2].text):
        # the question asks for a date, a number or a name: the best sentence that holds one leads, at the top's score
        holder = next((t for t in scored[:ANSWER_TYPE_REACH] if wants.search(t[2].text)), None)
        if holder is not None:
            scored.remove(holder)
            scored.insert(0, (scored[0][0], holder[1], holder[2]))
    chosen: list[tuple[float, float, Sentence]] = []
    per_chunk: dict[str, int] = {}
    for score, sim, s in scored:
        if per_chunk.get(s.chunk.id, 0) >= 2 or any(_restates(s, c) for _, _, c in chosen):
            continue
        if chosen and score < chosen[0][0] - 0.12:
            break
        chosen.append((score, sim, s))
        per_chunk[s.chunk.id] = per_chunk.get(s.chunk.id, 0) + 1
        if len(chosen) >= n:
            break
    return chosen


ANSWER_TYPE_REACH = 3  # (chosen on dev: 3 beat 8) how far down the ranking a sentence holding the asked type (date, number, name) is looked for
LONG = 300  # characters: a longer sentence is a list or a run-on that matches many words by its length alone


RESTATES = 0.8  # share of a sentence's words already in an earlier chosen one that makes it a repetition


def _restates(s: Sentence, earlier: Sentence) -> bool:
    """The sentence adds nothing to an earlier one: the same text, or a note quoting it in a frame
    ("The interviewee said that ..."). A longer sentence that holds an earlier one's words and more
    is not a repetition."""
    if s.text == earlier.text:
        return True
    return bool(s.tokens) and len(s.tokens & earlier.tokens) >= RESTATES * len(s.tokens)


SUPPLEMENTARY = 0.05  # a note's or upload's sentence ranks below the evaluation's by this much (0-1 scale)


def _supplementary(s: Sentence) -> float:
    """The evaluation's own words outrank a note's paraphrase of them."""
    return 0.0 if is_evaluation(s.chunk) else SUPPLEMENTARY


def _long(text: str) -> float:
    """A small penalty for sentences past LONG characters, at most 0.1."""
    return min(0.1, 0.1 * max(0, len(text) - LONG) / LONG)


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


def _says(chunk: Chunk) -> str:
    """ "The report's text (Summary) says", or the note's own name: never the report for a note."""
    if is_evaluation(chunk):
        section = chunk.section.split(" > ")[-1]
        return f"The report's text ({section}) says" if section else f"“{chunk.document}” says"
    name = describe(chunk)
    return name[0].upper() + name[1:] + " say" + ("" if name.startswith("the interview notes") else "s")


def say_sentences(
    draft: Draft, index: Index, chosen: list[tuple[float, float, Sentence]], says: bool = False
) -> None:
    """Add chosen sentences to the answer, each with where it comes from, and cite them."""
    for _, _, s in chosen:
        if says and s.chunk.kind == "section":  # "The report's text (…) says: …"
            draft.say(f"{_says(s.chunk)}: “{s.text}”")
        else:
            draft.say(f"According to {source_label(s, index.catalog)}: “{s.text}”")
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)
