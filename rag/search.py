"""rag.search: ranked sources only, for /search and the UI's source browser."""

from __future__ import annotations

from core.settings import Settings, get_settings
from rag.index import get_index
from rag.models import Filters, Source
from rag.retrieve import retrieve
from rag.sources import answer_sources


def search(
    question: str, filters: Filters | dict | None = None, k: int = 8, settings: Settings | None = None
) -> list[Source]:
    """The k best sources for a query, fused from dense, BM25 and ID look-up."""
    settings = settings or get_settings()
    flt = filters if isinstance(filters, Filters) or filters is None else Filters.model_validate(filters)
    text = " ".join((question or "").split())[:2000]
    text = "".join(ch for ch in text if ch.isprintable())  # as rag.ask: lone surrogates crash the tokenizer
    if not text.strip():
        return []
    index = get_index(settings)
    return answer_sources(retrieve(index, text, k=k, filters=flt), index)
