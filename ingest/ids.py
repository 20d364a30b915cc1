"""Recognise objective, measure and activity IDs in free text, in the forms people write them."""
from __future__ import annotations

import re
from typing import Literal

Kind = Literal["objective", "measure", "activity"]

# "1.4.2.2", "1. 4", "1.3.5." -- digits joined by dots, with optional spaces after dots.
_ID = re.compile(r"(?<![\d.])(1)\s?\.\s?([1-4])(?:\s?\.\s?(\d{1,2}))?(?:\.(\d{1,2}))?(?![\d])")
_KIND_WORDS = {
    "activity": "activity", "activities": "activity",
    "measure": "measure", "measures": "measure",
    "objective": "objective", "objectives": "objective", "so": "objective", "target": "objective",
}
_PRECEDING = re.compile(r"(activity|activities|measures?|objectives?|so|target)\W{0,3}$", re.I)
# "objectives 1.3 and 1.4", "SOs 1.1, 1.2 or 1.3": every 2-part ID of the list is an objective
_LISTED = re.compile(r"\b(?:objectives|sos?)\s+(?:1\s?\.\s?[1-4]\s*(?:,|and|or|&|vs\.?|versus)\s*)+$", re.I)
# "1. 4. 2. 2": an ID written with a space after every dot, the fourth part included
_SPACED = re.compile(r"(?<![\d.])1\.\s([1-4])\.\s(\d{1,2})\.\s(\d{1,2})(?!\d)")


# "activity 1.4.9.9", "measure 1.9.9": an ID named as one, whether or not the catalog has it
ID_MENTION = re.compile(r"\b(?:activity|measure|objective|so)\s+(\d+(?:\s?\.\s?\d+){1,3})\b", re.I)


def normalise_id(raw: str) -> str:
    """Canonical dotted form: '1. 4.' -> '1.4', ' 1.3.5.' -> '1.3.5'."""
    return ".".join(p for p in re.split(r"\s*\.\s*", raw.strip()) if p)


def kind_of(id_: str) -> Kind:
    """Kind of a canonical ID by its depth: 2 parts objective, 3 measure, 4 activity."""
    depth = id_.count(".") + 1
    return {2: "objective", 3: "measure"}.get(depth, "activity")  # type: ignore[return-value]


def find_ids(text: str) -> list[str]:
    """Every ID named in text, canonical and in order of first mention, without duplicates."""
    found: list[str] = []
    text = _SPACED.sub(r"1.\1.\2.\3", text)
    for m in _ID.finditer(text):
        parts = [p for p in m.groups() if p]
        if len(parts) == 2:
            # A bare "1.4" is a number as often as an objective: keep it only when named so.
            before = text[max(0, m.start() - 60): m.start()]
            named = _PRECEDING.search(before[-25:])
            if not (named and _KIND_WORDS.get(named.group(1).lower()) == "objective" or _LISTED.search(before)):
                continue
        id_ = ".".join(parts)
        if id_ not in found:
            found.append(id_)
    return found
