"""Questions about a record's future in the next plan: recognised by their words, answered with the record's
relevance and the report's proposals about it."""

from __future__ import annotations

import pytest

from core.settings import Settings
from rag.answer import Draft
from rag.ask import ask
from rag.future import PROPOSES, add_future, asks_future


@pytest.mark.parametrize(
    "question",
    [
        "Is the inspection measure staying in the next plan or being dropped?",
        "Should that measure be kept in the new programme?",
        "Do they recommend it for the next action plan or not?",
        "Is it carried over into the coming period?",
    ],
)
def test_a_question_about_the_next_plan_asks_the_future(question: str) -> None:
    assert asks_future(question)


@pytest.mark.parametrize(
    "question",
    [
        "Was the inspection measure dropped?",  # the past: its status, not the next plan
        "What does the new plan say about open data?",  # the next plan, but nothing asked of the thing in it
        "Draft the next programme's entry on open data.",
    ],
)
def test_other_questions_do_not(question: str) -> None:
    assert not asks_future(question)


def test_a_measures_future_carries_its_relevance_and_what_the_report_proposes_for_it(index) -> None:
    """Every measure the report proposes something about by its ID gets those sentences, after its relevance."""
    proposed = [
        m
        for m in index.catalog.measures
        if m.relevance
        and any(PROPOSES.search(index.sentences[n].text) for n in index.prose_naming.get(m.id, ()))
    ]
    assert proposed
    for m in proposed:
        d = Draft()
        add_future(d, m, index)
        said = " ".join(d.parts)
        assert d.parts[0].startswith("Relevance:") and len(d.parts) <= 3, d.parts
        proposals = [
            s.text for n in index.prose_naming[m.id] if PROPOSES.search((s := index.sentences[n]).text)
        ]
        assert all(p in said for p in proposals[:2]), (proposals, d.parts)


def test_whether_a_measure_is_kept_is_answered_from_the_measure_not_one_of_its_activities(
    indexed: Settings, index
) -> None:
    answer = ask(
        "Is the inspection-control measure being kept for the next cycle or dropped?", settings=indexed
    )
    first = index.catalog.record(answer.citations[0].id)
    assert index.catalog.kind_of(first.id) == "measure", answer.answer
    assert "Relevance:" in answer.answer and PROPOSES.search(answer.answer), answer.answer
