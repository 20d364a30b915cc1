"""The extractive answerer: exact answers from the record catalog, cited sentences for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.provenance import describe_document, is_evaluation, supplementary_document
from ingest.records import Activity, Catalog, Indicator, IndicatorValue, Measure, Objective, ValueRole
from ingest.sentences import Sentence
from rag.citations import (
    cap,
    cite_indicator,
    cite_record,
    cite_sentence,
    first_sentences,
    norm,
    quote_or,
    source_label,
    who_says,
)
from rag.index import Index
from rag.models import Citation, Intent
from rag.retrieve import Hit
from rag.sentence_rank import content_terms
from rag.understand import Query


@dataclass
class Draft:
    """An answer under construction: its sentences and the citations they rest on."""

    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    intent: Intent | None = None
    confidence: float | None = None
    breaks: set[int] = field(default_factory=set)  # parts that start a new paragraph

    def say(self, text: str, paragraph: bool = False) -> None:
        """Add a sentence (as a new paragraph when asked); one that ends without punctuation gets a full
        stop."""
        text = text.strip()
        if text:
            if paragraph and self.parts:
                self.breaks.add(len(self.parts))
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
        return "".join(("\n\n" if i in self.breaks else " ") + p for i, p in enumerate(self.parts)).strip()


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
        draft.say(f"{who_says(s.chunk)}: “{s.text}”")
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)


# ---------------------------------------------------------------- structured answers


def _status_phrase(a: Activity, catalog: Catalog) -> str:
    if not a.status_raw:
        return f"has no status in {catalog.matrix_name} (the status cell is blank)"
    return f"is marked “{norm(a.status_raw)}” in {catalog.matrix_name}"


def answer_activity_status(
    draft: Draft, a: Activity, query: Query, index: Index, detail: bool = True
) -> None:
    catalog = index.catalog
    lead = ""
    if query.statuses and query.intent == Intent.STATUS and a.status != "unknown":
        lead = "Yes. " if a.status in query.statuses else "No. "
    m = catalog.record(a.measure)
    under = (
        f", under {catalog.label(m.id).lower()} ({first_sentences(m.title, 1, 120)}),"
        if isinstance(m, Measure)
        else ""
    )
    draft.say(
        f"{lead}{catalog.label(a.id)} ({first_sentences(a.title, 1, 160)}){under} {_status_phrase(a, catalog)}."
    )
    draft.cite(cite_record(a, catalog, quote_or(a.status_raw, a.title)))
    if isinstance(m, Measure):
        draft.cite(cite_record(m, catalog, norm(m.title)))
    for other in index.restated.get(a.id, []):  # a note or upload that states it differently, as what it is
        if other.status != a.status and other.status_raw:
            draft.say(
                f"{describe_document(other.document)[:1].upper() + describe_document(other.document)[1:]} marks it "
                f"“{norm(other.status_raw)}”; this answer follows {catalog.matrix_name}, the evaluation's own record."
            )
            draft.cite(cite_record(other, catalog, norm(other.status_raw)))
    if detail and a.responsible:  # who answers for it belongs with where it stands
        draft.say(f"Responsible: {index.names.spell_out(a.responsible)}.")
    if detail and a.reasoning and a.reasoning != "/":
        draft.say(f"Reasoning given: {first_sentences(a.reasoning, 2)}")
    if detail and a.relevance and query.intent == Intent.WHY:
        draft.say(f"Relevance: {first_sentences(a.relevance, 1)}")
    if detail and a.next_steps:
        draft.say(f"Possible next steps: {first_sentences(a.next_steps, 1)}")


def answer_responsible(draft: Draft, rec: Activity | Measure | Objective, index: Index) -> None:
    catalog = index.catalog
    label = catalog.level_name(catalog.kind_of(rec.id))
    if rec.responsible:
        draft.say(
            f"{label} {rec.id} ({first_sentences(rec.title, 1, 160)}) is the responsibility of "
            f"{index.names.spell_out(rec.responsible)}, according to {catalog.matrix_name}."
        )
        draft.cite(cite_record(rec, catalog, rec.responsible))
    else:
        draft.say(
            f"{catalog.matrix_name[:1].upper() + catalog.matrix_name[1:]} does not name a responsible entity for {label.lower()} {rec.id}."
        )
        draft.cite(cite_record(rec, catalog, norm(rec.title)[:200]))
    if isinstance(rec, Activity):
        m = catalog.record(rec.measure)
        if isinstance(m, Measure) and m.responsible:
            draft.say(f"Its {catalog.label(m.id).lower()} is led by {index.names.spell_out(m.responsible)}.")
            draft.cite(cite_record(m, catalog, m.responsible))


def indicator_sentence(ind: Indicator, catalog: Catalog) -> str:
    """Every value of an indicator row under its column's own label."""
    owner = "the overall objective" if ind.owner == "0" else catalog.label(ind.owner).lower()
    listed = "; ".join(
        f"{_value_label(v)} {first_sentences(v.raw, 1, 200)}"
        + (" (none)" if v.role == ValueRole.ACHIEVED and v.number == 0 else "")
        for v in ind.values
        if norm(v.raw) and norm(v.raw) not in {"/", "-"}
    )
    return f"For the indicator “{norm(ind.name)}” ({owner}), {catalog.matrix_name} gives: {listed}."


def _value_label(v: IndicatorValue) -> str:
    """'Target value for 2022 and the comment' -> 'target value for 2022'; 'Baseline value (2019)' as it is, lower-cased."""
    label = re.sub(r"\s+and (?:the )?comments?(?: comment)?$", "", norm(v.label), flags=re.I)
    return (label[:1].lower() + label[1:]) if label else "value"


def answer_indicator(draft: Draft, inds: list[Indicator], query: Query, index: Index) -> None:
    for ind in inds:
        draft.say(indicator_sentence(ind, index.catalog))
        got = ind.latest_achieved()
        draft.cite(
            cite_indicator(
                ind, index.catalog, quote_or(got.raw, ind.name) if got and got.raw else norm(ind.name)
            )
        )
        if ind.reasoning and ind.reasoning != "/" and not ind.reasoning.startswith("http"):
            draft.say(f"Reasoning: {first_sentences(ind.reasoning, 1, 300)}")
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
            f"{catalog.label(rec.id)} ({norm(rec.title)}){under} the responsible entity is "
            f"{index.names.spell_out(rec.responsible) if rec.responsible else 'not named'}."
        )
        draft.cite(cite_record(rec, catalog, norm(rec.title)))
        if rec.relevance:
            draft.say(f"Relevance: {first_sentences(rec.relevance, 1)}")
        acts = [a for a in catalog.activities if a.measure == rec.id]
        if acts:
            draft.say(
                f"It has {len(acts)} {catalog.level_plural('activity')}: "
                + "; ".join(
                    f"{a.id} {first_sentences(a.title, 1, 90)} ({norm(a.status_raw) or 'no status given'})"
                    for a in acts
                )
                + "."
            )
            for a in acts:
                draft.cite(
                    cite_record(
                        a, catalog, quote_or(a.status_raw, a.title) if a.status_raw else norm(a.title)[:200]
                    )
                )
        add_prose(draft, index, [rec.id], query.text)
        return
    measures = [m for m in catalog.measures if m.objective == rec.id]
    draft.say(
        f"{catalog.label(rec.id)} ({rec.title}) is led by {index.names.spell_out(rec.responsible) if rec.responsible else 'an entity the matrix does not name'}"
        f"{f'; indicator achievement: {rec.achievement}' if rec.achievement else ''}."
    )
    draft.cite(cite_record(rec, catalog, rec.achievement or norm(rec.title)))
    if measures:
        draft.say(
            f"It has {len(measures)} {catalog.level_plural('measure')}: "
            + "; ".join(f"{m.id} {first_sentences(m.title, 1, 90)}" for m in measures)
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
            draft.cite(cite_record(rec, catalog, norm(rec.title)))
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
            draft.cite(cite_record(o, catalog, norm(o.title)))
        draft.say(
            f"The Programme has {len(catalog.objectives)} {catalog.level_plural('objective')}, {len(catalog.measures)} "
            f"{catalog.level_plural('measure')} and {len(catalog.activities)} {catalog.level_plural('activity')}. "
            f"Per {catalog.level_name('objective').lower()}: " + "; ".join(rows) + "."
        )
        return
    if unit == "measures":
        measures = [m for m in catalog.measures if _in_scope(m.id, scope)]
        listing = "; ".join(f"{m.id} {first_sentences(m.title, 1, 100)}" for m in measures)
        said = f"There are {len(measures)} {catalog.level_plural('measure')}{where}"
        if len(measures) > LONG_LIST:
            split = _breakdown(measures)
            draft.say(f"{said}: {split}." if split else f"{said}.")
            draft.say(f"{listing}.", paragraph=True)
        else:
            draft.say(f"{said}: {listing}.")
        for m in measures:
            draft.cite(cite_record(m, catalog, norm(m.title)))
        return
    if unit == "indicators":
        inds = [i for i in catalog.indicators if _in_scope(i.owner, scope) and i.owner != "0"]
        draft.say(
            f"{cap(catalog.matrix_name)} lists {len(inds)} indicators{where}: "
            + "; ".join(norm(i.name) for i in inds[:25])
            + "."
        )
        for i in inds[:25]:
            draft.cite(cite_indicator(i, catalog, norm(i.name)))
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
    listing = "; ".join(  # every record, cited each (a long list folds in the UI, its chips grouped)
        f"{a.id} {first_sentences(a.title, 1, 90)}"
        + ("" if query.statuses else f" ({norm(a.status_raw) or 'no status given'})")
        for a in acts
    )
    long = len(acts) > LONG_LIST
    if long:  # the count and its breakdown lead; the whole list follows in its own paragraph
        split = _breakdown(acts)
        draft.say(f"In {catalog.matrix_name}, {desc}" + (f": {split}." if split else "."))
        draft.say(f"{listing}.", paragraph=True)
    else:
        draft.say(f"In {catalog.matrix_name}, {desc}: {listing}.")
    for a in acts:
        draft.cite(
            cite_record(a, catalog, quote_or(a.status_raw, a.title) if a.status_raw else norm(a.title)[:200])
        )
    for a in noted:
        draft.say(
            f"{catalog.label(a.id)} has a blank status cell, but its text reads “{first_sentences(a.reasoning or a.next_steps, 1, 120)}”."
        )
        draft.cite(cite_record(a, catalog, quote_or(a.reasoning or a.next_steps, a.title)))
    if query.intent == Intent.COUNT and query.statuses and not scope and not long:
        per = "; ".join(f"{o.id}: {sum(1 for a in acts if a.objective == o.id)}" for o in catalog.objectives)
        draft.say(f"Per {catalog.level_name('objective').lower()}: {per}.")


LONG_LIST = 8  # more records than this: the answer leads with the count and its breakdown, the list follows


def _breakdown(records: list[Activity] | list[Measure]) -> str:
    """'17 under 1.1, 12 under 1.2 and 9 under 1.3': the records counted by the level above them that
    splits them (objective, else measure); empty when they all sit under one."""
    for level in ("objective", "measure"):
        counts: dict[str, int] = {}
        for r in records:
            parent = getattr(r, level, "")
            if parent:
                counts[parent] = counts.get(parent, 0) + 1
        if len(counts) > 1:
            rows = [f"{n} under {parent}" for parent, n in counts.items()]
            return ", ".join(rows[:-1]) + " and " + rows[-1]
    return ""


def say_sentences(
    draft: Draft, index: Index, chosen: list[tuple[float, float, Sentence]], says: bool = False
) -> None:
    """Add chosen sentences to the answer, each with where it comes from, and cite them."""
    for _, _, s in chosen:
        if says and s.chunk.kind == "section":  # "The report's text (…) says: …"
            draft.say(f"{who_says(s.chunk)}: “{s.text}”")
        else:
            draft.say(f"According to {source_label(s, index.catalog)}: “{s.text}”")
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)
