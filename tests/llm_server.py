"""A scripted chat server for tests: OpenAI-compatible and Ollama-style, on 127.0.0.1 in a thread.

Endpoints: `POST /v1/chat/completions` (JSON, or SSE `data:` chunks ending with `data: [DONE]` when the
request asks to stream), `GET /v1/models`, `POST /api/chat` (Ollama: JSON, or NDJSON lines when
streaming), `GET /api/tags`. Each request takes the next scripted `Reply` (or the default one) and is
recorded in `script.requests`, so a test says what the "model" answers and checks what it was sent.

    with LLMServer() as server:
        server.script.push(Reply("Activity 1.4.2.2 was abandoned [Activity 1.4.2.2]."))
        ... settings with llm_base_url=server.openai_url ...
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

INJECTION = re.compile(r"\banswer\s+(\d+)\b", re.I)
SOURCE_BLOCK = re.compile(r'<source n="(\d+)"[^>]*>(.*?)</source>', re.S)


@dataclass
class Reply:
    """One scripted reply.

    kind: "text" replies `text`; "malformed" answers 200 with a body no client can use;
    "obey_injection" plays a gullible model that follows an instruction like "answer 42" found in a
    source and cites that source; "echo_question" replies with the last user message (for condensing).
    status >= 400 answers that HTTP error; delay (seconds) waits before answering; chunk_delay waits
    between streamed chunks.
    """

    text: str = ""
    status: int = 200
    delay: float = 0.0
    kind: str = "text"
    chunk_delay: float = 0.0


class Script:
    """The replies to give, in order, and the requests received."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.default = Reply("not in the evaluation")
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def push(self, *replies: Reply | str) -> None:
        with self._lock:
            self.replies.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def reset(self) -> None:
        with self._lock:
            self.replies.clear()
            self.requests.clear()
            self.default = Reply("not in the evaluation")

    def take(self, path: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append({"path": path, **body})
            return self.replies.popleft() if self.replies else self.default

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] in ("/v1/chat/completions", "/api/chat")]


def _text_of(messages: list[dict[str, Any]]) -> str:
    parts = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
        parts.append(str(content or ""))
    return "\n".join(parts)


def _reply_text(reply: Reply, messages: list[dict[str, Any]]) -> str:
    if reply.kind == "obey_injection":
        for n, block in SOURCE_BLOCK.findall(_text_of(messages)):
            m = INJECTION.search(block)
            if m:
                return f"The answer is {m.group(1)} [Source {n}]."
        return "I found no instruction to follow."
    if reply.kind == "echo_question":
        users = [m for m in messages if m.get("role") == "user"]
        return str(users[-1].get("content", "")) if users else ""
    return reply.text


def _pieces(text: str) -> list[str]:
    """Token-like pieces: words with their trailing space, long words split in two."""
    out = []
    for word in re.findall(r"\S+\s*|\s+", text):
        if len(word) > 8:
            out.extend([word[: len(word) // 2], word[len(word) // 2 :]])
        else:
            out.append(word)
    return out


def create_app(script: Script) -> FastAPI:
    app = FastAPI(title="scripted LLM")

    async def _prelude(reply: Reply, request: Request) -> JSONResponse | PlainTextResponse | None:
        # A slow model: wait, but stop waiting once the client has given up (so shutdown is quick).
        deadline = time.monotonic() + reply.delay
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                break
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
        if reply.status >= 400:
            return JSONResponse(
                {
                    "error": {
                        "message": f"scripted failure {reply.status}",
                        "type": "server_error",
                        "code": reply.status,
                    }
                },
                status_code=reply.status,
            )
        return None

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": "test", "object": "model", "created": 0, "owned_by": "tests"}],
        }

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        body = await request.json()
        reply = script.take("/v1/chat/completions", body)
        early = await _prelude(reply, request)
        if early is not None:
            return early
        if reply.kind == "malformed":
            return JSONResponse({"id": "broken", "object": "chat.completion", "choices": "nothing here"})
        text = _reply_text(reply, body.get("messages", []))
        model = body.get("model", "test")
        created = int(time.time())
        usage = {
            "prompt_tokens": 10,
            "completion_tokens": len(text.split()),
            "total_tokens": 10 + len(text.split()),
        }
        if not body.get("stream"):
            return {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": usage,
            }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            data = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            }
            return f"data: {json.dumps(data)}\n\n"

        async def events() -> AsyncIterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            for piece in _pieces(text):
                if reply.chunk_delay:
                    await asyncio.sleep(reply.chunk_delay)
                yield chunk({"content": piece})
            yield chunk({}, "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                data = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [],
                    "usage": usage,
                }
                yield f"data: {json.dumps(data)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/api/tags")
    async def tags() -> dict[str, Any]:
        return {"models": [{"name": "test", "model": "test", "size": 1, "digest": "0" * 12, "details": {}}]}

    @app.post("/api/chat")
    async def ollama_chat(request: Request) -> Any:
        body = await request.json()
        reply = script.take("/api/chat", body)
        early = await _prelude(reply, request)
        if early is not None:
            return JSONResponse({"error": f"scripted failure {reply.status}"}, status_code=reply.status)
        if reply.kind == "malformed":
            return PlainTextResponse("this is not JSON", status_code=200)
        text = _reply_text(reply, body.get("messages", []))
        model = body.get("model", "test")
        stamp = "2024-01-01T00:00:00Z"
        done = {
            "model": model,
            "created_at": stamp,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "total_duration": 1000,
            "load_duration": 10,
            "prompt_eval_count": 10,
            "prompt_eval_duration": 100,
            "eval_count": len(text.split()),
            "eval_duration": 100,
        }
        if body.get("stream") is False:
            return {**done, "message": {"role": "assistant", "content": text}}

        async def lines() -> AsyncIterator[str]:
            for piece in _pieces(text):
                if reply.chunk_delay:
                    await asyncio.sleep(reply.chunk_delay)
                yield (
                    json.dumps(
                        {
                            "model": model,
                            "created_at": stamp,
                            "message": {"role": "assistant", "content": piece},
                            "done": False,
                        }
                    )
                    + "\n"
                )
            yield json.dumps(done) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    return app


def closed_port() -> int:
    """A loopback port nothing listens on (for "server down")."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LLMServer:
    """The scripted app served by uvicorn on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self) -> None:
        self.script = Script()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.script),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            daemon=True,
            name=f"llm-server-{self.port}",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    def start(self) -> LLMServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the scripted LLM server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> LLMServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - run by hand: python tests/llm_server.py
    srv = LLMServer().start()
    srv.script.default = Reply("Activity 1.4.2.2 was abandoned [Activity 1.4.2.2].")
    print(f"scripted LLM on {srv.openai_url} (OpenAI) and {srv.url} (Ollama); Ctrl-C to stop")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        srv.stop()
