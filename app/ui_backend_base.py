"""The UI backend interface, the view models and errors it returns, and helpers both backends share."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ingest.records import Catalog
from rag.models import Answer, Citation


class BackendError(RuntimeError):
    """A failure with a message a user can act on (no traceback)."""


class FeatureMissing(BackendError):
    """A part of the assistant that is not available yet in this installation."""


@dataclass
class Mode:
    """An answer mode the user can pick: `key` is sent to the backend, `label` is shown."""

    key: str
    label: str


@dataclass
class Passage:
    """A stretch of a source document (a chunk) that holds a quote."""

    title: str
    location: str
    text: str


@dataclass
class DraftView:
    """A draft action-plan entry as the UI needs it: text to edit and files to download."""

    request: str
    title: str
    covered: bool
    message: str = ""
    markdown: str = ""
    docx: bytes | None = None
    citations: list[Citation] = field(default_factory=list)


class Backend(Protocol):
    """The calls a page makes; both backends implement all of them."""

    label: str

    def stats(self) -> dict: ...
    def catalog(self) -> Catalog: ...
    def modes(self) -> list[Mode]: ...
    def default_k(self) -> int: ...
    def ask(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Answer: ...
    def stream(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]: ...
    def draft(self, request: str) -> DraftView: ...
    def feedback(
        self, answer_id: str, rating: str, comment: str | None, question: str, answer: str
    ) -> None: ...
    def passage(self, quote: str, ids: list[str], section: str = "") -> Passage | None: ...
    def warm(self) -> None: ...


# ------------------------------------------------------------------------------------ helpers


def fold(text: str) -> str:
    """Whitespace folded to single spaces."""
    return " ".join((text or "").split())


def _section_of(source: str) -> str:
    """The section named in a citation's source string ('doc, section 3.2.4 ...' -> '3.2.4 ...')."""
    m = re.search(r",\s*section\s+(.+)$", source or "")
    return m.group(1).strip() if m else ""


def citation_section(citation: Citation) -> str:
    return _section_of(citation.source)


def coerce_citations(items: Any) -> list[Citation]:
    out = []
    for c in items or []:
        try:
            out.append(
                c
                if isinstance(c, Citation)
                else Citation.model_validate(c if isinstance(c, dict) else vars(c))
            )
        except Exception:  # noqa: BLE001 - a malformed citation is left out, not fatal
            continue
    return out


def find_passage(chunks: list[tuple], quote: str, ids: list[str], section: str = "") -> Passage | None:
    """The chunk that holds the quote, preferring report text of the named section and IDs.

    `chunks` holds (text, section, document, ids, kind, line_start, line_end) tuples.
    """
    q = fold(quote)
    if not q:
        return None
    best, best_score = None, -1
    for text, sec, document, chunk_ids, kind, start, end in chunks:
        if q not in fold(text):
            continue
        score = 0
        if section and fold(section) and fold(section) in fold(sec):
            score += 4
        if kind == "section":
            score += 2
        if set(ids) & set(chunk_ids or []):
            score += 1
        if score > best_score:
            best, best_score = (text, sec, document, start, end), score
    if best is None:
        return None
    text, sec, document, start, end = best
    lines = f"line {start}" if start == end or not end else f"lines {start}-{end}"
    where = ", ".join(p for p in (document, lines if start else "") if p)
    return Passage(title=sec.split(" > ")[-1] if sec else document, location=where, text=text)
