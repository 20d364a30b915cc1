"""A real uvicorn server on a free loopback port, used with the official `openai` client and plain httpx."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from app.api import create_app
from core.settings import Settings

KEY = "server-test-key"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(indexed: Settings) -> Iterator[str]:
    """The API over the session index, served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(indexed.model_copy(update={"api_key": KEY})),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(30)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def oai(server: str):
    from openai import OpenAI

    return OpenAI(base_url=f"{server}/v1", api_key=KEY, max_retries=0, timeout=120)


def test_health_over_http(server: str) -> None:
    body = httpx.get(f"{server}/health", timeout=30).json()
    assert body["status"] == "ok" and body["index"] is True


def test_openai_models_list(oai) -> None:
    models = oai.models.list()
    assert [m.id for m in models.data] == ["egov-assistant"]


def test_openai_chat_completion(oai) -> None:
    reply = oai.chat.completions.create(
        model="egov-assistant",
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "What is the status of Activity 1.4.2.2?"},
        ],
    )
    text = reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop" and reply.object == "chat.completion"
    assert "abandoned" in text.lower()
    assert "[Activity 1.4.2.2]" in text and "Sources:" in text
    assert reply.usage.total_tokens > 0


def test_openai_chat_completion_streaming(oai) -> None:
    stream = oai.chat.completions.create(
        model="egov-assistant",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Who is responsible for Measure 1.3.5?"}],
    )
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            if choice.delta.content:
                pieces.append(choice.delta.content)
            finish = choice.finish_reason or finish
    text = "".join(pieces)
    assert len(pieces) >= 2 and finish == "stop"
    assert "MPALSG" in text and "[Measure 1.3.5]" in text and "Sources:" in text
    assert usage is not None and usage.completion_tokens > 0


def test_openai_client_with_wrong_key_is_refused(server: str) -> None:
    import openai

    bad = openai.OpenAI(base_url=f"{server}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        bad.models.list()
    assert "API key" in str(caught.value)  # the message, not only "Error code: 401"


def test_openai_client_shows_why_a_request_is_refused(oai) -> None:
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(
            model="egov-assistant", messages=[{"role": "user", "content": "Status of 1.4.2.2?"}], n=2
        )
    assert "one answer per request" in caught.value.message and caught.value.param == "n"
    with pytest.raises(openai.UnprocessableEntityError) as caught:
        oai.chat.completions.create(model="egov-assistant", messages=[{"role": "wizard", "content": "hi"}])
    assert "role" in caught.value.message


def test_ask_stream_over_http(server: str) -> None:
    events: list[tuple[str, dict]] = []
    event = "message"
    with httpx.stream(
        "POST",
        f"{server}/ask/stream",
        json={"question": "What is the status of Activity 1.4.2.2?"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=120,
    ) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line[5:])))
                event = "message"
    assert [e for e, _ in events][-1] == "answer"
    tokens = [d["text"] for e, d in events if e == "token"]
    final = events[-1][1]
    assert tokens and "".join(tokens) == final["answer"]
    assert any(c["id"] == "1.4.2.2" for c in final["citations"]) and final["sources"]


def test_ask_over_http_concurrently(server: str) -> None:
    questions = [
        "What is the status of Activity 1.4.2.2?",
        "Who is responsible for Measure 1.3.5?",
        "Which activities were abandoned?",
        "What is measure 1.1.1 about?",
    ] * 2
    results: list[int] = []

    def one(q: str) -> None:
        r = httpx.post(f"{server}/ask", json={"question": q}, headers={"X-API-Key": KEY}, timeout=120)
        results.append(r.status_code)

    threads = [threading.Thread(target=one, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert results == [200] * len(questions)


def test_serve_command_runs_uvicorn_on_loopback(monkeypatch) -> None:
    import uvicorn as uvicorn_module
    from typer.testing import CliRunner

    from app.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn_module, "run", lambda app, **kw: calls.append((app, kw)))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    ((served, kwargs),) = calls
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
    assert {"/ask", "/v1/chat/completions", "/health"} <= {p for p in served.openapi()["paths"]}
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code != 0
