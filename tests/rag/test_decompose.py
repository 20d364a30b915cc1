"""rag.decompose: a question that asks two things is split; one that leans on its first part is not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.decompose import split_question, status_of_the_listed


@pytest.mark.parametrize(
    "question, parts",
    [
        (
            "When was the National Open Data Portal launched, and which body is in charge of open data?",
            ["When was the National Open Data Portal launched?", "which body is in charge of open data?"],
        ),
        (
            "How many staff did NAPA train in 2021, and how many courts had been trained to work digitally?",
            ["How many staff did NAPA train in 2021?", "how many courts had been trained to work digitally?"],
        ),
        (
            "What is the status of the Metaregister, and where is it proposed to sit in the next programme?",
            ["What is the status of the Metaregister?", "where is it proposed to sit in the next programme?"],
        ),
        (  # the second question word comes after its preposition
            "Who wrote the analysis and through which programme were the authors engaged?",
            ["Who wrote the analysis?", "through which programme were the authors engaged?"],
        ),
    ],
)
def test_two_questions_are_split(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "What is the status of the redundant nodes in Belgrade, and why the delay?",
        "How many local governments use the state data centres, and what was the 2021 target?",
        "Since when has the Open Data Working Group existed and who coordinates it?",
        "Was the new action plan adopted by the Government, and on what date?",  # a date of the same thing
        "How many activities in the whole action plan were abandoned, and which?",
        "Were there plans to let residents take part in decisions online, and did anything come of them?",
        "Which activities under measures 1.3.4 and 1.3.5 were abandoned?",
        "What is the status of activity 1.4.2.2?",
    ],
)
def test_one_question_stays_whole(question: str) -> None:
    assert split_question(question) == [question]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_splitting_never_loses_words(question: str) -> None:
    parts = split_question(question)
    if len(parts) == 1:
        assert parts == [question]
    else:
        assert all(p.strip(" ?") for p in parts)
        joined = " ".join(parts)
        for word in question.replace(",", " ").split():
            if word.lower() not in {"and", "but", "also"}:
                assert word.strip(",;?") in joined


@pytest.mark.parametrize(
    "question, asked_of_them",
    [
        ("Which activities is the academy responsible for, and how many of them are done?", True),
        ("What was the ministry on the hook for, and which of it is finished?", True),
        ("Which completed activities is the academy responsible for?", False),  # the status filters the list
        ("Which activities were abandoned, and why?", False),
        ("Which activities does ITE run?", False),
        ("How many activities sit under measure 1.1.8, and how many are done?", True),
        ("Which activities does the ministry run, and which ones are completed?", True),
        ("How many activities were abandoned, and how many were there in all?", False),
    ],
)
def test_a_status_asked_of_the_listed_records_is_told_from_a_status_filter(
    question: str, asked_of_them: bool
) -> None:
    assert status_of_the_listed(question) is asked_of_them


@pytest.mark.parametrize(
    "question, parts",
    [
        (
            "How many public authorities and how many municipalities use the state data centres?",
            [
                "How many public authorities use the state data centres?",
                "how many municipalities use the state data centres?",
            ],
        ),
        (  # the first part says what it counts: nothing is borrowed
            "How many posts are filled centrally and how many municipalities have none?",
            ["How many posts are filled centrally?", "how many municipalities have none?"],
        ),
        (  # the second part's count ends at a preposition, not a verb: its rest is not a predicate to share
            "How many bodies and how many municipalities at the local level?",
            ["How many bodies?", "how many municipalities at the local level?"],
        ),
    ],
)
def test_a_bare_count_takes_the_predicate_of_the_count_after_it(question: str, parts: list[str]) -> None:
    assert split_question(question) == parts
