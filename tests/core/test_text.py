"""core.text.split_sentences: the one sentence splitter, property-tested."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import is_label, split_sentences

WORD = st.sampled_from(
    ["the", "portal", "Activity", "data", "was", "opened", "1.4.2.2.", "i.e.", "No.", "Measure"]
)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(" ".join).map(lambda s: s[:1].upper() + s[1:] + ".")


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=6))
def test_nothing_is_lost_and_no_sentence_ends_at_an_id(sentences: list[str]) -> None:
    text = " ".join(sentences)
    got = split_sentences(text)
    assert " ".join(got).split() == text.split()
    for s in got[:-1]:
        assert not re.search(r"\b\d{1,2}(?:\.\d{1,2}){1,3}\.$", s), s


def test_a_dotted_id_or_an_abbreviation_does_not_end_the_sentence() -> None:
    text = "Tools to improve open data and 1.4.2.2. Improvement of the Portal, i.e. Portal 2.0, was dropped. It stopped."
    assert split_sentences(text) == [
        "Tools to improve open data and 1.4.2.2. Improvement of the Portal, i.e. Portal 2.0, was dropped.",
        "It stopped.",
    ]
    assert split_sentences("One; Two.", at_semicolons=True) == ["One;", "Two."]


def test_a_line_that_only_names_someone_is_a_label() -> None:
    for line in (
        "· Ministry of Family Care and Demography",
        "National Academy of Public Administration (NAJU)",
        "• Head of ICT, lecturer at NAJU",
        "Dragana Ćurčija Gligorijević",
    ):
        assert is_label(line), line
    for sentence in (
        "The Directive partly refers to the Law on Free Access.",  # a stop: it states something
        "· Decree on the Manner of Operation of the Open Data Portal,",  # an item of a sentence's list
        "In 2021 NAPA conducted 48 training sessions",  # a figure
        "Project loan contracting in progress",  # a verb
        "the register was not established",
        "Technical specification is being drafted",
    ):
        assert not is_label(sentence), sentence
