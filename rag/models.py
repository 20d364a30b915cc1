"""The answer contract of DESIGN.md: /ask and rag.ask return an Answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

CitationKind = Literal["activity", "measure", "objective", "indicator", "section"]


class Intent(StrEnum):
    """What a question asks (rag/understand.py), or how an answer came about: a closed set. A StrEnum, so
    the API's JSON carries the plain word."""

    STATUS = "status"
    WHY = "why"
    INDICATOR = "indicator"
    RESPONSIBLE = "responsible"
    ABOUT = "about"
    COMPARE = "compare"
    LIST = "list"
    COUNT = "count"
    DRAFT = "draft"
    FREE = "free"
    OVERVIEW = "overview"  # a broad question: the points of the section so headed
    MULTI = "multi"  # two questions in one, answered part by part
    EMPTY = "empty"  # no question
    NO_INDEX = "no_index"  # nothing indexed yet
    # abstentions: why the evaluation does not answer
    UNKNOWN_ID = "unknown_id"
    NO_MATRIX = "no_matrix"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_IN_EVALUATION = "not_in_evaluation"


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
    # the language of the answer's own sentences ("en", "sr-Latn", "sr-Cyrl"); quotes stay as written
    language: str = "en"
    # what the answerability model weighed (rag/answerability.py); kept out of the API's JSON
    signals: dict[str, float] | None = Field(default=None, exclude=True)
