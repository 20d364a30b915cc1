"""The optional LLM rewrite of the entries' summaries, kept only under the ID guard."""

from __future__ import annotations

from core.ids import find_ids
from core.settings import Settings
from rag import llm
from rag.draft.models import DraftDoc
from rag.index import Index
from rag.models import Source


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
            new = llm.rewrite_prose(e.summary, sources, settings)
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
