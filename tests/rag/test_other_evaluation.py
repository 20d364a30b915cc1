"""One engine for any evaluation: a second, made-up evaluation with its own numbering, level names, annex
title, bodies, years and glossary goes through ingest, stats, every kind of answer, a draft and the API.

Nothing here is the shipped corpus: if the engine knew that report's names or IDs, these would fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.settings import Settings
from ingest.glossary import GlossaryError
from ingest.pipeline import ingest
from ingest.stats import index_stats
from rag.ask import ask
from rag.draft import draft
from rag.index import get_index

REPORT = """Ex-post evaluation of the Digital Services Programme 2023-2025

1. INTRODUCTION
The evaluation covers the Digital Services Programme 2023-2025. The National Digital Agency (NDA) coordinates the Programme.
The next programme, for 2026-2028, is being prepared. The findings below inform the 2026-2028 action plan.

2. FINDINGS
Priority 3.1 made good progress. Action 3.1.1.2 on the payments hub was completed, and 12 municipalities use it.
Priority 3.2 lagged: the rural broadband action 3.2.1.1 was stopped when funding ended.
Service points were opened in Northvale, Eastport and Lakeside. The Northvale service point opened on 3 May 2024.

Appendix B: Results Framework

\tGoal: Modern public services for every resident of the region

\tPriority 3.1: Digital public services
Responsible entity: NDA

\tIndicator
\tStarting value (2022)
\tValue reached (2023)
\tTarget value (2024)
\tValue reached (2024)
\tReasoning for the progress
\tTarget value for 2025 and the comment
\tPossible next steps

\tNumber of services online (number)
\t40
\t55
\t70
\t81
\tMore services were published than planned.
\t90
\tKeep the indicator.

\tLine 3.1.1: Payments and identity
Responsible entity: NDA

\tAction
\tResponsible entity
\tStatus
\tReasoning for the progress
\tRelevance
\tEffectiveness
\tPossible next steps

\t3.1.1.1: Launch the resident identity app
\tNDA
\tongoing
\tThe app is in pilot in two municipalities.
\tRelevant for the next programme.
\tMore residents sign in online.
\tContinue in the 2026-2028 action plan.

\t3.1.1.2: Build the payments hub
\tTreasury Office
\tcompleted
\tThe hub is live.
\tNo longer relevant.
\tPayments are instant.
\t/

\tLine 3.1.2: Open registers
Responsible entity: Statistics Bureau

\tAction
\tResponsible entity
\tStatus
\tReasoning for the progress
\tRelevance
\tEffectiveness
\tPossible next steps

\t3.1.2.1: Publish the address register as open data
\tStatistics Bureau
\tnot initiated
\tNo staff were assigned.
\tRelevant.
\t/
\tAssign a team.

\tPriority 3.2: Connected territory
Responsible entity: Ministry of Rural Affairs

\tLine 3.2.1: Broadband for villages
Responsible entity: Ministry of Rural Affairs

\tAction
\tResponsible entity
\tStatus
\tReasoning for the progress
\tRelevance
\tEffectiveness
\tPossible next steps

\t3.2.1.1: Connect 200 villages to fibre
\tMinistry of Rural Affairs
\tabandoned
\tThe donor funding ended in 2023.
\tStill relevant.
\t/
\tFind new funding.

\t3.2.1.2: Train village digital assistants
\tNDA
\tongoing
\tForty assistants were trained.
\tRelevant.
\tResidents get help locally.
\t/
"""

GLOSSARY = """
[[body]]
abbr = "NDA"
name = "National Digital Agency"
aliases = ["digital agency"]

[[body]]
abbr = "Ministry of Rural Affairs"
name = "Ministry of Rural Affairs"
aliases = ["countryside ministry"]

[[term]]
names = ["internet in the countryside", "rural internet"]
means = "broadband for villages fibre"
"""


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("other-evaluation")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "digital_services_evaluation.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, embed_model="hash:64")
    ingest(settings=settings, quiet=True)
    return settings


def test_structure_comes_from_the_document(other: Settings) -> None:
    catalog = get_index(other).catalog
    assert [o.id for o in catalog.objectives] == ["3.1", "3.2"]
    assert [m.id for m in catalog.measures] == ["3.1.1", "3.1.2", "3.2.1"]
    assert [a.id for a in catalog.activities] == ["3.1.1.1", "3.1.1.2", "3.1.2.1", "3.2.1.1", "3.2.1.2"]
    assert catalog.matrix_title == "Appendix B: Results Framework"
    assert [lv.name for lv in catalog.levels] == ["Priority", "Line", "Action"]
    assert catalog.period == (2023, 2025) and catalog.next_period == (2026, 2028)
    assert catalog.abbreviations["NDA"] == "National Digital Agency"
    ind = catalog.indicators[0]
    assert [(v.label, v.year, v.raw) for v in ind.values] == [
        ("Starting value (2022)", 2022, "40"),
        ("Value reached (2023)", 2023, "55"),
        ("Target value (2024)", 2024, "70"),
        ("Value reached (2024)", 2024, "81"),
        ("Target value for 2025 and the comment", 2025, "90"),
    ]
    assert ind.latest_achieved().raw == "81" and ind.next_target().raw == "90"


def test_stats_count_the_documents_records(other: Settings) -> None:
    stats = index_stats(other)
    assert (stats["objectives"], stats["measures"], stats["activities"], stats["indicators"]) == (2, 3, 5, 1)
    assert stats["statuses"]["ongoing"] == 2 and stats["statuses"]["abandoned"] == 1


def test_status_answer_names_the_level_and_the_matrix_as_the_document_does(other: Settings) -> None:
    answer = ask("What is the status of action 3.2.1.1?", settings=other)
    assert not answer.abstained
    assert "abandoned" in answer.answer and "Appendix B: Results Framework" in answer.answer
    assert "Action 3.2.1.1" in answer.answer and "line 3.2.1" in answer.answer
    assert answer.citations[0].id == "3.2.1.1" and answer.citations[0].kind == "activity"
    assert "digital_services_evaluation.txt" in answer.citations[0].source
    assert "Annex 7" not in answer.answer


def test_lists_and_counts_by_status_body_and_scope(other: Settings) -> None:
    ongoing = ask("Which actions are ongoing?", settings=other).answer
    assert "3.1.1.1" in ongoing and "3.2.1.2" in ongoing and "3.1.1.2" not in ongoing
    count = ask("How many actions were abandoned in total?", settings=other)
    assert not count.abstained and "1 action" in count.answer
    by_body = ask("Which activities is the digital agency responsible for?", settings=other).answer
    assert "3.1.1.1" in by_body and "3.2.1.2" in by_body and "3.1.2.1" not in by_body
    by_long_name = ask("List the activities of the countryside ministry", settings=other).answer
    assert "3.2.1.1" in by_long_name and "3.1.1.1" not in by_long_name
    scoped = ask("Which activities under priority 3.1 are ongoing?", settings=other).answer
    assert "3.1.1.1" in scoped and "3.2.1.2" not in scoped
    lines = ask("Which lines is the digital agency responsible for?", settings=other).answer
    assert "3.1.1" in lines and "3.1.2" not in lines and "3.2.1" not in lines


def test_responsible_body_is_spelled_out_from_the_glossary(other: Settings) -> None:
    answer = ask("Who is responsible for line 3.1.1?", settings=other)
    assert "NDA (National Digital Agency)" in answer.answer


def test_indicator_answer_uses_the_column_labels(other: Settings) -> None:
    answer = ask("What is the target for the number of services online?", settings=other)
    assert "target value (2024) 70" in answer.answer and "value reached (2024) 81" in answer.answer


def test_a_date_is_asked_of_a_place_the_evaluation_names_but_never_dates(other: Settings) -> None:
    undated = ask("When did the service point in Eastport open?", settings=other)
    assert undated.abstained and "date" in undated.answer, undated.answer
    dated = ask("When did the service point in Northvale open?", settings=other)
    assert not dated.abstained and "3 May 2024" in dated.answer, dated.answer


def test_unknown_id_is_refused_with_the_documents_own_range(other: Settings) -> None:
    answer = ask("What is the status of activity 1.4.2.2?", settings=other)
    assert answer.abstained
    assert "priority 3.1 to action 3.2.1.2" in answer.answer


def test_years_after_the_period_are_out_of_scope(other: Settings) -> None:
    answer = ask("How many services were online in 2027?", settings=other)
    assert answer.abstained and "2023-2025" in answer.answer


def test_draft_uses_the_next_period_and_level_names(other: Settings) -> None:
    doc = draft("Draft the entry for line 3.2.1", settings=other)
    assert doc.covered and doc.title.startswith("Draft 2026-2028 action plan entry: Line 3.2.1")
    md = doc.to_markdown()
    assert "3.2.1.1" in md and "Carry over" in md
    assert "Annex 7" not in md and "2023-2025 AP" not in md


def test_api_answers_from_the_other_evaluation(other: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.api import create_app

    client = TestClient(create_app(other))
    got = client.post("/ask", json={"question": "Why was action 3.2.1.1 dropped?"})
    assert got.status_code == 200
    body = got.json()
    assert "abandoned" in body["answer"] and body["citations"][0]["id"] == "3.2.1.1"


def test_a_corpus_without_a_matrix_says_so(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plain.txt").write_text(
        "1. INTRODUCTION\nThe programme trained 300 civil servants in 2023.\n\n"
        "2. FINDINGS\nTraining was well received by the participants.\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model="hash:64")
    ingest(settings=settings, quiet=True)
    assert index_stats(settings)["activities"] == 0
    listed = ask("Which activities were completed?", settings=settings)
    assert listed.abstained and "no matrix" in listed.answer
    assert "0 activities" not in listed.answer
    prose = ask("How many civil servants were trained?", settings=settings)
    assert "300" in prose.answer


def test_a_broken_glossary_is_refused_with_the_entry_at_fault(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r.txt").write_text("Some text.\n", encoding="utf-8")
    (corpus / "glossary.toml").write_text(
        '[[body]]\nabbr = "X"\n\n[[term]]\npattern = "(unclosed"\nmeans = "y z"\n', encoding="utf-8"
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model="hash:64")
    with pytest.raises(GlossaryError) as err:
        ingest(settings=settings, quiet=True)
    message = str(err.value)
    assert (
        "body entry 1, field 'name'" in message
        and "term entry 1" in message
        and "regular expression" in message
    )
    assert not settings.data_dir.exists()  # nothing written, not even the store


# ---------------------------------------------------------------- the shipped report, renumbered and retitled


def renumbered(text: str) -> str:
    """The report with every objective, measure and activity ID moved from 1.x to 2.x and its matrix retitled."""
    import re

    text = re.sub(r"(?<![\d.,])1(\s?\.\s?[1-4])((?:\s?\.\s?\d{1,2}){0,2})(?![\d])", r"2\1\2", text)
    return text.replace("Annex 7: Evaluation Matrix", "Annex 5: Results Matrix")


@pytest.fixture(scope="module")
def renumbered_corpus(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.conftest import CORPUS, CORPUS_FILE

    root = tmp_path_factory.mktemp("renumbered")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "evaluation.txt").write_text(
        renumbered(CORPUS_FILE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    (corpus / "glossary.toml").write_text(
        (CORPUS / "glossary.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, embed_model="hash:64")
    ingest(settings=settings, quiet=True)
    return settings


def test_renumbered_report_keeps_its_counts(renumbered_corpus: Settings) -> None:
    stats = index_stats(renumbered_corpus)
    assert (stats["objectives"], stats["measures"], stats["activities"], stats["indicators"]) == (
        4,
        24,
        100,
        68,
    )
    assert stats["statuses"]["abandoned"] == 13
    catalog = get_index(renumbered_corpus).catalog
    assert catalog.matrix_title == "Annex 5: Results Matrix"
    assert catalog.objectives[0].id == "2.1" and catalog.activities[-1].id == "2.4.4.5"


def test_renumbered_report_answers_by_its_own_ids(renumbered_corpus: Settings) -> None:
    status = ask("What is the status of activity 2.4.2.2?", settings=renumbered_corpus)
    assert "abandoned" in status.answer and status.citations[0].id == "2.4.2.2"
    assert "Annex 5: Results Matrix" in status.citations[0].source
    under = ask("Which activities under measure 2.3.5 were abandoned?", settings=renumbered_corpus).answer
    assert "2.3.5.1" in under and "2.3.5.2" not in under
    who = ask("Who is responsible for measure 2.2.4?", settings=renumbered_corpus).answer
    assert "MJ" in who or "Ministry of Justice" in who
    count = ask("How many activities were abandoned?", settings=renumbered_corpus)
    assert not count.abstained and "13 activities" in count.answer
    old = ask("What is the status of activity 1.4.2.2?", settings=renumbered_corpus)
    assert old.abstained and "2.1 to activity 2.4.4.5" in old.answer


def test_egov_stats_json_reads_the_renumbered_report(
    renumbered_corpus: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an official runs to check a newly loaded evaluation: `egov stats --json`."""
    import json

    from typer.testing import CliRunner

    from app.cli import app
    from core.settings import get_settings

    monkeypatch.setenv("EGOV_DATA_DIR", str(renumbered_corpus.data_dir))
    monkeypatch.setenv("EGOV_CORPUS_DIR", str(renumbered_corpus.corpus_dir))
    monkeypatch.setenv("EGOV_EMBED_MODEL", "hash:64")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["stats", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["objectives"], stats["measures"], stats["activities"]) == (4, 24, 100)
