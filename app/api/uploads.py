"""Uploaded files: safe names, a content check, staging under the corpus folder's uploads/, ingesting them
(within a request or as a background job) and putting them back when they fail."""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from pathlib import Path as FilePath
from typing import Any

from fastapi.responses import JSONResponse

from app.api.deps import ingest_counts
from app.api_models import (
    IngestCounts,
    UploadResponse,
    UploadResult,
)
from app.service import (
    ApiError,
    load_index,
    log,
)
from core.settings import Settings
from ingest.loaders import MAX_DOCX_UNZIPPED, SUPPORTED, LoadError, decode_text
from ingest.pipeline import IngestLocked, ingest
from ingest.provenance import UPLOADS

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


def inside(folder: FilePath, name: str) -> FilePath | None:
    """folder/name if it stays directly inside folder (no traversal, no symlink out), else None."""
    path = folder / name
    if path.is_symlink() or path.resolve().parent != folder.resolve():
        return None
    return path


def ingest_staged(
    settings: Settings,
    results: list[UploadResult],
    staged: list[tuple[UploadResult, FilePath, FilePath | None]],
    wait_seconds: float,
) -> UploadResponse:
    """Ingest the staged files and fill in their results; a file that fails is put back as it was.
    IngestLocked when another ingest holds the lock past wait_seconds (the files are put back)."""

    summary = None
    try:
        summary = ingest([p for _, p, _ in staged], settings=settings, quiet=True, wait_seconds=wait_seconds)
    except IngestLocked:
        restore([(p, b) for _, p, b in staged])
        raise
    except Exception as exc:  # noqa: BLE001 - a document that breaks the loader is the file's fault
        log.exception("ingest of uploads failed")
        restore([(p, b) for _, p, b in staged])
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
                restore([(path, backup)])
                result.status, result.detail, result.document = "failed", reason, None
                continue
            if backup is not None:
                backup.unlink(missing_ok=True)
            result.status = "ingested"
            if index is None:
                index = load_index(settings)
            result.chunks = sum(1 for c in index.chunks if c.document == result.document)
    return upload_result(results, ingest_counts(summary) if summary is not None else None)


def upload_result(results: list[UploadResult], summary: IngestCounts | None) -> UploadResponse:
    ingested = sum(1 for r in results if r.status == "ingested")
    response = UploadResponse(
        ingested=ingested, failed=len(results) - ingested, results=results, summary=summary
    )
    if not ingested:
        reasons = "; ".join(f"{r.file or '(no name)'}: {r.detail}" for r in results)
        response.detail = f"No file was ingested. {reasons}"[:2000]
    return response


def upload_response(response: UploadResponse) -> Any:
    """201 with the per-file results, or 400 when no file was ingested."""
    if not response.ingested:
        return JSONResponse(response.model_dump(mode="json"), status_code=400)
    return response


def restore(staged: list[tuple[FilePath, FilePath | None]]) -> None:
    """Undo a staged upload: remove new files, put any replaced ones back."""
    for path, backup in staged:
        try:
            path.unlink(missing_ok=True)
            if backup is not None and backup.exists():
                os.replace(backup, path)
        except OSError:
            log.exception("could not restore %s", path)


def uploaded_names(settings: Settings, index: Any | None) -> list[str]:
    names = set()
    folder = settings.corpus_dir / UPLOADS
    if folder.is_dir():
        names |= {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    if index is not None:
        names |= {c.document.split("/", 1)[1] for c in index.chunks if c.document.startswith(UPLOADS + "/")}
    return sorted(names)
