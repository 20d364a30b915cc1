"""The HTTP API: `create_app(settings)` builds the FastAPI app; `app` is the default one (`uvicorn app.api:app`).

Routers stay thin: answers come from rag.ask / rag.search / rag.draft, records from the index's catalog,
ingestion from ingest.pipeline. The index (model, chunks, catalog) loads once at start-up; rag.index
swaps in a fresh immutable Index when an ingest changes the files, so answers in flight keep working.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path as FilePath
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from app.api_models import (
    ActivityDetail,
    AskRequest,
    DeleteResponse,
    DocumentInfo,
    DraftRequest,
    DraftResponse,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    HealthResponse,
    IngestCounts,
    MeasureDetail,
    MeasureSummary,
    ObjectivesResponse,
    ObjectiveSummary,
    SearchRequest,
    SearchResponse,
    StatsResponse,
    UploadAccepted,
    UploadResponse,
    UploadResult,
)
from app.docs import install_docs
from app.jobs import Job, Jobs
from app.rate_limit import RateLimit
from app.security import MAX_FILES, MB, install_security, require_admin_key, require_api_key
from app.service import (
    NO_INDEX,
    ApiError,
    answer_stream,
    app_settings,
    current_index,
    install_error_handlers,
    load_index,
    log,
    not_found,
    single_query_values,
)
from ingest.config import Settings, get_settings
from ingest.provenance import UPLOADS
from ingest.records import STATUSES, Activity, Catalog, Indicator, Status
from rag.models import Answer, Filters

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


def _examples(example: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": example}}}}


# ---------------------------------------------------------------- helpers over the catalog

_ID_IN = re.compile(r"^\s*(?:(?:activity|measure|objective|so)\s*)?(\d+(?:\s*\.\s*\d+)*)\s*\.?\s*$", re.I)


def norm_id(raw: str) -> str:
    """'Activity 1.4.2.2' / ' 1.4.2.2. ' -> '1.4.2.2'; anything else is returned stripped."""
    m = _ID_IN.match(raw or "")
    return ".".join(p.strip() for p in m.group(1).split(".")) if m else (raw or "").strip()


def _statuses(activities: list[Activity]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for a in activities:
        counts[a.status] = counts.get(a.status, 0) + 1
    return counts


def _objective_ids(catalog: Catalog) -> list[str]:
    return [o.id for o in catalog.objectives]


def _check_objective(catalog: Catalog, raw: str | None, allow_overall: bool = False) -> str | None:
    if not raw:
        return None
    wanted = norm_id(raw)
    known = _objective_ids(catalog) + (["0"] if allow_overall else [])
    if wanted not in known:
        raise not_found("objective", raw, known)
    return wanted


def _check_measure(catalog: Catalog, raw: str | None) -> str | None:
    if not raw:
        return None
    wanted = norm_id(raw)
    known = [m.id for m in catalog.measures]
    if wanted not in known:
        raise not_found("measure", raw, known)
    return wanted


def _check_filters(filters: Filters | None, index: Any) -> Filters | None:
    """Unknown objective or measure in filters -> 404 with the closest IDs; IDs normalised."""
    if filters is None:
        return None
    objective = _check_objective(index.catalog, filters.objective)
    measure = _check_measure(index.catalog, filters.measure)
    return filters.model_copy(update={"objective": objective, "measure": measure})


def checked_ask(body: AskRequest, index: Any = Depends(current_index)) -> AskRequest:
    """Dependency: the request with its filters checked against the catalog (before any streaming starts)."""
    return body.model_copy(update={"filters": _check_filters(body.filters, index)})


def _counts(summary: Any) -> IngestCounts:
    return IngestCounts(
        added=summary.added,
        updated=summary.updated,
        deleted=summary.deleted,
        unchanged=summary.unchanged,
        seconds=summary.seconds,
    )


# ---------------------------------------------------------------- uploads

SAFE_CHARS = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(raw: str | None) -> str | None:
    """A file name safe to store: basename only, ASCII letters, digits, '._ -', no leading dot; else None."""
    if not raw:
        return None
    name = raw.replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = SAFE_CHARS.sub("_", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"_+", "_", name).strip(" ._-")
    stem, ext = os.path.splitext(name)
    stem = stem[:100].strip(" ._-")
    if not stem or not ext:
        return None
    name = stem + ext.lower()
    if name.lower() == "readme.md":  # folder READMEs are skipped by a full ingest
        name = "readme_upload.md"
    return name


def content_problem(ext: str, data: bytes) -> str | None:
    """Why the bytes are not a file of this type (checked by content, not name), or None."""
    from ingest.loaders import MAX_DOCX_UNZIPPED, SUPPORTED, LoadError, decode_text

    if ext not in SUPPORTED:
        return f"unsupported file type '{ext}' (supported: {', '.join(SUPPORTED)})"
    if not data:
        return "empty file"
    if ext == ".pdf":
        return None if data[:1024].lstrip().startswith(b"%PDF") else "not a PDF file (no %PDF header)"
    if ext == ".docx":
        if not data.startswith(b"PK"):
            return "not a DOCX file (not a zip archive)"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                total = sum(info.file_size for info in zf.infolist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return "not a DOCX file (damaged zip archive)"
        if "word/document.xml" not in names:
            return "not a DOCX file (no word/document.xml)"
        if total > MAX_DOCX_UNZIPPED:
            return f"DOCX unpacks to {total // 1_000_000} MB (a zip bomb?); refused"
        return None
    if b"\x00" in data:
        return "binary content, not text (it holds NUL bytes)"
    try:
        text = decode_text(data)
    except LoadError as exc:
        return str(exc)
    if not text.strip():
        return "empty file"
    return None


def uploads_dir(settings: Settings) -> FilePath:
    """corpus_dir/uploads, created if missing; refused if it resolves outside the corpus folder."""
    corpus = settings.corpus_dir.resolve()
    folder = settings.corpus_dir / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.resolve().is_relative_to(corpus) or folder.resolve() == corpus:
        raise ApiError(503, "The uploads folder is not inside the corpus folder; uploads are refused.")
    return folder


def _inside(folder: FilePath, name: str) -> FilePath | None:
    """folder/name if it stays directly inside folder (no traversal, no symlink out), else None."""
    path = folder / name
    if path.is_symlink() or path.resolve().parent != folder.resolve():
        return None
    return path


def _ingest_staged(
    settings: Settings,
    results: list[UploadResult],
    staged: list[tuple[UploadResult, FilePath, FilePath | None]],
    wait_seconds: float,
) -> UploadResponse:
    """Ingest the staged files and fill in their results; a file that fails is put back as it was.
    IngestLocked when another ingest holds the lock past wait_seconds (the files are put back)."""
    from ingest.pipeline import IngestLocked, ingest

    summary = None
    try:
        summary = ingest([p for _, p, _ in staged], settings=settings, quiet=True, wait_seconds=wait_seconds)
    except IngestLocked:
        _restore([(p, b) for _, p, b in staged])
        raise
    except Exception as exc:  # noqa: BLE001 - a document that breaks the loader is the file's fault
        log.exception("ingest of uploads failed")
        _restore([(p, b) for _, p, b in staged])
        for result, _, _ in staged:
            result.status, result.document = "failed", None
            result.detail = f"could not be ingested ({type(exc).__name__}: {exc})"[:500]
        staged = []
    if summary is not None:
        failed = {FilePath(e.file).resolve(): e.reason for e in summary.errors}
        index = None
        for result, path, backup in staged:
            reason = failed.get(path.resolve())
            if reason is not None:
                _restore([(path, backup)])
                result.status, result.detail, result.document = "failed", reason, None
                continue
            if backup is not None:
                backup.unlink(missing_ok=True)
            result.status = "ingested"
            if index is None:
                index = load_index(settings)
            result.chunks = sum(1 for c in index.chunks if c.document == result.document)
    return _upload_result(results, _counts(summary) if summary is not None else None)


def _upload_result(results: list[UploadResult], summary: IngestCounts | None) -> UploadResponse:
    ingested = sum(1 for r in results if r.status == "ingested")
    response = UploadResponse(
        ingested=ingested, failed=len(results) - ingested, results=results, summary=summary
    )
    if not ingested:
        reasons = "; ".join(f"{r.file or '(no name)'}: {r.detail}" for r in results)
        response.detail = f"No file was ingested. {reasons}"[:2000]
    return response


def _upload_response(response: UploadResponse) -> Any:
    """201 with the per-file results, or 400 when no file was ingested."""
    if not response.ingested:
        return JSONResponse(response.model_dump(mode="json"), status_code=400)
    return response


def _restore(staged: list[tuple[FilePath, FilePath | None]]) -> None:
    """Undo a staged upload: remove new files, put any replaced ones back."""
    for path, backup in staged:
        try:
            path.unlink(missing_ok=True)
            if backup is not None and backup.exists():
                os.replace(backup, path)
        except OSError:
            log.exception("could not restore %s", path)


def _uploaded_names(settings: Settings, index: Any | None) -> list[str]:
    names = set()
    folder = settings.corpus_dir / UPLOADS
    if folder.is_dir():
        names |= {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    if index is not None:
        names |= {c.document.split("/", 1)[1] for c in index.chunks if c.document.startswith(UPLOADS + "/")}
    return sorted(names)


# ---------------------------------------------------------------- routers


def _answers_router() -> APIRouter:
    router = APIRouter(tags=["answers"], dependencies=[Depends(require_api_key)])

    @router.post(
        "/ask",
        response_model=Answer,
        summary="Answer a question with citations",
        responses={
            **errors(*BODY, 404, 503),
            **_examples(
                {
                    "answer": "Activity 1.4.2.2 (Improvement of the Open Data Portal software solution …) is marked "
                    "“abandoned” in the Evaluation Matrix (Annex 7). Reasoning given: Funds have not been "
                    "secured …",
                    "abstained": False,
                    "citations": [
                        {
                            "id": "1.4.2.2",
                            "kind": "activity",
                            "title": "Improvement of the Open Data Portal software solution …",
                            "source": "egov_expost_2020_2022.txt, Annex 7: Evaluation Matrix, line 3341",
                            "quote": "Funds have not been secured 2 million dinars",
                        }
                    ],
                    "sources": [
                        {
                            "chunk_id": "egov_expost_2020_2022.txt#activity-1.4.2.2",
                            "text": "…",
                            "score": 0.05,
                            "metadata": {"kind": "activity", "record_id": "1.4.2.2"},
                        }
                    ],
                    "mode": "extractive",
                    "intent": "status",
                    "answer_id": "3f2a9c1b7d4e",
                    "notice": None,
                }
            ),
        },
    )
    def ask_route(request: Request, body: AskRequest = Depends(checked_ask)) -> Answer:
        """The DESIGN.md contract: the answer, whether it abstained, its citations (ID, kind, title, source,
        verbatim quote) and the ranked sources. `answer_id` identifies the answer for /feedback."""
        from rag.ask import ask

        return ask(
            body.question,
            history=[t.model_dump() for t in body.history],
            filters=body.filters,
            settings=app_settings(request),
            k=body.k,
        )

    @router.post(
        "/ask/stream",
        response_class=EventSourceResponse,
        summary="Answer as Server-Sent Events",
        responses={
            **errors(*BODY, 404, 503),
            200: {
                "description": (
                    '`event: token` events carry `{"text": piece}` as the answer is produced; then one '
                    "`event: answer` carries the whole Answer (citations and sources), as from /ask. A failure "
                    'mid-stream ends with `event: error` and `{"detail": message}`.'
                )
            },
        },
    )
    def ask_stream(request: Request, body: AskRequest = Depends(checked_ask)) -> Iterator[ServerSentEvent]:
        """Same request as /ask; the answer text streams first, citations and sources come in the final event."""
        settings = app_settings(request)
        try:
            for item in answer_stream(
                body.question, [t.model_dump() for t in body.history], body.filters, settings, k=body.k
            ):
                if isinstance(item, Answer):
                    yield ServerSentEvent(event="answer", data=item.model_dump(mode="json"))
                else:
                    yield ServerSentEvent(event="token", data={"text": item})
        except Exception as exc:  # noqa: BLE001 - the status line is sent already: report in-band
            log.exception("stream failed")
            yield ServerSentEvent(
                event="error", data={"detail": f"The answer could not be completed ({type(exc).__name__})."}
            )

    @router.post(
        "/search",
        response_model=SearchResponse,
        summary="Ranked sources only",
        responses={
            **errors(*BODY, 404, 503),
            **_examples(
                {
                    "question": "open data portal",
                    "sources": [
                        {
                            "chunk_id": "egov_expost_2020_2022.txt#activity-1.4.2.2",
                            "text": "…",
                            "score": 0.05,
                            "metadata": {"kind": "activity"},
                        }
                    ],
                }
            ),
        },
    )
    def search_route(
        body: SearchRequest, request: Request, index: Any = Depends(current_index)
    ) -> SearchResponse:
        """The k best sources for a query (dense + BM25 + exact IDs, fused), with optional filters."""
        from rag.search import search

        filters = _check_filters(body.filters, index)
        sources = search(body.question, filters=filters, k=body.k, settings=app_settings(request))
        return SearchResponse(question=body.question, sources=[s.model_dump() for s in sources])

    return router


def _records_router() -> APIRouter:
    router = APIRouter(tags=["records"], dependencies=[Depends(require_api_key)])
    responses = errors(*COMMON, 404, 503)

    @router.get(
        "/objectives",
        response_model=ObjectivesResponse,
        summary="The objectives",
        responses={
            **responses,
            **_examples(
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
                    statuses=_statuses(acts),
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
        wanted = _check_objective(catalog, objective)
        out = []
        for m in catalog.measures:
            if wanted and m.objective != wanted:
                continue
            acts = [a for a in catalog.activities if a.measure == m.id]
            out.append(
                MeasureSummary(
                    **m.model_dump(),
                    activities=len(acts),
                    statuses=_statuses(acts),
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
        wanted = _check_measure(catalog, measure_id)
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
        obj = _check_objective(catalog, objective)
        mea = _check_measure(catalog, measure)
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
        mea = _check_measure(catalog, measure)
        obj = _check_objective(catalog, objective, allow_overall=True)
        return [
            i
            for i in catalog.indicators
            if (mea is None or i.owner == mea)
            and (obj is None or i.owner == obj or (obj != "0" and i.owner.startswith(obj + ".")))
        ]

    return router


def _drafts_router() -> APIRouter:
    router = APIRouter(tags=["drafts"], dependencies=[Depends(require_api_key)])
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    @router.post(
        "/draft",
        response_model=DraftResponse,
        summary="Draft a 2023-2025 action-plan entry",
        responses={
            **errors(*BODY, 404, 503),
            200: {
                "description": "JSON by default; `?format=md` a Markdown file, `?format=docx` a Word file.",
                "content": {
                    "text/markdown": {"schema": {"type": "string"}},
                    docx_type: {"schema": {"type": "string", "format": "binary"}},
                },
            },
        },
    )
    def draft_route(
        body: DraftRequest,
        request: Request,
        format: Literal["json", "md", "docx"] = Query("json", description="json, md or docx (a download)."),
        index: Any = Depends(current_index),
    ) -> Any:
        """A grounded draft entry for a measure, topic or free request. When the evaluation does not cover the
        request, JSON says so (`covered: false`); the md/docx downloads answer 404 with the reason."""
        try:
            from rag.draft import draft
        except ImportError:
            raise ApiError(
                503, "Drafting is not available in this installation yet (rag.draft is missing)."
            ) from None
        doc = draft(body.request, settings=app_settings(request))
        if format == "json":

            def plain(items: Any) -> list[dict[str, Any]]:
                return [
                    x.model_dump(mode="json") if hasattr(x, "model_dump") else dict(x) for x in (items or [])
                ]

            return DraftResponse(
                covered=bool(doc.covered),
                message=doc.message or "",
                title=doc.title or "",
                request=body.request,
                topic=getattr(doc, "topic", "") or "",
                mode=getattr(doc, "mode", "extractive") or "extractive",
                entries=plain(doc.entries),
                general=plain(getattr(doc, "general", [])),
                citations=list(doc.citations),
                markdown=doc.to_markdown(),
            )
        if not doc.covered:
            raise ApiError(404, doc.message or "The evaluation does not cover this request.")
        slug = re.sub(r"[^a-z0-9]+", "-", (doc.title or body.request).lower()).strip("-")[:60] or "draft"
        if format == "md":
            return Response(
                doc.to_markdown(),
                media_type="text/markdown; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{slug}.md"'},
            )
        return Response(
            doc.to_docx_bytes(),
            media_type=docx_type,
            headers={"Content-Disposition": f'attachment; filename="{slug}.docx"'},
        )

    return router


def _documents_router() -> APIRouter:
    router = APIRouter(tags=["documents"], dependencies=[Depends(require_api_key)])

    @router.get(
        "/documents",
        response_model=list[DocumentInfo],
        summary="Documents in the index",
        responses={
            **errors(*COMMON),
            **_examples(
                [
                    {
                        "name": "egov_expost_2020_2022.txt",
                        "doc_type": "annex",
                        "chunks": 337,
                        "uploaded": False,
                        "bytes": 213992,
                    },
                    {
                        "name": "uploads/interview_ite.md",
                        "doc_type": "report",
                        "chunks": 4,
                        "uploaded": True,
                        "bytes": 5120,
                    },
                ]
            ),
        },
    )
    def list_documents(request: Request) -> list[DocumentInfo]:
        """Every indexed document with its chunk count; uploaded ones (under uploads/) can be deleted."""
        settings = app_settings(request)
        try:
            index = load_index(settings)
        except ApiError:
            return []
        counts = Counter(c.document for c in index.chunks)
        types = {c.document: c.doc_type for c in index.chunks}
        out = []
        for name, n in sorted(counts.items()):
            path = settings.corpus_dir / name
            size = path.stat().st_size if path.is_file() else None
            out.append(
                DocumentInfo(
                    name=name,
                    doc_type=types[name],
                    chunks=n,
                    uploaded=name.startswith(UPLOADS + "/"),
                    bytes=size,
                )
            )
        return out

    @router.post(
        "/documents",
        status_code=201,
        response_model=UploadResponse,
        summary="Upload and ingest documents",
        dependencies=[Depends(require_admin_key)],
        responses={
            **errors(*BODY, 403, 409, 503),
            400: {"model": UploadResponse, "description": "No file could be ingested; per-file reasons."},
            202: {
                "model": UploadAccepted,
                "description": "Accepted (the default, without wait=true): ingested in the background; "
                "GET status_url for the results.",
            },
            201: {
                "content": {
                    "application/json": {
                        "example": {
                            "detail": None,
                            "ingested": 1,
                            "failed": 1,
                            "results": [
                                INGESTED_FILE,
                                {
                                    "file": "scan.pdf",
                                    "document": None,
                                    "status": "rejected",
                                    "detail": "not a PDF file (no %PDF header)",
                                    "chunks": 0,
                                },
                            ],
                            "summary": {
                                "added": 4,
                                "updated": 0,
                                "deleted": 0,
                                "unchanged": 0,
                                "seconds": 0.8,
                            },
                        }
                    }
                }
            },
        },
    )
    def upload(
        request: Request,
        files: list[UploadFile] = File(
            ...,
            description=(
                f".pdf, .docx, .txt or .md; at most {MAX_FILES} files, each at most EGOV_MAX_UPLOAD_MB (25) MB."
            ),
        ),
        wait: bool = Query(
            False,
            description="true: ingest within the request and answer 201 with the results (409 if another "
            "ingest holds the lock for 30 s); false: answer 202 at once and ingest in the background "
            "(GET /jobs/{id}).",
        ),
    ) -> Any:
        """Store each file under the corpus folder's uploads/ and ingest it: in the background by default
        (202 and a job to follow), or within the request with wait=true. Files are checked by content
        (PDF header, DOCX package, text without NULs); names are sanitised. Needs the admin key
        (EGOV_ADMIN_API_KEY)."""
        from ingest.pipeline import IngestLocked

        settings = app_settings(request)
        if len(files) > MAX_FILES:
            raise ApiError(413, f"Too many files: at most {MAX_FILES} per upload.")
        limit = settings.max_upload_mb * MB
        folder = uploads_dir(settings)
        results: list[UploadResult] = []
        staged: list[tuple[UploadResult, FilePath, FilePath | None]] = []
        seen: set[str] = set()
        for f in files:
            sent = f.filename or ""
            result = UploadResult(file=sent[:300], document=None, status="rejected", detail=None)
            results.append(result)
            name = safe_filename(sent)
            if name is None:
                result.detail = "missing or unusable file name (it needs a name and an extension)"
                continue
            ext = os.path.splitext(name)[1]
            data = f.file.read(limit + 1)
            if len(data) > limit:
                result.detail = f"file too large (the limit is {settings.max_upload_mb} MB)"
                continue
            problem = content_problem(ext, data)
            if problem:
                result.detail = problem
                continue
            if name.lower() in seen:
                result.detail = f"another file in this upload is also named '{name}'"
                continue
            dest = _inside(folder, name)
            if dest is None or (dest.exists() and not dest.is_file()):
                result.detail = "a file of that name cannot be written here"
                continue
            seen.add(name.lower())
            tag = uuid.uuid4().hex[:8]
            backup = None
            if dest.exists():
                backup = folder / f".{name}.{tag}.bak"
                os.replace(dest, backup)
            part = folder / f".{name}.{tag}.part"
            part.write_bytes(data)
            os.replace(part, dest)
            result.document = f"{UPLOADS}/{name}"
            staged.append((result, dest, backup))

        if not staged:
            return _upload_response(_upload_result(results, None))
        if not wait:  # in the background: the request returns at once, /jobs/{id} tells how it ends
            jobs: Jobs = request.app.state.jobs
            job = jobs.submit(lambda: _ingest_staged(settings, results, staged, JOB_WAIT))
            accepted = UploadAccepted(job=job.id, status_url=f"/jobs/{job.id}", results=results)
            return JSONResponse(accepted.model_dump(mode="json"), status_code=202)
        try:
            response = _ingest_staged(settings, results, staged, INGEST_WAIT)
        except IngestLocked as exc:
            raise ApiError(409, f"{exc}.") from None
        return _upload_response(response)

    @router.get(
        "/jobs/{job_id}",
        response_model=Job,
        summary="How a background upload ended",
        responses={
            **errors(*COMMON, 404),
            **_examples(
                {
                    "id": "3f2a9c1b7d4e5a6b",
                    "status": "done",
                    "created": 1795940000.0,
                    "started": 1795940000.1,
                    "finished": 1795940002.4,
                    "result": {
                        "detail": None,
                        "ingested": 1,
                        "failed": 0,
                        "results": [INGESTED_FILE],
                        "summary": {"added": 4, "updated": 0, "deleted": 0, "unchanged": 337, "seconds": 2.3},
                    },
                    "detail": None,
                }
            ),
        },
    )
    def job_status(request: Request, job_id: str = Path(..., max_length=64, pattern=r"^[0-9a-f]+$")) -> Job:
        """queued, running, done (with the per-file results, as a waited upload returns them) or failed."""
        job = request.app.state.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"No upload job {job_id} on this server (jobs are kept in its memory).")
        return job

    @router.delete(
        "/documents/{name:path}",
        response_model=DeleteResponse,
        summary="Delete an uploaded document",
        dependencies=[Depends(require_admin_key)],
        responses=errors(*COMMON, 403, 404, 409, 503),
    )
    def delete_document(
        request: Request, name: str = Path(..., max_length=300, examples=["uploads/notes.md"])
    ) -> DeleteResponse:
        """Remove an uploaded document (under uploads/) and re-ingest, which drops its chunks. Documents of the
        corpus folder itself cannot be deleted through the API. Needs the admin key (EGOV_ADMIN_API_KEY)."""
        from ingest.pipeline import IngestLocked, ingest

        settings = app_settings(request)
        try:
            index = load_index(settings)
        except ApiError:
            index = None
        indexed = {c.document for c in index.chunks} if index is not None else set()
        raw = name.strip().lstrip("/")
        base = raw[len(UPLOADS) + 1 :] if raw.startswith(UPLOADS + "/") else raw
        uploaded = _uploaded_names(settings, index)
        if base not in uploaded or safe_filename(base) != base:
            if raw in indexed:
                raise ApiError(
                    403,
                    f"'{raw}' belongs to the corpus folder, not to the uploads: only documents "
                    f"uploaded through the API can be deleted through it.",
                )
            raise not_found("uploaded document", raw, [f"{UPLOADS}/{n}" for n in uploaded])
        folder = uploads_dir(settings)
        path = _inside(folder, base)
        if path is None:
            raise ApiError(403, f"'{raw}' cannot be deleted through the API.")
        backup = None
        if path.exists():
            backup = folder / f".{base}.{uuid.uuid4().hex[:8]}.deleted"
            os.replace(path, backup)
        try:
            summary = ingest(None, settings=settings, quiet=True, wait_seconds=INGEST_WAIT)
        except IngestLocked as exc:
            if backup is not None:
                os.replace(backup, path)
            raise ApiError(409, f"{exc}.") from None
        except Exception:
            if backup is not None:
                os.replace(backup, path)
            raise
        if backup is not None:
            backup.unlink(missing_ok=True)
        return DeleteResponse(deleted=f"{UPLOADS}/{base}", summary=_counts(summary))

    return router


def _service_router() -> APIRouter:
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
        from app.feedback import record_feedback

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
            **_examples(
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
        from ingest.stats import stats_of

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
            **_examples(
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
        from rag.index import index_problem

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


# ---------------------------------------------------------------- the app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the index, catalog and embedding model once, before the first request."""
    settings: Settings = app.state.settings
    try:
        index = await run_in_threadpool(load_index, settings)
        await run_in_threadpool(index.embed_query, "warm-up")  # the model, before the first question
        app.state.startup_error = None
        log.info("index loaded: %d chunks", len(index.chunks))
    except ApiError as exc:
        app.state.startup_error = exc.detail
        log.warning(
            "%s", exc.detail if exc.detail != NO_INDEX else f"no index in {settings.data_dir}: {NO_INDEX}"
        )
    yield


DESCRIPTION = """Ask questions of the ex-post evaluation of Serbia's e-Government Development Programme 2020-2022,
browse the Evaluation Matrix, draft 2023-2025 action-plan entries, and manage uploaded documents.

* Answers cite the IDs they rest on (Measure 1.3.5, Activity 1.4.2.2) with verbatim quotes.
* When `EGOV_API_KEY` (the reader key) is set, every endpoint except `/health` needs it or the admin key
  (`X-API-Key` or `Authorization: Bearer`); uploads and deletes need the admin key (`EGOV_ADMIN_API_KEY`).
  Uploads and deletions are refused unless a key is set.
* Errors are JSON: `{"detail": "readable message"}`; unknown IDs get 404 with `closest`.
* `/v1/chat/completions` and `/v1/models` speak the OpenAI API, so its clients and chat front ends work unchanged.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over these settings (default: EGOV_* environment)."""
    from app.openai_compat import openai_router

    settings = settings or get_settings()
    app = FastAPI(
        title="eGov Evaluation Assistant API",
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(single_query_values)],
        docs_url=None,  # served from local assets by app/docs.py
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    app.state.jobs = Jobs()
    app.state.startup_error = None
    install_error_handlers(app)
    app.add_middleware(RateLimit, settings=settings)  # inside the body guard and CORS (added after it)
    install_security(app, settings)
    for router in (
        _answers_router(),
        _records_router(),
        _drafts_router(),
        _documents_router(),
        _service_router(),
        openai_router(),
    ):
        app.include_router(router)
    return app


logging.getLogger("egov.api").setLevel(logging.INFO)
app = create_app()
