"""rag.ask: understand the question, retrieve, answer from the catalog or sentences, or abstain."""
from __future__ import annotations

import re
import uuid

import numpy as np

from ingest.config import Settings, get_settings
from ingest.ids import kind_of
from ingest.records import Activity, Indicator, Measure, Objective
from rag.answer import (Draft, answer_about, answer_activity_status, answer_aggregate, answer_free, answer_indicator,
                        answer_responsible, coverage)
from rag.index import Index, IndexMissing, get_index
from rag.models import Answer, Filters, Source, Turn
from rag.retrieve import Hit, retrieve, unknown_ids
from rag.tokenize import tokenize
from rag.understand import Query, understand

MAX_QUESTION = 2000
MONEY_Q = re.compile(r"\bbudget\b|\bhow much (?:money|funding|did .* cost)|\bcosts?\b|\beuros?\b|\bEUR\b|\bdinars?\b|\bRSD\b|\bspent\b|\bamount of (?:money|funds|funding)\b|\bprice\b|\bsalar", re.I)
MONEY_A = re.compile(r"\d[\d.,]*\s*(?:million|billion|thousand|mil\.?)?\s*(?:of\s+)?(?:RSD|dinars?|EUR|euros?|€|USD|\$)", re.I)
YEAR = re.compile(r"\b(20[2-3]\d)\b")
WHO = re.compile(r"^\s*who\b|\bwhich (?:person|official|minister|director)\b|\bname of the (?:person|minister|director|head)\b", re.I)


def _subject_records(query: Query, hits: list[Hit], index: Index, kinds: tuple[str, ...]) -> list:
    """The records a question is about: those it names, else the best-ranked record hits."""
    catalog = index.catalog
    named = [catalog.record(i) for i in query.ids]
    named = [r for r in named if r is not None and kind_of(r.id) in kinds]
    if named:
        return named
    if query.ids:
        return []
    top = [h for h in hits if h.chunk.kind in kinds][:3]
    if not top:
        return []
    best = top[0].score
    return [catalog.record(h.chunk.record_id) for h in top if h.score >= best * 0.999][:1] or [catalog.record(top[0].chunk.record_id)]


def _subject_indicators(query: Query, hits: list[Hit], index: Index) -> list[Indicator]:
    """Indicators a question asks about: of the named records, else the best-ranked indicator hits."""
    catalog = index.catalog
    q = set(tokenize(query.text))
    if query.ids:
        owners = set()
        for i in query.ids:
            owners.add(i)
            if i.count(".") == 3:
                owners.add(i.rsplit(".", 1)[0])
        pool = [ind for ind in catalog.indicators if ind.owner in owners]
        if not pool:
            return []
        ranked = sorted(pool, key=lambda ind: -len(q & set(tokenize(ind.name))))
        top = len(q & set(tokenize(ranked[0].name)))
        return [ind for ind in ranked if len(q & set(tokenize(ind.name))) == top][:3]
    by_id = {ind.id: ind for ind in catalog.indicators}
    ind_hits = [h for h in hits[:4] if h.chunk.kind == "indicator"]
    if not ind_hits:
        return []
    return [by_id[ind_hits[0].chunk.record_id]]


def _confidence(index: Index, query: Query, hits: list[Hit]) -> tuple[float, float]:
    """Best cosine similarity among the top hits and the question's word coverage in them."""
    top = hits[:3]
    cos = max((h.cosine for h in top), default=0.0)
    return cos, coverage(index, query.text, [h.chunk for h in top])


def _abstain(text: str, hits: list[Hit], intent: str) -> Draft:
    d = Draft(intent=intent)
    d.say(text)
    return d


def _compose(query: Query, hits: list[Hit], index: Index, vector: np.ndarray, settings: Settings) -> tuple[Draft, bool]:
    """The answer draft and whether it abstains."""
    catalog = index.catalog
    bad = unknown_ids(query.text, catalog.all_ids())
    if bad and not query.ids:
        return _abstain(f"The evaluation has no {bad[0]}: its IDs run from objective 1.1 to activity 1.4.4.5.", hits, "unknown_id"), True

    q = query.text
    cos, cov = _confidence(index, query, hits)
    years = [int(y) for y in YEAR.findall(q)]
    plan_period = re.search(r"2023\s*[-–]\s*2025|next (?:programme|period|action plan)|new action plan|future", q, re.I)
    if any(y >= 2024 for y in years) and not plan_period and not any(str(y) in h.chunk.text for h in hits[:3] for y in years if y >= 2024):
        return _abstain(f"The evaluation covers 2020-2022 and does not report on {max(years)}.", hits, "out_of_scope"), True
    if MONEY_Q.search(q) and not any(MONEY_A.search(h.chunk.text) for h in hits[:3]):
        return _abstain("The evaluation does not give that amount: it reports no budget figures for this.", hits, "not_in_evaluation"), True

    d = Draft(intent=query.intent)
    intent = query.intent
    if intent in {"list", "count"}:
        answer_aggregate(d, query, index, hits)
        return d, False

    if intent in {"status", "why", "compare"}:
        recs = _subject_records(query, hits, index, ("activity",)) if not any(i.count(".") == 2 for i in query.ids) else []
        if recs:
            for a in recs[:3]:
                answer_activity_status(d, a, query, index)
            if not query.inherited:
                from rag.answer import add_prose
                add_prose(d, index, [r.id for r in recs[:1]], q)
            return d, False
        measures = _subject_records(query, hits, index, ("measure", "objective"))
        if measures:
            for m in measures[:2]:
                answer_about(d, m, query, index)
            return d, False

    if intent == "responsible":
        recs = _subject_records(query, hits, index, ("activity", "measure", "objective"))
        if recs:
            for r in recs[:2]:
                answer_responsible(d, r, index)
            return d, False

    if intent == "about" and query.ids:
        for r in [catalog.record(i) for i in query.ids][:2]:
            if r is not None:
                answer_about(d, r, query, index)
        return d, False

    if intent == "indicator" or (intent == "free" and any(h.chunk.kind == "indicator" for h in hits[:2])):
        inds = _subject_indicators(query, hits, index)
        if inds and (query.ids or cos >= settings.abstain_threshold):
            answer_indicator(d, inds, query, index)
            return d, False

    if query.ids and intent in {"free", "indicator"}:
        for r in [catalog.record(i) for i in query.ids][:2]:
            if r is not None:
                answer_about(d, r, query, index)
        if d.parts:
            return d, False

    # Free question: weak evidence means the evaluation does not answer it.
    if not query.ids and _weak(cos, cov, settings):
        return _abstain("The evaluation does not answer this question: its report and Evaluation Matrix say nothing "
                        "specific about it.", hits, "not_in_evaluation"), True
    chosen = answer_free(d, index, query, hits, vector)
    if not chosen:
        return _abstain("The evaluation does not answer this question.", hits, "not_in_evaluation"), True
    if WHO.search(q) and not query.ids and not any(re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+|\b[A-Z]{2,}\b", s.text) for _, s in chosen):
        return _abstain("The evaluation does not name who that is.", hits, "not_in_evaluation"), True
    return d, False


def _weak(cos: float, cov: float, settings: Settings) -> bool:
    """Evidence too weak to answer: calibrated on the gold set (see evals/README.md)."""
    return cos < ABSTAIN_COSINE and cov < ABSTAIN_COVERAGE


ABSTAIN_COSINE = 0.45
ABSTAIN_COVERAGE = 0.6


def _sources(hits: list[Hit]) -> list[Source]:
    out = []
    for h in hits:
        meta = h.chunk.metadata()
        meta["ids"] = h.chunk.ids
        out.append(Source(chunk_id=h.chunk.id, text=h.chunk.text, score=round(h.score, 6), metadata=meta))
    return out


def ask(question: str, history: list[Turn] | list[dict] | None = None, filters: Filters | dict | None = None,
        settings: Settings | None = None, k: int | None = None) -> Answer:
    """Answer a question about the evaluation, citing the IDs it rests on, or abstain plainly."""
    settings = settings or get_settings()
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in (history or [])]
    flt = filters if isinstance(filters, Filters) or filters is None else Filters.model_validate(filters)
    text = " ".join((question or "").split())[:MAX_QUESTION]
    text = "".join(ch for ch in text if ch.isprintable())
    answer_id = uuid.uuid4().hex[:12]
    if not text.strip(" ?!.,;:"):
        return Answer(answer="Please ask a question about the e-Government Programme evaluation.", abstained=True,
                      intent="empty", answer_id=answer_id)
    try:
        index = get_index(settings)
    except IndexMissing as exc:
        return Answer(answer=f"The index is not built yet ({exc}).", abstained=True, intent="no_index", answer_id=answer_id)
    query = understand(text, turns, index.catalog)
    if query.intent == "draft":
        try:
            from rag.draft import draft_answer
        except ImportError:
            pass
        else:
            return draft_answer(text, settings=settings, answer_id=answer_id)
    vector = index.embed_query(query.text)
    hits = retrieve(index, query.text, k=k or settings.top_k, filters=flt, ids=query.ids, vector=vector)
    draft, abstained = _compose(query, hits, index, vector, settings)
    result = Answer(answer=draft.text, abstained=abstained, citations=[] if abstained else draft.citations,
                    sources=_sources(hits), intent=query.intent if not abstained else draft.intent, answer_id=answer_id)
    if settings.llm_provider != "none" and not abstained:
        from rag.llm import llm_answer

        result = llm_answer(query, result, turns, settings)
    return result
