"""How the guard reads replies and sources: citation markers, numbers, sentence cuts and source views."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.ids import find_ids, is_id
from core.tokenize import tokenize
from ingest.sentences import FIELD, split_sentences
from rag.models import Source

if TYPE_CHECKING:  # pragma: no cover
    from ingest.records import Catalog, Kind

NOT_IN_EVALUATION = "not in the evaluation"

# Sentences of a source that address the assistant: data, never support, never quoted.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,30}\b(?:previous|prior|above|earlier|all|any|your|the)\s+"
    r"(?:instructions?|prompts?|rules|directions|sources)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message|note|instruction)s?\b"
    r"|\bnote\s+to\s+the\s+(?:assistant|model|ai|chatbot)\b"
    r"|\byou\s+(?:are\s+now|must\s+(?:now\s+)?(?:answer|reply|respond|say)|should\s+(?:answer|reply|respond|say))\b"
    r"|\b(?:answer|reply|respond)\s+(?:only\s+|always\s+|just\s+)?(?:with\s+)?[\"“']?\d+[\"”']?\s+(?:to|for)\s+(?:every|all|any)\b",
    re.I | re.S,
)
MARKER = re.compile(r"[ \t]*\[([^\[\]\n]{1,160})\]")
MARKER_ITEM = re.compile(
    r"^(?:(activity|activities|measures?|(?:specific\s+)?objectives?|so|sources?|src)\.?\s*)?"
    r"(\d+(?:\.\d+)*)\.?$",
    re.I,
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
FULL_ID = re.compile(
    r"^\d{1,2}(?:\.\d{1,2}){2,3}$"
)  # a measure or activity ID; two parts are as often a number
LIST_MARK = re.compile(r"^\s*(?:[-*•]+|#+|\d{1,2}[.)])\s+")
# Where a reply's sentence ends: after . ! ? (closing quotes and citation markers stay with it), before
# the next sentence's first character; and before every line break.
BOUNDARY = re.compile(r"[.!?…][\"”’')]*(?:[ \t]*\[[^\[\]\n]{1,160}\][.,;]?)*(?=[ \t]+[A-Z0-9“\"(*_#•\-])")
LINE = re.compile(r"(?=\n)")
THINK_START, THINK_END = "<think>", "</think>"


def _digits(token: str) -> str:
    return re.sub(r"\D", "", token)


def _kind(id_: str, catalog: Catalog | None) -> Kind:
    """The kind of an ID by the catalog, else by its depth (2 parts objective, 3 measure, 4 activity)."""
    if catalog is not None:
        return catalog.kind_of(id_)
    return "objective" if id_.count(".") == 1 else ("measure" if id_.count(".") == 2 else "activity")


def _kind_label(id_: str, catalog: Catalog | None = None) -> str:
    return _kind(id_, catalog).capitalize()


def split_segments(text: str, final: bool = True) -> list[str]:
    """The reply cut into sentences, each carrying the whitespace before it; with final=False the last
    piece is the unfinished remainder (possibly empty)."""
    cuts = sorted({m.end() for m in BOUNDARY.finditer(text)} | {m.start() for m in LINE.finditer(text)} - {0})
    out, prev = [], 0
    for c in cuts:
        if c > prev:
            out.append(text[prev:c])
            prev = c
    out.append(text[prev:])
    # Whitespace-only pieces join the sentence after them.
    merged: list[str] = []
    carry = ""
    for i, seg in enumerate(out):
        if not seg.strip() and i < len(out) - 1:
            carry += seg
            continue
        merged.append(carry + seg)
        carry = ""
    if not final and not merged:
        merged.append("")
    return merged


def _is_abstention(body: str) -> bool:
    norm = " ".join(re.sub(r"[^\w\s]", " ", body.lower()).split())
    return NOT_IN_EVALUATION in norm and len(norm.split()) <= 15 and not MARKER.search(body)


def _meta_ids(source: Source) -> list[str]:
    raw = source.metadata.get("ids") or []
    if isinstance(raw, str):
        raw = raw.split()
    return [str(i) for i in raw if str(i).strip()]


@dataclass
class _SourceView:
    source: Source
    sentences: list[
        tuple[str, set[str], set[str]]
    ]  # (verbatim sentence, its tokens, its numbers); no instructions
    numbers: set[str]
    ids: set[str]


def _numbers(text: str) -> set[str]:
    """Digit forms of the numbers a text states (IDs left out)."""
    return {_digits(t) for t in NUMBER.findall(text) if not FULL_ID.match(t)}


def _view(source: Source) -> _SourceView:
    sentences: list[tuple[str, set[str], set[str]]] = []
    support: list[str] = []
    for line in source.text.split("\n"):
        line = line.strip()
        if not line or (line.startswith("[") and line.endswith("]")):
            continue
        m = FIELD.match(line)
        label, body = (m.group(1), m.group(2)) if m else ("", line)
        parts = split_sentences(body) or [body]
        kept = [p for p in parts if not INSTRUCTION.search(p)]
        if len(kept) == len(parts) and not INSTRUCTION.search(line):
            support.append(line)  # the whole line, short values ("Value 2020: 5") included
        else:
            support.extend(kept)
        for part in kept:
            quote = (
                part if len(part) > 1 or not label else line
            )  # a one-character value is quoted with its label
            sentences.append((quote, set(tokenize(f"{label} {part}")), _numbers(part)))
    text = "\n".join(support)
    numbers = set()
    for tok in NUMBER.findall(text):
        numbers.add(tok)
        numbers.add(_digits(tok))
    ids = set(_meta_ids(source)) | set(find_ids(text))
    rid = str(source.metadata.get("record_id") or "")
    if is_id(rid):
        ids.add(rid)
    return _SourceView(source, sentences, numbers, ids)
