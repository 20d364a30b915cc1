"""API key check (constant time), the upload/delete guard, CORS, and request-size limits.

- Two roles. The reader key (EGOV_API_KEY), when set, is needed by every endpoint except /health (and
  the docs). The admin key (EGOV_ADMIN_API_KEY) is needed for uploads and deletes, which are refused
  (403) while it is unset; it also reads. A key goes in `X-API-Key: KEY` or `Authorization: Bearer
  KEY`, compared with hmac.compare_digest. Writes are checked before any body is read: no key or a
  wrong one is 401, the reader key is 403.
- CORS is off unless EGOV_CORS_ORIGINS lists origins.
- Bodies are bounded: JSON requests at 4 MB, uploads at EGOV_MAX_UPLOAD_MB per file (x MAX_FILES per request).
"""

from __future__ import annotations

import hmac
import json

from fastapi import FastAPI, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.service import OPENAI_PREFIX, ApiError, openai_error
from core.settings import Settings

MB = 1024 * 1024
JSON_LIMIT = 4 * MB
MAX_FILES = 10
MULTIPART_OVERHEAD = 1 * MB

API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="The value of EGOV_API_KEY (needed only when one is configured).",
)
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="Bearer",
    description="The value of EGOV_API_KEY as a bearer token (what OpenAI clients send).",
)

WRITES_DISABLED = "Uploads and deletions are disabled: set EGOV_ADMIN_API_KEY on the server to enable them."
READER_CANNOT_WRITE = "Uploads and deletions need the admin key (EGOV_ADMIN_API_KEY); this is the reader key."
BAD_KEY = "Missing or wrong API key: send it as `X-API-Key: KEY` or `Authorization: Bearer KEY`."


def key_matches(provided: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented key with the configured one."""
    if not provided:
        return False
    return hmac.compare_digest(
        provided.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _presents(expected: str | None, x_api_key: str | None, token: str | None) -> bool:
    return bool(expected) and (key_matches(x_api_key, expected or "") or key_matches(token, expected or ""))


def authorised(settings: Settings, x_api_key: str | None, authorization: str | None) -> bool:
    """May read: no reader key is configured, or the reader or the admin key is presented."""
    if not settings.api_key:
        return True
    token = bearer_token(authorization)
    return _presents(settings.api_key, x_api_key, token) or _presents(
        settings.admin_api_key, x_api_key, token
    )


def write_refusal(settings: Settings, x_api_key: str | None, token: str | None) -> tuple[int, str] | None:
    """Why a write (upload, delete) is refused, as (status, detail), or None when the admin key is presented."""
    if not settings.admin_api_key:
        return 403, WRITES_DISABLED
    if _presents(settings.admin_api_key, x_api_key, token):
        return None
    if _presents(settings.api_key, x_api_key, token):
        return 403, READER_CANNOT_WRITE
    return 401, BAD_KEY


def require_api_key(
    request: Request,
    x_api_key: str | None = Security(API_KEY_HEADER),
    bearer: HTTPAuthorizationCredentials | None = Security(BEARER),
) -> None:
    """Dependency on every protected route: 401 unless the key matches (when one is configured)."""
    settings: Settings = request.app.state.settings
    if not settings.api_key:
        return
    if bearer is None and request.headers.get("authorization"):  # present but not "Bearer KEY": refused
        raise ApiError(401, BAD_KEY, headers={"WWW-Authenticate": "Bearer"})
    token = bearer.credentials if bearer else None
    if not (
        _presents(settings.api_key, x_api_key, token) or _presents(settings.admin_api_key, x_api_key, token)
    ):
        raise ApiError(401, BAD_KEY, headers={"WWW-Authenticate": "Bearer"})


def require_admin_key(
    request: Request,
    x_api_key: str | None = Security(API_KEY_HEADER),
    bearer: HTTPAuthorizationCredentials | None = Security(BEARER),
) -> None:
    """Dependency on uploads and deletes: the admin key, or 401/403 (see write_refusal)."""
    if bearer is None and request.headers.get("authorization"):  # present but not "Bearer KEY": refused
        raise ApiError(401, BAD_KEY, headers={"WWW-Authenticate": "Bearer"})
    refusal = write_refusal(request.app.state.settings, x_api_key, bearer.credentials if bearer else None)
    if refusal is not None:
        status, detail = refusal
        raise ApiError(status, detail, headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


class BodyGuard:
    """ASGI middleware: refuse oversized bodies, and unauthorised uploads/deletes before reading them."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def _reply(
        self, scope: Scope, send: Send, status: int, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        payload = (
            openai_error(status, detail) if scope["path"].startswith(OPENAI_PREFIX) else {"detail": detail}
        )
        body = json.dumps(payload).encode()
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope["path"].rstrip("/")
        writes = path == "/documents" or path.startswith("/documents/")
        if writes:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            refusal = write_refusal(
                self.settings, headers.get("x-api-key"), bearer_token(headers.get("authorization"))
            )
            if refusal is not None:
                status, detail = refusal
                await self._reply(
                    scope, send, status, detail, {"WWW-Authenticate": "Bearer"} if status == 401 else None
                )
                return
        upload = writes and scope["method"] == "POST"
        per_file = self.settings.max_upload_mb * MB
        limit = per_file * MAX_FILES + MULTIPART_OVERHEAD if upload else JSON_LIMIT
        what = (
            f"the upload is too large (at most {self.settings.max_upload_mb} MB per file, {MAX_FILES} files)"
            if upload
            else f"the request body is too large (at most {JSON_LIMIT // MB} MB)"
        )
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None:
            try:
                if int(length) > limit:
                    await self._reply(scope, send, 413, f"Request refused: {what}.")
                    return
            except ValueError:
                await self._reply(
                    scope, send, 400, "Request refused: the Content-Length header is not a number."
                )
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise ApiError(413, f"Request refused: {what}.")
            return message

        await self.app(scope, counted, send)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Body limits, then CORS outermost (so error responses carry CORS headers too)."""
    app.add_middleware(BodyGuard, settings=settings)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=False,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
