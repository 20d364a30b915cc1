"""rag.reading: the question ask() works with."""

from __future__ import annotations

from core.settings import Settings
from rag.index import get_index
from rag.models import Turn
from rag.reading import read, unclipped


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


def test_a_clipped_word_is_read_as_the_corpus_writes_it_in_full(indexed: Settings) -> None:
    index = get_index(indexed)
    got = read("Who took over from the e-gov coordination council?", [], index)
    assert (
        got.text == "Who took over from the e-government coordination council?"
    )  # "over" is no clipped word
    assert "information security" in read("info security activities still in progress?", [], index).text


def test_a_clipped_word_stands_for_the_full_word_only_when_that_word_is_most_of_the_words_it_begins() -> None:
    written = {"information": 9, "informal": 1, "technical": 3, "technology": 3, "administration": 4}
    assert unclipped("info", written) == "information"
    assert unclipped("tech", written) is None  # two words as often: no telling which
    assert unclipped("adm", written) is None  # too short
    assert unclipped("administration", written) is None  # nothing longer
    assert unclipped("zebra", written) is None


def test_chat_spellings_and_negations_without_an_apostrophe_are_read_as_english(indexed: Settings) -> None:
    index = get_index(indexed)
    got = read("how many ppl did the evaluators interview? which activities havent started?", [], index)
    assert got.text == "how many people did the evaluators interview? which activities haven't started?"
    assert read("whats the govt doing", [], index).text == "what's the government doing"
    # the reading of "haven't" is the one a status question needs
    from rag.vocabulary import statuses_named

    assert statuses_named(got.text) == ["not initiated"]
    # a word the corpus itself uses stays as it is, chat spelling or not
    assert (
        "status" in index.written and read("status of the docs", [], index).text == "status of the documents"
    )
