"""The patterns that read the matrix fields and the findings' sentences, and an activity's status and move."""

from __future__ import annotations

import re

from core.ids import ID_TEXT, normalise_id
from ingest.records import Activity, Catalog
from rag.draft.text import _norm

NOT_RELEVANT = re.compile(r"\b(?:no longer|not|no)\s+relevant\b", re.I)
STILL_RELEVANT = re.compile(
    r"\bstill relevant\b|\b(?:is|are|remains?|very)\s+relevant\b|\bof (?:great|particular) importance\b"
    r"|\bcontinues to be\b|\bimplementation is recommended\b|\bimportant for\b",
    re.I,
)
NEW_AP = r"\b(?:new|revised)\b[^.]{0,30}\b(?:AP|action plan|programme)\b|\bnext programme\b"
FORWARD = re.compile(r"\b(?:recommend\w*|propos\w*|plann?\w*|transfer\w*|consider\w*)\b", re.I)
NO_CONTINUE = re.compile(
    r"\bno plan to continue\b|\bnot (?:to )?be continued\b|\bwill not be continued\b|\bdiscontinue", re.I
)
CONTINUE = re.compile(
    r"\bcontinu\w*|\bfurther implementation\b|\bextended\b|\bnew (?:deadline|date)\b|\bcompletion\b", re.I
)
FUNDS = re.compile(
    r"\bfunds?\s+(?:have|has|were|was)\s+not\s+(?:been\s+)?(?:secured|made available|provided|available)"
    r"|\bno\s+(?:donor\s+)?funds?\s+(?:have\s+been|has\s+been|were|was)\s+(?:secured|made available|provided)"
    r"|\bfunds\s+were\s+not\b|\black of (?:funds|funding|financ\w*)\b|\bnot been secured\b"
    r"|\bconversion of (?:the )?foreign currency funds\b|\bchange in funding sources\b",
    re.I,
)
_ID = rf"({ID_TEXT})"
MOVE = re.compile(
    rf"\bmove (?:it |the activity )?(?:in)?to (?:the )?(?:\w+ ){{0,2}}{_ID}|\bunder (?:the )?(?:\w+ ){{0,2}}{_ID}",
    re.I,
)
NO_DATA = re.compile(
    r"\bno data\b|\bnot available\b|\bdata (?:need|needs|is needed|are needed) to be collected\b"
    r"|\b(?:more|additional) data\b|\bverify\b|\bto be verified\b|\bprovide data\b",
    re.I,
)
# What the findings chapter says about an ID, clause by clause.
PROSE_POSITIVE = re.compile(
    r"\b(?:still|remains?|are|is)\s+relevant\b|\brecommended (?:for|to continue)\b"
    r"|\bproposed for the next\b|\bimportant for the next\b|\brelevant for the (?:next|20)",
    re.I,
)
PROSE_NEGATIVE = re.compile(r"\bno longer relevant\b|\bnot expected in the programme period\b", re.I)
PROSE_DATA = re.compile(
    r"\b(?:more|additional) data (?:needs?|will|to|are|is)\b|\bnecessary to provide data\b|\bmore data\b",
    re.I,
)
PROSE_CUE = re.compile(
    r"\bpropos|\brecommend|\bnecessary\b|\bneed\b|\bshould\b|\brelevant\b|\bdelete\b|\bimportan", re.I
)
INDICATOR_CANCEL = re.compile(r"\bcancel\w*|\bdelete\b|\bno longer relevant\b|\bremove\b", re.I)
INDICATOR_CHANGE = re.compile(
    r"\bchange (?:the )?(?:name of the )?indicators?\b|\breformulat\w*|\babsolute\b|\brenam\w*"
    r"|\bmaintain the indicator\b|\bretained\b|\binsert an activity\b",
    re.I,
)


def new_ap_pattern(catalog: Catalog) -> re.Pattern[str]:
    """'new action plan', 'next programme', or the next period's years as the evaluation names them."""
    years = ""
    if catalog.next_period:
        a, b = catalog.next_period
        years = rf"|\b{a}\s*[-–]\s*(?:{b}|{b % 100:02d})\b"
    return re.compile(NEW_AP + years, re.I)


def _status_label(a: Activity) -> str:
    return "not given (blank in the matrix)" if a.status == "unknown" else a.status


def _move_target(a: Activity, catalog: Catalog) -> str | None:
    for text in (a.relevance, a.next_steps):
        m = MOVE.search(_norm(text))
        if m:
            target = normalise_id(m.group(1) or m.group(2))
            if (
                target != a.measure
                and catalog.kind_of(target) == "measure"
                and catalog.record(target) is not None
            ):
                return target
    return None
