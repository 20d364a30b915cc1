"""Questions about a record's future in the next plan: recognised by their words, answered with the record's
relevance and the report's proposals about it."""

from __future__ import annotations

import pytest

from core.settings import Settings
from rag.answer import Draft
from rag.ask import ask
from rag.future import PROPOSES, add_future, asks_future, asks_recommendation


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


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What does the evaluation recommend for measure 1.2.4?", True),
        ("so what do they suggest doing about it?", True),
        ("Any recommendations on that activity?", True),
        ("What does the report propose for it?", True),
        ("What is the status of measure 1.2.4?", False),
        ("Was the proposed activity carried out?", False),  # a proposal named, not asked for
    ],
)
def test_a_question_may_ask_what_the_evaluation_recommends(question: str, asks: bool) -> None:
    assert asks_recommendation(question) is asks


def test_what_the_evaluation_recommends_for_a_named_measure_is_its_proposals(indexed: Settings) -> None:
    """The measure's whole relevance cell (it proposes a new activity after its first sentence) and the report's
    sentences proposing something for it, not the report's general recommendations."""
    answer = ask("What does the evaluation recommend for measure 1.2.4?", settings=indexed)
    assert answer.citations[0].id == "1.2.4", answer.answer
    assert "proposed" in answer.answer and "all courts" in answer.answer, answer.answer
    assert "general recommendation" not in answer.answer


def test_a_follow_up_asking_what_to_do_about_it_gets_the_proposals_of_the_record_it_is_about(
    indexed: Settings,
) -> None:
    history = [
        {"role": "user", "content": "how's the e-court stuff going under 1.2.4?"},
        {
            "role": "assistant",
            "content": "Slowly: the e-Court application is only used at the Administrative Court.",
        },
    ]
    answer = ask("so what does the eval recommend doing about it?", history=history, settings=indexed)
    assert "all courts" in answer.answer and not answer.abstained, answer.answer
