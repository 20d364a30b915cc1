"""Names of things, for one index: the glossary's bodies and everyday terms, the bodies the matrix's
responsible column names, and the abbreviations the document defines. Nothing here is one report's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from core.tokenize import tokenize
from ingest.glossary import Glossary
from ingest.records import Catalog

SPLIT_BODIES = re.compile(r"\s*(?:,|;|/|\band\b|&|\+)\s*")
ABBR = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")  # "NDA", "MoF", "ReSPA"


def body_parts(responsible: str) -> list[str]:
    """The bodies a responsible cell names: 'NDA, MoF' -> ['NDA', 'MoF']; 'NDA Office' -> ['NDA Office']."""
    return [p.strip(" .") for p in SPLIT_BODIES.split(responsible or "") if p.strip(" .")]


def body_key(part: str) -> str:
    """A body's key as the matrix writes it: the abbreviation that leads it ('NDA Office' -> 'NDA'), else the name."""
    head = part.split()[0] if part.split() else part
    return head if ABBR.match(head) else part


@dataclass
class Names:
    """Everything that names a body or a thing, built once per index."""

    glossary: Glossary = field(default_factory=Glossary)
    catalog: Catalog = field(default_factory=Catalog)

    @cached_property
    def _terms(self) -> list[tuple[re.Pattern[str], str]]:
        return [(t.matcher(), t.means) for t in self.glossary.term]

    @cached_property
    def bodies(self) -> dict[str, re.Pattern[str]]:
        """Every body the matrix's responsible column names (by its key), with what finds it in a question."""
        keys: list[str] = []
        for group in (self.catalog.objectives, self.catalog.measures, self.catalog.activities):
            for rec in group:
                for part in body_parts(rec.responsible):
                    key = body_key(part)
                    if key not in keys:
                        keys.append(key)
        by_abbr = {b.abbr.lower(): b for b in self.glossary.body}
        out: dict[str, re.Pattern[str]] = {}
        for key in keys:
            parts = []
            if ABBR.match(key):
                parts.append(rf"(?-i:\b{re.escape(key)}\b)")
            else:
                parts.append(rf"\b{re.escape(key)}\b")
                words = [w for w in tokenize(key) if len(w) > 2]
                if (
                    len(words) >= 2
                ):  # "agriculture ministry" for "Ministry of Agriculture": every word, any order
                    parts.append(
                        "".join(
                            rf"(?=.*\b{re.escape(w)})" for w in key.lower().split() if w in _long_words(key)
                        )
                    )
            if key.lower() in by_abbr:
                parts.append(by_abbr[key.lower()].matcher().pattern)
            if key in self.catalog.abbreviations:
                parts.append(rf"\b{re.escape(self.catalog.abbreviations[key])}\b")
            out[key] = re.compile("|".join(p for p in parts if p), re.I | re.S)
        return out

    def expand(self, question: str) -> str:
        """The question with the report's own words added for every everyday name it uses."""
        extra = [means for pattern, means in self._terms if pattern.search(question)]
        return question + (" " + " ".join(extra) if extra else "")

    def synonym_map(self, question: str) -> dict[str, frozenset[str]]:
        """For each word of an everyday name in the question, the tokens of the report's words for it."""
        out: dict[str, set[str]] = {}
        for pattern, means in self._terms:
            for m in pattern.finditer(question):
                for word in tokenize(m.group(0)):
                    out.setdefault(word, set()).update(tokenize(means))
        return {word: frozenset(terms) for word, terms in out.items()}

    def bodies_named(self, question: str) -> list[str]:
        """Bodies of the matrix that a question names, by abbreviation, full name or another name for them, or by
        most of the full name's words ("the ministry for public administration")."""
        words = set(tokenize(question))
        return [
            key
            for key, pattern in self.bodies.items()
            if pattern.search(question) or self._by_words(key, words)
        ]

    def _by_words(self, key: str, words: set[str]) -> bool:
        """Three or more of the full name's content words, its first among them."""
        name = [t for t in tokenize(self.full_name(key)) if len(t) > 2]
        return len(name) >= 3 and name[0] in words and sum(1 for t in set(name) if t in words) >= 3

    def full_name(self, key: str) -> str:
        """A body's full name from the glossary or the document's own definitions, else the key."""
        for b in self.glossary.body:
            if b.abbr.lower() == key.lower():
                return b.name
        return self.catalog.abbreviations.get(key, key)

    def spell_out(self, name: str) -> str:
        """'NDA' -> 'NDA (National Digital Agency)'; names without a known long form as they are."""
        name = name.strip()
        parts = body_parts(name)
        if len(parts) > 1:
            return ", ".join(self.spell_out(p) for p in parts)
        full = self.full_name(body_key(name))
        return (
            f"{name} ({full})"
            if full and full.lower() not in name.lower() and full != body_key(name)
            else name
        )

    def is_responsible(self, responsible: str, key: str) -> bool:
        """True when a responsible cell names the body with this key."""
        return any(body_key(p) == key for p in body_parts(responsible))

    def term_patterns(self) -> list[tuple[re.Pattern[str], str]]:
        """The glossary's everyday names and what they mean, for the drafter's topics."""
        return list(self._terms)


def _long_words(name: str) -> set[str]:
    return {w for w in name.lower().split() if len(w) > 2 and w not in {"the", "and", "for"}}
