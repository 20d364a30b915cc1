"""/feedback, /stats and /health."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from app.api.deps import BODY, COMMON, ERROR_TEXT, VERSION, errors, examples
from app.api_models import (
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    HealthResponse,
    StatsResponse,
)
from app.feedback import record_feedback
from app.security import require_api_key
from app.service import (
    NO_INDEX,
    ApiError,
    app_settings,
    load_index,
)
from ingest.records import Catalog
from ingest.stats import stats_of
from rag.index import index_problem


def router() -> APIRouter:
    router = APIRouter(tags=["service"])

    @router.post(
        "/feedback",
        status_code=201,
        response_model=FeedbackResponse,
        summary="Rate an answer",
        dependencies=[Depends(require_api_key)],
        responses=errors(*BODY),
    )
    def feedback(body: FeedbackRequest, request: Request) -> FeedbackResponse:
        """Thumbs up or down on an answer (its `answer_id` from /ask), with an optional comment; stored in SQLite
        under EGOV_DATA_DIR."""

        row = record_feedback(
            body.answer_id,
            body.rating,
            body.comment,
            question=body.question,
            answer=body.answer,
            settings=app_settings(request),
        )
        return FeedbackResponse(id=row)

    @router.get(
        "/stats",
        response_model=StatsResponse,
        summary="What the index holds",
        dependencies=[Depends(require_api_key)],
        responses={
            **errors(*COMMON),
            **examples(
                {
                    "documents": 1,
                    "chunks": 400,
                    "objectives": 4,
                    "measures": 24,
                    "activities": 100,
                    "indicators": 60,
                    "statuses": {
                        "completed": 40,
                        "ongoing": 30,
                        "abandoned": 13,
                        "not initiated": 10,
                        "no data": 5,
                        "unknown": 2,
                    },
                }
            ),
        },
    )
    def stats(request: Request) -> StatsResponse:
        """Documents, chunks, objectives, measures, activities, indicators and activities per status."""

        try:
            index = load_index(app_settings(request))  # the loaded index: a corrupt file on disk is no 500
        except ApiError as exc:
            if exc.detail != NO_INDEX:
                raise
            return StatsResponse(**stats_of([], Catalog()))  # nothing ingested yet: all zero
        return StatsResponse(**stats_of(index.chunks, index.catalog))

    @router.get(
        "/health",
        response_model=HealthResponse,
        summary="Is the service ready?",
        responses={
            422: {"model": ErrorResponse, "description": ERROR_TEXT[422]},
            500: {"model": ErrorResponse, "description": ERROR_TEXT[500]},
            **examples(
                {
                    "status": "ok",
                    "index": True,
                    "detail": None,
                    "documents": 1,
                    "chunks": 400,
                    "mode": "extractive",
                    "version": VERSION,
                }
            ),
        },
    )
    def health(request: Request) -> HealthResponse:
        """No API key needed. `status` is `no_index` (with what to do) until `egov ingest` has built the index."""
        settings = app_settings(request)
        mode = (
            "extractive"
            if settings.llm_provider == "none"
            else f"llm ({settings.llm_provider}: {settings.llm_model})"
        )
        try:
            index = load_index(settings)
        except ApiError as exc:
            return HealthResponse(
                status="no_index", index=False, detail=str(exc.detail), mode=mode, version=VERSION
            )

        problem = index_problem(settings)
        return HealthResponse(
            status="degraded" if problem else "ok",
            detail=problem,
            index=True,
            documents=len({c.document for c in index.chunks}),
            chunks=len(index.chunks),
            mode=mode,
            version=VERSION,
        )

    return router
