"""The answer contract of DESIGN.md: /ask and rag.ask return an Answer."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

CitationKind = Literal["activity", "measure", "objective", "indicator", "section"]


class Turn(BaseModel):
    """One earlier turn of a conversation."""

    role: Literal["user", "assistant", "system"]
    content: str


class Filters(BaseModel):
    """Restrict retrieval to an objective, a measure or a document type."""

    objective: str | None = None
    measure: str | None = None
    doc_type: Literal["report", "annex", "interview"] | None = None


class Citation(BaseModel):
    """One ID an answer rests on, with the verbatim quote it used from its source."""

    id: str
    kind: CitationKind
    title: str
    source: str
    quote: str


class Source(BaseModel):
    """A retrieved chunk with its fused score and metadata."""

    chunk_id: str
    text: str
    score: float
    metadata: dict[str, Any] = Field(default_factory=dict)


class Answer(BaseModel):
    """What `ask` returns: the answer text, whether it abstained, citations and sources."""

    answer: str
    abstained: bool = False
    citations: list[Citation] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    mode: str = "extractive"
    intent: str = ""
    answer_id: str = ""
    notice: str | None = None
    confidence: float | None = None
    # what the answerability model weighed (rag/answerability.py); kept out of the API's JSON
    signals: dict[str, float] | None = Field(default=None, exclude=True)
