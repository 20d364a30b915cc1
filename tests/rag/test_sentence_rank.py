"""rag.sentence_rank: what kind of sentence answers a question."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.text import is_label
from rag.ask import ask
from rag.sentence_rank import ALSO_WHEN, DATE, DEADLINE, REASON, answer_type


def test_since_when_asks_for_the_date_something_started_not_any_date() -> None:
    wants = answer_type("Since when has the council done this work?")
    assert wants is not None and wants is not DATE
    assert wants.search("Its functions were taken over by the council on 4 June 2021.")
    assert wants.search("The office was established in 2017 as a government service.")
    assert not wants.search("The second meeting of the council was held on 23 December 2021.")
    assert answer_type("When did the council meet?") is DATE


def test_where_a_thing_goes_asks_for_a_sentence_that_moves_it() -> None:
    wants = answer_type("And where is it supposed to go in the new plan?")
    assert wants is not None and wants is not DATE
    assert wants.search("It is proposed that the activity be moved to measure 2.3.")
    assert wants.search("Transfer the activity to the next action plan.")
    assert not wants.search("The new deadline is the 2nd quarter of 2024.")
    # where we ended up asks for a result, not a place in a plan
    assert answer_type("Where did we end up in 2021?") is not wants


def test_a_count_of_those_lacking_something_asks_for_a_figure_beside_a_negation() -> None:
    wants = answer_type("How many districts have no IT posts at all?")
    assert wants is not None
    assert wants.search("7 out of 40 districts have no IT posts.")
    assert not wants.search("There are 120 IT posts in 40 districts.")
    plain = answer_type("How many districts have IT posts?")
    assert (
        plain is not None and plain.search("There are 120 IT posts in 40 districts.") and plain is not wants
    )


def test_a_since_when_question_quotes_the_start(indexed: Settings) -> None:
    # the report dates the council's meetings too; the date it took over the functions is the one asked for
    answer = ask(
        "Since when has the PAR Council been doing the job the e-government coordination council used to do?",
        settings=indexed,
    )
    assert "4 June 2021" in answer.answer, answer.answer


def test_a_line_that_only_names_someone_is_never_quoted(indexed: Settings) -> None:
    # the annex lists the people interviewed by office; such a line says nothing they told the evaluators
    answer = ask("What did the NAJU lecturer tell the evaluators?", settings=indexed)
    quotes = [c.quote for c in answer.citations]
    assert not [q for q in quotes if is_label(q)], quotes


@pytest.mark.parametrize(
    ("question", "also"),
    [
        ("Where does it move to in the new plan, and by when?", True),
        ("Who runs it, and when?", True),
        ("When did it start?", False),
        ("Why was it delayed and who decided?", False),
    ],
)
def test_a_date_asked_after_another_question(question: str, also: bool) -> None:
    assert bool(ALSO_WHEN.search(question)) is also


def test_a_deadline_is_a_date_to_meet() -> None:
    assert DEADLINE.search("The new deadline is the 2nd quarter of 2024.")
    assert DEADLINE.search("to be completed by the end of 2023")
    assert not DEADLINE.search("The activity is proposed in the revised AP 2023-25.")


@pytest.mark.parametrize(
    ("sentence", "gives_reason"),
    [
        ("No progress has been made considering that the application is only used at one court.", True),
        ("Given that the law changed, the activity was moved to another measure.", True),
        ("The delay was due to the pandemic.", True),
        ("The portal was launched in 2021.", False),
        ("The considerations were discussed at the meeting.", False),
    ],
)
def test_a_reason_is_given_in_any_of_its_usual_words(sentence: str, gives_reason: bool) -> None:
    assert bool(REASON.search(sentence)) == gives_reason
