"""Sentences of chunks, each with the verbatim text it quotes and where it stands."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chunks import Chunk

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9“\"(])")
FIELD = re.compile(r"^([A-Z][A-Za-z0-9 ()/-]{2,45}):\s+(.+)$")


@dataclass
class Sentence:
    """A quotable sentence: its text (verbatim from the chunk), chunk and field label if any."""

    text: str
    chunk: Chunk
    label: str = ""
    position: int = 0


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, long run-ons left whole."""
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 1]


def chunk_sentences(chunk: Chunk) -> list[Sentence]:
    """Quotable sentences of a chunk: prose by sentence, records by field value sentence."""
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
            if m:
                label, body = m.group(1), m.group(2)
        for s in split_sentences(body):
            out.append(Sentence(s, chunk, label, pos))
            pos += 1
    return out
