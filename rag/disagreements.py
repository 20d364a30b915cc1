"""Figures the evaluation's own parts give differently: the same count of the same thing in two quoted
sources ("19 service centres" in the findings, "14 service centres" in the matrix). An answer that quotes
both says so, each side with where it comes from, so the reader does not take one for the whole story."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.tokenize import STOPWORDS, tokenize
from rag.messages import Msg, msg
from rag.models import Citation
from rag.sentence_rank import content_terms

# a whole number (not part of a decimal, a date or an ID) and the words after it
_COUNT = re.compile(
    r"(?<![\d.,/-])(\d{1,3}(?:,\d{3})+|\d+)(?![\d]|[.,]\d)\s+([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,3})"
)
MAX_PHRASE = 3  # words of the counted thing, up to the first stop word


@dataclass(frozen=True)
class Claim:
    """'19 service centres' in one citation's quote: the number, the thing as written, its comparable key."""

    number: int
    thing: str
    key: tuple[str, ...]
    citation: Citation


def claims(citation: Citation) -> list[Claim]:
    """The counts a citation's quote states: a number followed by the thing counted (years left out)."""
    found: list[Claim] = []
    for m in _COUNT.finditer(citation.quote):
        number = int(m.group(1).replace(",", ""))
        if 1900 <= number <= 2100:  # a year
            continue
        words: list[str] = []
        for w in m.group(2).split()[:MAX_PHRASE]:
            if w.lower() in STOPWORDS:
                break
            words.append(w)
        key = tuple(tokenize(" ".join(words).replace("-", " ")))
        if key:
            found.append(Claim(number, " ".join(words), key, citation))
    return found


def _where(c: Citation) -> str:
    """'section 3.2' or '<the matrix's heading>, activity 2.1.4.3': the part of the document."""
    part = c.source.split(", ", 1)[1] if ", " in c.source else c.source
    part = re.sub(r",\s*line \d+$", "", part)
    if part.startswith("section "):
        return part.split()[0] + " " + part.split()[1].rstrip(".")
    return f"{part}, {c.kind} {c.id}" if c.kind != "section" else part


def disagreements(citations: list[Citation], question: str) -> list[tuple[Claim, Claim]]:
    """Pairs of claims from different parts of the sources that count the same thing the question is about
    with different numbers; at most one pair per thing."""
    asked = content_terms(question)
    every = [c for cit in citations for c in claims(cit) if set(c.key) & asked]
    pairs: list[tuple[Claim, Claim]] = []
    seen: set[tuple[str, ...]] = set()
    for i, a in enumerate(every):
        for b in every[i + 1 :]:
            if a.key == b.key and a.number != b.number and a.key not in seen:
                if _where(a.citation) != _where(b.citation) and a.citation.quote != b.citation.quote:
                    pairs.append((a, b))
                    seen.add(a.key)
    return pairs


def disagreement_note(pair: tuple[Claim, Claim]) -> str:
    """One sentence stating the two figures, each with its source."""
    return disagreement_message(pair).render()


def disagreement_message(pair: tuple[Claim, Claim]) -> Msg:
    """The sentence of `disagreement_note` as a message of the catalogue, to be said in the answer's language."""
    a, b = pair
    return msg(
        "disagreement",
        where_a=_where(a.citation),
        a=f"{a.number} {a.thing}",
        where_b=_where(b.citation),
        b=f"{b.number} {b.thing}",
    )
