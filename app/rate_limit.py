"""Rate limits per client address and per API key, on a moving window (the `limits` library, which
slowapi is built on), before a request body is read.

Three budgets, each set in Settings ("N/minute"; empty turns one off): writes (uploads and deletes),
feedback, and everything else but /health and the docs. A request counts against its client address
and, when it presents a key, against that key too (keys are hashed, never kept): one address cannot
exhaust the service, and neither can one key spread over many addresses. Over budget: 429 with
Retry-After. Behind a reverse proxy the address is the proxy's unless uvicorn is told to trust its
X-Forwarded-For (`egov serve --forwarded-allow-ips`, see deploy/nginx.conf). Counts live in this
process's memory: each instance limits on its own.
"""

from __future__ import annotations

import hashlib
import json
import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from app.security import bearer_token
from app.service import OPENAI_PREFIX, openai_error
from core.settings import Settings

EXEMPT = ("/health", "/docs", "/redoc", "/openapi.json")


def _item(spec: str) -> RateLimitItem | None:
    return parse(spec) if spec.strip() else None


class RateLimit:
    """ASGI middleware: 429 once a client address or an API key has spent its budget."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.reads = _item(settings.rate_limit)
        self.writes = _item(settings.write_rate_limit)
        self.feedback = _item(settings.feedback_rate_limit)

    def budget(self, method: str, path: str) -> tuple[str, RateLimitItem | None]:
        if path.startswith("/documents") and method in ("POST", "DELETE"):
            return "write", self.writes
        if path.startswith("/feedback"):
            return "feedback", self.feedback
        return "read", self.reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or path.startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        name, item = self.budget(scope["method"], path)
        if item is None:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        who = [f"address:{(scope.get('client') or ('?',))[0]}"]
        key = headers.get("x-api-key") or bearer_token(headers.get("authorization"))
        if key:
            who.append("key:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24])
        for ident in who:
            if not self.limiter.hit(item, name, ident):
                reset = self.limiter.get_window_stats(item, name, ident).reset_time
                await self._refuse(scope, send, name, item, max(1, math.ceil(reset - time.time())))
                return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, name: str, item: RateLimitItem, wait: int) -> None:
        detail = (
            f"Too many requests: at most {item} for {name}s from one client or key; try again in {wait} s."
        )
        payload = openai_error(429, detail) if scope["path"].startswith(OPENAI_PREFIX) else {"detail": detail}
        body = json.dumps(payload).encode()
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(wait).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": raw})
        await send({"type": "http.response.body", "body": body})
