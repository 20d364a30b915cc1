"""The draft document: statements, activity and indicator items, recommendations, entries and the DraftDoc."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.draft.export import render_docx, render_markdown
from rag.models import Citation

Decision = Literal["continue", "carry over", "plan", "move in", "verify", "decide", "leave out"]


class Statement(BaseModel):
    """One statement of the draft with the numbers of the citations it rests on."""

    text: str
    refs: list[int] = Field(default_factory=list)  # 1-based numbers into DraftDoc.citations
    source: str = ""  # "matrix", "findings", "recommendations"


class ActivityItem(BaseModel):
    """An activity of the measure: what the draft proposes for it, or why it is left out."""

    id: str
    title: str
    responsible: str = ""
    status: str = ""  # canonical status in the matrix
    status_label: str = ""  # as the draft shows it
    decision: Decision
    proposal: str  # the proposal text ("Carry over: abandoned for lack of funds, still relevant; ...")
    reason: str = ""  # why (for left-out activities: why they are left out)
    from_measure: str = ""  # for activities moved in from another measure
    notes: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class IndicatorItem(BaseModel):
    """An indicator of the measure: baseline (its latest achieved value), target and the proposal for it."""

    key: str
    name: str
    baseline: str = ""  # the latest achieved value
    history: list[tuple[str, str]] = Field(
        default_factory=list
    )  # (column label, value) as the matrix gives them
    target: str = ""  # the matrix's latest target (and comment)
    proposal: str = "Keep"
    notes: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class Recommendation(BaseModel):
    """A recommendation of the report that applies to the entry, with why it applies."""

    theme: str  # "Co-ordination", "Funding", "IT staff and human resources", "Specific to this measure"
    applies_because: str = ""
    statements: list[Statement] = Field(default_factory=list)


class MeasureEntry(BaseModel):
    """The draft action-plan entry for one measure."""

    id: str
    title: str
    objective: str = ""
    objective_title: str = ""
    responsible: str = ""
    relevance: str = ""
    summary: str = ""
    rationale: list[Statement] = Field(default_factory=list)
    activities: list[ActivityItem] = Field(default_factory=list)
    left_out: list[ActivityItem] = Field(default_factory=list)
    indicators: list[IndicatorItem] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    open_points: list[Statement] = Field(default_factory=list)
    refs: list[int] = Field(default_factory=list)


class DraftDoc(BaseModel):
    """A draft for the next action plan: entries per measure, citations, renderers."""

    request: str
    period: str = "next programme"  # the plan's years as the evaluation names them
    as_of: str = ""  # the year the matrix's statuses and achieved values stand at
    matrix: str = "the evaluation matrix"  # the matrix's own title
    measure_name: str = "Measure"  # the document's names of its levels
    objective_name: str = "Objective"
    activity_name: str = "Activity"
    title: str
    covered: bool
    message: str | None = None
    off_topic: bool = False  # not covered because nothing of the evaluation deals with its topic
    entries: list[MeasureEntry] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    general: list[Recommendation] = Field(default_factory=list)  # cross-cutting requests (no single measure)
    topic: str = ""
    mode: str = "extractive"
    chunk_ids: list[str] = Field(default_factory=list)  # the chunks the draft was composed from

    def to_markdown(self) -> str:
        return render_markdown(self)

    def to_docx_bytes(self) -> bytes:
        return render_docx(self)
