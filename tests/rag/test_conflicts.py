"""rag.conflicts: when the asker says the figures disagree, every source's figure."""

from __future__ import annotations

from core.settings import Settings
from ingest.records import Indicator
from rag.ask import ask
from rag.conflicts import _same_thing, asks_conflict, asks_latest


def test_the_asker_saying_the_figures_disagree_is_recognised() -> None:
    assert asks_conflict("How many users are there? I've seen two different numbers.")
    assert asks_conflict("The text and the annex don't match - how many services?")
    assert asks_conflict("How many datasets are there, 1.643 or more?")
    assert asks_conflict("Did it happen? The report seems to say both yes and no.")
    assert not asks_conflict("How many datasets are there?")
    assert not asks_conflict("Which two measures were dropped?")


def test_indicators_count_the_same_thing_when_their_names_share_most_words() -> None:
    def ind(name: str) -> Indicator:
        return Indicator(id=name, owner="1", name=name)

    citizens = ind("Number of citizens who use unique mailboxes")
    activated = ind("Number of activated unique mailboxes of citizens")
    courts = ind("Number of courts trained in a digital environment")
    share = ind("Percentage of citizens who use unique mailboxes (%)")
    assert _same_thing(citizens, activated) >= 0.5
    assert _same_thing(citizens, courts) < 0.5
    assert _same_thing(citizens, share) == 0.0  # a share is no count


def test_two_different_figures_asked_for_are_both_given(indexed: Settings) -> None:
    # two indicators of two measures count the citizens' mailboxes for 2020 differently
    asked = ask(
        "Citizens' e-mailboxes in 2020: how many? The report gives different figures.", settings=indexed
    )
    assert "224.000" in asked.answer and "320.000" in asked.answer, asked.answer
    both = {c.id for c in asked.citations if c.kind == "indicator"}
    assert len(both) == 2, asked.citations
    plain = ask("How many citizens use e-mailboxes?", settings=indexed)
    one = {c.id for c in plain.citations if c.kind == "indicator"}
    assert len(one) == 1, plain.citations  # without the doubt, the indicator that answers best


def test_figures_the_asker_offers_are_each_quoted_when_a_record_answers(indexed: Settings) -> None:
    # a record's status answers the question; the two figures offered come from the text and the matrix
    asked = ask(
        "Digitisation of the selected business procedures in 2021 - was it 29 or 56?", settings=indexed
    )
    assert "“ongoing”" in asked.answer  # the status of the activity that digitises them
    assert "29 (out of the planned 50)" in asked.answer and "56 fully digitised" in asked.answer, asked.answer


def test_a_status_the_asker_doubts_gets_the_texts_other_statement(indexed: Settings) -> None:
    asked = ask(
        "Is the social card register in operation? The report and the annex contradict each other.",
        settings=indexed,
    )
    assert "ongoing" in asked.answer  # the matrix's status of the register's activity
    assert "became operational on 9 December" in asked.answer, asked.answer  # the findings' list


def test_a_figure_asked_for_now_adds_the_texts_later_one(indexed: Settings) -> None:
    # the matrix's values end with 2021; the conclusions give a count for March 2022
    now = ask("How many datasets does the open data portal hold now?", settings=indexed)
    assert "1.643" in now.answer and "1.827" in now.answer, now.answer
    then = ask("How many datasets did the open data portal hold?", settings=indexed)
    assert "1.827" not in then.answer  # asked without "now", the matrix's row answers
    sada = ask("Koliko skupova podataka sada ima portal otvorenih podataka?", settings=indexed)
    assert "1.827" in sada.answer, sada.answer


def test_latest_is_asked_in_either_language() -> None:
    assert asks_latest("how many are there now?") and asks_latest("Koliko ih trenutno ima?")
    assert asks_latest("Колико их има до сада?") and not asks_latest("How many were there in 2021?")
