"""Two questions in one ("When was the portal launched, and which body is in charge of open data?"):
split them so each part gets its own answer, the second part read as a follow-up of the first.

Only a second part that asks about something new is split off. "..., and why?", "..., and what was
the target?" or "..., and who coordinates it?" lean on the first part and are answered with it.
"""

from __future__ import annotations

import re

from core.tokenize import tokenize
from rag.quantity import QUANTITY, VERBS
from rag.vocabulary import statuses_named

SPLIT = re.compile(
    r",?\s+(?:and|but|also)\s+(?=(?:how|what|which|who|whom|when|where|is|are|was|were|did|does|do|has|"
    r"have|had|can|could|will)\b"
    # a question word after its preposition: "... and through which programme were they hired?"
    r"|(?:through|from|by|in|on|at|for|with|under|to|since|until)\s+(?:what|which|whom|when)\b)",
    re.I,
)
# words that ask for more of the same record (its reasons, values, targets), not for a new subject
_SAME = frozenset(
    tokenize(
        "why reason reasons cause delay late target targets goal baseline value values achieved "
        "compare compared comparison change changed starting point planned plan "
        "which who whom what how many much when where there it its they them that this these those "
        "happen happened responsible status now still yet anything something come doing done get "
        "got worth date day month year"
    )
)
PRONOUN = re.compile(r"\b(?:it|its|they|them|their|that|this|these|those)\b", re.I)
MIN_NEW = (
    2  # content words a second part that refers back ("it", "them") must add to be a question of its own
)


def _words(text: str) -> set[str]:
    return {t for t in tokenize(text) if t not in _SAME and not t[:1].isdigit()}


def split_question(text: str) -> list[str]:
    """The question's self-contained parts, in order; [text] when it asks one thing."""
    pieces = [p.strip(" ,;") for p in SPLIT.split(text) if p.strip(" ,;?")]
    if len(pieces) < 2:
        return [text]
    parts = [pieces[0]]
    for piece in pieces[1:]:
        new = _words(piece) - _words(" ".join(parts))
        if len(new) >= (MIN_NEW if PRONOUN.search(piece) else 1):
            parts.append(piece)
        else:
            parts[-1] = f"{parts[-1]} and {piece}"
    if len(parts) < 2:
        return [text]
    return [p if p.endswith("?") else p + "?" for p in _shared_predicate(parts)]


def _shared_predicate(parts: list[str]) -> list[str]:
    """ "How many authorities and how many municipalities use the data centres?": a part that counts a thing
    and says nothing of it takes the predicate of the next part that counts ("... use the data centres")."""
    out = list(parts)
    for n in range(len(out) - 2, -1, -1):
        this, after = QUANTITY.search(out[n]), QUANTITY.search(out[n + 1])
        if not (this and after and this.group("count") and after.group("count")):
            continue
        if not re.match(rf"\s+(?:{VERBS})\b", out[n + 1][after.end("count") :], re.I):  # ends at a verb
            continue
        if not out[n][this.end("count") :].strip(" ?,;"):
            out[n] = out[n][: this.end("count")] + out[n + 1][after.end("count") :]
    return out


def status_of_the_listed(text: str) -> bool:
    """Whether a list question asks the status of what it lists in a later part that refers back to it
    ("Which activities is the academy responsible for, and how many of them are done?"): then every listed
    record is wanted, with how many have the status, not only the records of that status."""
    pieces = [p for p in SPLIT.split(text) if p.strip(" ,;?")]
    if len(pieces) < 2 or statuses_named(pieces[0]):
        return False
    return any(
        statuses_named(p) and (PRONOUN.search(p) or OF_THEM.search(p) or HOW_MANY_OF_THEM.match(p))
        for p in pieces[1:]
    )


OF_THEM = re.compile(r"\b(?:of (?:it|them|those|these)|which ones?)\b", re.I)
# "..., and how many are done?": a count that names nothing counts what the first part listed
HOW_MANY_OF_THEM = re.compile(r"\s*how many\s+(?:are|were|is|was|have|has|had|got|get)\b", re.I)
