"""Sentences of chunks, each with the verbatim text it quotes and where it stands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import split_sentences as sentences_of
from ingest.chunks import Chunk

FIELD = re.compile(r"^([A-Z][A-Za-z0-9 ()/-]{2,45}):\s+(.+)$")


@dataclass
class Sentence:
    """A quotable sentence: its text (verbatim from the chunk), chunk and field label if any."""

    text: str
    chunk: Chunk
    label: str = ""
    position: int = 0
    tokens: frozenset = frozenset()  # filled in by the index, which tokenises each sentence once
    ids: tuple = ()  # the IDs the sentence names, also filled in by the index


CELL = re.compile(r"\s+\|\s+")  # table cells a loader joined on one line: a quote never spans two


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (each table cell on its own), long run-ons left whole."""
    return [s for cell in CELL.split(text) for s in sentences_of(cell, at_semicolons=True) if len(s) > 1]


LISTING_LABELS = {
    "Activities",
    "Indicator",
    "Indicators",
    "Measures",
    "Responsible",
    "Responsible entity",
    "Status",
}


def chunk_sentences(chunk: Chunk) -> list[Sentence]:
    """Answer-bearing sentences of a chunk: prose by sentence, records by the sentences of their fields.

    A record's heading and context lines and its listings (a measure's activities) only restate
    what the record is; they are left out, so that a question's own words are not echoed back.
    """
    out: list[Sentence] = []
    lines = chunk.text.split("\n")
    if chunk.kind == "section" and lines and lines[0].startswith("["):
        lines = lines[1:]
    pos = 0
    for line in lines:
        label = ""
        body = line
        if chunk.kind != "section":
            m = FIELD.match(line)
            # context lines ("Measure 1.1.1: ...", "Objective 2: ...", "Overall objective: ...") restate the record
            if (
                not m
                or m.group(1) in LISTING_LABELS
                or m.group(1)[-1].isdigit()
                or m.group(1).startswith("Overall")
            ):
                continue
            label, body = m.group(1), m.group(2)
        for s in split_sentences(body):
            out.append(Sentence(s, chunk, label, pos))
            pos += 1
    return out
