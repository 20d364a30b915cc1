"""/objectives, /measures, /activities and /indicators: the evaluation matrix's records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from app.api.deps import COMMON, check_measure, check_objective, errors, examples, norm_id, status_counts
from app.api_models import (
    ActivityDetail,
    MeasureDetail,
    MeasureSummary,
    ObjectivesResponse,
    ObjectiveSummary,
)
from app.security import require_api_key
from app.service import (
    current_index,
    not_found,
)
from ingest.records import Activity, Catalog, Indicator, Status


def router() -> APIRouter:
    router = APIRouter(tags=["records"], dependencies=[Depends(require_api_key)])
    responses = errors(*COMMON, 404, 503)

    @router.get(
        "/objectives",
        response_model=ObjectivesResponse,
        summary="The objectives",
        responses={
            **responses,
            **examples(
                {
                    "overall": {
                        "id": "0",
                        "title": "Development of an efficient and user-centric "
                        "administration in a digital environment",
                        "responsible": "",
                        "achievement": "55% achieved, 45% not achieved",
                        "relevance": "",
                        "line": 964,
                    },
                    "objectives": [
                        {
                            "id": "1.4",
                            "title": "Data opening in the public administration",
                            "responsible": "ITE Office",
                            "achievement": "60% achieved and 40% not achieved",
                            "relevance": "Specific objective is relevant for the coming period",
                            "line": 3175,
                            "measures": ["1.4.1", "1.4.2", "1.4.3", "1.4.4"],
                            "activities": 17,
                            "statuses": {
                                "completed": 6,
                                "ongoing": 4,
                                "abandoned": 4,
                                "not initiated": 1,
                                "no data": 1,
                                "unknown": 1,
                            },
                        }
                    ],
                }
            ),
        },
    )
    def objectives(index: Any = Depends(current_index)) -> ObjectivesResponse:
        """The overall objective and the specific objectives, each with its measures and activities per status."""
        catalog: Catalog = index.catalog
        out = []
        for o in catalog.objectives:
            acts = [a for a in catalog.activities if a.objective == o.id]
            out.append(
                ObjectiveSummary(
                    **o.model_dump(),
                    measures=[m.id for m in catalog.measures if m.objective == o.id],
                    activities=len(acts),
                    statuses=status_counts(acts),
                )
            )
        return ObjectivesResponse(overall=catalog.overall, objectives=out)

    @router.get("/measures", response_model=list[MeasureSummary], summary="The measures", responses=responses)
    def measures(
        objective: str | None = Query(
            None, max_length=50, description="Only this objective's measures.", examples=["1.3"]
        ),
        index: Any = Depends(current_index),
    ) -> list[MeasureSummary]:
        """Every measure (or one objective's), with counts of its activities and indicators."""
        catalog: Catalog = index.catalog
        wanted = check_objective(catalog, objective)
        out = []
        for m in catalog.measures:
            if wanted and m.objective != wanted:
                continue
            acts = [a for a in catalog.activities if a.measure == m.id]
            out.append(
                MeasureSummary(
                    **m.model_dump(),
                    activities=len(acts),
                    statuses=status_counts(acts),
                    indicators=sum(1 for i in catalog.indicators if i.owner == m.id),
                )
            )
        return out

    @router.get(
        "/measures/{measure_id}",
        response_model=MeasureDetail,
        summary="One measure with its indicators and activities",
        responses=responses,
    )
    def measure(
        measure_id: str = Path(..., max_length=50, examples=["1.3.5"]), index: Any = Depends(current_index)
    ) -> MeasureDetail:
        """A measure's record, its indicators and its activities; unknown IDs get 404 with the closest."""
        catalog: Catalog = index.catalog
        wanted = check_measure(catalog, measure_id)
        m = next(m for m in catalog.measures if m.id == wanted)
        objective = next((o for o in catalog.objectives if o.id == m.objective), None)
        return MeasureDetail(
            **m.model_dump(),
            objective_title=objective.title if objective else "",
            indicators=[i for i in catalog.indicators if i.owner == m.id],
            activities=[a for a in catalog.activities if a.measure == m.id],
        )

    @router.get(
        "/activities", response_model=list[Activity], summary="Activities, filtered", responses=responses
    )
    def activities(
        status: Status | None = Query(
            None,
            description="completed, ongoing, abandoned, not initiated, no data or unknown",
            examples=["abandoned"],
        ),
        objective: str | None = Query(None, max_length=50, examples=["1.4"]),
        measure: str | None = Query(None, max_length=50, examples=["1.4.2"]),
        responsible: str | None = Query(
            None,
            max_length=200,
            description="Part of the responsible entity's name, any case.",
            examples=["ITE"],
        ),
        index: Any = Depends(current_index),
    ) -> list[Activity]:
        """Activities of the Evaluation Matrix by status, objective, measure and responsible entity."""
        catalog: Catalog = index.catalog
        obj = check_objective(catalog, objective)
        mea = check_measure(catalog, measure)
        who = " ".join(responsible.split()).casefold() if responsible else ""
        return [
            a
            for a in catalog.activities
            if (status is None or a.status == status)
            and (obj is None or a.objective == obj)
            and (mea is None or a.measure == mea)
            and (not who or who in " ".join(a.responsible.split()).casefold())
        ]

    @router.get(
        "/activities/{activity_id}",
        response_model=ActivityDetail,
        summary="One activity",
        responses=responses,
    )
    def activity(
        activity_id: str = Path(..., max_length=50, examples=["1.4.2.2"]), index: Any = Depends(current_index)
    ) -> ActivityDetail:
        """An activity's whole record; unknown IDs get 404 with the closest existing IDs."""
        catalog: Catalog = index.catalog
        wanted = norm_id(activity_id)
        found = next((a for a in catalog.activities if a.id == wanted), None)
        if found is None:
            raise not_found("activity", activity_id, [a.id for a in catalog.activities])
        m = next((m for m in catalog.measures if m.id == found.measure), None)
        return ActivityDetail(**found.model_dump(), measure_title=m.title if m else "")

    @router.get("/indicators", response_model=list[Indicator], summary="Indicators", responses=responses)
    def indicators(
        measure: str | None = Query(
            None, max_length=50, description="Only this measure's indicators.", examples=["1.3.5"]
        ),
        objective: str | None = Query(
            None,
            max_length=50,
            description="This objective's indicators and its measures' ('0' for the overall objective).",
            examples=["1.3"],
        ),
        index: Any = Depends(current_index),
    ) -> list[Indicator]:
        """Indicator rows: baseline 2019, 2020, target and achieved 2021, target 2022, reasoning, next steps."""
        catalog: Catalog = index.catalog
        mea = check_measure(catalog, measure)
        obj = check_objective(catalog, objective, allow_overall=True)
        return [
            i
            for i in catalog.indicators
            if (mea is None or i.owner == mea)
            and (obj is None or i.owner == obj or (obj != "0" and i.owner.startswith(obj + ".")))
        ]

    return router
