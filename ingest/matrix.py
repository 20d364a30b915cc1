"""Annex 7, the Evaluation Matrix: cells of the export -> objectives, measures, indicators, activities."""
from __future__ import annotations

import re

from ingest.records import Activity, Catalog, Indicator, Measure, Objective, Status, Value
from ingest.table import Cell, cells_from_lines
from ingest.values import parse_number

ACTIVITY_CELL = re.compile(r"^\s*(1\.[1-4]\.\d{1,2}\.\d{1,2})\s*[:.]?\s*(.*)", re.S)
MEASURE_CELL = re.compile(r"^\s*Measure\s+(1\.[1-4]\.\d{1,2})\s*[:.]?\s*(.*)", re.S | re.I)
OBJECTIVE_CELL = re.compile(
    r"^\s*(?:Target\s+1\s?\.\s?([1-4])\s*:?\s*)?(?:Specific objective\s+1\s?\.\s?([1-4])\s*\.?\s*:?\s*)?(.*)",
    re.S | re.I,
)
OVERALL_CELL = re.compile(r"^\s*Overall objective\s*\d*\s*:?\s*(.*)", re.S | re.I)
UNIT = re.compile(r"\(\s*(number|%|percentage)\s*\)\s*$", re.I)


def normalise_status(raw: str) -> Status:
    """Map a status cell ('Ongoing ', 'has not been initiated', '') to one canonical status."""
    text = " ".join(raw.lower().split())
    if not text or text in {"/", "-"}:
        return "unknown"
    if "no data" in text:
        return "no data"
    if "not initiated" in text or "not been initiated" in text or "not started" in text:
        return "not initiated"
    if "abandon" in text:
        return "abandoned"
    if "ongoing" in text or "in progress" in text or "on going" in text:
        return "ongoing"
    if "complet" in text:
        return "completed"
    return "unknown"


def _is_status(cell: Cell) -> bool:
    """A short cell whose whole text is a status word."""
    return len(cell.value) <= 40 and normalise_status(cell.value) != "unknown"


def _is_objective(cell: Cell) -> bool:
    v = cell.value
    return bool(re.match(r"^(Target\s+1\s?\.\s?[1-4]|Specific objective\s+1\s?\.\s?[1-4])", v, re.I))


def _is_anchor(cell: Cell) -> bool:
    """A cell that opens a new record or table in the matrix."""
    v = cell.value
    return bool(
        ACTIVITY_CELL.match(v) and re.match(r"^\s*1\.[1-4]\.\d{1,2}\.\d{1,2}", v)
        or MEASURE_CELL.match(v)
        or _is_objective(cell)
        or re.match(r"^Overall objective", v, re.I)
        or v.startswith("Name of indicator")
        or v == "Activity"
    )


def _field(lines: list[str], prefix: str) -> str:
    for line in lines:
        if line.strip().lower().startswith(prefix.lower()):
            return line.split(":", 1)[1].strip() if ":" in line else ""
    return ""


def _header(cell: Cell, title: str) -> tuple[str, str, str]:
    """Title, responsible entity and achievement line of an objective or measure header cell."""
    lines = [title.split("\n")[0]] + cell.value.split("\n")[1:]
    responsible = _field(lines, "Responsible entity")
    achievement = next((l.strip() for l in lines[1:] if "achieved" in l.lower()), "")
    achievement = re.sub(r"^(Achievement of indicators|Indicator achievement level)\s*:?\s*", "", achievement)
    body = [l for l in title.split("\n") if l.strip() and not l.lower().startswith(("responsible", "achievement", "indicator achievement"))]
    return " ".join(" ".join(body).split()).rstrip(" :"), responsible, achievement


def _relevance(cells: list[Cell]) -> str:
    return " ".join(c.value for c in cells if c.value and c.value.lower() != "relevance")


def _value(cells: list[Cell], i: int) -> Value:
    raw = cells[i].value if i < len(cells) else ""
    return Value(raw=raw, number=parse_number(raw))


def _indicator_rows(cells: list[Cell], width: int) -> list[list[Cell]]:
    """Group a table's cells into rows: a row closes at a block break once it has `width` cells."""
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    for cell in cells:
        if row and cell.block != row[-1].block and len(row) >= width:
            rows.append(row)
            row = []
        row.append(cell)
    if row:
        rows.append(row)
    return [r for r in rows if any(c.value for c in r)]


def _indicator(row: list[Cell], width: int, owner: str, n: int) -> Indicator:
    name = " ".join(row[0].value.split())
    unit_m = UNIT.search(name)
    unit = unit_m.group(1).lower() if unit_m else ("%" if name.lower().startswith(("percentage", "the percentage", "share")) else "")
    unit = {"percentage": "%"}.get(unit, unit)
    if width >= 8:
        target_2022, next_steps = _value(row, 6), " ".join(c.value for c in row[7:] if c.value)
    else:
        target_2022, next_steps = Value(), " ".join(c.value for c in row[6:] if c.value)
    return Indicator(
        id=f"{owner}/ind{n}", owner=owner, name=name, unit=unit,
        baseline_2019=_value(row, 1), value_2020=_value(row, 2), target_2021=_value(row, 3),
        achieved_2021=_value(row, 4), reasoning=row[5].value if len(row) > 5 else "",
        target_2022=target_2022, next_steps=next_steps, line=row[0].line,
    )


def _activity(cells: list[Cell], measure: str) -> Activity:
    m = ACTIVITY_CELL.match(cells[0].value)
    assert m  # callers pass a segment opened by an activity cell
    id_, title = m.group(1), " ".join(m.group(2).split())
    rest = cells[1:]
    while rest and not rest[0].value and len(rest) > 6:  # a stray empty cell before the responsible entity
        rest = rest[1:]
    status_at = 0 if rest and _is_status(rest[0]) else 1  # the responsible entity may be missing
    responsible = " ".join(c.value for c in rest[:status_at] if c.value)
    status_raw = rest[status_at].value if status_at < len(rest) else ""
    after = [c.value for c in rest[status_at + 1:]]
    after += [""] * (4 - len(after))
    return Activity(
        id=id_, title=title, measure=measure, objective=id_.rsplit(".", 2)[0],
        responsible=responsible, status=normalise_status(status_raw), status_raw=status_raw,
        reasoning=after[0], relevance=after[1], effectiveness=after[2],
        next_steps="\n".join(v for v in after[3:] if v and v != "/") if any(after[3:]) else "",
        line=cells[0].line,
    )


def parse_matrix(lines: list[str], first_line: int = 1, source: str = "") -> Catalog:
    """Parse the matrix's lines (from its heading to the end) into a Catalog."""
    cells = cells_from_lines(lines, first_line)
    catalog = Catalog(source=source)
    owner = ""
    measure = ""
    i = 0
    while i < len(cells):
        cell = cells[i]
        v = cell.value
        j = i + 1
        while j < len(cells) and not _is_anchor(cells[j]):
            j += 1
        body = cells[i + 1: j]
        if re.match(r"^Overall objective", v, re.I):
            title, _, achievement = _header(cell, OVERALL_CELL.match(v).group(1))  # type: ignore[union-attr]
            catalog.overall = Objective(id="0", title=title, achievement=achievement, line=cell.line)
            owner, measure = "0", ""
        elif _is_objective(cell):
            m = OBJECTIVE_CELL.match(v)
            assert m
            num = m.group(1) or m.group(2)
            title, responsible, achievement = _header(cell, m.group(3))
            catalog.objectives.append(Objective(
                id=f"1.{num}", title=title, responsible=responsible, achievement=achievement,
                relevance=_relevance(body), line=cell.line))
            owner, measure = f"1.{num}", ""
        elif MEASURE_CELL.match(v):
            m = MEASURE_CELL.match(v)
            assert m
            title, responsible, _ = _header(cell, m.group(2))
            measure = m.group(1)
            catalog.measures.append(Measure(
                id=measure, title=title, objective=measure.rsplit(".", 1)[0], responsible=responsible,
                relevance=_relevance(body), line=cell.line))
            owner = measure
        elif v.startswith("Name of indicator"):
            header = [c for c in [cell, *body] if c.block == cell.block]
            width = len(header)
            rows = _indicator_rows([c for c in body if c.block != cell.block or c not in header], width)
            n = sum(1 for ind in catalog.indicators if ind.owner == owner)
            for row in rows:
                n += 1
                catalog.indicators.append(_indicator(row, width, owner, n))
        elif ACTIVITY_CELL.match(v) and measure:
            catalog.activities.append(_activity([cell, *body], measure))
        i = j
    return catalog
