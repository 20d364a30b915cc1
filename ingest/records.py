"""Typed records of the Evaluation Matrix (Annex 7) and the catalog that holds them."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["completed", "ongoing", "abandoned", "not initiated", "no data", "unknown"]
STATUSES: tuple[str, ...] = ("completed", "ongoing", "abandoned", "not initiated", "no data", "unknown")


class Value(BaseModel):
    """A matrix value as written, with the number it states when it states one."""

    raw: str = ""
    number: float | None = None


class Indicator(BaseModel):
    """One indicator row of the matrix, attached to the overall objective, an objective or a measure."""

    id: str  # e.g. "1.4/ind1" -- stable key, not a document ID
    owner: str  # "0" for the overall objective, else the objective or measure ID
    name: str
    unit: str = ""
    baseline_2019: Value = Value()
    value_2020: Value = Value()
    target_2021: Value = Value()
    achieved_2021: Value = Value()
    reasoning: str = ""
    target_2022: Value = Value()
    next_steps: str = ""
    line: int = 0


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


class Measure(BaseModel):
    """A measure of the Programme: ID, title, responsible entity, relevance."""

    id: str
    title: str
    objective: str
    responsible: str = ""
    relevance: str = ""
    line: int = 0


class Objective(BaseModel):
    """A specific objective (or the overall objective, id '0') with its achievement line."""

    id: str
    title: str
    responsible: str = ""
    achievement: str = ""
    relevance: str = ""
    line: int = 0


class Catalog(BaseModel):
    """Every record of the matrix, for exact look-ups without the vector store."""

    overall: Objective | None = None
    objectives: list[Objective] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    source: str = ""

    def record(self, id_: str) -> Objective | Measure | Activity | None:
        """The objective, measure or activity with this canonical ID, or None."""
        for group in (self.objectives, self.measures, self.activities):
            for rec in group:
                if rec.id == id_:
                    return rec
        return None

    def all_ids(self) -> set[str]:
        """Every objective, measure and activity ID in the catalog."""
        return {r.id for g in (self.objectives, self.measures, self.activities) for r in g}

    def status_counts(self) -> dict[str, int]:
        """Activities per normalised status, in the canonical status order."""
        counts = {s: 0 for s in STATUSES}
        for a in self.activities:
            counts[a.status] += 1
        return counts

    def merge(self, other: "Catalog") -> "Catalog":
        """This catalog with another's records added (records of a later document win by ID)."""
        def combine(a: list, b: list) -> list:
            by_id = {r.id: r for r in a}
            by_id.update({r.id: r for r in b})
            return list(by_id.values())

        return Catalog(
            overall=other.overall or self.overall,
            objectives=combine(self.objectives, other.objectives),
            measures=combine(self.measures, other.measures),
            activities=combine(self.activities, other.activities),
            indicators=combine(self.indicators, other.indicators),
            source=", ".join(s for s in (self.source, other.source) if s),
        )
