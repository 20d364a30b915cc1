"""Deadlines: the ones the matrix states in its records' words ("the new deadline is the 2nd quarter of 2024",
"by the end of 2022") and the one a question asks about ("which activities were pushed back to 2024?",
"what was due in the last quarter of 2022?"), so that lists and counts can go by deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import split_sentences

ORDINAL = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "last": 4,
}
ORDINAL.update(final=4)
QUARTER = re.compile(
    r"\b(?:(1st|2nd|3rd|4th|first|second|third|fourth|last|final)\s+quarter|q([1-4]))\s*(?:of\s+|,\s*)?(20\d\d)\b",
    re.I,
)
END_OF = re.compile(r"\bend\s+of\s+(?:the\s+year\s+)?(20\d\d)\b", re.I)
YEAR_ASKED = re.compile(r"\b(?:to|into|until|till|by|in|for)\s+(?:the\s+end\s+of\s+)?(20\d\d)\b", re.I)
# what a question about a deadline says (not "in 2021", which asks for a result of that year)
DUE = re.compile(
    r"\bdue\b|\bdeadlines?\b|\bpushed\b|\bpostpone\w*|\bput off\b|\bmoved (?:back |out )?(?:to|into)\b"
    r"|\bcompletion date\b|\bnew date\b|\breschedul\w*|\bdelayed (?:to|until)\b|\bslipp\w* (?:to|into)\b"
    r"|\bscheduled (?:for|to finish)\b|\bexpected to (?:finish|be completed)\b",
    re.I,
)


@dataclass(frozen=True)
class When:
    """A year, and a quarter of it when one is said ("by the end of 2022" names the year alone)."""

    year: int
    quarter: int | None = None

    def covers(self, other: When) -> bool:
        """Whether a deadline stated as `other` falls in this asked time."""
        return other.year == self.year and (self.quarter is None or other.quarter == self.quarter)


def stated(text: str) -> list[When]:
    """The deadlines a text states: each quarter of a year, and each 'end of' a year (the year alone)."""
    out = [
        When(int(m.group(3)), ORDINAL[(m.group(1) or "").lower()] if m.group(1) else int(m.group(2)))
        for m in QUARTER.finditer(text)
    ]
    out += [When(int(m.group(1))) for m in END_OF.finditer(text)]
    return out


def asked(question: str) -> When | None:
    """The deadline a question asks about, when it asks about one ("due", "pushed back", "deadline" and a time)."""
    if not DUE.search(question):
        return None
    found = stated(question)
    if found:
        return found[0]
    m = YEAR_ASKED.search(question)
    return When(int(m.group(1))) if m else None


def with_deadline(text: str, n: int = 1) -> str:
    """A cell's first n sentences, and the first later one that states a deadline when they state none ("In the
    second phase, the centre must cover the whole network. A new date has been set: the 3rd quarter of 2022.")."""
    parts = split_sentences(" ".join(text.split()))
    said = parts[:n]
    if not any(stated(p) for p in said):
        said += [p for p in parts[n:] if stated(p)][:1]
    return " ".join(said)
