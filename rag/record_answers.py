"""Answers about one record of the matrix: the records a question names or inherits, the record its words
name by title, and the best-matching record among the hits (an indicator, an activity, a measure)."""

from __future__ import annotations

import re

import numpy as np

from core.tokenize import tokenize
from ingest.provenance import is_evaluation
from ingest.records import Activity, Indicator, Measure
from rag.answer import (
    Draft,
    add_prose,
    answer_about,
    answer_activity_status,
    answer_indicator,
    answer_responsible,
    say_record,
    say_sentences,
)
from rag.citations import cite_record
from rag.deadlines import DUE
from rag.decompose import SPLIT
from rag.future import add_future, asks_future, asks_recommendation, say_recommendations
from rag.index import Index
from rag.messages import msg
from rag.models import Intent
from rag.quantity import counts_what
from rag.retrieve import Hit
from rag.scope import MONEY_Q, YEAR, has_terms
from rag.sentence_rank import DATE, NAME, REASON, answer_type, best_sentences, content_terms, coverage
from rag.subject import Subject, mentions
from rag.understand import FATE, STATUS, WHEN, WHY, Query

# a record hit scoring under this share of the best hit's is no subject. Score fusion (rag/retrieve.py) tells how far
# below the best a hit lies; a rank fusion's top five never fell this far. 0.5, the one share tried, kept the five
# answers score fusion alone had lost (the report's prose answered; an unrelated record at rank 3 took over)
SUBJECT_SHARE = 0.5


def _record_of(chunk, index: Index):
    """The catalog record (or indicator) a record chunk stands for."""
    if chunk.kind == "indicator":
        return next((i for i in index.catalog.indicators if i.id == chunk.record_id), None)
    return index.catalog.record(chunk.record_id)


def named_subjects(query: Query, index: Index) -> list:
    """Records the question names (or inherits from the conversation), activities first."""
    recs = [index.catalog.record(i) for i in query.ids]
    recs = [r for r in recs if r is not None]
    return sorted(recs, key=lambda r: -r.id.count("."))


def _hit_subject(
    query: Query,
    hits: list[Hit],
    index: Index,
    kinds: tuple[str, ...],
    search_text: str,
    names: set[str] | None = None,
):
    """The record hit of the wanted kinds, among the top hits, whose title best matches the question, of those
    that carry the names it uses (a record without them would be dropped for it, and sentences answer)."""
    best: tuple[object, float, Hit | None, float] = (None, 0.0, None, -1.0)
    top = hits[0].score if hits else 0.0
    for rank, h in enumerate(hits[:5]):
        if h.chunk.kind not in kinds or names and not has_terms(names, [h.chunk.text]):
            continue
        if h.score < SUBJECT_SHARE * top:  # far below the best hit: not what the question is about
            continue
        title = h.chunk.text.split("\n")[0]
        strength = 0.5 * h.cosine + 0.5 * coverage(index, search_text, [title + " " + h.chunk.text[:400]])
        # the title is what names a record: prefer the hit whose title carries the question's words
        choice = (
            strength
            + 0.5 * coverage(index, index.names.expand(search_text), [title])
            - 0.03 * rank
            + (0.05 if h.chunk.kind == "activity" else 0)
        )
        if choice > best[3]:
            best = (_record_of(h.chunk, index), strength, h, choice)
    return best[:3]


def _subject_indicators(query: Query, hits: list[Hit], index: Index, search_text: str) -> list[Indicator]:
    """Indicators a question asks about: of the named records, else the best matching indicator hits."""
    catalog = index.catalog
    q = content_terms(search_text)

    def match(ind: Indicator) -> float:
        return sum(index.idf.get(t, 1.0) for t in q & set(tokenize(ind.name))) + counts_what(
            search_text, ind.name
        )

    if query.ids:
        owners = set()
        for i in query.ids:
            owners.add(i)
            if catalog.kind_of(i) == "activity":
                owners.add(i.rsplit(".", 1)[0])
        pool = [ind for ind in catalog.indicators if ind.owner in owners]
    else:
        return _best_indicators(index, search_text, hits)[:1]
    if not pool:
        return []
    best = max(match(i) for i in pool)
    return [i for i in pool if match(i) >= best - 1e-9][:2]


def _best_indicators(index: Index, search_text: str, hits: list[Hit]) -> list[Indicator]:
    """Every indicator, best first: its name's meaning and words against the question's, retrieved ones ahead."""
    inds = index.catalog.indicators
    if not inds:
        return []
    own = content_terms(search_text)
    # the glossary's meanings of a name help find its indicator, but weigh less than the question's own words
    term_weight = {
        t: index.idf.get(t, 1.0) * (1.0 if t in own else GLOSSARY_WORDS)
        for t in content_terms(index.names.expand(search_text))
    }
    weight = sum(term_weight.values()) or 1.0
    sims = index.text_vectors([" ".join(i.name.split()) for i in inds]) @ index.embed_query(search_text)
    retrieved = {h.chunk.record_id for h in hits[:8] if h.chunk.kind == "indicator"}
    scored = [
        (
            0.5 * float(sim)
            + 0.5 * sum(term_weight[t] for t in term_weight.keys() & set(tokenize(i.name))) / weight
            + (0.1 if i.id in retrieved else 0.0)
            + COUNTS_WHAT * counts_what(search_text, i.name),
            n,
        )
        for n, (i, sim) in enumerate(zip(inds, sims))
    ]
    return [inds[n] for _, n in sorted(scored, key=lambda t: -t[0])]


# (fit on dev: 0 gave +4, 0.5 +5, 1 is the old weight) a glossary meaning's word, against a question's own word
GLOSSARY_WORDS = 0.5
COUNTS_WHAT = 0.35  # (fit on dev) what an indicator counts, matching what a "how many" question counts, weighs this much


def answer_subject(query: Query, subject: Subject, index: Index, vector: np.ndarray) -> Draft | None:
    """An answer from what the evaluation says about the record the question's words name."""
    rec = subject.record
    scoped = scoped_hits(index, [rec.id])
    chosen = best_sentences(
        index,
        query,
        scoped,
        vector,
        search_text=index.names.expand(query.text),
        top=len(scoped),
        everywhere=False,
    )
    if not chosen:
        return None
    d = Draft(intent=query.intent, confidence=subject.score)
    if isinstance(rec, Activity):
        answer_activity_status(d, rec, query, index, detail=False)
    else:
        say_record(d, rec, index)
    say_sentences(d, index, chosen[:3])
    return d


def _label(rec, index: Index) -> str:
    return index.catalog.level_name(index.catalog.kind_of(rec.id))


def name_subject(d: Draft, subject: Subject, index: Index, question: str) -> None:
    """Cite the record the question names in plain words when the answer speaks of it, with what its row says:
    an activity's status, and the row's sentence holding the date or figure the question asks for when the answer
    quoted it from elsewhere (the findings and the matrix do not always agree, and the reader should see both)."""
    rec = subject.record
    if any(c.id == rec.id for c in d.citations) or not mentions(
        index, subject, question, " ".join(c.quote for c in d.citations)
    ):
        return
    title = " ".join(rec.title.split())
    activity = rec if isinstance(rec, Activity) else None
    raw = " ".join(activity.status_raw.split()) if activity else ""
    d.say(
        msg(
            "record.covers_status" if raw else "record.covers",
            Matrix=index.catalog.matrix_name[:1].upper() + index.catalog.matrix_name[1:],
            matrix=index.catalog.matrix_name,
            label_lower=_label(rec, index).lower(),
            kind=index.catalog.kind_of(rec.id),
            id=rec.id,
            title=title,
            raw=raw,
            status=activity.status if activity else "",
        )
    )
    d.cite(cite_record(rec, index.catalog, title))
    add_row_statement(d, rec, index, question)


def add_row_statement(d: Draft, rec, index: Index, question: str) -> None:
    """Quote the sentence of the record's row that holds the date or figure the question asks for ("when is the
    second phase due?": the row's "A new date has been set ... the 3rd quarter of 2022"), unless already said."""
    wants = answer_type(question)
    if wants is None or wants is NAME:
        return
    said = " ".join(" ".join(d.parts + [c.quote for c in d.citations]).split())
    asked = content_terms(question)

    def weight(s) -> float:  # the question's words it carries; for "when", a deadline it states counts as one
        deadline = 1.0 if wants is DATE and DUE.search(s.text) else 0.0
        return sum(index.idf.get(t, 0.0) for t in asked & s.tokens) + deadline

    row = [
        (weight(s), -n, s)
        for cid in index.record_chunks.get(rec.id, [])
        for n, s in enumerate(index.chunk_sentences.get(cid, []))
        if wants.search(s.text) and " ".join(s.text.split()) not in said
    ]
    row = [r for r in row if r[0] > 0]
    if row:
        say_sentences(d, index, [(0.0, 0.0, max(row, key=lambda r: (r[0], r[1]))[2])])


def cover_years(
    query: Query, hits: list[Hit], index: Index, vector: np.ndarray, search_text: str, chosen: list
) -> list:
    """A question spanning years ("between 2021 and March 2022") gets a sentence for each year it names."""
    years = list(dict.fromkeys(YEAR.findall(query.text)))
    if len(years) < 2 or not chosen:
        return chosen
    shared = (content_terms(query.text) - set(years)) & chosen[0][2].tokens
    if not shared:
        return chosen
    key = max(
        shared, key=lambda t: index.idf.get(t, 0.0)
    )  # what the first sentence counts: the other years' too
    out = list(chosen)
    for year in years:
        if any(year in s.tokens and key in s.tokens for _, _, s in out):
            continue
        extra = best_sentences(index, query, hits, vector, n=1, search_text=search_text, require={year, key})
        if extra and all(extra[0][2].text != s.text for _, _, s in out):
            out.append(extra[0])
    return out[:4]


def add_support(d: Draft, index: Index, chosen: list) -> None:
    """Add to a record answer the best report sentence and the best sentence of another record, if new
    (a note's or upload's sentence never stands in for the report's)."""
    for kind_ok in (lambda c: c.kind == "section" and is_evaluation(c), lambda c: c.kind != "section"):
        for _, _, s in chosen[:3]:
            if kind_ok(s.chunk) and len(d.parts) < 5 and not any(s.text in part for part in d.parts):
                say_sentences(d, index, [(0.0, 0.0, s)], says=True)
                break


def record_answer(
    query: Query,
    hits: list[Hit],
    index: Index,
    search_text: str,
    subject: Subject | None = None,
    names: set[str] | None = None,
) -> tuple[Draft, float, list[str]] | None:
    """An answer from the best-matching record (indicator, activity, measure), its strength and evidence.

    An activity or measure the question clearly names in plain words (its subject) is the record for a
    status question: an activity's status, or a measure's activities and their statuses.
    """
    d = Draft(intent=query.intent)
    intent = query.intent
    if intent == Intent.INDICATOR or intent == Intent.FREE and hits and hits[0].chunk.kind == "indicator":
        inds = _subject_indicators(query, hits, index, search_text)
        chunk = index.by_id.get(next(iter(index.record_chunks.get(inds[0].id, [])), "")) if inds else None
        if inds and chunk is not None:
            cosine = float(index.text_vectors([chunk.text])[0] @ index.embed_query(search_text))
            answer_indicator(d, inds, query, index)
            return d, 0.5 * cosine + 0.5 * coverage(index, search_text, [chunk.text]), [chunk.text]
    kinds = {
        "status": ("activity", "measure", "indicator"),
        "why": ("activity", "measure", "indicator"),
        "responsible": ("activity", "measure", "objective", "indicator"),
        "compare": ("activity", "measure"),
        "about": ("activity", "measure", "objective"),
    }.get(intent)
    if kinds:
        rec, strength, hit = _hit_subject(query, hits, index, kinds, search_text, names)
        named = subject.record if subject is not None and intent in {Intent.STATUS, Intent.WHY} else None
        # the subject names the record, unless it is a measure and the hits found one of its activities
        if subject is not None and (
            isinstance(named, Activity)
            or isinstance(named, Measure)
            and not (isinstance(rec, Activity) and rec.measure == named.id)
        ):
            named = _at_level_named(named, query, index)
            _answer_record(d, query, named, index, search_text)
            return d, subject.score, [index.by_id[c].text for c in index.record_chunks.get(named.id, [])]
        if rec is not None and hit is not None:
            rec = _at_level_named(rec, query, index)
            _answer_record(d, query, rec, index, search_text)
            return d, strength, [hit.chunk.text]
    return None


def _names_level(question: str, index: Index, kind: str) -> bool:
    """Whether the question calls its subject by the document's name for a level of that kind ("the measure")."""
    return any(
        lv.kind == kind and re.search(rf"\b{re.escape(lv.name)}s?\b", question, re.I)
        for lv in index.catalog.levels
    )


def _at_level_named(rec, query: Query, index: Index):
    """The record at the level the question names: "is the inspection measure kept?" found by one of the
    measure's activities is about the measure."""
    if isinstance(rec, Activity) and _names_level(query.text, index, "measure"):
        if not _names_level(query.text, index, "activity"):
            return index.catalog.record(rec.measure) or rec
    return rec


def _answer_record(d: Draft, query: Query, rec, index: Index, search_text: str) -> None:
    """Answer about one record according to the question's intent and the record's kind."""
    if isinstance(rec, Indicator):
        if query.intent == Intent.RESPONSIBLE:
            owner = index.catalog.record(rec.owner)
            if owner is not None:
                answer_responsible(d, owner, index)
                return
        answer_indicator(d, [rec], query, index)
    elif query.intent == Intent.RESPONSIBLE:
        answer_responsible(d, rec, index)
        parts = SPLIT.split(query.text)  # "who ..., and where does it stand?", "is it live, and who runs it?"
        asks = (WHY, WHEN, DUE, STATUS, FATE)
        if isinstance(rec, Activity) and any(a.search(p) for a in asks for p in parts):
            answer_activity_status(d, rec, query, index, body=False)  # status, reasoning, next steps
    elif isinstance(rec, Activity):
        answer_activity_status(d, rec, query, index)
        add_row_statement(d, rec, index, query.text)
        add_prose(d, index, [rec.id], search_text, topic=rec.title)
    elif query.intent == Intent.WHY and _say_scoped(d, query, [rec], index, index.embed_query(query.text)):
        return  # "why so few?" of a measure: the reason its text gives, not its overview
    else:
        answer_about(d, rec, query, index)
    # "is it kept in the next plan?": its relevance and what the report proposes for it
    if not isinstance(rec, Indicator) and asks_future(query.text):
        add_future(d, rec, index)


def answer_named(
    d: Draft, query: Query, named: list, hits: list[Hit], index: Index, vector: np.ndarray, search_text: str
) -> Draft:
    """Answer about the records a question names (or a follow-up inherits)."""
    plans = [r for r in named[:3] if not isinstance(r, Indicator)]  # "what does it recommend for measure X?"
    if plans and query.intent in {Intent.FREE, Intent.ABOUT} and asks_recommendation(query.text):
        if query.inherited:  # a follow-up's "it" may be a part of X (its indicator): X's best sentences first
            _say_scoped(d, query, named[:3], index, vector)
        for rec in plans:
            say_recommendations(d, rec, index)
        return d
    # "how much money did it need?" of an activity: its row states the amount, its indicators count other things
    money_of_activity = MONEY_Q.search(query.text) and isinstance(named[0], Activity)
    if query.intent == Intent.INDICATOR and not money_of_activity:
        inds = _subject_indicators(query, hits, index, search_text)
        if inds:
            answer_indicator(d, inds, query, index)
            return d
    if (query.intent == Intent.WHY and not isinstance(named[0], Activity)) or (
        query.intent == Intent.FREE and query.inherited
    ):
        # "why so few?", "which measure should it move to?": the best sentences about the named records
        if _say_scoped(d, query, named[:3], index, vector):
            return d
    if query.intent == Intent.FREE and not query.inherited:
        chosen = best_sentences(index, query, hits, vector, search_text=search_text)
        if chosen and chosen[0][2].chunk.kind == "section":
            say_sentences(d, index, chosen[:2])
    for rec in named[:3]:
        _answer_record(d, query, rec, index, search_text)
    return d


def _say_scoped(d: Draft, query: Query, records: list, index: Index, vector: np.ndarray) -> bool:
    """Quote the sentences about these records that best answer the question (for "why", the stated reason);
    False when none is found."""
    scoped = scoped_hits(index, [r.id for r in records])
    chosen = best_sentences(
        index, query, scoped, vector, n=6, search_text=query.text, top=len(scoped), everywhere=False
    )
    if not chosen:
        return False
    if WHY.search(query.text):  # "why so few?": the sentences that give a reason lead
        chosen.sort(key=lambda c: not REASON.search(c[2].text))
    say_sentences(d, index, chosen[:3])
    d.cite(cite_record(records[0], index.catalog, records[0].title))
    return True


def scoped_hits(index: Index, ids: list[str]) -> list[Hit]:
    """Every chunk about the IDs (their records, the records under them, prose naming them) as hits."""
    wanted = set(ids)
    chosen = {c.id: c for i in ids for c in index.chunks_naming.get(i, [])}
    chosen.update({c.id: c for i in ids for c in index.chunks_keyed.get(i, [])})
    chunks = sorted(chosen.values(), key=lambda c: index.order[c.id])
    chunks.sort(key=lambda c: (c.kind == "section", c.record_id not in wanted))
    return [Hit(c, 1.0 / (1 + n)) for n, c in enumerate(chunks)]


# Calibrated on the gold set (evals/README.md): below these the evidence is too weak to answer.
