"""How each objective did on its indicators, from the matrix's achievement lines (a made-up catalog)."""

from __future__ import annotations

import pytest

from ingest.records import Catalog, Level, Objective
from rag.achievement import answer_achievement, asks_achievement, asks_achievement_of
from rag.language import Language

CATALOG = Catalog(
    overall=Objective(id="0", title="Better services", achievement="50% achieved"),
    objectives=[
        Objective(id="3.1", title="Digital services", achievement="Indicator achievement level 70% achieved"),
        Objective(id="3.2", title="Rural broadband", achievement="Indicator achievement level 20% achieved"),
        Objective(id="3.3", title="Open budgets", achievement="45% achieved and 55% not achieved"),
    ],
    levels=[Level(depth=2, kind="objective", name="Priority")],
)


@pytest.mark.parametrize(
    "question",
    [
        "Which priority did worst on its indicators?",
        "Give me the indicator hit rate for each priority.",
        "How did the three priorities do on their targets?",
        "Rank the priorities by how many of their indicators were met.",
    ],
)
def test_a_comparison_of_the_objective_level_by_indicators_is_recognised(question: str) -> None:
    assert asks_achievement(question, CATALOG)


@pytest.mark.parametrize(
    "question",
    [
        "How many indicators does each priority have?",  # a count of indicators, not how they did
        "Which priority does the broadband indicator belong to?",  # one record, not a ranking
        "Which priorities were completed?",  # no indicators
    ],
)
def test_other_questions_are_not(question: str) -> None:
    assert not asks_achievement(question, CATALOG)


def test_every_objective_is_given_in_document_order_with_the_overall_line() -> None:
    d = answer_achievement(CATALOG, "How did each priority do on its indicators?")
    assert d is not None
    text = " ".join(d.parts)
    assert text.index("3.1") < text.index("3.2") < text.index("3.3") and "50% achieved" in text
    assert [c.id for c in d.citations] == ["3.1", "3.2", "3.3"]


def test_worst_and_best_lead_with_the_lowest_and_highest_share() -> None:
    worst = answer_achievement(CATALOG, "Which priority did worst on its indicators?")
    best = answer_achievement(CATALOG, "Which priority did best on its indicators?")
    assert worst is not None and best is not None
    assert worst.parts[0].startswith("Priority 3.2") and best.parts[0].startswith("Priority 3.1")


def test_best_and_worst_asked_together_lead_with_both_ends() -> None:
    both = answer_achievement(CATALOG, "Which priority did best, and which did worst, on its indicators?")
    assert both is not None
    assert both.parts[0].startswith("Priority 3.2") and both.parts[1].startswith("Priority 3.1"), both.parts[
        :2
    ]


def test_in_serbian_the_level_is_named_in_serbian_and_the_matrix_line_quoted() -> None:
    worst = answer_achievement(CATALOG, "Which priority did worst on its indicators?")
    assert worst is not None
    lead, line = (worst.messages[n].render(Language.SR_LATN) for n in (0, 1))
    assert lead.startswith("Najslabije") and "cilj 3.2" in lead and "Priority" not in lead, lead
    assert line.startswith("Cilj 3.2") and "“Indicator achievement level 20% achieved”" in line, line


def test_no_achievement_lines_no_answer() -> None:
    bare = Catalog(objectives=[Objective(id="1", title="x")])
    assert answer_achievement(bare, "Which objective did worst on its indicators?") is None


@pytest.mark.parametrize(
    "question, ids, asks",
    [
        ("What share of indicators was achieved under priority 3.2?", ["3.2"], True),
        ("Which achieved a larger percentage of its targets, 3.1 or 3.3?", ["3.1", "3.3"], True),
        ("Which indicators under 3.2 were achieved?", ["3.2"], False),  # a list of indicators, not a share
        ("What share of its indicators did measure 3.2.1 achieve?", ["3.2.1"], False),  # no objective
    ],
)
def test_a_share_of_the_indicators_of_named_objectives_is_recognised(
    question: str, ids: list[str], asks: bool
) -> None:
    catalog = CATALOG.model_copy(
        update={"levels": [*CATALOG.levels, Level(depth=3, kind="measure", name="Measure")]}
    )
    assert asks_achievement_of(question, ids, catalog) is asks


def test_the_named_objectives_alone_are_given_without_the_overall_line() -> None:
    d = answer_achievement(CATALOG, "What share of indicators did 3.1 and 3.3 achieve?", ["3.1", "3.3"])
    assert d is not None
    assert [c.id for c in d.citations] == ["3.1", "3.3"] and "50% achieved" not in " ".join(d.parts)
