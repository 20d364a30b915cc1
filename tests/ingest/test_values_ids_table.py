"""Property tests of the small parsers: numbers, IDs, the export's cell model and the matrix parser."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.ids import depth, find_ids, normalise_id
from ingest.chunks import record_chunks
from ingest.matrix import normalise_status, parse_matrix
from ingest.records import STATUSES, Catalog
from ingest.table import cells_from_lines, cells_to_lines
from ingest.values import parse_number

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CANONICAL_ID = re.compile(r"^\d{1,2}(\.\d{1,2}){1,3}$")

objective_num = st.integers(1, 4)
small = st.integers(1, 12)


# --- parse_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1.643", 1643),
        ("96,55", 96.55),
        ("10.000", 10000),
        ("43.75", 43.75),
        ("250", 250),
        ("0", 0),
        ("2.194", 2194),
        ("1.000.000", 1_000_000),
        (" 40", 40),
        ("0 ", 0),
        ("37 (2019)", 37),
        ("75%", 75),
        ("96,55 %", 96.55),
        ("5196", 5196),
        ("no data", None),
        ("", None),
        ("/", None),
        ("https://data.gov.rs/sr/", None),
        ("n/a", None),
        (None, None),
        ("about 20 services", None),
    ],
)
def test_parse_number_document_formats(raw: str | None, expected: float | None) -> None:
    got = parse_number(raw)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@FAST
@given(st.text())
@example("9" * 400)
@example("\u0663\u0662")  # Arabic-Indic digits
@example("1.643\nsecond paragraph")
def test_parse_number_never_raises(text: str) -> None:
    got = parse_number(text)
    assert got is None or (isinstance(got, float) and (math.isinf(got) or got >= 0))


@FAST
@given(st.integers(0, 10**12))
def test_parse_number_thousands_with_dots(n: int) -> None:
    written = f"{n:,}".replace(",", ".")  # 1643 -> "1.643", 10000 -> "10.000"
    assert parse_number(written) == n


@FAST
@given(st.integers(0, 10**6), st.integers(0, 99))
def test_parse_number_decimal_comma(whole: int, cents: int) -> None:
    assert parse_number(f"{whole},{cents:02d}") == pytest.approx(float(f"{whole}.{cents:02d}"))


@FAST
@given(st.integers(0, 10**6), st.from_regex(r"\A(\d{1,2}|\d{4,6})\Z"))
def test_parse_number_decimal_point_not_three_digits(whole: int, frac: str) -> None:
    # "43.75": a dot before other than exactly three digits is a decimal point.
    assert parse_number(f"{whole}.{frac}") == pytest.approx(float(f"{whole}.{frac}"))


@FAST
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",))))
def test_parse_number_without_digits_is_none(text: str) -> None:
    assert parse_number(text) is None


# --- find_ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("measure 1.3.5.", "1.3.5"),
        ("Activity 1.4.2.2:", "1.4.2.2"),
        ("Specific objective 1. 4.", "1.4"),
        ("SO 1.4", "1.4"),
        ("under Specific Objective 1.2, the", "1.2"),
        ("Measure 1.1.8. aims to improve", "1.1.8"),
        ("activities 1.1.8.1: Analysis", "1.1.8.1"),
    ],
)
def test_find_ids_finds(text: str, expected: str) -> None:
    assert expected in find_ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "1.4 million",
        "The budget was 1.4 million RSD.",
        "an increase of 1.2 percent",
        "version 1.3 of the portal",
        "measure 1.4 million",  # a measure ID has three parts; '1.4' after 'measure' is not an objective
    ],
)
def test_find_ids_skips_bare_numbers(text: str) -> None:
    assert find_ids(text) == []


def test_find_ids_order_and_duplicates() -> None:
    text = "Activity 1.4.2.2 and measure 1.3.5, then 1.4.2.2 again and SO 1.1"
    assert find_ids(text) == ["1.4.2.2", "1.3.5", "1.1"]


def test_find_ids_not_inside_longer_numbers() -> None:
    known = {"1.3.5.2", "1.4.2.2"}
    assert find_ids("version 11.3.5.2 and 21.4.2.2", known) == []
    assert "1.3.5.2" not in find_ids("1.3.5.234")


def test_find_ids_takes_any_leading_number_and_keeps_what_the_catalog_knows() -> None:
    assert find_ids("Measure 2.1.3 and activity 7.2.1.4, priority 3.1") == ["2.1.3", "7.2.1.4", "3.1"]
    assert find_ids("activity 9.9.9.9 and measure 2.1.3", known={"2.1.3"}) == ["2.1.3"]


@FAST
@given(st.text())
@example("Specific objective 1 . 4 . 1 . 2 ." * 3)
@example("so" * 50 + "1.4")
def test_find_ids_never_raises_and_is_canonical(text: str) -> None:
    found = find_ids(text)
    assert len(found) == len(set(found))
    for id_ in found:
        assert CANONICAL_ID.match(id_), id_
        assert normalise_id(id_) == id_
        assert 2 <= depth(id_) <= 4


@FAST
@given(
    objective_num,
    small,
    small,
    st.sampled_from(["Activity {}:", "activity {}", "({})", "{}. Conduct", "Activities {} and"]),
)
def test_find_ids_finds_activity_ids_in_context(o: int, m: int, a: int, template: str) -> None:
    id_ = f"1.{o}.{m}.{a}"
    assert id_ in find_ids("As planned, " + template.format(id_) + " was delayed.")


@FAST
@given(objective_num, small, st.sampled_from(["Measure {}", "measure {}.", "Measures {} and", "({})"]))
def test_find_ids_finds_measure_ids(o: int, m: int, template: str) -> None:
    id_ = f"1.{o}.{m}"
    assert find_ids(template.format(id_)) == [id_]


@FAST
@given(
    objective_num,
    st.sampled_from(["a total of", "about", "", "reached", "RSD"]),
    st.sampled_from(["million", "billion", "%", "times"]),
)
def test_find_ids_bare_two_part_numbers_are_not_ids(o: int, before: str, after: str) -> None:
    assert find_ids(f"{before} 1.{o} {after}".strip()) == []


# --- the cell model ---------------------------------------------------------------------------

# A paragraph as a cell holds it after the export: one line, no leading tab, no trailing space.
paragraph = st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=30).map(
    lambda s: s.lstrip("\t").rstrip()
)
cell_text = st.lists(paragraph, min_size=1, max_size=4).map("\n".join)
rows_strategy = st.lists(st.lists(cell_text, min_size=1, max_size=6), min_size=0, max_size=6)


@FAST
@given(rows_strategy)
@example(
    [["1.1.1.2: Preparation", "ITE", "completed", "Improvement of DC\nThe activity has been completed", "/"]]
)
@example([["", ""], ["a\n\nb"]])
def test_cells_round_trip(rows: list[list[str]]) -> None:
    lines = cells_to_lines(rows)
    cells = cells_from_lines(lines)
    assert [c.text for c in cells] == [text for row in rows for text in row]
    expected_blocks = [r for r, row in enumerate(rows) for _ in row]
    assert [c.block for c in cells] == expected_blocks
    for c in cells:
        assert lines[c.line - 1].startswith("\t")


@FAST
@given(rows_strategy, st.integers(-5, 10_000))
def test_cells_line_numbers_follow_first_line(rows: list[list[str]], first: int) -> None:
    lines = cells_to_lines(rows)
    for c in cells_from_lines(lines, first_line=first):
        assert lines[c.line - first].startswith("\t")


def test_continuation_line_joins_the_cell_above() -> None:
    lines = [
        "\t1.1.1.2: Preparation",
        "\tImprovement of DC ",
        "The activity has been completed",
        "\tnext",
        "",
    ]
    cells = cells_from_lines(lines)
    assert [c.value for c in cells] == [
        "1.1.1.2: Preparation",
        "Improvement of DC\nThe activity has been completed",
        "next",
    ]
    assert cells[1].line == 2


def test_blank_lines_separate_blocks_not_cells() -> None:
    cells = cells_from_lines(["\ta", "", "", "\tb", "continued", "", "\tc"])
    assert [(c.text, c.block) for c in cells] == [("a", 0), ("b\ncontinued", 1), ("c", 2)]


def test_text_before_any_tab_opens_a_cell() -> None:
    cells = cells_from_lines(["no tab here", "more", "\ttabbed"])
    assert [c.text for c in cells] == ["no tab here\nmore", "tabbed"]


@FAST
@given(st.lists(st.text(max_size=40), max_size=30))
def test_cells_from_lines_never_raises(lines: list[str]) -> None:
    cells = cells_from_lines(lines)
    assert all(c.block >= 0 for c in cells)
    assert len(cells) <= len(lines)


@FAST
@given(st.lists(st.lists(st.text(max_size=40), max_size=5), max_size=5))
def test_cells_to_lines_never_raises(rows: list[list[str]]) -> None:
    lines = cells_to_lines(rows)
    assert len(lines) >= len(rows)
    cells_from_lines(lines)


# --- statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, status",
    [
        ("completed", "completed"),
        ("Completed ", "completed"),
        ("ongoing", "ongoing"),
        ("Ongoing ", "ongoing"),
        ("abandoned", "abandoned"),
        ("has not been initiated", "not initiated"),
        ("Not initiated", "not initiated"),
        ("no data", "no data"),
        ("No  data", "no data"),
        ("", "unknown"),
        ("/", "unknown"),
        ("  ", "unknown"),
    ],
)
def test_normalise_status(raw: str, status: str) -> None:
    assert normalise_status(raw) == status


@FAST
@given(st.text())
def test_normalise_status_is_total(text: str) -> None:
    assert normalise_status(text) in STATUSES


# --- parse_matrix on nonsense ----------------------------------------------------------------

MATRIX_LINES = [
    "",
    "",
    "\t",
    "\t/",
    "\tRelevance",
    "\tActivity",
    "\tResponsible entity",
    "\tStatus",
    "\tName of indicator",
    "\tBaseline value (2019)",
    "\tAchieved value (2021)",
    "\tOverall objective: Development of an efficient administration",
    "Achievement of indicators: 55% achieved",
    "\tSpecific objective 1.2: Improving the network",
    "\tTarget 1.3: Increase accessibility",
    "\tSpecific objective 1. 4.",
    "\tTarget 1.1:",
    "Responsible entity: ITE Office",
    "Indicator achievement level: 60% achieved",
    "\tMeasure 1.1.1 Establishment of the Data Centre",
    "\tMeasure 1.4.2: Improvement of Open Data Portal",
    "\tMeasure 1.9.9 not a measure",
    "Responsible entity:",
    "\t1.1.1.1: Adoption of by-laws",
    "\t1.4.2.2 Portal upgrade",
    "\t1.3.5.2.",
    "\t1.1.1.1",
    "\tITE Office",
    "\tMPALSG",
    "\tcompleted",
    "\tongoing ",
    "\tabandoned",
    "\thas not been initiated",
    "\tno data",
    "\tNumber of datasets (Number)",
    "\tPercentage of services (%)",
    "\t250",
    "\t1.643",
    "\t96,55",
    "\t10.000",
    "\tThe activity has been completed and is no longer relevant",
    "a continuation paragraph",
    "\thttps://data.gov.rs/sr/",
    "[bookmark: _Toc1]",
    "\t\t",
    " ",
]


def _check_catalog(catalog: Catalog) -> None:
    assert isinstance(catalog, Catalog)
    for a in catalog.activities:
        assert CANONICAL_ID.match(a.id)
        assert a.status in STATUSES
        assert a.measure == "" or a.measure in {m.id for m in catalog.measures}
        assert a.id.startswith(a.measure)
    for o in catalog.objectives:
        assert CANONICAL_ID.match(o.id)
    catalog.model_dump_json()
    catalog.status_counts()
    ids = [c.id for c in record_chunks(catalog, "doc.txt")]
    # Records repeated under one ID (the same activity twice) may repeat chunk ids; no crash is the point here.
    assert all(i.startswith("doc.txt#") for i in ids)


@FAST
@given(st.text())
@example("\tMeasure 1.1.1 X\n\t1.1.1.1: a\n\tcompleted")
@example("\tName of indicator\n\tBaseline\n\n\tx\n")
@example("\tTarget 1.3 Specific objective 1.2: both")
def test_parse_matrix_never_raises_on_text(text: str) -> None:
    _check_catalog(parse_matrix(text.split("\n")))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MATRIX_LINES) | st.text(max_size=20), max_size=60), st.integers(1, 5000))
def test_parse_matrix_never_raises_on_line_soup(lines: list[str], first_line: int) -> None:
    catalog = parse_matrix(lines, first_line, source="soup")
    _check_catalog(catalog)
    for rec in [*catalog.objectives, *catalog.measures, *catalog.activities, *catalog.indicators]:
        assert first_line <= rec.line < first_line + max(len(lines), 1)


def test_parse_matrix_small_table() -> None:
    lines = [
        "\tSpecific objective 1.4: Data opening",
        "Responsible entity: ITE Office",
        "Achievement of indicators: 60% achieved and 40% not achieved",
        "",
        "\tName of indicator",
        "\tBaseline value (2019)",
        "\tAchieved value (2020)",
        "\tTarget value (2021)",
        "\tAchieved value (2021)",
        "\tReasoning for the progress",
        "\tTarget value for 2022 and the comment",
        "\tPossible next steps",
        "",
        "\tNumber of datasets (Number)",
        "\t250",
        "\t306",
        "\t500",
        "\t1.643",
        "\thttps://data.gov.rs/sr/",
        "\t750",
        "\t",
        "",
        "\tMeasure 1.4.2 Improvement of Open Data Portal",
        "Responsible entity: ITE Office",
        "",
        "\tActivity",
        "\tResponsible entity",
        "\tStatus",
        "",
        "\t1.4.2.2: Portal upgrade",
        "\tITE Office",
        "\tabandoned",
        "\tNo funds",
        "\tRelevant",
        "Still relevant later",
        "\tNone",
        "\t/",
        "",
        "\t1.4.2.3: Next one",
        "\tMPALSG",
        "\t",
        "\tno reasoning",
        "",
    ]
    cat = parse_matrix(lines)
    assert [o.id for o in cat.objectives] == ["1.4"]
    assert cat.objectives[0].achievement == "60% achieved and 40% not achieved"
    assert cat.objectives[0].responsible == "ITE Office"
    ind = cat.indicators[0]
    assert (ind.owner, ind.baseline().number, ind.latest_achieved().number, ind.next_target().number) == (
        "1.4",
        250,
        1643,
        750,
    )
    a, b = cat.activities
    assert (a.id, a.measure, a.responsible, a.status, a.reasoning) == (
        "1.4.2.2",
        "1.4.2",
        "ITE Office",
        "abandoned",
        "No funds",
    )
    assert a.relevance == "Relevant\nStill relevant later"
    assert a.next_steps == ""
    assert (b.id, b.status, b.status_raw, b.responsible) == ("1.4.2.3", "unknown", "", "MPALSG")
