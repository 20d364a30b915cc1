"""The extractive answerer: exact answers from the record catalog, cited sentences for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.provenance import describe_document, is_evaluation, supplementary_document
from ingest.records import Activity, Catalog, Indicator, IndicatorValue, Measure, Objective, ValueRole
from ingest.sentences import Sentence
from rag.citations import (
    according,
    cap,
    cite_indicator,
    cite_record,
    cite_sentence,
    first_sentences,
    norm,
    quote_or,
    quoted,
)
from rag.deadlines import with_deadline
from rag.index import Index
from rag.language import Language
from rag.messages import Msg, Seq, msg, render
from rag.models import Citation, Intent
from rag.sentence_rank import content_terms
from rag.understand import WHY, YESNO, Query


@dataclass
class Draft:
    """An answer under construction: its sentences and the citations they rest on."""

    parts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    intent: Intent | None = None
    confidence: float | None = None
    breaks: set[int] = field(default_factory=set)  # parts that start a new paragraph
    messages: dict[int, Msg] = field(default_factory=dict)  # parts said from the catalogue, by position
    figures_of: list[str] = field(default_factory=list)  # the indicators whose values it gives

    def say(self, text: str | Msg, paragraph: bool = False) -> None:
        """Add a sentence (as a new paragraph when asked); one that ends without punctuation gets a full
        stop. A message of the catalogue (rag/messages.py) is kept too, to be said in another language."""
        said = _stop(render(text))
        if said:
            if paragraph and self.parts:
                self.breaks.add(len(self.parts))
            if isinstance(text, Msg):
                self.messages[len(self.parts)] = text
            self.parts.append(said)

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
        return self.render(Language.EN)

    def render(self, language: Language) -> str:
        """The answer in the language: its catalogue sentences said in it, quotes and other parts as they are."""
        parts = [
            _stop(self.messages[i].render(language)) if i in self.messages and language.serbian else p
            for i, p in enumerate(self.parts)
        ]
        return "".join(("\n\n" if i in self.breaks else " ") + p for i, p in enumerate(parts)).strip()


def _stop(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…”:;)" else text + "."


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
        draft.say(quoted(s.chunk, s.text))
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)


# ---------------------------------------------------------------- structured answers


def answer_activity_status(
    draft: Draft, a: Activity, query: Query, index: Index, detail: bool = True, body: bool = True
) -> None:
    """Where an activity stands; with `detail` its body, reasoning and next steps (`body=False` when the answer
    has just said who is responsible)."""
    catalog = index.catalog
    lead: str | Msg = ""
    if (
        query.statuses
        and query.intent == Intent.STATUS
        and a.status != "unknown"
        and YESNO.search(query.text)
    ):
        lead = msg("yes" if a.status in query.statuses else "no")
    m = catalog.record(a.measure)
    under: str | Msg = ""
    if isinstance(m, Measure):
        under = msg(
            "status.under",
            label_lower=catalog.label(m.id).lower(),
            kind="measure",
            id=m.id,
            title=first_sentences(m.title, 1, 120),
        )
    draft.say(
        msg(
            "status.marked" if a.status_raw else "status.blank",
            lead=lead,
            label=catalog.label(a.id),
            id=a.id,
            title=first_sentences(a.title, 1, 160),
            under=under,
            raw=norm(a.status_raw),
            status=a.status,
            matrix=catalog.matrix_name,
        )
    )
    draft.cite(cite_record(a, catalog, quote_or(a.status_raw, a.title)))
    if isinstance(m, Measure):
        draft.cite(cite_record(m, catalog, norm(m.title)))
    for other in index.restated.get(a.id, []):  # a note or upload that states it differently, as what it is
        if other.status != a.status and other.status_raw:
            draft.say(
                msg(
                    "status.restated",
                    Document=cap(describe_document(other.document)),
                    raw=norm(other.status_raw),
                    matrix=catalog.matrix_name,
                )
            )
            draft.cite(cite_record(other, catalog, norm(other.status_raw)))
    if detail and body and a.responsible:  # who answers for it belongs with where it stands
        draft.say(msg("responsible", body=index.names.spell_out(a.responsible)))
    if detail and a.reasoning and a.reasoning != "/":
        draft.say(msg("reasoning.given", text=first_sentences(a.reasoning, 2)))
    if detail and a.relevance and query.intent == Intent.WHY:
        draft.say(msg("relevance", text=first_sentences(a.relevance, 1)))
    if detail and a.next_steps:
        draft.say(msg("next_steps", text=first_sentences(with_deadline(a.next_steps), 2)))


def answer_responsible(draft: Draft, rec: Activity | Measure | Objective, index: Index) -> None:
    catalog = index.catalog
    kind = catalog.kind_of(rec.id)
    label = catalog.level_name(kind)
    if rec.responsible:
        draft.say(
            msg(
                "responsible.named",
                label=label,
                kind=kind,
                id=rec.id,
                title=first_sentences(rec.title, 1, 160),
                body=index.names.spell_out(rec.responsible),
                matrix=catalog.matrix_name,
            )
        )
        draft.cite(cite_record(rec, catalog, rec.responsible))
    else:
        draft.say(
            msg(
                "responsible.none",
                Matrix=cap(catalog.matrix_name),
                matrix=catalog.matrix_name,
                label_lower=label.lower(),
                kind=kind,
                id=rec.id,
            )
        )
        draft.cite(cite_record(rec, catalog, norm(rec.title)[:200]))
    if isinstance(rec, Activity):
        m = catalog.record(rec.measure)
        if isinstance(m, Measure) and m.responsible:
            draft.say(
                msg(
                    "responsible.parent",
                    label_lower=catalog.label(m.id).lower(),
                    kind="measure",
                    id=m.id,
                    body=index.names.spell_out(m.responsible),
                )
            )
            draft.cite(cite_record(m, catalog, m.responsible))


def indicator_sentence(ind: Indicator, catalog: Catalog) -> Msg:
    """Every value of an indicator row under its column's own label."""
    owner = (
        msg("owner.overall")
        if ind.owner == "0"
        else msg(
            "owner.record",
            label_lower=catalog.label(ind.owner).lower(),
            kind=catalog.kind_of(ind.owner),
            id=ind.owner,
        )
    )
    listed = Seq(
        tuple(
            msg(
                "indicator.value",
                label=_value_label(v),
                role=v.role.value,
                year=v.year or "",
                raw=first_sentences(v.raw, 1, 200),
                none=msg("indicator.none") if v.role == ValueRole.ACHIEVED and v.number == 0 else "",
            )
            for v in ind.values
            if norm(v.raw) and norm(v.raw) not in {"/", "-"}
        )
    )
    return msg("indicator", name=norm(ind.name), owner=owner, matrix=catalog.matrix_name, values=listed)


def _value_label(v: IndicatorValue) -> str:
    """'Target value for 2022 and the comment' -> 'target value for 2022'; 'Baseline value (2019)' as it is, lower-cased."""
    label = re.sub(r"\s+and (?:the )?comments?(?: comment)?$", "", norm(v.label), flags=re.I)
    return (label[:1].lower() + label[1:]) if label else "value"


def answer_indicator(draft: Draft, inds: list[Indicator], query: Query, index: Index) -> None:
    for ind in inds:
        draft.say(indicator_sentence(ind, index.catalog))
        draft.figures_of.append(ind.name)
        got = ind.latest_achieved()
        draft.cite(
            cite_indicator(
                ind, index.catalog, quote_or(got.raw, ind.name) if got and got.raw else norm(ind.name)
            )
        )
        if ind.reasoning and ind.reasoning != "/" and not ind.reasoning.startswith("http"):
            # asked why as well ("how many ..., and why so few?"): the whole reasoning, not its first sentence
            n, limit = (3, 600) if WHY.search(query.text) else (1, 300)
            draft.say(msg("reasoning", text=first_sentences(ind.reasoning, n, limit)))
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
            msg(
                "measure.under",
                label_lower=catalog.label(rec.objective).lower(),
                kind="objective",
                id=rec.objective,
                title=f" ({o.title})" if o else "",
            )
            if rec.objective
            else msg("measure.top")
        )
        draft.say(
            msg(
                "measure.about",
                label=catalog.label(rec.id),
                id=rec.id,
                title=norm(rec.title),
                under=under,
                body=index.names.spell_out(rec.responsible) if rec.responsible else msg("body.unnamed"),
            )
        )
        draft.cite(cite_record(rec, catalog, norm(rec.title)))
        if rec.relevance:
            draft.say(msg("relevance", text=first_sentences(rec.relevance, 1)))
        acts = [a for a in catalog.activities if a.measure == rec.id]
        if acts:
            draft.say(
                msg(
                    "children",
                    count=count_of(len(acts), catalog.level_plural("activity"), "activity"),
                    items=Seq(tuple(list_item(a, with_status=True) for a in acts)),
                )
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
        msg(
            "objective.about",
            label=catalog.label(rec.id),
            kind="objective",
            id=rec.id,
            title=rec.title,
            body=index.names.spell_out(rec.responsible) if rec.responsible else msg("objective.unnamed"),
            achievement=msg("objective.achievement", text=rec.achievement) if rec.achievement else "",
        )
    )
    draft.cite(cite_record(rec, catalog, rec.achievement or norm(rec.title)))
    if measures:
        draft.say(
            msg(
                "children",
                count=count_of(len(measures), catalog.level_plural("measure"), "measure"),
                items=Seq(tuple(f"{m.id} {first_sentences(m.title, 1, 90)}" for m in measures)),
            )
        )


def say_record(draft: Draft, rec: Activity | Measure | Objective, index: Index) -> None:
    """'Measure 1.2.4 of the matrix is “…”.', with the record cited."""
    kind, title = index.catalog.kind_of(rec.id), norm(rec.title)
    label = index.catalog.level_name(kind)
    draft.say(
        msg("record.is", label=label, kind=kind, id=rec.id, matrix=index.catalog.matrix_name, title=title)
    )
    draft.cite(cite_record(rec, index.catalog, title))


def count_of(n: int, plural: str, kind: str) -> Msg:
    """'12 activities' in the document's words, '12 aktivnosti' in Serbian."""
    return msg("count", n=n, plural=plural, kind=kind)


def list_item(a: Activity, with_status: bool, length: int = 90) -> str | Msg:
    """'1.1.1.1 Title' of a list, with the status as the matrix writes it (in Serbian, its Serbian word)."""
    title = first_sentences(a.title, 1, length)
    if not with_status:
        return f"{a.id} {title}"
    return msg(
        "item.status", id=a.id, title=title, raw=norm(a.status_raw) or "no status given", status=a.status
    )


def say_sentences(
    draft: Draft, index: Index, chosen: list[tuple[float, float, Sentence]], says: bool = False
) -> None:
    """Add chosen sentences to the answer, each with where it comes from, and cite them."""
    for _, _, s in chosen:
        if says and s.chunk.kind == "section":  # "The report's text (…) says: …"
            draft.say(quoted(s.chunk, s.text))
        else:
            draft.say(according(s, index.catalog))
        for c in cite_sentence(s, index.catalog, index):
            draft.cite(c)
