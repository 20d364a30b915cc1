"""Lists and counts of the matrix: its objectives, measures, indicators and activities, in a scope (an objective
or measure), of a status or a body; a long list led by its count and its breakdown."""

from __future__ import annotations

from ingest.records import Activity, Catalog, Measure
from rag.answer import Draft, count_of, list_item
from rag.citations import cap, cite_indicator, cite_record, first_sentences, norm, quote_or
from rag.deadlines import stated
from rag.decompose import status_of_the_listed
from rag.index import Index
from rag.messages import Msg, Seq, msg
from rag.models import Intent
from rag.retrieve import Hit
from rag.understand import Query


def _scope(query: Query, catalog: Catalog) -> list[str]:
    return [i for i in query.ids if catalog.kind_of(i) in ("objective", "measure")]


def _in_scope(record_id: str, scope: list[str]) -> bool:
    return not scope or any(record_id == s or record_id.startswith(s + ".") for s in scope)


def _of_bodies(record: Activity | Measure, query: Query, index: Index) -> bool:
    """Whether the record's responsible cell names a body the question names (any record when it names none;
    one that names none of them when the question leaves them out)."""
    if not query.entities:
        return True
    named = any(index.names.is_responsible(record.responsible, e) for e in query.entities)
    return named != query.other_bodies


def answer_aggregate(draft: Draft, query: Query, index: Index, hits: list[Hit]) -> None:
    catalog = index.catalog
    scope = _scope(query, catalog)
    scopes = Seq(
        tuple(
            msg("scope", label_lower=catalog.label(s).lower(), kind=catalog.kind_of(s), id=s) for s in scope
        ),
        sep=msg("and"),
    )
    where: list[Msg] = [msg("where", scopes=scopes)] if scope else []
    unit = query.unit or "activities"
    for sid in scope:
        rec = catalog.record(sid)
        if rec is not None:
            draft.cite(cite_record(rec, catalog, norm(rec.title)))
    plural = {k: catalog.level_plural(k) for k in ("objective", "measure", "activity")}
    if unit == "objectives" or (query.group_by == "objective" and unit in {"measures", "activities"}):
        rows = []
        for o in catalog.objectives:
            n_m = sum(1 for m in catalog.measures if m.objective == o.id)
            n_a = sum(
                1
                for a in catalog.activities
                if a.objective == o.id and (not query.statuses or a.status in query.statuses)
            )
            statuses = (
                msg("statuses", joined="/".join(query.statuses), statuses=tuple(query.statuses))
                if query.statuses
                else ""
            )
            rows.append(
                msg(
                    "programme.row",
                    id=o.id,
                    title=o.title,
                    measures=count_of(n_m, plural["measure"], "measure"),
                    activities=count_of(n_a, plural["activity"], "activity"),
                    statuses=statuses,
                )
            )
            draft.cite(cite_record(o, catalog, norm(o.title)))
        draft.say(
            msg(
                "programme",
                objectives=count_of(len(catalog.objectives), plural["objective"], "objective"),
                measures=count_of(len(catalog.measures), plural["measure"], "measure"),
                activities=count_of(len(catalog.activities), plural["activity"], "activity"),
                level_lower=catalog.level_name("objective").lower(),
                rows=Seq(tuple(rows)),
            )
        )
        return
    if query.entities:  # records of the bodies named: a measure's or an activity's responsible cell
        bodies = Seq(tuple(index.names.spell_out(e) for e in query.entities), sep=msg("or"))
        where.append(
            msg("where.not_responsible" if query.other_bodies else "where.responsible", bodies=bodies)
        )
    if unit == "measures":
        measures = [m for m in catalog.measures if _in_scope(m.id, scope) and _of_bodies(m, query, index)]
        listing = "; ".join(f"{m.id} {first_sentences(m.title, 1, 100)}" for m in measures)
        said = {
            "count": count_of(len(measures), plural["measure"], "measure"),
            "where": Seq(tuple(where), sep=""),
        }
        if len(measures) > LONG_LIST:
            split = _breakdown(measures)
            draft.say(msg("measures.split", split=split, **said) if split else msg("measures.count", **said))
            draft.say(f"{listing}.", paragraph=True)
        else:
            draft.say(msg("measures.list", items=listing, **said))
        for m in measures:
            draft.cite(cite_record(m, catalog, norm(m.title)))
        return
    if unit == "indicators":
        inds = [i for i in catalog.indicators if _in_scope(i.owner, scope) and i.owner != "0"]
        draft.say(
            msg(
                "indicators.list",
                Matrix=cap(catalog.matrix_name),
                matrix=catalog.matrix_name,
                n=len(inds),
                kind="indicator",
                where=Seq(tuple(where), sep=""),
                names="; ".join(norm(i.name) for i in inds[:25]),
            )
        )
        for i in inds[:25]:
            draft.cite(cite_indicator(i, catalog, norm(i.name)))
        return
    acts = [a for a in catalog.activities if _in_scope(a.id, scope) and _of_bodies(a, query, index)]
    shares = bool(query.statuses) and bool(query.entities or scope) and status_of_the_listed(query.text)
    if shares:  # every record listed, with how many have each status
        noted = []
    elif query.statuses:
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
    if query.deadline is not None:  # by the deadlines their rows state
        when = query.deadline
        # the matrix's deadline cell ends the reasoning column; a new deadline stands in the next steps
        acts = [a for a in acts if any(when.covers(w) for w in stated(f"{a.reasoning} {a.next_steps}"))]
        where.append(
            msg(
                "due", when=msg("when.quarter", q=when.quarter, year=when.year) if when.quarter else when.year
            )
        )
    if not query.statuses and not scope and not query.entities and query.deadline is None:
        keys = [h.chunk.record_id for h in hits if h.chunk.kind == "activity"]
        acts = [a for a in catalog.activities if a.id in keys[:8]]
    status_words = Seq(
        tuple(
            msg("status.blank_word") if s == "unknown" else msg("status.word", status=s)
            for s in query.statuses
        ),
        sep=msg("or"),
    )
    within = Seq(tuple(where), sep="")
    n = len(acts)
    desc = msg(
        "activities.desc",
        count=count_of(
            n, catalog.level_name("activity").lower() if n == 1 else plural["activity"], "activity"
        ),
        where=within,
        marked=msg("marked", n=n, is_are="is" if n == 1 else "are", words=status_words)
        if query.statuses and not shares
        else "",
    )
    if not acts:
        draft.say(
            msg(
                "activities.none",
                words=status_words,
                plural=plural["activity"],
                where=within,
                matrix=catalog.matrix_name,
            )
            if query.statuses
            else msg(
                "activities.none_any", plural=plural["activity"], where=within, matrix=catalog.matrix_name
            )
        )
        return
    records = Seq(  # every record, cited each (a long list folds in the UI, its chips grouped)
        tuple(list_item(a, with_status=shares or not query.statuses) for a in acts)
    )
    long = len(acts) > LONG_LIST
    if shares:
        draft.say(msg("activities.split", matrix=catalog.matrix_name, desc=desc, split=_by_status(acts)))
        draft.say(msg("listing", items=records), paragraph=True)
    elif long:  # the count and its breakdown lead; the whole list follows in its own paragraph
        split = _breakdown(acts)
        draft.say(
            msg("activities.split", matrix=catalog.matrix_name, desc=desc, split=split)
            if split
            else msg("activities.count", matrix=catalog.matrix_name, desc=desc)
        )
        draft.say(msg("listing", items=records), paragraph=True)
    else:
        draft.say(msg("activities.list", matrix=catalog.matrix_name, desc=desc, items=records))
    for a in acts:
        draft.cite(
            cite_record(a, catalog, quote_or(a.status_raw, a.title) if a.status_raw else norm(a.title)[:200])
        )
    for a in noted:
        draft.say(
            msg(
                "activities.noted",
                label=catalog.label(a.id),
                kind="activity",
                id=a.id,
                text=first_sentences(a.reasoning or a.next_steps, 1, 120),
            )
        )
        draft.cite(cite_record(a, catalog, quote_or(a.reasoning or a.next_steps, a.title)))
    if query.intent == Intent.COUNT and query.statuses and not scope and not long:
        per = "; ".join(f"{o.id}: {sum(1 for a in acts if a.objective == o.id)}" for o in catalog.objectives)
        draft.say(msg("per", level_lower=catalog.level_name("objective").lower(), per=per))


LONG_LIST = 8  # more records than this: the answer leads with the count and its breakdown, the list follows


def _by_status(acts: list[Activity]) -> Seq:
    """'2 “completed” and 2 “not initiated”': the activities counted by status, the most common first."""
    counts: dict[str, int] = {}
    for a in acts:
        counts[a.status] = counts.get(a.status, 0) + 1
    rows = [
        msg(
            "status.n", n=n, word=msg("status.blank_word") if s == "unknown" else msg("status.word", status=s)
        )
        for s, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    return Seq(tuple(rows), sep=", ", last=msg("and"))


def _breakdown(records: list[Activity] | list[Measure]) -> Seq | None:
    """'17 under 1.1, 12 under 1.2 and 9 under 1.3': the records counted by the level above them that
    splits them (objective, else measure); None when they all sit under one."""
    for level in ("objective", "measure"):
        counts: dict[str, int] = {}
        for r in records:
            parent = getattr(r, level, "")
            if parent:
                counts[parent] = counts.get(parent, 0) + 1
        if len(counts) > 1:
            rows = [msg("under", n=n, parent=parent) for parent, n in counts.items()]
            return Seq(tuple(rows), sep=", ", last=msg("and"))
    return None
