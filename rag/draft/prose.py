"""The report's prose, read once per index: its sentences, their sections and measures, and their cues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core.ids import find_ids
from ingest.chunks import Chunk
from ingest.records import Catalog
from rag.draft.cues import PROSE_DATA, PROSE_NEGATIVE, PROSE_POSITIVE
from rag.draft.text import CLAUSE, split_sentences
from rag.index import Index


@dataclass
class ProseSentence:
    """A sentence of the report's prose with where it stands and what it is about."""

    text: str
    chunk: Chunk
    section: str
    position: int
    ids: list[str]
    owner: str | None  # the measure whose paragraph it stands in


@dataclass
class _Cues:
    positive: list[ProseSentence] = field(default_factory=list)
    negative: list[ProseSentence] = field(default_factory=list)
    data: list[ProseSentence] = field(default_factory=list)
    mentions: list[ProseSentence] = field(default_factory=list)


_prose_cache: dict[int, tuple[Index, list[ProseSentence]]] = {}  # keyed by id(), checked by identity


def _measure_of(id_: str, catalog: Catalog) -> str | None:
    kind = catalog.kind_of(id_)
    if kind == "activity":
        return id_.rsplit(".", 1)[0]
    if kind == "measure":
        return id_
    return None


def report_sentences(index: Index) -> list[ProseSentence]:
    """Every sentence of the report's prose (not annexes), with its paragraph's measure."""
    cached = _prose_cache.get(id(index))
    if cached is not None and cached[0] is index:
        return cached[1]
    catalog = index.catalog
    known = catalog.all_ids()
    paragraphs: list[tuple[Chunk, str, str]] = []  # chunk, section, text
    prev: Chunk | None = None
    for chunk in index.chunks:
        if chunk.kind != "section" or chunk.doc_type != "report":
            continue
        lines = chunk.text.split("\n")
        if lines and lines[0].startswith("[") and chunk.section:
            lines = lines[1:]
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            continued = (
                i == 0
                and prev is not None
                and prev.document == chunk.document
                and prev.section == chunk.section
                and prev.line_end == chunk.line_start
                and paragraphs
            )
            if continued:
                c0, s0, t0 = paragraphs[-1]
                paragraphs[-1] = (c0, s0, t0 + " " + line)
            else:
                paragraphs.append((chunk, chunk.section, line))
        prev = chunk
    out: list[ProseSentence] = []
    owner: str | None = None
    last_section = None
    pos = 0
    for chunk, section, text in paragraphs:
        ids = [i for i in find_ids(text) if i in known]
        measures = [m for m in (_measure_of(i, catalog) for i in ids) if m and catalog.record(m) is not None]
        if section != last_section:
            owner = None
        if measures:
            owner = measures[0]
        last_section = section
        for s in split_sentences(text):
            out.append(ProseSentence(s, chunk, section, pos, [i for i in find_ids(s) if i in known], owner))
            pos += 1
    _prose_cache.clear()
    _prose_cache[id(index)] = (index, out)
    return out


_vector_cache: dict[int, tuple[Index, list[ProseSentence], np.ndarray]] = {}


def _chapter_vectors(index: Index) -> tuple[list[ProseSentence], np.ndarray]:
    """The recommendations chapter's sentences and their embeddings, computed once per index."""
    cached = _vector_cache.get(id(index))
    if cached is None or cached[0] is not index:
        pool = [
            s for s in report_sentences(index) if _is_recommendations_chapter(s.section) and len(s.text) >= 20
        ]
        vectors = index.text_vectors([s.text for s in pool]) if pool else np.zeros((0, 1), dtype="float32")
        cached = (index, pool, vectors)
        _vector_cache.clear()
        _vector_cache[id(index)] = cached
    return cached[1], cached[2]


@lru_cache(maxsize=1024)
def _is_recommendations_chapter(section: str) -> bool:
    top = section.split(" > ")[0]
    return bool(re.search(r"recommendation|limitation", top, re.I))


def _section_number(section: str) -> str:
    label = _section_label(section)
    head = label.split(" ", 1)[0].rstrip(".")
    return head if head[:1].isdigit() else label


def _section_label(section: str) -> str:
    return section.split(" > ")[-1].strip() if section else ""


def _prose_cues(sentences: list[ProseSentence], activity_id: str) -> _Cues:
    """What the findings chapter says about an activity: clause by clause, so a list shares its verdict."""
    cues = _Cues()
    for s in sentences:
        if activity_id not in s.ids:
            continue
        cues.mentions.append(s)
        clauses = CLAUSE.split(s.text)
        carried: set[str] = set()
        for clause in clauses:
            named = set(find_ids(clause))
            if activity_id not in named:
                continue
            carried.add("x")
            if PROSE_NEGATIVE.search(clause):
                cues.negative.append(s)
            elif PROSE_POSITIVE.search(clause):
                cues.positive.append(s)
            if PROSE_DATA.search(clause):
                cues.data.append(s)
        if not carried:  # the ID stands in a clause the splitter did not separate
            if PROSE_NEGATIVE.search(s.text):
                cues.negative.append(s)
            elif PROSE_POSITIVE.search(s.text):
                cues.positive.append(s)
    return cues
