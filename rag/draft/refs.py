"""The draft's numbered citations: records, indicators and report sentences, each quote cited once."""

from __future__ import annotations

from ingest.records import Catalog, Indicator
from rag.citations import cite_indicator, cite_record
from rag.draft.cues import new_ap_pattern
from rag.draft.models import Statement
from rag.draft.prose import ProseSentence, _is_recommendations_chapter, _section_label
from rag.draft.text import _norm
from rag.models import Citation


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
