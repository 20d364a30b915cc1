"""The vector store made at ingest: every text answering compares, embedded once, kept only while used."""

from __future__ import annotations

import numpy as np

from ingest.chunks import Chunk
from ingest.records import Catalog, Measure
from ingest.vectors import MIN_SENTENCE, VectorStore, record_titles, unit_texts, updated_store


def fake_embed(calls: list[str]):
    def embed(texts: list[str]) -> list[list[float]]:
        calls.extend(texts)
        return [[float(len(t)), 1.0, 0.0] for t in texts]

    return embed


def test_updated_store_embeds_only_new_texts_and_drops_unused_ones() -> None:
    calls: list[str] = []
    store, n = updated_store(VectorStore(), ["a text", "b text"], fake_embed(calls))
    assert n == 2 and calls == ["a text", "b text"]
    calls.clear()
    store2, n2 = updated_store(
        store, ["b text", "c text"], fake_embed(calls), known={"c text": [9.0, 9.0, 9.0]}
    )
    assert n2 == 0 and calls == []  # b kept, c given by the caller (the chunk's own vector)
    assert store2.texts == ["b text", "c text"] and store2.get("a text") is None
    assert np.allclose(store2.get("b text"), [6.0, 1.0, 0.0]) and np.allclose(store2.get("c text"), [9, 9, 9])


def test_unit_texts_hold_chunks_their_sentences_and_titles_once() -> None:
    text = "Summary: The portal was upgraded in 2021 for all users. The portal was upgraded in 2021 for all users."
    chunk = Chunk(id="d#1", text=text, document="d", doc_type="report", kind="section", section="Summary")
    catalog = Catalog(measures=[Measure(id="1.1", title="Improving   the portal", objective="1")])
    texts = unit_texts([chunk], catalog)
    assert texts[0] == text
    assert "The portal was upgraded in 2021 for all users." in texts
    assert len(texts) == len(set(texts))
    assert "Improving the portal" in texts and record_titles(catalog) == [("1.1", "Improving the portal")]
    assert "Summary:" not in texts  # too short to be quoted on its own (MIN_SENTENCE)
    assert MIN_SENTENCE > len("Summary:")
