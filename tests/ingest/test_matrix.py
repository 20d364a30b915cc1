"""The Evaluation Matrix (Annex 7) of the shipped corpus, parsed into records and chunks."""

from __future__ import annotations

import re

import pytest
from conftest import CORPUS, CORPUS_FILE  # tests/conftest.py, already imported by pytest

from ingest.chunks import Chunk, chunk_document
from ingest.loaders import load
from ingest.records import Catalog

MEASURE_IDS = (
    [f"1.1.{i}" for i in range(1, 10)]
    + [f"1.2.{i}" for i in range(1, 7)]
    + [f"1.3.{i}" for i in range(1, 6)]
    + [f"1.4.{i}" for i in range(1, 5)]
)


@pytest.fixture(scope="module")
def parsed() -> tuple[list[Chunk], Catalog]:
    return chunk_document(load(CORPUS_FILE, CORPUS))


@pytest.fixture(scope="module")
def chunks(parsed) -> list[Chunk]:
    return parsed[0]


@pytest.fixture(scope="module")
def catalog(parsed) -> Catalog:
    return parsed[1]


# --- counts -----------------------------------------------------------------------------------


def test_record_counts(catalog: Catalog) -> None:
    assert [o.id for o in catalog.objectives] == ["1.1", "1.2", "1.3", "1.4"]
    assert [m.id for m in catalog.measures] == MEASURE_IDS
    assert len(catalog.activities) == 100
    assert len({a.id for a in catalog.activities}) == 100
    assert catalog.activities[0].id == "1.1.1.1"
    assert catalog.activities[-1].id == "1.4.4.5"
    assert catalog.overall is not None and catalog.overall.id == "0"


def test_every_activity_belongs_to_a_known_measure(catalog: Catalog) -> None:
    measures = {m.id for m in catalog.measures}
    for a in catalog.activities:
        assert a.measure in measures, a.id
        assert a.id.startswith(a.measure + "."), a.id
        assert a.objective == a.measure.rsplit(".", 1)[0], a.id
        assert a.title, a.id


def test_status_counts(catalog: Catalog) -> None:
    assert catalog.status_counts() == {
        "completed": 38,
        "ongoing": 32,
        "abandoned": 13,
        "not initiated": 8,
        "no data": 6,
        "unknown": 3,
    }


def test_blank_statuses_are_unknown(catalog: Catalog) -> None:
    unknown = sorted(a.id for a in catalog.activities if a.status == "unknown")
    assert unknown == ["1.1.6.7", "1.4.1.3", "1.4.3.5"]
    for id_ in unknown:
        assert catalog.record(id_).status_raw.strip() == ""  # type: ignore[union-attr]


# --- spot checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "id_, status",
    [
        ("1.4.2.2", "abandoned"),
        ("1.1.7.6", "not initiated"),
        ("1.3.5.2", "ongoing"),
        ("1.1.1.1", "completed"),
    ],
)
def test_activity_status_spot_checks(catalog: Catalog, id_: str, status: str) -> None:
    rec = catalog.record(id_)
    assert rec is not None
    assert rec.status == status  # type: ignore[union-attr]


def test_status_raw_kept_as_written(catalog: Catalog) -> None:
    assert catalog.record("1.1.7.6").status_raw == "has not been initiated"  # type: ignore[union-attr]


def test_activity_fields(catalog: Catalog) -> None:
    a = catalog.record("1.1.1.1")
    assert a.title.startswith("Adoption of by-laws regulating the infrastructure")  # type: ignore[union-attr]
    assert a.responsible == "MPALSG"  # type: ignore[union-attr]
    assert a.reasoning.startswith("Decree on the maintenance and upgrading")  # type: ignore[union-attr]
    assert a.relevance == "Creation of the legal framework"  # type: ignore[union-attr]
    assert a.effectiveness == "Rules for DC maintenance, upgrading and management"  # type: ignore[union-attr]


def test_open_data_indicator(catalog: Catalog) -> None:
    found = [
        i
        for i in catalog.indicators
        if i.name.startswith("Number of datasets available at the Open Data Portal")
    ]
    assert len(found) == 1
    ind = found[0]
    assert ind.owner == "1.4"
    assert ind.unit == "number"
    got = [(v.label, v.year, v.role.value, v.raw, v.number) for v in ind.values]
    assert got[:4] == [
        ("Baseline value (2019)", 2019, "baseline", "250", 250),
        ("Achieved value (2020)", 2020, "achieved", "306", 306),
        ("Target value (2021)", 2021, "target", "500", 500),
        ("Achieved value (2021)", 2021, "achieved", "1.643", 1643),
    ]
    assert ind.latest_achieved().number == 1643 and ind.next_target().year == 2022


def test_indicator_owners_are_known(catalog: Catalog) -> None:
    owners = {"0"} | {o.id for o in catalog.objectives} | {m.id for m in catalog.measures}
    assert catalog.indicators
    for ind in catalog.indicators:
        assert ind.owner in owners, ind.id
        assert ind.name and not ind.name.startswith("Name of indicator"), ind.id
    assert len({i.id for i in catalog.indicators}) == len(catalog.indicators)


@pytest.mark.parametrize(
    "id_, title_start, responsible",
    [
        (
            "1.1.1",
            "Establishment of the State Data Management and Storage Centre in Kragujevac",
            "ITE Office",
        ),
        (
            "1.1.7",
            "Establishing a unified Public Register of Procedures",
            "Public Policy Secretariat of the Republic of Serbia",
        ),
        ("1.2.4", "Ensuring effective protection of the rights of e-Government users", "Ministry of Justice"),
        ("1.3.5", "Implementation of one stop shop", "MPALSG"),
        ("1.4.2", "Improvement of Open Data Portal", "ITE Office"),
    ],
)
def test_measure_titles_and_responsible(
    catalog: Catalog, id_: str, title_start: str, responsible: str
) -> None:
    m = catalog.record(id_)
    assert m is not None
    assert m.title.startswith(title_start)  # type: ignore[union-attr]
    assert m.responsible == responsible  # type: ignore[union-attr]
    assert "Responsible entity" not in m.title  # type: ignore[union-attr]


def test_every_measure_has_title_and_responsible(catalog: Catalog) -> None:
    for m in catalog.measures:
        assert m.title and m.responsible, m.id
        assert m.objective == m.id.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    "id_, achievement",
    [
        ("1.1", "67% achieved and 33% not achieved"),
        ("1.2", "36% achieved and 63% not-achieved values"),
        ("1.3", "57% achieved and 43% not achieved"),
        ("1.4", "60% achieved and 40% not achieved"),
    ],
)
def test_objective_achievement_lines(catalog: Catalog, id_: str, achievement: str) -> None:
    o = catalog.record(id_)
    assert o is not None
    assert o.achievement == achievement  # type: ignore[union-attr]
    assert o.title  # type: ignore[union-attr]


def test_overall_objective(catalog: Catalog) -> None:
    assert catalog.overall is not None
    assert catalog.overall.title.startswith("Development of an efficient and user-centric administration")
    assert catalog.overall.achievement == "55% achieved, 45% not achieved"


def test_continuation_paragraph_stays_in_its_cell(catalog: Catalog) -> None:
    # In the export, 1.1.1.2's relevance cell has a second paragraph on a line without the tab:
    #   \tImprovement of the operational management of DC
    #   The activity has been completed and is no longer relevant
    #   \tImproving e-Government legal framework
    a = catalog.record("1.1.1.2")
    assert a.relevance == (  # type: ignore[union-attr]
        "Improvement of the operational management of DC\n"
        "The activity has been completed and is no longer relevant"
    )
    assert a.effectiveness == "Improving e-Government legal framework"  # type: ignore[union-attr]
    assert a.status == "completed"  # type: ignore[union-attr]


# --- chunks -----------------------------------------------------------------------------------


def test_chunk_counts_by_kind(chunks: list[Chunk], catalog: Catalog) -> None:
    kinds: dict[str, int] = {}
    for c in chunks:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    assert kinds["activity"] == 100
    assert kinds["measure"] == 24
    assert kinds["objective"] == 5  # the overall objective and 4 specific ones
    assert kinds["indicator"] == len(catalog.indicators)
    assert kinds["section"] > 0


def test_no_export_debris_in_chunks(chunks: list[Chunk]) -> None:
    for c in chunks:
        assert "[bookmark:" not in c.text, c.id
        assert "[image:" not in c.text, c.id
        assert "\ufeff" not in c.text and "\u200b" not in c.text, c.id


def test_every_activity_chunk_names_its_measure_and_objective(chunks: list[Chunk], catalog: Catalog) -> None:
    acts = {a.id: a for a in catalog.activities}
    activity_chunks = [c for c in chunks if c.kind == "activity"]
    assert {c.record_id for c in activity_chunks} == set(acts)
    for c in activity_chunks:
        a = acts[c.record_id]
        assert c.text.startswith(f"Activity {a.id} "), c.id
        assert f"Measure {a.measure}:" in c.text, c.id
        assert f"Specific objective {a.objective}:" in c.text, c.id
        assert c.ids == [a.id, a.measure, a.objective]
        m = catalog.record(a.measure)
        assert m.title and m.title in c.text, c.id  # type: ignore[union-attr]
        assert "Status:" in c.text


def test_blank_status_is_said_in_the_chunk(chunks: list[Chunk]) -> None:
    c = next(c for c in chunks if c.kind == "activity" and c.record_id == "1.4.1.3")
    assert "Status: not given" in c.text


def test_indicator_chunk_text(chunks: list[Chunk]) -> None:
    c = next(
        c
        for c in chunks
        if c.kind == "indicator" and "Number of datasets available at the Open Data Portal" in c.text
    )
    assert "Achieved value (2021): 1.643" in c.text
    assert "Baseline value (2019): 250" in c.text
    assert "1.4" in c.ids


def test_ids_in_prose_chunks(chunks: list[Chunk]) -> None:
    prose = [c for c in chunks if c.kind == "section"]
    mentioning = [c for c in prose if "1.1.8.4" in c.text]
    assert mentioning
    for c in mentioning:
        assert "1.1.8.4" in c.ids, c.id
    # Every activity ID written out in a prose chunk is among that chunk's ids.
    for c in prose:
        body = c.text.split("\n", 1)[-1] if c.text.startswith("[") else c.text
        for id_ in re.findall(r"(?<![\d.])1\.[1-4]\.\d{1,2}\.\d{1,2}(?![\d])", body):
            assert id_ in c.ids, (c.id, id_)


def test_prose_chunks_have_sections(chunks: list[Chunk]) -> None:
    findings = [c for c in chunks if c.kind == "section" and c.section.startswith("3.")]
    assert findings
    for n in "1234":
        assert any(f"specific objective 1.{n}:" in c.section.lower() for c in findings), n


def test_chunk_ids_unique(chunks: list[Chunk]) -> None:
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    assert all(c.text.strip() for c in chunks)


def test_parsing_is_deterministic(parsed) -> None:
    chunks1, catalog1 = parsed
    chunks2, catalog2 = chunk_document(load(CORPUS_FILE, CORPUS))
    assert catalog1.model_dump() == catalog2.model_dump()
    assert [(c.id, c.text, c.metadata()) for c in chunks1] == [(c.id, c.text, c.metadata()) for c in chunks2]
