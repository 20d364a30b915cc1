"""The index's lookups give what a scan over every sentence or chunk would, without the scan."""

from __future__ import annotations

import re

import pytest

from rag.answer import prose_about
from rag.sentence_rank import content_terms


def scanned_prose(index, ids: list[str], question: str, limit: int, topic: str) -> list:
    """prose_about as a loop over every sentence of the index: the reference the postings must match."""
    wanted, q = set(ids), content_terms(question)
    topic_terms = content_terms(topic) if topic else set()
    total = sum(index.idf.get(t, 1.0) for t in topic_terms) or 1.0
    found = []
    for s in index.sentences:
        if s.chunk.kind != "section" or s.chunk.doc_type not in ("report", "interview"):
            continue
        names = bool(wanted & set(s.ids))
        shared = sum(index.idf.get(t, 1.0) for t in topic_terms & s.tokens) / total
        if not names and shared < 0.5:
            continue
        overlap = sum(index.idf.get(t, 1.0) for t in q & s.tokens)
        found.append(
            (overlap + (3.0 if names else 0.0) + 2.0 * shared + (0.5 if re.search(r"\d", s.text) else 0), s)
        )
    found.sort(key=lambda t: -t[0])
    return [s.text for _, s in found[:limit]]


@pytest.mark.parametrize(
    ("ids", "question", "topic"),
    [
        (["1.4.2.2"], "Why was the upgrade of the open data portal abandoned?", ""),
        (["1.3.5"], "How many one-stop shops were opened?", "one-stop shops"),
        ([], "What happened with the e-Registry Office?", "e-Registry Office operations"),
        (["1.1.1.6", "1.2"], "cloud platform in the data centre", "cloud platform data centre"),
        ([], "anything about the weather", "weather forecast"),
    ],
)
def test_prose_about_reads_postings_and_finds_what_a_scan_finds(index, ids, question, topic) -> None:
    got = [s.text for s in prose_about(index, ids, question, limit=5, topic=topic)]
    assert got == scanned_prose(index, ids, question, 5, topic)


def test_mentions_finds_whole_phrases_in_any_case_and_spacing(index) -> None:
    text = " ".join(" ".join(c.text.split()) for c in index.chunks).lower()
    for phrase in (
        "Open Data Portal",
        "open   data portal",
        "e-Registry Office",
        "Kragujevac",
        "IT",
        "ITE",
        "the one-stop",  # inside "one-stop-shop": the compound's parts are looked up, not the compound
    ):
        expected = bool(re.search(r"(?<!\w)" + re.escape(" ".join(phrase.lower().split())) + r"(?!\w)", text))
        assert index.mentions(phrase) == expected, phrase
    assert not index.mentions("Ministry of Magic")
    assert not index.mentions("Data Portal Open")  # the words, not the phrase


def test_mentions_is_blind_to_how_words_are_hyphenated(index) -> None:
    text = " ".join(" ".join(c.text.split()) for c in index.chunks).lower()
    assert "co-ordination council" in text and "coordination council" not in text
    assert index.mentions("e-Government Coordination Council")  # the corpus writes "Co-ordination"
    assert index.mentions("egovernment") and index.mentions("e government")
    assert not index.mentions("coordination magic council")
