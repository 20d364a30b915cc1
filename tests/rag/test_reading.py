"""rag.reading: the question ask() works with."""

from __future__ import annotations

from core.settings import Settings
from rag.index import get_index
from rag.models import Turn
from rag.reading import read


def test_an_english_question_is_read_as_it_is(indexed: Settings) -> None:
    turns = [Turn(role="user", content="Who runs the portal?")]
    got = read("And its status?", turns, get_index(indexed))
    assert not got.serbian and got.text == got.own == "And its status?" and got.turns == turns


def test_a_serbian_question_and_its_earlier_turns_are_read_into_english(indexed: Settings) -> None:
    turns = [
        Turn(role="user", content="Šta je sa Portalom otvorenih podataka?"),
        Turn(role="assistant", content="Mera 1.4.2 ..."),
    ]
    got = read("A ko je odgovoran za to?", turns, get_index(indexed))
    assert got.serbian and got.own.startswith("and who is responsible")
    assert "open data" in got.turns[0].content.lower() and got.turns[1].content == "Mera 1.4.2 ..."
    # the glossary's meaning of a name stands beside the reading, not in the question's own words
    named = read("Ko vodi Portal otvorenih podataka?", [], get_index(indexed))
    assert named.text.startswith(named.own) and len(named.text) > len(named.own)


def test_a_word_written_solid_is_read_as_the_corpus_hyphenates_it(indexed: Settings) -> None:
    index = get_index(indexed)
    assert "e-mail" in index.unhyphenated.values()
    got = read("How many official email accounts are there?", [], index)
    assert got.text == "How many official e-mail accounts are there?"
    # a word the corpus uses as written stays as it is
    assert read("Who runs the Metaregister?", [], index).text == "Who runs the Metaregister?"
