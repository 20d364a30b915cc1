"""The language and script an answer is given in: English, or Serbian in Latin or Cyrillic letters, asked for or
detected from the question (rag/serbian.py tells Serbian from English, core/text.py the scripts)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.text import CYRILLIC
from rag.serbian import is_serbian


class Language(StrEnum):
    """The answer languages, as BCP 47 tags (the API's `language` field)."""

    EN = "en"
    SR_LATN = "sr-Latn"
    SR_CYRL = "sr-Cyrl"

    @property
    def serbian(self) -> bool:
        return self is not Language.EN


AUTO = "auto"  # the API's and rag.ask's default: the question's own language


def detect(text: str) -> Language:
    """Serbian in Cyrillic letters (most of its letters Cyrillic), Serbian in Latin letters (with or without
    diacritics), else English: an English question that quotes a Cyrillic name ("упр.срб domains") is English."""
    cyrillic = sum(ch in CYRILLIC for ch in text)
    if cyrillic and cyrillic >= sum(ch.isalpha() for ch in text) - cyrillic:
        return Language.SR_CYRL
    latin = "".join(ch for ch in text if ch not in CYRILLIC)
    return Language.SR_LATN if is_serbian(latin) else Language.EN


def resolve(asked: str | Language | None, question: str, earlier: Iterable[str] = ()) -> Language:
    """The language asked for, or (None or "auto") the question's: a question with nothing Serbian in it that
    follows Serbian questions (`earlier`, the last first) is answered in theirs, as it is read with them."""
    if asked is not None and asked != AUTO:
        return Language(asked)
    found = detect(question)
    if found is Language.EN:
        return next((lang for lang in map(detect, earlier) if lang.serbian), found)
    return found
