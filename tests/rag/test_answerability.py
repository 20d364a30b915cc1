"""rag.answerability (the model over the signals) and the general signals of rag.scope, on small inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.fit_answerability import MAX_FALSE_ABSTENTION, fit
from rag.answerability import FEATURES, Model, Signals, load_model, reason
from rag.occasions import (
    achieved_years,
    day_missing,
    deadline_missing,
    duration_missing,
    occasion_missing,
    ordinal_missing,
    rate_missing,
    year_missing,
)
from rag.scope import MONEY_A, MONEY_Q


def _model(**weights: float) -> Model:
    return Model(
        weights=tuple(weights.get(f, 0.0) for f in FEATURES),
        bias=0.0,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        threshold=0.5,
    )


def test_probability_follows_the_weights() -> None:
    model = _model(coverage=4.0, amount_missing=-6.0)
    covered, missing = Signals(coverage=1.0), Signals(coverage=1.0, amount_missing=1.0)
    assert model.probability(covered) > 0.9 and model.answers(covered)
    assert model.probability(missing) < 0.2 and not model.answers(missing)


def test_a_model_fit_for_other_signals_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        json.dumps(
            {
                "features": ["something_else"],
                "weights": [1.0],
                "bias": 0,
                "mean": [0],
                "scale": [1],
                "threshold": 0.5,
            }
        ),
        encoding="utf-8",
    )
    assert load_model(path) is None
    fitted = tmp_path / "fitted.json"
    fitted.write_text(_model(coverage=1.0).to_json(), encoding="utf-8")
    assert load_model(fitted) == _model(coverage=1.0)


@pytest.mark.parametrize(
    "signals, start",
    [
        (Signals(amount_missing=1.0), "The evaluation does not give that amount"),
        (Signals(person_missing=1.0), "The evaluation does not name that person"),
        (Signals(year_missing=1.0), "The evaluation does not report that for the year or the occasion asked"),
        (Signals(), "The evaluation does not answer this question"),
    ],
)
def test_the_abstention_says_what_is_missing(signals: Signals, start: str) -> None:
    assert reason(signals).startswith(start)


def test_fit_keeps_false_abstention_under_the_bar_and_catches_the_rest() -> None:
    rows = []
    for n in range(60):  # answerable: well covered, a few weaker
        rows.append(
            {
                "answerable": True,
                "abstained": False,
                "signals": Signals(coverage=0.6 + 0.006 * n, best_cosine=0.6).as_dict(),
            }
        )
    for n in range(20):  # unanswerable: what they ask for is missing
        rows.append(
            {
                "answerable": False,
                "abstained": False,
                "signals": Signals(coverage=0.3 + 0.01 * n, figure_missing=1.0, best_cosine=0.5).as_dict(),
            }
        )
    model, stats = fit(rows)
    assert stats["dev_false_abstention"] <= MAX_FALSE_ABSTENTION
    assert stats["dev_abstention_recall"] >= 0.9
    assert model.answers(Signals(coverage=0.9, best_cosine=0.6))
    assert not model.answers(Signals(coverage=0.3, figure_missing=1.0, best_cosine=0.5))


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        ("How many datasets were published in 2021?", ["Achieved value (2021): 1.643"], False),
        (
            "How many datasets were published at the end of 2022?",
            ["Target value for 2022 and the comment: 750"],
            True,
        ),
        ("What is the target for 2022?", ["Target value for 2022 and the comment: 750"], False),
        ("How many services use it?", ["Achieved value (2021): 4"], False),
        ("How many were trained in 2020?", ["In 2020, 32 officials took part."], False),
        ("What happened in 2019?", [], True),
        # one year of two with no result: the comparison asked for cannot be made
        (
            "What was the score for 2022, compared with 2021?",
            ["Achieved value (2021): 50"],
            True,
        ),
    ],
)
def test_year_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (year_missing(question, texts) == 1.0) is missing


@pytest.mark.parametrize(
    "text, amount",
    [
        ("Funds have not been secured (RSD 510 million)", True),  # the currency first
        ("saving €33 million so far", True),
        ("2 million dinars - (donor funds planned)", True),
        ("70 million of RSD - (planned to be secured from donations)", True),
        ("235 procedures were optimised and 13 abolished", False),
        ("RSD was planned", False),
    ],
)
def test_an_amount_of_money_is_read_with_its_currency_either_side(text: str, amount: bool) -> None:
    assert bool(MONEY_A.search(text)) is amount


@pytest.mark.parametrize(
    "question, money",
    [
        ("How much is the World Bank project worth?", True),
        ("What was the budget of the portal?", True),
        ("Is it still worth doing?", False),  # worth the effort, not a price
        ("Do they think it's worth keeping?", False),
        ("Was it worth it?", False),
    ],
)
def test_a_question_asks_for_money_only_when_worth_is_a_price(question: str, money: bool) -> None:
    assert bool(MONEY_Q.search(question)) is money


@pytest.mark.parametrize(
    "question, money, rest",
    [
        # how much a thing saved asks for money; the thing itself stays in the question for the evidence to match
        ("How much has e-Paper saved so far?", True, "has e-Paper saved so far?"),
        (
            "How much did the new register save the companies?",
            True,
            "did the new register save the companies?",
        ),
        ("How many procedures were saved from abolition?", False, ""),  # a count, not money
        ("What savings in time did the portal bring?", False, ""),
    ],
)
def test_how_much_something_saved_asks_for_money(question: str, money: bool, rest: str) -> None:
    assert bool(MONEY_Q.search(question)) is money
    if money:
        assert MONEY_Q.sub("", question).strip() == rest


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        (
            "When was the first meeting of the council held?",
            ["The second meeting of the council was held in May."],
            True,
        ),
        (
            "When was the second meeting of the council held?",
            ["The second meeting of the council was held in May."],
            False,
        ),
        ("When was the first session meeting held?", ["The second meeting was held in May."], True),
        (
            "Was the first phase of the centre completed?",
            ["The first phase of the centre is completed."],
            False,
        ),
        (
            "When was the first meeting held?",
            ["The council met in 2018."],
            False,
        ),  # no ordinal: nothing to judge
        ("How many calls came in the last year?", ["In the first year, the second meeting ..."], False),
        ("Was the first study done?", ["The second phase started."], False),  # another thing with an ordinal
        # a numbered occasion is the one its ordinal names, either way round
        (
            "When will the second phase of the centre be completed?",
            ["The first phase has been completed.", "Phase 2 will be completed by the end of 2023."],
            False,
        ),
        ("When will phase 2 be completed?", ["The first phase has been completed."], True),
        ("When will the third phase start?", ["Phase 1 is done; Phase 2 is ongoing."], True),
        # IDs are no numbers
        ("When will phase 2 start?", ["Measure 1.2.3 and phase 1.5 of the plan."], False),
    ],
)
def test_ordinal_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (ordinal_missing(question, texts) == 1.0) is missing


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        ("On what date did the centre open?", ["By the end of 2021, 19 centres were opened."], True),
        ("On what date did the centre open?", ["The centre opened on 1 February 2022."], False),
        ("Which day was the law adopted?", ["The law was adopted on 04.06.2021."], False),
        (
            "When did the centre open?",
            ["By the end of 2021, 19 centres were opened."],
            False,
        ),  # a year answers
        ("What was the exact date of the meeting?", ["The meeting took place in the 2nd quarter."], True),
    ],
)
def test_day_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (day_missing(question, texts) == 1.0) is missing


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        (
            "When will the new plan be adopted?",
            ["Recommendations for the new plan for the period 2023-2025."],
            True,
        ),
        ("When will the new plan be adopted?", ["The new deadline is the 2nd quarter of 2024."], False),
        ("So when is the second phase due?", ["The second phase is planned to start in 2023."], False),
        ("When should the register be finished?", ["The register was not set up."], True),
        ("When was the register finished?", ["The register was not set up."], False),  # the past: not a plan
        # the next of a recurring occasion: the day the last one was held does not date it, a plan does
        ("When is the next council meeting?", ["The second meeting was held on 23 December 2021."], True),
        ("When is the next council meeting?", ["The next meeting is planned for March 2023."], False),
        (
            "when next following session council?",
            ["The council met on 4 June 2021."],
            True,
        ),  # a Serbian reading
    ],
)
def test_deadline_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (deadline_missing(question, texts) == 1.0) is missing


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        ("How long did the webinar last?", ["One webinar was held with 48 participants."], True),
        ("How long did the webinar last?", ["The webinar lasted three hours."], False),
        ("how long last duration webinar?", ["One webinar was held in 2021."], True),  # a Serbian reading
        ("How long did the works take?", ["Works ran from March 2021 to June 2022."], False),  # a span
        ("How long has the office existed?", ["The office was established in 2017."], False),  # since when
    ],
)
def test_duration_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (duration_missing(question, texts) == 1.0) is missing


@pytest.mark.parametrize(
    "question, texts, missing",
    [
        (
            "How many visits does the portal get per month?",
            ["The portal provided 2.253.547 services in 2021."],
            True,
        ),
        ("How many visits does the portal get per month?", ["It has about 40.000 visits a month."], False),
        (
            "how many calls daily contact centre?",
            ["The centre resolved 85% of requests."],
            True,
        ),  # a Serbian reading
        ("How many services does the portal provide each year?", ["2.253.547 services in 2021."], False),
        (
            "Is the portal used daily?",
            ["The portal provided 2.253.547 services in 2021."],
            False,
        ),  # no quantity
    ],
)
def test_rate_missing(question: str, texts: list[str], missing: bool) -> None:
    assert (rate_missing(question, texts) == 1.0) is missing
    assert occasion_missing(question, texts) >= rate_missing(question, texts)


def test_an_occasion_is_missing_when_its_year_or_its_ordinal_is() -> None:
    second = ["The second meeting of the council was held on 23 December 2021."]
    assert occasion_missing("When did the first meeting of the council take place?", second) == 1.0
    assert occasion_missing("What did the second meeting of the council discuss in 2020?", second) == 1.0
    assert occasion_missing("What did the second meeting of the council discuss in 2021?", second) == 0.0


def test_the_years_a_text_states_a_result_for_leave_out_its_targets() -> None:
    text = (
        "achieved value (2021) 1.643; target value for 2022 750; grown to 1.827 (March 2022), planned by 2023"
    )
    assert achieved_years(text) == ["2021", "2022"]
