"""The evaluation matrix, found by the shape of its rows and parsed into typed records.

Nothing here knows one evaluation. The matrix is the part of the document whose table rows open
with hierarchical dotted IDs and carry status cells, whatever its heading says; the names of its
levels come from the words before the IDs (or the table header); the kinds are assigned from the
deepest level up (activity, measure, objective); indicator columns keep their header labels and years.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.ids import ID_TEXT, depth, normalise_id, parent
from ingest.records import (
    DEFAULT_NAMES,
    KINDS,
    Activity,
    Catalog,
    Indicator,
    IndicatorValue,
    Level,
    Measure,
    Objective,
    Status,
    ValueRole,
)
from ingest.sections import clean_line, heading_of
from ingest.table import Cell, cells_from_lines
from ingest.values import parse_number

# "Measure 1.1.1 Title", "Specific objective 1. 4. Title", "Target 1.2: Specific objective 1.2:", "1.1.1.1: Title"
RECORD_CELL = re.compile(
    rf"^\s*(?P<word>(?:[A-Za-z][\w-]*\s+){{0,3}}?)(?P<id>{ID_TEXT})(?!\d)\.?\s*[:.\-–]?\s*(?P<rest>.*)",
    re.S,
)
OVERALL_CELL = re.compile(
    r"^\s*(?:overall|general|main)\s+(?:objective|goal)\s*\d*\s*[:.]?\s*(.*)", re.S | re.I
)
INDICATOR_HEADER = re.compile(
    r"^\s*(?:name of (?:the )?indicators?|indicators?(?: name)?|performance indicators?)\s*$", re.I
)
UNIT = re.compile(r"\(\s*(number|%|percentage)\s*\)\s*$", re.I)
YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
MIN_RECORDS = 2  # one ID-led row alone is a table that names an ID, not a matrix


@dataclass
class RecordCell:
    """A cell that opens a record: the document's word for its level, its ID and the rest of the cell."""

    word: str
    id: str
    rest: str


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


def record_cell(value: str) -> RecordCell | None:
    """The record a cell opens, or None. A 2-part ID needs a word before it ('Measure 1.1' is, '1.643' is not)."""
    m = RECORD_CELL.match(value)
    if not m:
        return None
    word, id_, rest = " ".join(m.group("word").split()), normalise_id(m.group("id")), m.group("rest")
    if depth(id_) == 2 and not word:
        return None
    if word and not word[0].isupper():
        return None
    while (again := RECORD_CELL.match(rest)) and normalise_id(
        again.group("id")
    ) == id_:  # "Target 1.2: Specific objective 1.2:"
        word, rest = " ".join(again.group("word").split()) or word, again.group("rest")
    return RecordCell(word, id_, rest)


# --- where the matrix is ---------------------------------------------------------------------


@dataclass
class MatrixSpan:
    """Lines [start, end) of a page that hold the matrix, and its heading as the document writes it."""

    start: int
    end: int
    title: str


def find_matrix(lines: list[str]) -> MatrixSpan | None:
    """The top-level part of the document whose table rows are matrix records, by their shape.

    The document is cut at its top-level headings (chapters, annexes); the part with the most
    ID-led table rows wins, provided it has at least MIN_RECORDS of them and status cells.
    """
    cuts: list[tuple[int, str]] = [(0, "")]
    for i, raw in enumerate(lines):
        heading = heading_of(raw, clean_line(raw))
        if heading and heading.level == 1 and i > 0:
            cuts.append((i, heading.label))
    best: tuple[int, MatrixSpan] | None = None
    for n, (start, title) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(lines)
        records = statuses = 0
        for raw in lines[start:end]:
            if not raw.startswith("\t"):
                continue
            value = clean_line(raw).strip()
            if record_cell(value):
                records += 1
            elif len(value) <= 40 and normalise_status(value) != "unknown":
                statuses += 1
        if records >= MIN_RECORDS and statuses and (best is None or records > best[0]):
            best = (records, MatrixSpan(start, end, title))
    return best[1] if best else None


# --- levels ----------------------------------------------------------------------------------


def detect_levels(cells: list[Cell]) -> list[Level]:
    """The levels of the hierarchy: ID depths present, their kinds (deepest = activity) and names."""
    words: dict[int, Counter[str]] = {}
    total: Counter[int] = Counter()
    for cell in cells:
        if rc := record_cell(cell.value):
            words.setdefault(depth(rc.id), Counter())
            total[depth(rc.id)] += 1
            if rc.word:
                words[depth(rc.id)][rc.word] += 1
    depths = sorted(words)[-3:]
    header_names = [
        name
        for name, _ in Counter(
            c.value
            for c in cells
            if 0 < len(c.value) <= 30
            and c.value[0].isupper()
            and c.value.lower().rstrip("s") in {"activity", "action", "sub-measure", "output"}
        ).most_common()
    ]
    levels = []
    for n, d in enumerate(reversed(depths)):
        kind = KINDS[2 - n]
        common = words[d].most_common(1)
        named = common and common[0][1] * 2 >= total[d]  # most rows of the level name it ("Measure 1.1.1")
        name = (
            common[0][0] if named else (header_names[0] if header_names and n == 0 else DEFAULT_NAMES[kind])
        )
        levels.append(Level(depth=d, kind=kind, name=name))
    return sorted(levels, key=lambda lv: lv.depth)


# --- records ---------------------------------------------------------------------------------


def _field(lines: list[str], prefix: str) -> str:
    for line in lines:
        if line.strip().lower().startswith(prefix.lower()):
            return line.split(":", 1)[1].strip() if ":" in line else ""
    return ""


def _header(cell: Cell, title: str) -> tuple[str, str, str]:
    """Title, responsible entity and achievement line of an objective or measure header cell."""
    lines = [title.split("\n")[0]] + cell.value.split("\n")[1:]
    responsible = _field(lines, "Responsible")
    achievement = next((ln.strip() for ln in lines[1:] if "achieved" in ln.lower()), "")
    achievement = re.sub(r"^(Achievement of indicators|Indicator achievement level)\s*:?\s*", "", achievement)
    body = [
        ln
        for ln in title.split("\n")
        if ln.strip() and not ln.lower().startswith(("responsible", "achievement", "indicator achievement"))
    ]
    return " ".join(" ".join(body).split()).rstrip(" :"), responsible, achievement


def _relevance(cells: list[Cell]) -> str:
    return " ".join(c.value for c in cells if c.value and c.value.lower() != "relevance")


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


def column_role(label: str) -> ValueRole:
    """What an indicator column holds, from the words of its header."""
    low = label.lower()
    if "baseline" in low or "initial" in low:
        return ValueRole.BASELINE
    if "target" in low or "planned" in low:
        return ValueRole.TARGET
    if re.search(r"achiev|actual|realis|realiz|value|result|reached", low):
        return ValueRole.ACHIEVED
    return ValueRole.OTHER


def _indicator(row: list[Cell], header: list[str], owner: str, n: int) -> Indicator:
    name = " ".join(row[0].value.split())
    unit_m = UNIT.search(name)
    unit = (
        unit_m.group(1).lower()
        if unit_m
        else ("%" if name.lower().startswith(("percentage", "the percentage", "share")) else "")
    )
    unit = {"percentage": "%"}.get(unit, unit)
    values: list[IndicatorValue] = []
    reasoning: list[str] = []
    next_steps: list[str] = []
    for i, label in enumerate(header[1:], start=1):
        raw = row[i].value if i < len(row) else ""
        if i == len(header) - 1 and len(row) > len(header):  # extra cells belong to the last column
            raw = "\n".join(c.value for c in row[i:] if c.value)
        low = label.lower()
        year = YEAR.search(label)
        if year:
            values.append(
                IndicatorValue(
                    label=" ".join(label.split()),
                    year=int(year.group(1)),
                    role=column_role(label),
                    raw=raw,
                    number=parse_number(raw),
                )
            )
        elif "reason" in low or "comment" in low or "explanation" in low:
            reasoning.append(raw)
        elif "next" in low or "recommend" in low or "step" in low:
            next_steps.append(raw)
        else:
            values.append(
                IndicatorValue(
                    label=" ".join(label.split()), role=column_role(label), raw=raw, number=parse_number(raw)
                )
            )
    return Indicator(
        id=f"{owner}/ind{n}",
        owner=owner,
        name=name,
        unit=unit,
        values=values,
        reasoning="\n".join(r for r in reasoning if r),
        next_steps=" ".join(s for s in next_steps if s),
        line=row[0].line,
    )


def _activity(cells: list[Cell], rc: RecordCell, measure: str, objective: str) -> Activity:
    title = " ".join(rc.rest.split())
    rest = cells[1:]
    while rest and not rest[0].value and len(rest) > 6:  # a stray empty cell before the responsible entity
        rest = rest[1:]
    status_at = 0 if rest and _is_status(rest[0]) else 1  # the responsible entity may be missing
    responsible = " ".join(c.value for c in rest[:status_at] if c.value)
    status_raw = rest[status_at].value if status_at < len(rest) else ""
    after = [c.value for c in rest[status_at + 1 :]]
    after += [""] * (4 - len(after))
    return Activity(
        id=rc.id,
        title=title,
        measure=measure,
        objective=objective,
        responsible=responsible,
        status=normalise_status(status_raw),
        status_raw=status_raw,
        reasoning=after[0],
        relevance=after[1],
        effectiveness=after[2],
        next_steps="\n".join(v for v in after[3:] if v and v != "/") if any(after[3:]) else "",
        line=cells[0].line,
    )


def parse_matrix(lines: list[str], first_line: int = 1, source: str = "", title: str = "") -> Catalog:
    """Parse the matrix's lines (from its heading to its end) into a Catalog."""
    cells = cells_from_lines(lines, first_line)
    levels = detect_levels(cells)
    catalog = Catalog(source=source, matrix_title=title, levels=levels)
    kind_at = {lv.depth: lv.kind for lv in levels}
    depth_of: dict[str, int] = {lv.kind: lv.depth for lv in levels}
    bottom = levels[-1].name.lower() if levels else "activity"

    def opens(cell: Cell) -> bool:
        v = cell.value
        rc = record_cell(v)
        return bool(
            (rc and depth(rc.id) in kind_at and rc.id not in seen)
            or OVERALL_CELL.match(v)
            and len(v) > 25
            or INDICATOR_HEADER.match(v.split("\n")[0])
            or v.lower() in {bottom, "activity", "activities"}
        )

    def ancestor(id_: str, kind: str) -> str:
        d = depth_of.get(kind)
        return ".".join(id_.split(".")[:d]) if d and depth(id_) >= d else ""

    owner = ""
    seen: set[str] = set()  # a cell that names a record already read is text about it, not a new row
    i = 0
    while i < len(cells):
        cell = cells[i]
        v = cell.value
        j = i + 1
        while j < len(cells) and not opens(cells[j]):
            j += 1
        body = cells[i + 1 : j]
        rc = record_cell(v)
        kind = kind_at.get(depth(rc.id)) if rc and rc.id not in seen else None
        if rc and kind:
            seen.add(rc.id)
        if rc is None and (m := OVERALL_CELL.match(v)) and len(v) > 25:
            title_, _, achievement = _header(cell, m.group(1))
            catalog.overall = Objective(id="0", title=title_, achievement=achievement, line=cell.line)
            owner = "0"
        elif INDICATOR_HEADER.match(v.split("\n")[0]) and any(
            YEAR.search(c.value) for c in body if c.block == cell.block
        ):  # a legend's "Indicator" has no columns
            header_cells = [c for c in [cell, *body] if c.block == cell.block]
            header = [c.value for c in header_cells]
            rows = _indicator_rows([c for c in body if c not in header_cells], len(header))
            n = sum(1 for ind in catalog.indicators if ind.owner == owner)
            for row in rows:
                n += 1
                catalog.indicators.append(_indicator(row, header, owner, n))
        elif rc and kind == "objective":
            title_, responsible, achievement = _header(cell, rc.rest)
            catalog.objectives.append(
                Objective(
                    id=rc.id,
                    title=title_,
                    responsible=responsible,
                    achievement=achievement,
                    relevance=_relevance(body),
                    line=cell.line,
                )
            )
            owner = rc.id
        elif rc and kind == "measure":
            title_, responsible, _ = _header(cell, rc.rest)
            catalog.measures.append(
                Measure(
                    id=rc.id,
                    title=title_,
                    objective=ancestor(rc.id, "objective"),
                    responsible=responsible,
                    relevance=_relevance(body),
                    line=cell.line,
                )
            )
            owner = rc.id
        elif rc and kind == "activity":
            measure = parent(rc.id) if any(m.id == parent(rc.id) for m in catalog.measures) else ""
            catalog.activities.append(_activity([cell, *body], rc, measure, ancestor(rc.id, "objective")))
        i = j
    for group in (catalog.objectives, catalog.measures, catalog.activities, catalog.indicators):
        for rec in group:
            rec.document = source
    if catalog.overall:
        catalog.overall.document = source
    return catalog
