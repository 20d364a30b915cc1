"""rag.subject: the record a plain-language question is about, found by its title, over the session index."""

from __future__ import annotations

import pytest

from rag.subject import MIN_MARGIN, MIN_SCORE, Subject, find_subject, list_scope, mentions, ranked_subjects
from rag.vocabulary import without_statuses


def _subject(index, question: str) -> Subject | None:
    return find_subject(index, question, index.embed_query(question))


@pytest.mark.parametrize(
    "question, expected",
    [
        (
            "What's happening with the support line where people and companies can phone in for help?",
            "1.3.3.1",
        ),
        ("How far along is digitising the farm register?", "1.1.6.7"),
        (
            "What about a catalogue of every piece of paperwork firms and citizens have to go through?",
            "1.1.7",
        ),
        ("Has the local economic development platform for municipalities been set up?", "1.4.4.1"),
    ],
)
def test_a_paraphrase_finds_its_record(index, question: str, expected: str) -> None:
    subject = _subject(index, question)
    assert subject is not None, [
        (round(s, 2), r.id) for s, r in ranked_subjects(index, question, index.embed_query(question))[:3]
    ]
    assert subject.record.id == expected
    assert subject.score >= MIN_SCORE and subject.margin >= MIN_MARGIN


@pytest.mark.parametrize(
    "question",
    [
        "What did the evaluation conclude?",
        "Which evaluation criteria did the analysis use?",
        "Tell me something.",
    ],
)
def test_a_question_about_no_record_in_particular_has_no_subject(index, question: str) -> None:
    assert _subject(index, question) is None


def test_the_activity_wins_over_its_measure_when_both_match(index) -> None:
    """'the contact centre' is activity 1.3.3.1 itself, not only its measure 1.3.3."""
    question = "What's happening with the support line where people and companies can phone in for help?"
    ranked = [r.id for _, r in ranked_subjects(index, question, index.embed_query(question))[:2]]
    assert {"1.3.3", "1.3.3.1"} <= set(ranked)
    assert _subject(index, question).record.id == "1.3.3.1"


def test_mentions_needs_the_words_the_question_named_the_record_by(index) -> None:
    question = "When did the Central Population Register go live?"
    subject = _subject(index, question)
    assert subject is not None and subject.record.id == "1.1.6.1"
    assert mentions(
        index, subject, question, "The Central Population Register became operational on 1 September 2020."
    )
    assert not mentions(index, subject, question, "The Address Register was set up in 2021.")


def test_the_status_words_of_a_question_are_no_topic() -> None:
    left = without_statuses("Which open data activities were dropped, and which have no data?")
    assert "open data" in left and "dropped" not in left and "no data" not in left


@pytest.mark.parametrize(
    "question, scope",
    [
        (
            "Which open data activities were abandoned?",
            "1.4",
        ),  # the objective: its measures all say open data
        ("Under the open data objective, which activities were dropped?", "1.4"),
        ("Which information security activities are still ongoing?", "1.1.9"),
        ("Which of the register activities are fully done?", None),  # several measures are about registers
        ("Which activities are marked 'no data' in the matrix?", None),  # a status, not the data objective
        ("Which activities got pushed back to 2024?", None),
    ],
)
def test_a_list_is_scoped_to_the_objective_or_measure_its_words_name(index, question: str, scope) -> None:
    found = list_scope(index, question, index.embed_query(question))
    assert (found.id if found is not None else None) == scope
