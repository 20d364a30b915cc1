"""Questions about a record's future: is it kept in the next plan, dropped, carried over?

The matrix's relevance cell and the report's proposals about the record (its sentences that name the record
and propose or recommend something: "it is proposed to delete measure X") answer them, beside its status.
"""

from __future__ import annotations

import re

from ingest.records import Activity, Measure, Objective
from rag.answer import Draft, say_record
from rag.citations import cite_sentence, first_sentences, quoted
from rag.index import Index
from rag.messages import msg

# the plan that comes after the evaluated one ("the next plan", "the new programme", "the coming cycle")
NEXT = re.compile(
    r"\b(?:next|new|coming|upcoming|future|following)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:plan|programme|program|cycle|period|strategy|phase)\b|\bgoing forward\b",
    re.I,
)
# what the question asks of the thing in that plan: kept, dropped, recommended, worth doing
FATE_NEXT = re.compile(
    r"\b(?:kept|keep\w*|stay\w*|remain\w*|retain\w*|drop\w*|scrap\w*|remov\w*|delet\w*|continu\w*|carr(?:y|ied)"
    r"|recommend\w*|suggest\w*|should|worth|in or out|survive\w*|left out|cut)\b",
    re.I,
)
PROPOSES = re.compile(r"\b(?:propos|recommend|suggest)\w*", re.I)  # a sentence that proposes something
# a question that asks what the evaluation proposes ("what does it recommend for X", "any suggestions on it?"), not
# one that names a proposed thing ("the proposed deadline")
RECOMMENDS = re.compile(
    r"\b(?:recommend(?:s|ed|ations?)?|propos(?:e|es|als?)|suggest(?:s|ions?)?|advi[sc]es?)\b", re.I
)


def asks_future(question: str) -> bool:
    """Whether the question asks what becomes of a thing in the next plan."""
    return bool(NEXT.search(question) and FATE_NEXT.search(question))


def add_future(d: Draft, rec: Activity | Measure | Objective, index: Index, limit: int = 2) -> None:
    """Add the record's relevance cell and the report's sentences that name the record and propose something."""
    if rec.relevance and not any(first_sentences(rec.relevance, 1) in p for p in d.parts):
        d.say(msg("relevance", text=first_sentences(rec.relevance, 1)))
    said = 0
    for n in index.prose_naming.get(rec.id, ()):
        s = index.sentences[n]
        if said >= limit or not PROPOSES.search(s.text) or any(s.text in p for p in d.parts):
            continue
        d.say(quoted(s.chunk, s.text))
        for c in cite_sentence(s, index.catalog, index):
            d.cite(c)
        said += 1


def asks_recommendation(question: str) -> bool:
    """Whether the question asks what the evaluation recommends or proposes."""
    return bool(RECOMMENDS.search(question))


def say_recommendations(d: Draft, rec: Activity | Measure | Objective, index: Index) -> None:
    """What the evaluation proposes for a record: the record named, its relevance cell whole (after judging a
    record relevant it often proposes a new activity), the report's sentences that name it and propose
    something, and an activity's next steps."""
    say_record(d, rec, index)
    if rec.relevance:
        d.say(msg("relevance", text=first_sentences(rec.relevance, 3)))
    add_future(d, rec, index, limit=3)
    if isinstance(rec, Activity) and rec.next_steps:
        d.say(msg("next_steps", text=first_sentences(rec.next_steps, 2)))
