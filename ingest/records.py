"""Typed records of an evaluation matrix and the catalog that holds them.

Nothing here knows one evaluation: the level names, the ID depths, the indicator columns (their
labels and years), the matrix's title and the programme period are read from the document.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["completed", "ongoing", "abandoned", "not initiated", "no data", "unknown"]
STATUSES: tuple[str, ...] = ("completed", "ongoing", "abandoned", "not initiated", "no data", "unknown")
Kind = Literal["objective", "measure", "activity"]
KINDS: tuple[Kind, ...] = ("objective", "measure", "activity")
DEFAULT_NAMES: dict[str, str] = {"objective": "Objective", "measure": "Measure", "activity": "Activity"}


class ValueRole(str, Enum):
    """What an indicator column holds, read from its header label."""

    BASELINE = "baseline"
    ACHIEVED = "achieved"
    TARGET = "target"
    OTHER = "other"


class Value(BaseModel):
    """A matrix value as written, with the number it states when it states one."""

    raw: str = ""
    number: float | None = None


class IndicatorValue(Value):
    """One value column of an indicator row: the header's label, the year in it and its role."""

    label: str = ""
    year: int | None = None
    role: ValueRole = ValueRole.OTHER


class Level(BaseModel):
    """A level of the matrix's hierarchy: the number of parts of its IDs, its kind and the document's name."""

    depth: int
    kind: Kind
    name: str


class Indicator(BaseModel):
    """One indicator row of the matrix, attached to the overall objective, an objective or a measure."""

    id: str  # e.g. "1.4/ind1" -- stable key, not a document ID
    owner: str  # "0" for the overall objective, else the objective or measure ID
    name: str
    unit: str = ""
    values: list[IndicatorValue] = Field(default_factory=list)
    reasoning: str = ""
    next_steps: str = ""
    line: int = 0
    document: str = ""  # the file the record was read from

    def of_role(self, role: ValueRole) -> list[IndicatorValue]:
        """The values of one role in column order."""
        return [v for v in self.values if v.role == role]

    def baseline(self) -> IndicatorValue | None:
        """The baseline column, else the first value column."""
        found = self.of_role(ValueRole.BASELINE)
        return found[0] if found else (self.values[0] if self.values else None)

    def latest_achieved(self) -> IndicatorValue | None:
        """The achieved value of the latest year the matrix reports (a filled one if any)."""
        got = sorted(self.of_role(ValueRole.ACHIEVED), key=lambda v: v.year or 0)
        filled = [v for v in got if v.raw.strip()]
        return (filled or got)[-1] if got else None

    def next_target(self) -> IndicatorValue | None:
        """The target of the latest year, the one that still lies ahead when the matrix was written."""
        got = sorted(self.of_role(ValueRole.TARGET), key=lambda v: v.year or 0)
        return got[-1] if got else None

    def target_for(self, year: int | None) -> IndicatorValue | None:
        """The target for a year, when the matrix has one."""
        return next((v for v in self.of_role(ValueRole.TARGET) if v.year == year), None)


class Activity(BaseModel):
    """One activity row of the matrix."""

    id: str
    title: str
    measure: str
    objective: str
    responsible: str = ""
    status: Status = "unknown"
    status_raw: str = ""
    reasoning: str = ""
    relevance: str = ""
    effectiveness: str = ""
    next_steps: str = ""
    line: int = 0
    document: str = ""  # the file the record was read from


class Measure(BaseModel):
    """A measure of the Programme: ID, title, responsible entity, relevance."""

    id: str
    title: str
    objective: str
    responsible: str = ""
    relevance: str = ""
    line: int = 0
    document: str = ""  # the file the record was read from


class Objective(BaseModel):
    """A specific objective (or the overall objective, id '0') with its achievement line."""

    id: str
    title: str
    responsible: str = ""
    achievement: str = ""
    relevance: str = ""
    line: int = 0
    document: str = ""  # the file the record was read from


Record = Objective | Measure | Activity


class Catalog(BaseModel):
    """Every record of the matrix, with what the document says about its own structure."""

    overall: Objective | None = None
    objectives: list[Objective] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    source: str = ""
    matrix_title: str = ""  # the matrix's heading as the document writes it
    levels: list[Level] = Field(default_factory=list)
    period: tuple[int, int] | None = None  # the programme's years, e.g. (2020, 2022)
    next_period: tuple[int, int] | None = None  # the next programme's years when the document names them
    abbreviations: dict[str, str] = Field(default_factory=dict)  # defined in the text: "NDA" -> long name

    @property
    def has_matrix(self) -> bool:
        """True when the document holds a matrix with records."""
        return bool(self.objectives or self.measures or self.activities)

    @property
    def matrix_name(self) -> str:
        """How answers name the matrix: its own heading, else a plain description."""
        return self.matrix_title or "the evaluation matrix"

    def record(self, id_: str) -> Record | None:
        """The objective, measure or activity with this canonical ID, or None."""
        for group in (self.objectives, self.measures, self.activities):
            for rec in group:
                if rec.id == id_:
                    return rec
        return None

    def all_ids(self) -> set[str]:
        """Every objective, measure and activity ID in the catalog."""
        return {r.id for g in (self.objectives, self.measures, self.activities) for r in g}

    def kind_of(self, id_: str) -> Kind:
        """The kind of an ID: by the group that holds it, else by the depth of its level."""
        if any(o.id == id_ for o in self.objectives):
            return "objective"
        if any(m.id == id_ for m in self.measures):
            return "measure"
        if any(a.id == id_ for a in self.activities):
            return "activity"
        depth = id_.count(".") + 1
        for level in self.levels:
            if level.depth == depth:
                return level.kind
        return KINDS[max(0, min(2, depth - 2))]

    def depth_of(self, kind: str) -> int:
        """The number of parts of a kind's IDs: from the levels, else from a record of that kind, else 2/3/4."""
        for level in self.levels:
            if level.kind == kind:
                return level.depth
        group: list[Objective] | list[Measure] | list[Activity] = {
            "objective": self.objectives,
            "measure": self.measures,
            "activity": self.activities,
        }.get(kind) or []  # type: ignore[assignment]
        return (
            group[0].id.count(".") + 1
            if group
            else {"objective": 2, "measure": 3, "activity": 4}.get(kind, 4)
        )

    def level_name(self, kind: str) -> str:
        """The document's name for a kind of record ('Specific objective', 'Measure', 'Activity')."""
        for level in self.levels:
            if level.kind == kind:
                return level.name
        return DEFAULT_NAMES.get(kind, kind.capitalize())

    def level_plural(self, kind: str) -> str:
        """The plural of a level's name: 'Activity' -> 'activities', 'Specific objective' -> 'specific objectives'."""
        name = self.level_name(kind).lower()
        if name.endswith("s"):
            return name
        return name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"

    def label(self, id_: str) -> str:
        """'Measure 1.3.5', 'Specific objective 1.4': an ID with its level's name."""
        return f"{self.level_name(self.kind_of(id_))} {id_}"

    def id_range(self) -> str:
        """The first and last ID of the matrix, for messages ('objective 2.1 to activity 2.4.3.5')."""
        ids = [r.id for g in (self.objectives, self.measures, self.activities) for r in g]
        if not ids:
            return ""
        key = lambda i: [int(p) for p in i.split(".") if p.isdigit()]  # noqa: E731
        ordered = sorted(ids, key=key)
        first, last = ordered[0], max(ids, key=lambda i: (i.count("."), key(i)))
        return f"{self.label(first).lower()} to {self.label(last).lower()}"

    def as_of_year(self) -> int | None:
        """The latest year the matrix reports achieved values for: the year its statuses stand at."""
        years = [
            v.year
            for ind in self.indicators
            for v in ind.of_role(ValueRole.ACHIEVED)
            if v.year and v.raw.strip()
        ]
        return max(years) if years else (self.period[1] if self.period else None)

    def plan_period(self) -> str:
        """The next programme's years as the document names them ('2023-2025'), else 'next programme'."""
        return f"{self.next_period[0]}-{self.next_period[1]}" if self.next_period else "next programme"

    def status_counts(self) -> dict[str, int]:
        """Activities per normalised status, in the canonical status order."""
        counts = {s: 0 for s in STATUSES}
        for a in self.activities:
            counts[a.status] += 1
        return counts

    def merge(self, other: Catalog) -> Catalog:
        """This catalog with another's records added; a record this catalog has is never replaced."""

        def combine(a: list, b: list) -> list:
            by_id = {r.id: r for r in a}
            for r in b:
                by_id.setdefault(r.id, r)
            return list(by_id.values())

        return Catalog(
            overall=self.overall or other.overall,
            objectives=combine(self.objectives, other.objectives),
            measures=combine(self.measures, other.measures),
            activities=combine(self.activities, other.activities),
            indicators=combine(self.indicators, other.indicators),
            source=", ".join(s for s in (self.source, other.source) if s),
            matrix_title=self.matrix_title or other.matrix_title,
            levels=self.levels or other.levels,
            period=self.period or other.period,
            next_period=self.next_period or other.next_period,
            abbreviations={**other.abbreviations, **self.abbreviations},
        )
