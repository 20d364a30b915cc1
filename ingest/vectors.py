"""Unit vectors of every text answering compares with a question, made at ingest and kept beside the index.

The texts are each chunk, each quotable sentence of a chunk (ingest.sentences) and each record's
title. An ingest embeds only the texts it has no vector for yet and drops the ones no chunk holds
any more; a question then looks vectors up and never embeds a text of the index, and a server
never embeds the index at start-up.

They are kept in the store with the index's other parts (ingest/state.py), per document, so a
document that did not change keeps its vectors; a model change re-embeds everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from core.text import is_label
from ingest.chunks import Chunk
from ingest.records import Catalog
from ingest.sentences import chunk_sentences

MIN_SENTENCE = 25  # characters: shorter pieces (a heading, a cell) are never quoted on their own
BATCH = 4096  # texts per call: the model sorts each call by length, so big calls pad less

Embed = Callable[[list[str]], list[list[float]]]


def record_titles(catalog: Catalog) -> list[tuple[str, str]]:
    """(record key, title with its whitespace collapsed) for every record and indicator."""
    out = [(m.id, m.title) for m in catalog.measures]
    out += [(a.id, a.title) for a in catalog.activities]
    out += [(i.id, i.name) for i in catalog.indicators]
    out += [(o.id, o.title) for o in catalog.objectives]
    return [(key, " ".join(title.split())) for key, title in out]


def quotable(chunk: Chunk) -> list:
    """The sentences of a chunk that answers may quote: long enough to stand alone, none of a questionnaire's, and
    none that only names someone (a line of a list of stakeholders states nothing)."""
    if chunk.asks:
        return []
    return [
        s for s in chunk_sentences(chunk) if len(s.text) >= MIN_SENTENCE and (s.label or not is_label(s.text))
    ]


def unit_texts(chunks: Iterable[Chunk], catalog: Catalog) -> list[str]:
    """Every text of the index that is compared with a question, once each."""
    chunks = list(chunks)
    texts = [c.text for c in chunks]
    texts += [s.text for c in chunks for s in quotable(c)]
    texts += [t for _, t in record_titles(catalog)]
    return list(dict.fromkeys(texts))


@dataclass
class VectorStore:
    """Texts and their unit vectors; `get` is a dictionary lookup."""

    texts: list[str] = field(default_factory=list)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype="float32"))
    row: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.row:
            self.row = {t: i for i, t in enumerate(self.texts)}

    def __len__(self) -> int:
        return len(self.texts)

    def get(self, text: str) -> np.ndarray | None:
        i = self.row.get(text)
        return None if i is None else self.matrix[i]


def updated_store(
    old: VectorStore, texts: list[str], embed: Embed, known: dict[str, list[float]] | None = None
) -> tuple[VectorStore, int]:
    """A store holding exactly `texts`: old vectors kept, `known` ones used, the rest embedded.

    Returns the store and how many texts were embedded.
    """
    known = known or {}
    missing = [t for t in texts if t not in old.row and t not in known]
    fresh: dict[str, list[float]] = {}
    for i in range(0, len(missing), BATCH):
        batch = missing[i : i + BATCH]
        fresh.update(zip(batch, embed(batch)))
    if not texts:
        return VectorStore(), len(missing)
    rows = []
    for t in texts:
        at = old.row.get(t)
        rows.append(
            old.matrix[at] if at is not None else np.asarray(known.get(t) or fresh[t], dtype="float32")
        )
    return VectorStore(list(texts), np.stack(rows).astype("float32")), len(missing)
