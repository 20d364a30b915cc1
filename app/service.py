"""Glue shared by the API routers: errors as readable JSON, the settings and index dependencies,
closest-ID suggestions, and the answer stream (text pieces, then the Answer).

No answering logic lives here: answers come from rag.ask (or rag's stream function when it exists).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api_models import NOT_BLANK
from core.settings import Settings
from rag.index import IndexCorrupt, IndexMissing, get_index
from rag.models import Answer, Citation
from rag.stream import stream_answer

log = logging.getLogger("egov.api")

NO_INDEX = "The index is not built yet: run `egov ingest` (or `make ingest`) first, then try again."


class ApiError(HTTPException):
    """An HTTP error whose JSON body is {"detail": message} plus optional extra fields (e.g. closest)."""

    def __init__(
        self, status_code: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.extra = {k: v for k, v in extra.items() if v is not None}


# ---------------------------------------------------------------- dependencies


def app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def load_index(settings: Settings) -> Any:
    """The loaded index (cached; reloaded by rag.index when an ingest changed it), or 503."""

    try:
        return get_index(settings)
    except IndexMissing:
        raise ApiError(503, NO_INDEX) from None
    except IndexCorrupt as exc:
        raise ApiError(503, f"The index cannot be loaded: {exc}.") from None
    except Exception as exc:  # noqa: BLE001 - a broken store is a service problem, reported plainly
        log.exception("could not load the index")
        raise ApiError(
            503, f"The index could not be loaded ({type(exc).__name__}); run `egov ingest` to rebuild it."
        ) from exc


def current_index(request: Request) -> Any:
    """FastAPI dependency: the index, or 503 telling the operator to run `egov ingest`."""
    return load_index(app_settings(request))


def single_query_values(request: Request) -> None:
    """App-wide dependency: every query parameter of this API takes one value, so a repeated one is refused."""
    counts: dict[str, int] = {}
    for key, _ in request.query_params.multi_items():
        counts[key] = counts.get(key, 0) + 1
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise RequestValidationError(
            [
                {
                    "type": "repeated",
                    "loc": ("query", k),
                    "input": None,
                    "msg": f"given {counts[k]} times; give it once",
                }
                for k in repeated
            ]
        )


def closest(wanted: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """The existing IDs or names most like an unknown one (difflib), best first."""
    pool = sorted(set(candidates))
    found = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.5)
    if not found:
        prefix = wanted.rsplit(".", 1)[0]
        found = [c for c in pool if c.startswith(prefix)][:n]
    return found


def not_found(kind: str, wanted: str, candidates: Iterable[str]) -> ApiError:
    near = closest(wanted, candidates)
    hint = f" Closest: {', '.join(near)}." if near else ""
    return ApiError(404, f"No {kind} '{wanted}' in the evaluation.{hint}", closest=near)


# ---------------------------------------------------------------- error handlers


def _where(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def _readable(err: dict[str, Any]) -> str:
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    where = _where(loc)
    if kind == "json_invalid":
        return f"the request body is not valid JSON ({err.get('ctx', {}).get('error', 'decode error')})"
    if loc == ("body",) and kind == "missing":
        return "the request body is missing: send a JSON object (Content-Type: application/json)"
    if loc == ("body",) and kind in {"model_attributes_type", "dict_type"}:
        return "the request body must be a JSON object (Content-Type: application/json)"
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == NOT_BLANK:
        return f"{where} must not be empty"
    msg = str(err.get("msg", "invalid value"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{where}: {msg}" if where else msg


def _clean_error(err: dict[str, Any]) -> dict[str, Any]:
    return {
        "loc": [str(p) for p in err.get("loc", ())],
        "msg": _readable(err),
        "type": str(err.get("type", "")),
    }


OPENAI_PREFIX = "/v1/"
OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}


def openai_error(
    status: int, message: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """The body OpenAI's API answers errors with, which its clients read (`error.message`)."""
    kind = OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def error_response(
    request: Request, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """{"detail": ...} on this API's routes; OpenAI's error shape on its compatible routes under /v1/."""
    if request.url.path.startswith(OPENAI_PREFIX):
        param = body.get("param")
        if param is None and body.get("errors"):
            param = ".".join(p for p in body["errors"][0]["loc"] if p != "body") or None
        body = openai_error(status, str(body["detail"]), param, body.get("code"))
    return JSONResponse(body, status_code=status, headers=headers)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    messages = list(dict.fromkeys(_readable(e) for e in errors))
    detail = (
        "Invalid request: "
        + "; ".join(messages[:5])
        + (f" (and {len(messages) - 5} more)" if len(messages) > 5 else "")
    )
    return error_response(request, 422, {"detail": detail, "errors": [_clean_error(e) for e in errors[:20]]})


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this path (Starlette names only the first matching route's)."""
    table = getattr(request.app.state, "allow_table", None)
    if table is None:
        table = []
        for path, ops in request.app.openapi().get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}$", ".+", re.escape(path))
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
            table.append((re.compile(f"^{pattern}$"), {m.upper() for m in ops}))
        request.app.state.allow_table = table
    methods: set[str] = set()
    for regex, ops in table:
        if regex.match(request.url.path):
            methods |= ops
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 400 and detail == "There was an error parsing the body":
        detail = (
            "The request body could not be read: send UTF-8 JSON (Content-Type: application/json), "
            "or multipart/form-data for uploads."
        )
    body: dict[str, Any] = {"detail": detail}
    body.update(getattr(exc, "extra", {}) or {})
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
            body["detail"] = f"Method {request.method} is not allowed here; use {', '.join(allowed)}."
    return error_response(request, exc.status_code, body, headers or None)


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request,
        500,
        {"detail": "Internal server error: the request could not be completed. It has been logged."},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, server_error)


# ---------------------------------------------------------------- streaming


def answer_stream(
    question: str,
    history: list[dict] | None,
    filters: Any,
    settings: Settings,
    k: int | None = None,
    language: str | None = None,
) -> Iterator[str | Answer]:
    """Text pieces of the answer as they are produced, then the final Answer (always last)."""

    final: Answer | None = None
    pieces: list[str] = []
    for item in stream_answer(question, history, filters, settings, k=k, language=language):
        if isinstance(item, Answer):
            final = item
        elif isinstance(item, str) and item:
            pieces.append(item)
            yield item
    yield final if final is not None else Answer(answer="".join(pieces))


# ---------------------------------------------------------------- citations as text

KIND_LABEL = {"activity": "Activity", "measure": "Measure", "objective": "Objective", "section": "Section"}


def citation_label(c: Citation) -> str:
    """'[Activity 1.4.2.2]', '[Measure 1.3.5]', '[Section 4.2]', '[Indicator of 1.3.5]'."""
    if c.kind == "indicator":
        return f"[Indicator of {c.id}]"
    return f"[{KIND_LABEL.get(c.kind, c.kind.title())} {c.id}]"


def citations_text(citations: list[Citation]) -> str:
    """The tail a chat reply carries: the citation labels, then a numbered sources list."""
    if not citations:
        return ""
    labels = list(dict.fromkeys(citation_label(c) for c in citations))
    lines = ["", "", " ".join(labels), "", "Sources:"]
    for n, c in enumerate(citations, 1):
        title = " ".join(c.title.split())
        if len(title) > 120:
            title = title[:117].rsplit(" ", 1)[0] + "…"
        lines.append(f"{n}. {citation_label(c)} {title} ({c.source})")
    return "\n".join(lines)
