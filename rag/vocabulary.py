"""General English vocabulary of evaluations: the words people use for an activity's status, for a sentence
that recommends, and for the kinds of section an evaluation heads (recommendations, findings ...)."""

from __future__ import annotations

import re

STATUS_WORDS: tuple[tuple[str, str | tuple[str, ...]], ...] = (
    # "not implemented", "incomplete": every status short of completed (before "completed" can match)
    (
        r"\bnot (?:yet )?(?:been )?(?:implemented|realised|realized|achieved|delivered|carried out|accomplished|fulfilled|done)\b"
        r"|\bincomplete\b|\buncompleted\b|\bnever (?:even |yet )?(?:completed|implemented|finished)\b",
        ("ongoing", "not initiated", "abandoned"),
    ),
    (
        r"abandon|dropp|scrap|cancel|halt|stopp|given up|gave up|shelved|discontinu|failed|fell through",
        "abandoned",
    ),
    (
        r"not (?:even |yet )?(?:been |got |gotten )?(?:initiated|started|begun|launched)"
        r"|never (?:even |yet )?(?:been |got |gotten |get )?(?:started|began|begun|initiated)"
        r"|didn'?t (?:even )?start|did not (?:even )?start|no progress",
        "not initiated",
    ),
    (
        r"ongoing|on-?going|in progress|underway|under way|still running|continu|unfinished|not (?:yet )?(?:finished|complete)",
        "ongoing",
    ),
    # "what is being done / has been done about X" asks what is done, not what is finished
    (
        r"complet|finish|accomplish|(?<!being )done\b(?!\s+(?:to|about|for)\b)|delivered|achieved|implemented|fulfilled",
        "completed",
    ),
    (
        r"no status|status (?:is )?(?:blank|empty|missing)|blank status|without (?:a )?status|status (?:cell )?(?:not )?filled|not filled",
        "unknown",
    ),
    (r"no (?:implementation |progress |status )?data|missing data|not reported|no information", "no data"),
)
_STATUS = tuple((re.compile(p, re.I), s) for p, s in STATUS_WORDS)


# the event a date is asked for ("the deadline for finishing ...", "the date of completion"): no status of a record
DATE_FOR = re.compile(
    r"\b(?:deadlines?|due dates?|target dates?|dates?|timelines?|timeframes?)\s+(?:for|of|to)\s+(?:\w+ing|complet\w*)\b",
    re.I,
)


def statuses_named(question: str) -> list[str]:
    """Canonical statuses a question names ('dropped' -> abandoned), in order, first match wins per status."""
    return _read_statuses(question)[0]


def without_statuses(question: str) -> str:
    """The question with the words that name statuses (or a date asked for) taken out ("which open data activities
    were dropped?" -> "which open data activities were ?"): what is left names the topic."""
    return _read_statuses(question)[1]


def _read_statuses(question: str) -> tuple[list[str], str]:
    """The statuses a question names, and the question without the words that name them."""
    found: list[str] = []
    text = re.sub(r"n['’]t\b", " not", question)  # "hasn't been started": "has not been started"
    text = DATE_FOR.sub(" ", text)  # "the deadline for finishing the list" asks a date, names no status
    for pattern, named in _STATUS:
        if pattern.search(text):
            found.extend(s for s in ((named,) if isinstance(named, str) else named) if s not in found)
            text = pattern.sub(" ", text)  # "not initiated" must not also count as "initiated"/"completed"
    return found, text


# What a sentence that recommends says: "should", "there is a need", "it is recommended", "must"
RECOMMEND = re.compile(
    r"\bshould\b|\bneed(?:s|ed)? to\b|\bthere is a need\b|\bnecessary\b|\brecommend\w*|\bit is important\b"
    r"|\bmust\b|\bsuggest\w*|\bto overcome\b|\baim at\b|\baddressed\b",
    re.I,
)


# the kinds of section a question may ask for -> the stem its heading carries, and the kind's name
KINDS = {
    "recommend": "recommendations",
    "find": "findings",
    "conclusion": "conclusions",
    "lesson": "lessons learned",
    "limitation": "limitations",
    "challeng": "challenges",
}
_KIND_WORD = re.compile(
    r"\b(recommend\w*|find(?:ings?|s)?|found|conclu\w*|lessons?|limitations?|challenges?)\b", re.I
)


def asked_kind(question: str) -> tuple[str | None, str]:
    """The kind of section a question asks for, as its stem ('recommend', 'find' ...), and the word that asks
    it; (None, '') when it asks for none."""
    m = _KIND_WORD.search(question)
    if not m:
        return None, ""
    word = "find" if m.group(1).lower() == "found" else m.group(1).lower()
    return next((k for k in KINDS if word.startswith(k)), None), m.group(1)


# offices a person holds: "who is the director of X" asks for a person, not for the body responsible
ROLES = r"(?:minister|director|head|chief|president|prime minister|secretary|coordinator|co-ordinator|manager|leader|chair)"
