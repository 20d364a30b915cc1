"""/documents and /jobs: list, upload (in the background by default) and delete documents."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from app.api.deps import BODY, COMMON, INGEST_WAIT, INGESTED_FILE, JOB_WAIT, errors, examples, ingest_counts
from app.api.uploads import (
    content_problem,
    ingest_staged,
    inside,
    safe_filename,
    upload_response,
    upload_result,
    uploaded_names,
    uploads_dir,
)
from app.api_models import (
    DeleteResponse,
    DocumentInfo,
    UploadAccepted,
    UploadResponse,
    UploadResult,
)
from app.jobs import Job, Jobs
from app.security import MAX_FILES, MB, require_admin_key, require_api_key
from app.service import (
    ApiError,
    app_settings,
    load_index,
    not_found,
)
from ingest.originals import Originals
from ingest.pipeline import IngestLocked, ingest
from ingest.provenance import UPLOADS
from ingest.store import make_client

MEDIA = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}


def router() -> APIRouter:
    router = APIRouter(tags=["documents"], dependencies=[Depends(require_api_key)])

    @router.get(
        "/documents",
        response_model=list[DocumentInfo],
        summary="Documents in the index",
        responses={
            **errors(*COMMON),
            **examples(
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
        shared = Originals(make_client(settings), settings.collection).sizes()
        out = []
        for name, n in sorted(counts.items()):
            path = settings.corpus_dir / name
            size = shared.get(name) or (path.stat().st_size if path.is_file() else None)
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
            dest = inside(folder, name)
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
            return upload_response(upload_result(results, None))
        if not wait:  # in the background: the request returns at once, /jobs/{id} tells how it ends
            jobs: Jobs = request.app.state.jobs
            job = jobs.submit(lambda: ingest_staged(settings, results, staged, JOB_WAIT))
            accepted = UploadAccepted(job=job.id, status_url=f"/jobs/{job.id}", results=results)
            return JSONResponse(accepted.model_dump(mode="json"), status_code=202)
        try:
            response = ingest_staged(settings, results, staged, INGEST_WAIT)
        except IngestLocked as exc:
            raise ApiError(409, f"{exc}.") from None
        return upload_response(response)

    @router.get(
        "/jobs/{job_id}",
        response_model=Job,
        summary="How a background upload ended",
        responses={
            **errors(*COMMON, 404),
            **examples(
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

    @router.get(
        "/documents/{name:path}",
        summary="The original file of an uploaded document",
        response_class=Response,
        responses={
            **errors(*COMMON, 404),
            200: {"content": {"application/octet-stream": {}}, "description": "The file as it was uploaded."},
        },
    )
    def original(
        request: Request, name: str = Path(..., max_length=300, examples=["uploads/notes.md"])
    ) -> Response:
        """The file an upload was made from, as uploaded, from the store every instance shares (any instance
        serves it, whichever took the upload)."""
        settings = app_settings(request)
        raw = name.strip().lstrip("/")
        originals = Originals(make_client(settings), settings.collection)
        data = originals.get(raw) if raw.startswith(UPLOADS + "/") else None
        if data is None:
            raise not_found("uploaded document", raw, sorted(originals.names()))
        filename = raw.rsplit("/", 1)[-1]
        return Response(
            data,
            media_type=MEDIA.get(FilePath(filename).suffix.lower(), "application/octet-stream"),
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

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
        """Remove an uploaded document (under uploads/): its chunks, its records and its original in the shared
        store. Documents of the corpus folder itself cannot be deleted through the API. Needs the admin key
        (EGOV_ADMIN_API_KEY)."""

        settings = app_settings(request)
        try:
            index = load_index(settings)
        except ApiError:
            index = None
        indexed = {c.document for c in index.chunks} if index is not None else set()
        raw = name.strip().lstrip("/")
        base = raw[len(UPLOADS) + 1 :] if raw.startswith(UPLOADS + "/") else raw
        uploaded = uploaded_names(settings, index)
        if base not in uploaded or safe_filename(base) != base:
            if raw in indexed:
                raise ApiError(
                    403,
                    f"'{raw}' belongs to the corpus folder, not to the uploads: only documents "
                    f"uploaded through the API can be deleted through it.",
                )
            raise not_found("uploaded document", raw, [f"{UPLOADS}/{n}" for n in uploaded])
        folder = uploads_dir(settings)
        path = inside(folder, base)
        if path is None:
            raise ApiError(403, f"'{raw}' cannot be deleted through the API.")
        backup = None
        if path.exists():
            backup = folder / f".{base}.{uuid.uuid4().hex[:8]}.deleted"
            os.replace(path, backup)
        try:
            summary = ingest(
                settings=settings, quiet=True, wait_seconds=INGEST_WAIT, drop=[f"{UPLOADS}/{base}"]
            )
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
        return DeleteResponse(deleted=f"{UPLOADS}/{base}", summary=ingest_counts(summary))

    return router
