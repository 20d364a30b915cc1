"""Text helpers: folded whitespace, sentences of paragraphs and matrix cells, clipped and verbatim quotes."""

from __future__ import annotations

import re

from core.text import split_sentences as sentences_of

CLAUSE = re.compile(r",?\s+while\s+|;\s+")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _norm(text: str) -> str:
    return " ".join((text or "").split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (core.text's splitter); a piece of one or two words joins the next."""
    out: list[str] = []
    for piece in sentences_of(_norm(text)):
        if out and len(out[-1].split()) < 3:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _cell_sentences(value: str) -> list[str]:
    """Sentences of a matrix cell: its paragraphs (lines), each split into sentences."""
    out: list[str] = []
    for para in (value or "").split("\n"):
        para = _norm(para)
        if para and para not in {"/", "-", "."}:
            out.extend(split_sentences(para))
    return out


def _first(value: str, pattern: re.Pattern | None = None, strict: bool = False) -> str:
    """The first sentence of a cell (or the first that matches the pattern), verbatim."""
    sents = _cell_sentences(value)
    if pattern is not None:
        for s in sents:
            if pattern.search(s):
                return s
        if strict:
            return ""
    return sents[0] if sents else ""


def _clip(text: str, limit: int = 260) -> str:
    text = _norm(text)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _verbatim_prefix(text: str, limit: int = 600) -> str:
    """A quote of at most `limit` characters that is still a verbatim prefix of the text."""
    text = _norm(text)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _plain(value: str) -> str:
    """A cell value for a table: whitespace folded, '/' and '-' read as empty."""
    v = _norm(value)
    return "" if v in {"/", "-", "."} else v
