"""Draft action-plan entries for the next programme period from what the evaluation found and recommended.

`draft(request)` takes a measure ID ("1.3.5"), a topic ("information security") or a free request
("Draft the next action plan's entry for the service-centre measure") and returns a `DraftDoc`: one entry per
measure with its rationale, the activities to propose (continue, carry over, plan, move in) and to
leave out (with the reason), its indicators (baseline = the latest achieved value), the cross-cutting
recommendations of the report's recommendations chapter that apply, and the open points. Every
statement carries numbered citations whose quotes are verbatim from the report or the Evaluation
Matrix. Decisions come from the matrix fields (status, reasoning, relevance, possible next steps)
read with general patterns, and from what the findings chapter says about each ID.

Without an LLM the draft is composed from records and sentences; with one configured, the entry
summaries may be rewritten by `rag.llm.rewrite_prose` under an ID guard.

The package, one concern per module: models (the DraftDoc), text (text helpers), cues (the patterns that
read the matrix and the findings), prose (the report's sentences), refs (numbered citations), topics (reading
the request), select (the measures a topic is about), activities, indicators, themes (cross-cutting
recommendations), build (one measure's entry), compose (draft()), rewrite (the optional LLM rewrite),
chat (draft_answer) and export (Markdown and DOCX).
"""

from __future__ import annotations

from rag.draft.chat import draft_answer
from rag.draft.compose import draft
from rag.draft.models import (
    ActivityItem,
    DraftDoc,
    IndicatorItem,
    MeasureEntry,
    Recommendation,
    Statement,
)
from rag.draft.text import split_sentences
from rag.draft.topics import topic_of

__all__ = [
    "ActivityItem",
    "DraftDoc",
    "IndicatorItem",
    "MeasureEntry",
    "Recommendation",
    "Statement",
    "draft",
    "draft_answer",
    "split_sentences",
    "topic_of",
]
