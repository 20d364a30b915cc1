"""How each objective did on its indicators, from the achievement line the matrix gives every objective
("Indicator achievement level 40% achieved and 60% not achieved"): asked across the objectives ("which
objective did worst on its indicators?", "the hit rate for each objective"), answered with every line, worst
or best first when that is asked."""

from __future__ import annotations

import re

from ingest.records import Catalog, Objective
from rag.answer import Draft
from rag.citations import cite_record, first_sentences
from rag.messages import msg

INDICATORS = re.compile(r"\bindicators?\b|\btargets?\b|\bhit rate\b|\bachievement\b", re.I)
# what asks how they did, not how many there are ("how many indicators does each objective have?")
DID = re.compile(
    r"\b(?:achiev\w*|met|hit|reach\w*|worst|best|rate|share|percentage|perform\w*|did|do|doing|succe\w*|fail\w*)\b"
    r"|%",
    re.I,
)
WORST = re.compile(r"\b(?:worst|lowest|least|poorest|weakest|fewest)\b", re.I)
BEST = re.compile(r"\b(?:best|highest|most|strongest)\b", re.I)
_SHARE = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def asks_achievement(question: str, catalog: Catalog) -> bool:
    """Whether the question compares the objectives by their indicators: it names indicators and how they did,
    and the objectives as a group ("each objective", "the four specific objectives", "which objective did worst")."""
    if not (INDICATORS.search(question) and DID.search(question)):
        return False
    head = re.escape(catalog.level_name("objective").split()[-1].lower())  # "Specific objective": "objective"
    heads = re.escape(catalog.level_plural("objective").split()[-1])
    each = rf"\b(?:each|every|per)\s+(?:of\s+the\s+)?(?:[\w-]+\s+){{0,2}}?{head}\b"
    group = re.search(rf"\b{heads}\b|{each}", question, re.I)
    ranked = re.search(rf"\bwhich\s+(?:[\w-]+\s+){{0,2}}?{head}\b", question, re.I) and (
        WORST.search(question) or BEST.search(question)
    )
    return bool(group or ranked)


# what asks how large a part of the indicators was met ("what share of indicators was achieved under 1.2?")
PART = re.compile(r"\b(?:share|percentage|proportion|rate|per ?cent|how (?:well|far|much))\b|%", re.I)


def asks_achievement_of(question: str, ids: list[str], catalog: Catalog) -> bool:
    """Whether the question asks how the objectives it names did on their indicators, as a share."""
    return (
        bool(ids)
        and all(catalog.kind_of(i) == "objective" for i in ids)
        and bool(INDICATORS.search(question) and PART.search(question))
    )


def _share(o: Objective) -> float:
    m = _SHARE.search(o.achievement)
    return float(m.group(1).replace(",", ".")) if m else -1.0


def answer_achievement(catalog: Catalog, question: str, ids: list[str] | None = None) -> Draft | None:
    """Every objective's achievement line (or the named objectives'), in document order or ordered worst or best
    first as asked; None when the matrix gives none."""
    rated = [o for o in catalog.objectives if o.achievement and (not ids or o.id in ids)]
    if not rated:
        return None
    d = Draft()
    if WORST.search(question) or BEST.search(question):
        worst = bool(WORST.search(question))
        rated.sort(key=_share, reverse=not worst)
        ends = [(rated[0], worst)]
        if worst and BEST.search(question):  # "which did best, and which worst?": both ends
            ends.append((rated[-1], False))
        for top, low in ends:
            d.say(
                msg(
                    "achievement.worst" if low else "achievement.best",
                    label=catalog.label(top.id),
                    kind="objective",
                    id=top.id,
                    achievement=first_sentences(top.achievement, 1),
                )
            )
    for o in rated:
        d.say(
            msg(
                "achievement.line",
                label=catalog.label(o.id),
                kind="objective",
                id=o.id,
                title=first_sentences(o.title, 1, 90),
                achievement=first_sentences(o.achievement, 1),
            )
        )
        d.cite(cite_record(o, catalog, o.achievement))
    overall = catalog.overall
    if overall is not None and overall.achievement and not ids:
        d.say(msg("achievement.overall", achievement=first_sentences(overall.achievement, 1)))
    return d
