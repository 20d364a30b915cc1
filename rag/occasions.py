"""Occasions a question asks about and the evidence may lack: a year's result, the occasion an ordinal picks
("the first meeting"), the day something happened, and the date of what is still to happen. Each check reads
the question and the texts the answer quotes; 1.0 means the evidence lacks what was asked."""

from __future__ import annotations

import re

from core.tokenize import tokenize
from rag.deadlines import stated
from rag.sentence_rank import MONTHS
from rag.understand import ORDINALS

# what a question about plans or targets says: a year it names may be answered by a plan for it
PLAN = re.compile(
    r"next (?:programme|period|action plan|cycle)|new (?:action plan|programme|deadline)|future|plan(?:ned|s)?\b|deadline|propos|recommend|will\b|should|expected|extend|postpon|target|\bgoals?\b|\baims?\b",
    re.I,
)


ANY_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# what stands before a year that makes it a plan, not a result: "Target value for 2022", "planned by 2023"
TARGETISH = re.compile(
    r"\b(?:target\w*|plann\w*|plans?|expected|forecast\w*|goals?|deadline|until|by)\W+(?:\w+\W+){0,3}$", re.I
)


def achieved_years(text: str) -> list[str]:
    """The years a text states a result for: every year it names, but those it names as a plan or target."""
    return [
        m.group(1)
        for m in ANY_YEAR.finditer(text)
        if not TARGETISH.search(text[max(0, m.start() - 40) : m.start()])
    ]


def year_missing(question: str, texts: list[str]) -> float:
    """1 when a year the question names has nothing stated for it in any evidence text (a plan counts only when
    the question asks about plans or targets): "2022, compared with 2021" is not answered by 2021 alone; 0 when
    every year is stated or it names none."""
    wants_plan = bool(PLAN.search(question))

    def said_for(year: str) -> bool:
        return any(
            wants_plan or not TARGETISH.search(text[max(0, m.start() - 40) : m.start()])
            for text in texts
            for m in re.finditer(rf"\b{year}\b", text)
        )

    return float(not all(said_for(year) for year in dict.fromkeys(ANY_YEAR.findall(question))))


# an ordinal picks one of several occasions ("the first meeting"); "last" is left out: "last year" is a date
OCCASION = re.compile(
    rf"\b({'|'.join(w for w in ORDINALS if w != 'last')})\s+((?:[\w-]+\s+){{0,2}}[\w-]+)", re.I
)


# a numbered occasion names the same one as its ordinal: "Phase 2" is the second phase
NUMBERED = re.compile(r"\b([^\W\d_][\w-]*)\s+([1-9])\b(?![.,]?\d)")
_BY_NUMBER = {n + 1: word for word, n in ORDINALS.items() if n >= 0}


def occasions(text: str) -> list[tuple[str, set[str]]]:
    """The occasions a text picks by ordinal or number, each as its ordinal and the words of what it picks:
    "the second phase of" and "Phase 2 will" are both ("second", {"phase"})."""
    found = [(m.group(1).lower(), set(tokenize(m.group(2)))) for m in OCCASION.finditer(text)]
    for m in NUMBERED.finditer(text):
        if (ordinal := _BY_NUMBER.get(int(m.group(2)))) is not None:
            found.append((ordinal, set(tokenize(m.group(1)))))
    return found


def ordinal_missing(question: str, texts: list[str]) -> float:
    """1 when the question asks about one occasion by its ordinal or number ("the first meeting") and the
    evidence names that thing only with other ordinals ("the second meeting"); 0 otherwise, and when it names
    none."""
    for ordinal, words in occasions(question):
        said = [other for text in texts for other, named in occasions(text) if words & named]
        if said and ordinal not in said:
            return 1.0
    return 0.0


# a question that asks for the day something happened, and a date that gives a day ("4 June 2021", "04.06.2021")
ASKS_DAY = re.compile(r"\b(?:on |by )?(?:what|which) (?:exact )?(?:date|day)\b|\bexact date\b", re.I)
DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b|\b(?:{MONTHS})\s+\d{{1,2}}\b"
    r"|\b\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d\d\b",
    re.I,
)


def day_missing(question: str, texts: list[str]) -> float:
    """1 when the question asks on what date something happened and no evidence text gives a day."""
    return float(bool(ASKS_DAY.search(question)) and not any(DAY.search(t) for t in texts))


# a question about when something is still to happen, and a text that dates a plan ("will be ... by 2023")
ASKS_WHEN_FUTURE = re.compile(
    r"\bwhen\b(?:\s+[\w-]+){0,8}?\s+(?:will|shall|should|going to|supposed to|expected to|planned to|scheduled to)\b"
    r"|\bwhen (?:is|are) (?:it|they|the\s+[\w\s-]{1,40}?) (?:due|expected|planned|scheduled)\b|\bby when\b",
    re.I,
)
PLANNED = re.compile(
    r"\b(?:will|planned|expected|scheduled|by|until|till|deadline|due|postponed|moved)\b[^.;]{0,60}?\b20\d\d\b",
    re.I,
)


# "when is the next meeting": the next of a recurring occasion, which only a plan dates (the last one's day does not)
ASKS_NEXT = re.compile(r"\bwhen\b(?:\s+[\w-]+){0,4}?\s+(?:next|upcoming|forthcoming)\b", re.I)


def deadline_missing(question: str, texts: list[str]) -> float:
    """1 when the question asks when something will happen and no evidence text dates it (a deadline, a quarter,
    a year a plan is set for): a programme period ("the plan for 2023-2025") dates nothing. The next of a
    recurring occasion is dated by a plan only, not by the day an earlier one was held."""
    if ASKS_NEXT.search(question):
        return float(not any(stated(t) or PLANNED.search(t) for t in texts))
    if not ASKS_WHEN_FUTURE.search(question):
        return 0.0
    return float(not any(stated(t) or PLANNED.search(t) or DAY.search(t) for t in texts))


# a question about how long something took or lasts ("how long did the webinar last?"; "how long has it existed"
# asks since when, which a date answers), and a text that gives a length or a span of time
ASKS_DURATION = re.compile(
    r"\bhow long (?:did|does|do|will|would|was|were|is|are|last\w*|take|takes|took|duration)\b|\bhow much time\b",
    re.I,
)
DURATION = re.compile(
    r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many)[\s-]+"
    r"(?:minutes?|hours?|days?|weeks?|months?|years?|quarters?)\b"
    r"|\bfrom\b[^.;]{0,60}?\b(?:to|until|till)\b|\bbetween\b[^.;]{0,40}?\band\b|\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b",
    re.I,
)


def duration_missing(question: str, texts: list[str]) -> float:
    """1 when the question asks how long something took or lasts and no evidence text gives a length or span."""
    return float(bool(ASKS_DURATION.search(question)) and not any(DURATION.search(t) for t in texts))


# a quantity asked per month, week, day or hour ("how many visits per month"), and a text that gives one; a
# year's figure is no answer to it (a rate per year is what an evaluation's yearly indicators give)
RATE = re.compile(
    r"\b(?:per|a|an|each|every)\s+(?:month|week|day|hour|minute)\b|\b(?:monthly|weekly|daily|hourly)\b"
    r"|/\s?(?:month|week|day|hour)\b",
    re.I,
)
ASKS_QUANTITY = re.compile(r"\bhow (?:many|much|often)\b|\baverage\b|\bnumber of\b", re.I)


def rate_missing(question: str, texts: list[str]) -> float:
    """1 when the question asks for a quantity per month, week, day or hour and no evidence text gives one."""
    asks = bool(ASKS_QUANTITY.search(question) and RATE.search(question))
    return float(asks and not any(RATE.search(t) for t in texts))


EXACT = (ordinal_missing, day_missing, deadline_missing, duration_missing, rate_missing)


def exact_occasion_missing(question: str, texts: list[str]) -> bool:
    """Whether the evidence lacks the one occasion the question pins down: the one its ordinal picks, the day,
    the date of what is still to happen, how long something took, or a rate per month or day. Each is read on
    words alone and is missing or not; a year's result is weighed with the other signals instead."""
    return any(check(question, texts) for check in EXACT)


def occasion_missing(question: str, texts: list[str]) -> float:
    """What the evidence lacks of the occasions a question names: its years, the one its ordinal picks, the
    day it asks for, the date of what is still to happen, how long something took, or a rate per month or day."""
    return max(year_missing(question, texts), float(exact_occasion_missing(question, texts)))
