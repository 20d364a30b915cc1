"""Prose chunks: a questionnaire's sections are marked, retrieved but never quoted."""

from __future__ import annotations

from ingest.chunks import Chunk, mark_questionnaires
from ingest.vectors import quotable


def section(name: str, n: int, text: str) -> Chunk:
    return Chunk(
        id=f"r#{name}:{n}",
        text=f"[{name}]\n{text}",
        document="r",
        doc_type="report",
        kind="section",
        section=name,
    )


GUIDE = "What were the main obstacles to the project? Who coordinated the work with the ministry? Describe it briefly."
FINDING = "The portal was upgraded in 2021 and now lists many datasets. Did it work? The users rated it well overall."


def test_a_section_of_mostly_questions_is_a_questionnaire_and_is_never_quoted() -> None:
    chunks = mark_questionnaires(
        [
            section("Annex 9: Interview guide", 1, GUIDE),
            section("Annex 9: Interview guide > Part B", 2, GUIDE),
            section("3. Findings", 3, FINDING),
        ]
    )
    assert [c.asks for c in chunks] == [True, True, False]
    assert quotable(chunks[0]) == [] and quotable(chunks[2])


def test_a_question_or_two_in_a_finding_does_not_make_it_a_questionnaire() -> None:
    chunks = mark_questionnaires([section("2. Method", 1, FINDING + " " + FINDING)])
    assert not chunks[0].asks


def test_a_line_that_only_names_someone_is_never_quoted() -> None:
    people = "Key stakeholders\n• Head of the Department for Registers\nNational Academy of Public Administration (NAJU)"
    chunk = section(
        "Annex 1: Stakeholders", 1, people + "\nThe interviews were held in February and March 2022."
    )
    assert [s.text for s in quotable(chunk)] == ["The interviews were held in February and March 2022."]
