"""Deadlines stated in a record's words and asked in a question."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.deadlines import When, asked, stated, with_deadline

FORMS = {
    1: ["1st", "first", "Q1"],
    2: ["2nd", "second", "Q2"],
    3: ["3rd", "third", "Q3"],
    4: ["4th", "fourth", "last", "Q4"],
}


@given(st.integers(2000, 2099), st.integers(1, 4), st.data())
def test_every_way_of_writing_a_quarter_is_read(year: int, quarter: int, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(FORMS[quarter]))
    text = (
        f"The new deadline is {form} {year}."
        if form.startswith("Q")
        else f"deadline: the {form} quarter of {year}"
    )
    assert stated(text) == [When(year, quarter)]


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=200))
def test_text_without_digits_states_no_deadline(text: str) -> None:
    assert stated(text) == []


def test_the_end_of_a_year_names_the_year_alone() -> None:
    assert stated("It will be implemented by the end of 2022.") == [When(2022)]
    assert When(2022).covers(When(2022, 3)) and not When(2022, 4).covers(When(2022))


@pytest.mark.parametrize(
    "question, when",
    [
        ("Which activities got pushed back to 2024?", When(2024)),
        ("Which activities were due in the last quarter of 2022?", When(2022, 4)),
        ("What has a new completion date in Q2 2023?", When(2023, 2)),
        ("How many activities were completed in 2021?", None),  # a result of a year, not a deadline
        ("What is the deadline for activity 1.1.5.1?", None),  # a deadline asked, not a time to list by
    ],
)
def test_a_question_asks_for_a_deadline_only_with_due_words_and_a_time(
    question: str, when: When | None
) -> None:
    assert asked(question) == when


def test_next_steps_keep_the_sentence_that_dates_them() -> None:
    cell = "The second phase must cover the whole network. Staff were trained. A new date was set: the 3rd quarter of 2022."
    assert with_deadline(cell) == (
        "The second phase must cover the whole network. A new date was set: the 3rd quarter of 2022."
    )
    # a first sentence that dates itself is enough; a cell that dates nothing is cut to its first sentence
    assert with_deadline("Finish by the end of 2023. Then review it in the 1st quarter of 2024.") == (
        "Finish by the end of 2023."
    )
    assert with_deadline("Continue the trainings. Report yearly.") == "Continue the trainings."


@given(st.lists(st.sampled_from(["Do it.", "Due Q2 2024.", "Review it.", "By the end of 2023."]), max_size=6))
def test_with_deadline_says_at_most_two_of_the_cells_own_sentences(sentences: list[str]) -> None:
    said = with_deadline(" ".join(sentences))
    assert said.count(".") <= 2 and all(s + "." in " ".join(sentences) for s in said.split(".") if s.strip())
