"""rag.scope: the forms under which the corpus may use a name the question writes, and the currency a question
asks an amount in."""

from __future__ import annotations

import pytest

from core.settings import Settings
from ingest.records import Catalog
from rag.ask import ask
from rag.scope import (
    asked_currency,
    asks_amount,
    entity_terms,
    has_terms,
    in_currency,
    name_forms,
    name_readings,
    spelled_out,
)
from rag.understand import understand


@pytest.mark.parametrize(
    "name, form",
    [
        ("Public Administration Reform Council", "PAR Council"),  # first words' initials before the rest
        ("Public Administration Reform", "PAR"),  # initials
        ("Defence Ministry", "Ministry of Defence"),  # a two-word name turned round
        ("Justice Ministry", "Ministry of Justice"),
        ("Northvale DC", "DC Northvale"),  # a place and its abbreviation in either order
    ],
)
def test_a_name_may_be_written_in_another_form(name: str, form: str) -> None:
    assert form in name_forms(name)


def test_only_a_two_word_name_is_turned_round() -> None:
    assert name_forms("Tax") == ["Tax"]
    assert not any(" of " in form for form in name_forms("State Data Centre"))
    assert "Defence of Ministry" not in name_forms("Ministry of Defence")


def test_a_name_joined_by_and_is_also_read_as_the_names_it_joins() -> None:
    assert name_readings("Ministry of Defence and the Armed Forces") == [
        ["Ministry of Defence and the Armed Forces"],
        ["Ministry of Defence", "Armed Forces"],
    ]
    assert name_readings("Office for IT and e-Government") == [
        ["Office for IT and e-Government"],
        ["Office for IT", "e-Government"],
    ]
    assert name_readings("Data Centre") == [["Data Centre"]]


def test_two_known_names_joined_by_and_are_no_unknown_name(indexed: Settings) -> None:
    # the matrix writes "the Ministry of Defence and the Serbian Armed Forces": without "the" the whole name is not
    # in the corpus, but each of the two names is
    known = ask(
        "document management system for the Ministry of Defence and Serbian Armed Forces - status?",
        settings=indexed,
    )
    assert not known.abstained and "1.1.3.3" in {c.id for c in known.citations}, known.answer
    # one of the two never in the evaluation: still a name it does not know
    unknown = ask("What did the Ministry of Health and Serbian Armed Forces do?", settings=indexed)
    assert unknown.abstained, unknown.answer


@pytest.mark.parametrize(
    "question, amount",
    [
        ("How much money was spent in 2021?", True),
        ("What did the data centre cost?", True),
        ("Why was so much more money spent in the first year than afterwards?", False),  # a reason
        ("What was the reason the budget was cut?", False),
    ],
)
def test_a_why_question_about_money_asks_for_a_reason_not_an_amount(question: str, amount: bool) -> None:
    assert asks_amount(understand(question, [], Catalog())) is amount


def test_a_why_question_about_money_is_not_abstained_for_a_missing_amount(indexed: Settings) -> None:
    got = ask("why was so much more money spent in the first year than afterwards?", settings=indexed)
    assert not got.abstained and got.signals is not None and not got.signals["amount_missing"], got.answer


def test_the_currency_a_question_asks_an_amount_in() -> None:
    assert asked_currency("How much did it cost in euros?") is not None
    assert asked_currency("How many dinars were spent?") is not None
    assert asked_currency("How much did it cost?") is None
    assert asked_currency("Was it paid in euros or in dinars?") is None  # two: either answers
    # an amount written with the symbol is in that currency
    euros = asked_currency("How much was saved, in euros?")
    assert euros is not None and in_currency("€33", euros) and in_currency("EUR 33", euros)
    assert not in_currency("70 million of RSD", euros)


def test_an_amount_in_another_currency_does_not_answer_how_much_in_euros(indexed: Settings) -> None:
    # the matrix gives the cloud migration's missing funds in dinars only
    dinars = ask(
        "How much money was missing for migrating the authorities' systems to the cloud, in dinars?",
        settings=indexed,
    )
    euros = ask(
        "How much money was missing for migrating the authorities' systems to the cloud, in euros?",
        settings=indexed,
    )
    assert not dinars.abstained and "70 million" in dinars.answer, dinars.answer
    assert euros.abstained, euros.answer


def test_a_serbian_question_is_not_judged_by_the_names_its_glossary_meanings_add(indexed: Settings) -> None:
    # the reading adds "e-Agrar Register of Agricultural Farms" after the question mark: read as a sentence start,
    # its first word was dropped and "Agrar Register of Agricultural Farms", a name the corpus never uses, abstained
    answer = ask("dokle se stiglo sa registrom poljoprivrednih gazdinstava eAgrar?", settings=indexed)
    assert not answer.abstained and any(c.id.startswith("1.1.6") for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    ("acronym", "text", "spelled"),
    [
        ("dc", "the cloud in the Data Centre Kragujevac", True),
        ("noc", "a Network Operation Centre was set up", True),
        ("dc", "the data centre", False),  # initials of capitalised words only
        ("dc", "the Data management Centre", False),  # in a row
        ("x", "X-ray", False),  # one letter is no acronym
    ],
)
def test_an_acronym_is_spelled_out_by_the_initials_of_capitalised_words(
    acronym: str, text: str, spelled: bool
) -> None:
    assert spelled_out(acronym, [text]) is spelled


def test_the_terms_a_question_names_may_be_written_out_in_the_evidence() -> None:
    assert has_terms({"dc", "cloud"}, ["a cloud platform in the Data Centre"])
    assert not has_terms({"dc", "cloud"}, ["a cloud platform in the ministry"])


def test_a_count_the_evaluation_never_gives_is_not_answered_by_shares_or_other_counts(
    indexed: Settings,
) -> None:
    # the contact centre's only figures are shares of requests resolved, and "number" names no topic: no count
    calls = ask(
        "how many requests in total did the contact centre receive in 2021 (absolute number)?",
        settings=indexed,
    )
    # "the number of X" is a count of X: the matrix counts cyber exercises' trainees, no incidents
    incidents = ask(
        "number of cyber incidents handled by the CERT of the authorities in 2021?", settings=indexed
    )
    assert calls.abstained, calls.answer
    assert incidents.abstained, incidents.answer
    corrections = ask("Number of requests to correct data in official records in 2021?", settings=indexed)
    assert not corrections.abstained and "1.097" in corrections.answer, corrections.answer


def test_a_figure_stated_in_other_words_than_the_question_is_found(indexed: Settings) -> None:
    # the Serbian reading counts "body"; the report counts "public authorities": the sentences that name what is
    # counted on the question's topic are searched too, wherever retrieval left them
    answer = ask("koliko organa koristi data centre, negde pise 91 a negde 97?", settings=indexed)
    assert not answer.abstained and "91" in answer.answer and "97" in answer.answer, answer.answer


def test_a_body_named_by_another_of_its_names_is_looked_for_by_the_matrix_abbreviation(index) -> None:
    """'APR' is the glossary's Serbian abbreviation of the body the matrix calls BRA: the evidence must carry BRA,
    not the letters APR, which the corpus uses only for April."""
    assert entity_terms("The new registration system at APR - status", index) == {"bra"}
    assert entity_terms("What did BRA deliver?", index) == {"bra"}


def test_a_status_asked_of_a_body_s_system_by_its_serbian_abbreviation_is_answered_from_its_record(
    indexed: Settings,
) -> None:
    answer = ask("new registration system at APR (BRA) replacing CORE - status", settings=indexed)
    assert answer.citations and answer.citations[0].id == "1.1.6.6", answer.answer
