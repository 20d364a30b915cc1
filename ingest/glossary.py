"""The glossary: names the document does not define, in a data file beside the corpus that the ministry edits.

`corpus/glossary.toml` holds three tables (see the file itself for a commented example):

- `[[body]]`: a responsible body as the matrix abbreviates it (`abbr`), its full `name`, and the other
  names officials use for it (`aliases`: plain phrases; `pattern`: a regular expression, optional);
- `[[term]]`: everyday names for something the report names otherwise (`names`: plain phrases, or
  `pattern`: a regular expression) and the report's own words for it (`means`);
- `[headings]`: lines that open a part of the document without a numbered heading, and the heading to
  file that part under.

It is validated at ingest; an error names the entry and what is wrong with it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.text import fold, to_latin

FILE_NAME = "glossary.toml"


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message says where and why."""


def _check_pattern(value: str | None) -> str | None:
    if value:
        try:
            re.compile(value, re.I)
        except re.error as exc:
            raise ValueError(f"pattern {value!r} is not a valid regular expression: {exc}") from exc
    return value


def phrases_pattern(phrases: list[str]) -> str:
    """A case-insensitive pattern for plain phrases, each matched from a word start, with or without diacritics
    and in either script (a question is matched as written and folded to Latin without diacritics)."""
    forms = dict.fromkeys(f for p in phrases if p.strip() for f in (p.strip(), fold(to_latin(p.strip()))))
    return "|".join(rf"\b{_inflected(f)}" for f in forms)


def _inflected(phrase: str) -> str:
    """A phrase's pattern whose longer words may take other endings ('Portal otvorenih podataka' also finds
    'Portala otvorenih podataka'): words of six letters or more keep all but their last two letters."""
    words = phrase.split()
    if len(words) < 2:
        return re.escape(phrase)
    return r"\s+".join(
        rf"{re.escape(w[:-2])}\w*" if len(w) >= 6 and w.isalpha() else re.escape(w) for w in words
    )


class Body(BaseModel):
    """A responsible body: the matrix's abbreviation, the full name, the names officials use."""

    model_config = ConfigDict(extra="forbid")
    abbr: str = Field(min_length=1)
    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    pattern: str | None = None

    _valid = field_validator("pattern")(classmethod(lambda cls, v: _check_pattern(v)))

    def matcher(self) -> re.Pattern[str]:
        """What finds the body in a question: its abbreviation as a word, its name, aliases and pattern."""
        parts = [rf"\b{re.escape(self.abbr)}\b", phrases_pattern([self.name, *self.aliases])]
        if self.pattern:
            parts.append(self.pattern)
        return re.compile("|".join(p for p in parts if p), re.I)


class Term(BaseModel):
    """Everyday names for a thing and the report's own words for it."""

    model_config = ConfigDict(extra="forbid")
    names: list[str] = Field(default_factory=list)
    pattern: str | None = None
    means: str = Field(min_length=2)

    _valid = field_validator("pattern")(classmethod(lambda cls, v: _check_pattern(v)))

    @model_validator(mode="after")
    def _something_to_match(self) -> Term:
        if not self.names and not self.pattern:
            raise ValueError("a term needs `names` or a `pattern`")
        return self

    def matcher(self) -> re.Pattern[str]:
        parts = [p for p in (phrases_pattern(self.names), self.pattern) if p]
        return re.compile("|".join(parts), re.I)


class Glossary(BaseModel):
    """Everything in the glossary file; empty when there is none."""

    model_config = ConfigDict(extra="forbid")
    body: list[Body] = Field(default_factory=list)
    term: list[Term] = Field(default_factory=list)
    headings: dict[str, str] = Field(default_factory=dict)

    def heading_lines(self) -> dict[str, str]:
        """Lower-cased opening line -> heading, for the section parser."""
        return {" ".join(k.lower().split()).rstrip(":"): v for k, v in self.headings.items()}


def parse_glossary(text: str, where: str = FILE_NAME) -> Glossary:
    """A glossary from TOML text, or GlossaryError naming the entry at fault."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{where}: not valid TOML: {exc}") from exc
    try:
        return Glossary.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"]
            place = (
                f"{loc[0]} entry {loc[1] + 1}"
                if len(loc) > 1 and isinstance(loc[1], int)
                else ".".join(map(str, loc))
            )
            field = f", field {loc[2]!r}" if len(loc) > 2 else ""
            problems.append(f"{place}{field}: {err['msg']}")
        raise GlossaryError(f"{where}: " + "; ".join(problems)) from exc


def load_glossary(corpus_dir: Path) -> Glossary:
    """The glossary beside the corpus; an empty one when the file is absent."""
    path = corpus_dir / FILE_NAME
    if not path.exists():
        return Glossary()
    return parse_glossary(path.read_text(encoding="utf-8"), str(path))
