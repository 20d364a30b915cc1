"""What every route shares: error responses for the docs, ID checks against the catalog, the checked /ask body."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Depends

from app.api_models import (
    AskRequest,
    IngestCounts,
)
from app.service import (
    current_index,
    not_found,
)
from ingest.records import STATUSES, Activity, Catalog
from rag.models import Filters

VERSION = "0.1.0"
INGESTED_FILE = {  # one file's result, in the examples of /documents and /jobs
    "file": "interview_ite.md",
    "document": "uploads/interview_ite.md",
    "status": "ingested",
    "detail": None,
    "chunks": 4,
}
JOB_WAIT = 600.0  # seconds a background upload waits for another ingest to finish
INGEST_WAIT = 30.0  # seconds an upload or delete waits for another ingest before 409

ERROR_TEXT = {
    400: "Bad request: the body could not be read (not UTF-8 JSON), or no uploaded file could be ingested.",
    401: "Missing or wrong API key (only when EGOV_API_KEY is set; uploads and deletes always need a key).",
    403: "Uploads and deletions need the admin key (EGOV_ADMIN_API_KEY; disabled while it is unset); "
    "or the document is not deletable.",
    404: "Unknown ID or name; `closest` lists the nearest existing ones.",
    409: "Another ingest is running; try again shortly.",
    413: "Request body or file too large.",
    422: "Invalid request, with a readable message.",
    500: "Unexpected server error (a bug; no input should cause it).",
    503: "The index is not built yet (run `egov ingest`), or a component is not installed.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response entries for error codes, all with the ErrorResponse body (JSON, whatever the route's
    own media type)."""
    schema = {"$ref": "#/components/schemas/ErrorResponse"}
    return {
        code: {"description": ERROR_TEXT[code], "content": {"application/json": {"schema": schema}}}
        for code in codes
    }


COMMON = (401, 422, 500)
BODY = (400, 401, 413, 422, 500)  # routes that read a request body


def examples(example: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": example}}}}


# ---------------------------------------------------------------- helpers over the catalog

ID_IN = re.compile(r"^\s*(?:(?:activity|measure|objective|so)\s*)?(\d+(?:\s*\.\s*\d+)*)\s*\.?\s*$", re.I)


def norm_id(raw: str) -> str:
    """'Activity 1.4.2.2' / ' 1.4.2.2. ' -> '1.4.2.2'; anything else is returned stripped."""
    m = ID_IN.match(raw or "")
    return ".".join(p.strip() for p in m.group(1).split(".")) if m else (raw or "").strip()


def status_counts(activities: list[Activity]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for a in activities:
        counts[a.status] = counts.get(a.status, 0) + 1
    return counts


def objective_ids(catalog: Catalog) -> list[str]:
    return [o.id for o in catalog.objectives]


def check_objective(catalog: Catalog, raw: str | None, allow_overall: bool = False) -> str | None:
    if not raw:
        return None
    wanted = norm_id(raw)
    known = objective_ids(catalog) + (["0"] if allow_overall else [])
    if wanted not in known:
        raise not_found("objective", raw, known)
    return wanted


def check_measure(catalog: Catalog, raw: str | None) -> str | None:
    if not raw:
        return None
    wanted = norm_id(raw)
    known = [m.id for m in catalog.measures]
    if wanted not in known:
        raise not_found("measure", raw, known)
    return wanted


def check_filters(filters: Filters | None, index: Any) -> Filters | None:
    """Unknown objective or measure in filters -> 404 with the closest IDs; IDs normalised."""
    if filters is None:
        return None
    objective = check_objective(index.catalog, filters.objective)
    measure = check_measure(index.catalog, filters.measure)
    return filters.model_copy(update={"objective": objective, "measure": measure})


def checked_ask(body: AskRequest, index: Any = Depends(current_index)) -> AskRequest:
    """Dependency: the request with its filters checked against the catalog (before any streaming starts)."""
    return body.model_copy(update={"filters": check_filters(body.filters, index)})


def ingest_counts(summary: Any) -> IngestCounts:
    return IngestCounts(
        added=summary.added,
        updated=summary.updated,
        deleted=summary.deleted,
        unchanged=summary.unchanged,
        seconds=summary.seconds,
    )
