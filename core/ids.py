"""The one ID grammar: hierarchical dotted IDs ('2.1', '1.3.5', '1.4.2.2') in the forms people write them.

Nothing here knows one evaluation's numbering: any leading number and 2 to 4 parts are IDs. Callers
keep the IDs their catalog knows, so "activity 9.9.9.9" is found here and refused there.
"""

from __future__ import annotations

import re

# General English names of the levels of a results framework; a document's own names come on top.
LEVEL_WORDS = (
    "activity",
    "activities",
    "measure",
    "measures",
    "objective",
    "objectives",
    "so",
    "sos",
    "target",
    "targets",
    "goal",
    "goals",
    "result",
    "results",
    "output",
    "outputs",
    "outcome",
    "outcomes",
    "action",
    "actions",
    "priority",
    "priorities",
    "component",
    "components",
    "sub-measure",
)
_PART = r"\d{1,2}"
# an ID as written, with optional spaces after its dots: the pattern every parser of IDs builds on
ID_TEXT = rf"{_PART}(?:\s?\.\s?{_PART}){{1,3}}"
# "1.4.2.2", "1. 4", "1.3.5." -- numbers joined by dots, with optional spaces after dots.
_ID = re.compile(rf"(?<![\d.,])({ID_TEXT})(?![\d]|\.\d)")
_SPACED = re.compile(rf"(?<![\d.])({_PART})\.\s({_PART})\.\s({_PART})\.\s({_PART})(?!\d)")
_WORDS = "|".join(sorted((re.escape(w) for w in LEVEL_WORDS), key=len, reverse=True))
_PRECEDING = re.compile(rf"(?:{_WORDS})\W{{0,3}}$", re.I)
# "objectives 1.3 and 1.4", "SOs 1.1, 1.2 or 1.3": every 2-part ID of a list named as such
_LISTED = re.compile(rf"\b(?:{_WORDS})\s+(?:{_PART}\s?\.\s?{_PART}\s*(?:,|and|or|&|vs\.?|versus)\s*)+$", re.I)
# "activity 1.4.9.9", "measure 9.9.9": an ID named as one, whether or not the catalog has it
ID_MENTION = re.compile(rf"\b(?:{_WORDS})\s+({ID_TEXT})\b", re.I)
_AMOUNT = re.compile(r"\s*(?:million|billion|thousand|%|percent|per cent|times)\b", re.I)  # "1.4 million"
ANY_ID = re.compile(rf"^{_PART}(?:\.{_PART}){{1,3}}$")


def normalise_id(raw: str) -> str:
    """Canonical dotted form: '1. 4.' -> '1.4', ' 1.3.5.' -> '1.3.5'."""
    return ".".join(p for p in re.split(r"\s*\.\s*", raw.strip()) if p)


def depth(id_: str) -> int:
    """Number of parts of a canonical ID."""
    return id_.count(".") + 1


def parent(id_: str) -> str:
    """'1.3.5.2' -> '1.3.5'; a top-level ID is its own parent."""
    return id_.rsplit(".", 1)[0] if "." in id_ else id_


def is_id(text: str) -> bool:
    """True for a canonical dotted ID of 2 to 4 parts."""
    return bool(ANY_ID.match(text))


def find_ids(text: str, known: set[str] | frozenset[str] | None = None) -> list[str]:
    """Every ID named in text, canonical and in order of first mention, without duplicates.

    A 2-part ID ('1.4') is a number as often as an ID: it counts when the catalog knows it and the
    text names it as a level ('objective 1.4') or in a list of them, or when no catalog is given and
    it is named so.
    """
    found: list[str] = []
    text = _SPACED.sub(r"\1.\2.\3.\4", text)
    for m in _ID.finditer(text):
        id_ = normalise_id(m.group(1))
        if depth(id_) == 2:
            before = text[max(0, m.start() - 60) : m.start()]
            if not (_PRECEDING.search(before[-25:]) or _LISTED.search(before)) or _AMOUNT.match(
                text, m.end()
            ):
                continue
        if known is not None and id_ not in known:
            continue
        if id_ not in found:
            found.append(id_)
    return found


def mentioned_ids(text: str) -> list[str]:
    """IDs the text names as a level ('activity 9.9.9.9'), known or not, canonical."""
    return [normalise_id(m.group(1)) for m in ID_MENTION.finditer(text)]
