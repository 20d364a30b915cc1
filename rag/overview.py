"""Broad questions ("what are the main recommendations?", "what did the evaluation find?"): the points of the
section the document itself heads so, in its order, each quoted and cited.

The kinds of section are general English of evaluations (recommendations, findings, conclusions, lessons,
limitations); which sections those are comes from the document's own headings.
"""

from __future__ import annotations

import re

from core.tokenize import tokenize
from ingest.sentences import Sentence
from rag.answer import Draft
from rag.citations import cite_sentence
from rag.index import Index
from rag.messages import msg
from rag.models import Intent
from rag.sentence_rank import content_terms
from rag.vocabulary import KINDS, RECOMMEND, asked_kind

# words a broad question may add without naming a topic of its own
FRAME = frozenset(
    tokenize(
        "main key overall general most important biggest major top evaluation report analysis programme program "
        "next future coming new period plan action summary summarise summarize give list tell say says made make "
        "were was are is what which for the of about from its their whole"
    )
)
MAX_POINTS = 5


def broad_kind(question: str) -> str | None:
    """The kind of section a broad question asks for ('recommend', 'finding', ...), or None for a question on a topic."""
    stem, word = asked_kind(question)
    if stem is None:
        return None
    rest = (
        content_terms(question) - FRAME - set(tokenize(word)) - {t for t in tokenize(question) if t.isdigit()}
    )
    return stem if not rest else None


def _sections(index: Index, stem: str) -> list[tuple[str, str]]:
    """(section path, the heading in it that carries the stem) for the report's sections under such a heading."""
    found: list[tuple[str, str]] = []
    for chunk in index.chunks:
        if chunk.kind != "section" or chunk.doc_type != "report" or not chunk.section:
            continue
        heading = next((part for part in chunk.section.split(" > ") if re.search(stem, part, re.I)), None)
        if heading and (chunk.section, heading) not in found:
            found.append((chunk.section, heading))
    return found


def answer_overview(index: Index, stem: str) -> Draft | None:
    """The points of the sections headed for what the question asks, or None when the document has none."""
    sections = _sections(index, stem)
    if not sections:
        return None
    paths = {path for path, _ in sections}
    sentences: list[Sentence] = []
    for chunk in index.chunks:
        if chunk.kind == "section" and chunk.section in paths:
            sentences.extend(index.chunk_sentences.get(chunk.id, []))
    usable = [
        s for s in sentences if 40 <= len(s.text) <= 450 and not s.text.rstrip(" ”\"'").endswith(("?", ":"))
    ]
    if stem == "recommend":
        usable = [s for s in usable if RECOMMEND.search(s.text)] or usable
    by_section: dict[str, list[Sentence]] = {}
    for s in {s.text: s for s in usable}.values():
        by_section.setdefault(s.chunk.section, []).append(s)
    points: list[Sentence] = []  # round robin over the sections: the first point of each, then the second ...
    for rank in range(max((len(v) for v in by_section.values()), default=0)):
        points += [group[rank] for group in by_section.values() if rank < len(group)]
    points = sorted(points[:MAX_POINTS], key=lambda s: (s.chunk.line_start, s.position))
    if not points:
        return None
    heading = sections[0][1]
    d = Draft(intent=Intent.OVERVIEW, confidence=1.0)
    d.say(msg("overview", kinds=KINDS[stem], stem=stem, heading=heading))
    for s in points:
        d.say(f"• “{s.text}”")
        for c in cite_sentence(s, index.catalog, index)[:1]:
            d.cite(c)
    return d
