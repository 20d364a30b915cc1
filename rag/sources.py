"""rag.sources: what an answer rests on, as the sources shown beside it: the chunks its quotes and cited rows
come from first, then the rest of what was retrieved."""

from __future__ import annotations

from rag.index import Index
from rag.models import Citation, Filters, Source
from rag.retrieve import Hit, allowed


def answer_sources(
    hits: list[Hit], index: Index, citations: list[Citation] | None = None, filters: Filters | None = None
) -> list[Source]:
    """What the answer rests on, then what else was retrieved: the chunks its quotes come from (a quoted
    sentence's chunk, a cited record's row; those retrieved in rank order, then those found by their sentence),
    ahead of the other hits in rank order; as many as were retrieved, all within the filters."""
    used: list[str] = []
    for c in citations or []:
        chunk_id = index.sentence_chunk.get(c.quote) or next(
            iter(index.record_chunks.get(row_of(c, index), [])), None
        )
        if chunk_id and chunk_id not in used:
            used.append(chunk_id)
    scores = {h.chunk.id: h.score for h in hits}
    retrieved = [h.chunk for h in hits if h.chunk.id in used]
    found = [index.by_id[i] for i in used if i not in scores and allowed(index.by_id[i], filters)]
    chunks = (retrieved + found + [h.chunk for h in hits if h.chunk.id not in used])[: len(hits)]
    out = []
    for chunk in chunks:
        meta: dict[str, object] = dict(chunk.metadata())
        meta["ids"] = chunk.ids
        out.append(
            Source(
                chunk_id=chunk.id, text=chunk.text, score=round(scores.get(chunk.id, 0.0), 6), metadata=meta
            )
        )
    return out


def row_of(citation: Citation, index: Index) -> str:
    """The record whose row a citation quotes: an indicator's own row, not its owner's."""
    if citation.kind == "indicator":
        for ind in index.catalog.indicators:
            if ind.name == citation.title and (ind.owner == citation.id or ind.owner == "0"):
                return ind.id
    return citation.id
