"""The HTTP API over the session index of the shipped corpus: every read-only endpoint and its error paths."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from core.settings import Settings

DESIGN_ANSWER_KEYS = {"answer", "abstained", "citations", "sources"}
CITATION_KEYS = {"id", "kind", "title", "source", "quote"}
SOURCE_KEYS = {"chunk_id", "text", "score", "metadata"}


@pytest.fixture(scope="module")
def client(indexed: Settings):
    with TestClient(create_app(indexed)) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event, parsed data) of each Server-Sent Event in a body."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        event, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if data:
            out.append((event, json.loads("\n".join(data))))
    return out


def assert_error(resp, status: int, *words: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    if "/v1/" in str(resp.url):  # OpenAI's error shape on its compatible routes
        body = {"detail": body["error"]["message"], **body["error"]}
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in resp.text
    for w in words:
        assert w.lower() in body["detail"].lower(), body["detail"]
    return body


# ---------------------------------------------------------------- health, stats, docs


def test_health_reports_loaded_index(client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["index"] is True
    assert body["chunks"] > 100 and body["documents"] >= 1
    assert body["mode"] == "extractive"


def test_stats_counts_the_matrix(client) -> None:
    body = client.get("/stats").json()
    assert (body["objectives"], body["measures"], body["activities"]) == (4, 24, 100)
    assert sum(body["statuses"].values()) == 100


def test_docs_load_their_assets_from_this_server(client) -> None:
    import re

    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(
            r"url: ['\"]([^'\"]+)", html
        )
        assert urls and not [u for u in urls if "://" in u or u.startswith("//")], (page, urls)
        for url in urls:
            if url.startswith("/docs-assets/"):
                assert client.get(url).status_code == 200, url
    assert "SwaggerUIBundle" in client.get("/docs-assets/swagger-ui-bundle.js").text[:5000]


def test_docs_and_examples_on_every_endpoint(client) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            text = json.dumps(op)
            body_ref = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref")
            )
            if body_ref:
                text += json.dumps(components[body_ref.rsplit("/", 1)[1]])
            assert "example" in text, f"{method.upper()} {path} has no example"
            assert op.get("summary"), f"{method.upper()} {path} has no summary"


def test_unknown_route_and_method_are_json(client) -> None:
    assert_error(client.get("/nope"), 404)
    assert_error(client.put("/ask", json={}), 405)


# ---------------------------------------------------------------- /ask


def test_ask_contract_and_citation(client) -> None:
    resp = client.post("/ask", json={"question": "What is the status of Activity 1.4.2.2?"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert DESIGN_ANSWER_KEYS <= set(body)
    assert body["abstained"] is False
    assert "abandoned" in body["answer"].lower()
    assert any(c["id"] == "1.4.2.2" and c["kind"] == "activity" for c in body["citations"])
    for c in body["citations"]:
        assert CITATION_KEYS <= set(c)
    assert body["sources"] and all(SOURCE_KEYS <= set(s) for s in body["sources"])
    assert body["answer_id"]


def test_ask_follow_up_uses_history(client) -> None:
    history = [
        {"role": "user", "content": "What is the status of Activity 1.4.2.2?"},
        {"role": "assistant", "content": "Activity 1.4.2.2 is marked abandoned."},
    ]
    body = client.post("/ask", json={"question": "Who is responsible for it?", "history": history}).json()
    assert not body["abstained"]
    assert any(c["id"].startswith("1.4.2") for c in body["citations"])


def test_ask_filters_and_k(client) -> None:
    body = client.post(
        "/ask",
        json={
            "question": "Which activities were abandoned?",
            "k": 3,
            "filters": {"objective": "1.4", "doc_type": "annex"},
        },
    ).json()
    assert 0 < len(body["sources"]) <= 3
    for s in body["sources"]:
        assert any(i == "1.4" or i.startswith("1.4.") for i in s["metadata"]["ids"])


def test_ask_abstains_plainly_out_of_scope(client) -> None:
    body = client.post("/ask", json={"question": "What was the e-Government budget in 2027?"}).json()
    assert body["abstained"] is True and body["citations"] == []


def test_ask_question_at_the_limit_is_accepted(client) -> None:
    q = ("What is the status of Activity 1.4.2.2? " * 60)[:2000]
    assert client.post("/ask", json={"question": q}).status_code == 200


@pytest.mark.parametrize(
    "payload, words",
    [
        ({"question": ""}, ["question"]),
        ({"question": "   \n\t "}, ["question", "empty"]),
        ({"question": "\u0085\u00a0\ufeff"}, ["question", "empty"]),  # spaces to Python or to JSON Schema
        ({"question": "x" * 2001}, ["question", "2000"]),
        ({}, ["question", "required"]),
        ({"question": 42}, ["question"]),
        ({"question": "hi", "history": [{"role": "user", "content": "q"}] * 21}, ["history", "20"]),
        ({"question": "hi", "history": [{"role": "robot", "content": "q"}]}, ["role"]),
        ({"question": "hi", "history": "not a list"}, ["history"]),
        ({"question": "hi", "k": 0}, ["k"]),
        ({"question": "hi", "k": 51}, ["k"]),
        ({"question": "hi", "filters": {"doc_type": "email"}}, ["doc_type"]),
    ],
)
def test_ask_bad_input_is_422_with_message(client, payload: dict, words: list[str]) -> None:
    body = assert_error(client.post("/ask", json=payload), 422, *words)
    assert body["errors"] and all("loc" in e and "msg" in e for e in body["errors"])


def test_ask_history_at_the_limit_is_accepted(client) -> None:
    history = [{"role": "user", "content": "What is measure 1.3.5?"}] * 20
    assert client.post("/ask", json={"question": "And its status?", "history": history}).status_code == 200


def test_ask_body_not_json(client) -> None:
    assert_error(
        client.post("/ask", content=b"{not json", headers={"content-type": "application/json"}), 422, "JSON"
    )
    assert_error(
        client.post("/ask", content=b"question=hi", headers={"content-type": "text/plain"}),
        422,
        "JSON object",
    )
    assert_error(client.post("/ask"), 422, "missing")
    assert_error(client.post("/ask", json=["a list"]), 422, "JSON object")


def test_ask_lone_surrogate_is_422(client) -> None:
    raw = b'{"question": "status of \\ud800 activity"}'
    assert_error(
        client.post("/ask", content=raw, headers={"content-type": "application/json"}), 422, "Unicode"
    )


def test_ask_control_characters_and_metacharacters_are_answered(client) -> None:
    for q in [
        "status\x00 of \x07activity 1.4.2.2",
        "'; DROP TABLE chunks; --",
        ".*(a+)+$ [",
        "Активност 1.4.2.2?",
    ]:
        resp = client.post("/ask", json={"question": q})
        assert resp.status_code == 200, (q, resp.text)


def test_lists_and_counts_keep_to_the_filter(client) -> None:
    """The README's example: objective 1.3, "Which activities were abandoned?" lists the 4 under 1.3."""
    import re

    for route in ("/ask", "/ask/stream"):
        resp = client.post(
            route, json={"question": "Which activities were abandoned?", "filters": {"objective": "1.3"}}
        )
        if route == "/ask/stream":  # the final `event: answer` carries the Answer
            final = resp.text.split("event: answer", 1)[1].split("data:", 1)[1].split("\n")[0]
            text = json.loads(final)["answer"]
        else:
            text = resp.json()["answer"]
        listed = set(re.findall(r"\b1\.\d\.\d\.\d\b", text))
        assert listed and all(i.startswith("1.3.") for i in listed), (route, listed)
        assert len(listed) == 4, (route, listed)
    body = client.post(
        "/ask", json={"question": "How many activities were completed?", "filters": {"measure": "1.3.5"}}
    ).json()
    assert "1.3.5" in body["answer"] and all(c["id"].startswith("1.3.5") for c in body["citations"]), body
    unfiltered = client.post("/ask", json={"question": "Which activities were abandoned?"}).json()
    assert any(not i.startswith("1.3.") for i in re.findall(r"\b1\.\d\.\d\.\d\b", unfiltered["answer"]))


def test_ask_unknown_filter_ids_are_404_with_closest(client) -> None:
    body = assert_error(
        client.post("/ask", json={"question": "status?", "filters": {"measure": "1.3.9"}}), 404, "1.3.9"
    )
    assert body["closest"] and all(c.startswith("1.") for c in body["closest"])
    body = assert_error(
        client.post("/ask", json={"question": "status?", "filters": {"objective": "1.7"}}), 404
    )
    assert set(body["closest"]) <= {"1.1", "1.2", "1.3", "1.4"}


def test_body_too_large_is_413(client) -> None:
    big = json.dumps({"question": "hi", "padding": "x" * (5 * 1024 * 1024)})
    assert_error(
        client.post("/ask", content=big, headers={"content-type": "application/json"}), 413, "too large"
    )


# ---------------------------------------------------------------- /ask/stream


def test_ask_stream_tokens_then_answer(client) -> None:
    with client.stream(
        "POST", "/ask/stream", json={"question": "Who is responsible for Measure 1.3.5?"}
    ) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        text = "".join(resp.iter_text())
    events = sse_events(text)
    kinds = [e for e, _ in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1 and "token" in kinds
    assert all(k == "token" for k in kinds[:-1])
    final = events[-1][1]
    assert DESIGN_ANSWER_KEYS <= set(final)
    assert "".join(d["text"] for e, d in events if e == "token") == final["answer"]
    assert any(c["id"] == "1.3.5" for c in final["citations"])


def test_ask_stream_errors_before_streaming(client) -> None:
    assert_error(client.post("/ask/stream", json={"question": ""}), 422)
    assert_error(client.post("/ask/stream", json={"question": "x", "filters": {"measure": "9.9.9"}}), 404)


def test_ask_stream_failure_mid_stream_is_an_error_event(client, monkeypatch) -> None:
    import app.api.routes.answers as answers_routes

    def broken(*args, **kwargs):
        yield "Partial "
        raise RuntimeError("boom")

    monkeypatch.setattr(answers_routes, "answer_stream", broken)
    resp = client.post("/ask/stream", json={"question": "anything"})
    events = sse_events(resp.text)
    assert events[0] == ("token", {"text": "Partial "})
    assert events[-1][0] == "error" and "boom" not in events[-1][1]["detail"]


# ---------------------------------------------------------------- /search


def test_search_ranked_sources(client) -> None:
    body = client.post("/search", json={"question": "open data portal", "k": 5}).json()
    scores = [s["score"] for s in body["sources"]]
    assert 0 < len(scores) <= 5 and scores == sorted(scores, reverse=True)
    assert all(SOURCE_KEYS <= set(s) for s in body["sources"])


def test_search_with_filters(client) -> None:
    body = client.post("/search", json={"question": "services", "filters": {"measure": "1.3.5"}}).json()
    assert body["sources"]
    for s in body["sources"]:
        assert any(i == "1.3.5" or i.startswith("1.3.5.") for i in s["metadata"]["ids"])


def test_search_errors(client) -> None:
    assert_error(client.post("/search", json={"question": " "}), 422, "empty")
    assert_error(client.post("/search", json={"question": "x", "k": 100}), 422, "k")
    assert_error(
        client.post("/search", json={"question": "x", "filters": {"objective": "2.1"}}), 404, "closest"
    )


# ---------------------------------------------------------------- records


def test_objectives(client) -> None:
    body = client.get("/objectives").json()
    assert body["overall"]["id"] == "0"
    assert [o["id"] for o in body["objectives"]] == ["1.1", "1.2", "1.3", "1.4"]
    assert sum(o["activities"] for o in body["objectives"]) == 100
    assert "1.3.5" in body["objectives"][2]["measures"]


def test_measures_list_and_filter(client) -> None:
    assert len(client.get("/measures").json()) == 24
    ms = client.get("/measures", params={"objective": "1.3"}).json()
    assert [m["id"] for m in ms] == ["1.3.1", "1.3.2", "1.3.3", "1.3.4", "1.3.5"]
    body = assert_error(client.get("/measures", params={"objective": "1.9"}), 404)
    assert body["closest"]


def test_measure_detail_with_indicators_and_activities(client) -> None:
    body = client.get("/measures/1.3.5").json()
    assert body["id"] == "1.3.5" and body["objective"] == "1.3"
    assert [a["id"] for a in body["activities"]] == ["1.3.5.1", "1.3.5.2", "1.3.5.3"]
    assert any("one stop shop" in i["name"].lower() for i in body["indicators"])
    assert client.get("/measures/Measure 1.3.5").json()["id"] == "1.3.5"


def test_unknown_measure_is_404_with_closest(client) -> None:
    body = assert_error(client.get("/measures/1.3.9"), 404, "1.3.9")
    assert body["closest"] and set(body["closest"]) <= {m["id"] for m in client.get("/measures").json()}
    assert_error(client.get("/measures/../../etc/passwd"), 404)


def test_activity_detail_and_unknown(client) -> None:
    body = client.get("/activities/1.4.2.2").json()
    assert body["status"] == "abandoned" and body["measure"] == "1.4.2" and body["measure_title"]
    body = assert_error(client.get("/activities/1.4.2.9"), 404, "1.4.2.9")
    assert "1.4.2.2" in body["closest"]
    assert_error(client.get("/activities/" + "9" * 50), 404)
    assert_error(client.get("/activities/" + "9" * 51), 422)


def test_activities_filters(client) -> None:
    abandoned = client.get("/activities", params={"status": "abandoned"}).json()
    assert len(abandoned) == 13 and all(a["status"] == "abandoned" for a in abandoned)
    assert [a["id"] for a in client.get("/activities", params={"measure": "1.3.5"}).json()] == [
        "1.3.5.1",
        "1.3.5.2",
        "1.3.5.3",
    ]
    in_14 = client.get("/activities", params={"objective": "1.4"}).json()
    assert in_14 and all(a["objective"] == "1.4" for a in in_14)
    ite = client.get("/activities", params={"responsible": "ite"}).json()
    assert ite and all("ite" in a["responsible"].lower() for a in ite)
    assert client.get("/activities", params={"responsible": "nobody at all"}).json() == []
    both = client.get("/activities", params={"status": "abandoned", "objective": "1.4"}).json()
    assert {a["id"] for a in both} == {a["id"] for a in abandoned if a["objective"] == "1.4"}
    assert len(client.get("/activities").json()) == 100


def test_activities_filter_errors(client) -> None:
    assert_error(client.get("/activities?responsible=ite&responsible=mpalsg"), 422, "responsible", "once")
    assert_error(client.get("/activities", params={"status": "finished"}), 422, "status")
    assert_error(client.get("/activities", params={"measure": "1.3.55"}), 404, "closest")
    assert_error(client.get("/activities", params={"objective": "abc"}), 404)


def test_indicators(client) -> None:
    one_stop = client.get("/indicators", params={"measure": "1.3.5"}).json()
    assert [i["name"] for i in one_stop] == ["Number of services with one stop shops set"]
    values = one_stop[0]["values"]  # every column under the matrix's own label and year
    assert any(v["role"] == "achieved" and v["year"] == 2021 and v["raw"] for v in values)
    assert values[0]["label"] == "Baseline value (2019)"
    overall = client.get("/indicators", params={"objective": "0"}).json()
    assert overall and all(i["owner"] == "0" for i in overall)
    under_13 = client.get("/indicators", params={"objective": "1.3"}).json()
    assert any(i["owner"] == "1.3.5" for i in under_13) and all(
        i["owner"].startswith("1.3") for i in under_13
    )
    assert len(client.get("/indicators").json()) >= len(under_13)
    assert_error(client.get("/indicators", params={"measure": "1.3.6"}), 404)


# ---------------------------------------------------------------- /draft


def test_draft_json_md_docx(client) -> None:
    body = client.post("/draft", json={"request": "1.3.5"}).json()
    assert body["covered"] is True and body["entries"] and body["citations"]
    assert "1.3.5.1" in body["markdown"]
    md = client.post("/draft", params={"format": "md"}, json={"request": "1.3.5"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"] and ".md" in md.headers["content-disposition"]
    assert "1.3.5.1" in md.text
    dx = client.post("/draft", params={"format": "docx"}, json={"request": "1.3.5"})
    assert dx.status_code == 200 and dx.content[:2] == b"PK"
    import docx

    document = docx.Document(io.BytesIO(dx.content))
    assert document.tables


def test_draft_not_covered(client) -> None:
    body = client.post("/draft", json={"request": "space tourism on Mars"}).json()
    assert body["covered"] is False and body["message"]
    assert_error(
        client.post("/draft", params={"format": "docx"}, json={"request": "space tourism on Mars"}), 404
    )


def test_draft_errors(client) -> None:
    assert_error(client.post("/draft", json={"request": ""}), 422)
    assert_error(client.post("/draft", json={"request": "x" * 2001}), 422, "2000")
    assert_error(client.post("/draft", params={"format": "pdf"}, json={"request": "1.3.5"}), 422, "format")


# ---------------------------------------------------------------- documents, feedback


def test_documents_lists_the_corpus(client) -> None:
    docs = client.get("/documents").json()
    report = next(d for d in docs if d["name"] == "egov_expost_2020_2022.txt")
    assert report["chunks"] > 100 and report["uploaded"] is False and report["bytes"] > 100_000


def test_uploads_and_deletes_refused_without_a_key(client) -> None:
    files = {"files": ("notes.txt", b"Some notes about Measure 1.3.5.", "text/plain")}
    assert_error(client.post("/documents", files=files), 403, "EGOV_ADMIN_API_KEY")
    assert_error(client.delete("/documents/egov_expost_2020_2022.txt"), 403, "EGOV_ADMIN_API_KEY")
    assert "uploads" not in {p.name for p in Path(client.app.state.settings.corpus_dir).iterdir()}


def test_feedback_is_stored(client, indexed) -> None:
    from app.feedback import list_feedback

    answer_id = client.post("/ask", json={"question": "What is Measure 1.3.5?"}).json()["answer_id"]
    resp = client.post(
        "/feedback", json={"answer_id": answer_id, "rating": "down", "comment": "Missed the 2021 value."}
    )
    assert resp.status_code == 201, resp.text
    row_id = resp.json()["id"]
    rows = {r["id"]: r for r in list_feedback(settings=indexed)}
    assert rows[row_id]["answer_id"] == answer_id and rows[row_id]["rating"] == "down"
    assert client.post("/feedback", json={"answer_id": answer_id, "rating": "up"}).status_code == 201


@pytest.mark.parametrize(
    "payload",
    [
        {"answer_id": "abc", "rating": "meh"},
        {"rating": "up"},
        {"answer_id": "", "rating": "up"},
        {"answer_id": "a b/c", "rating": "up"},
        {"answer_id": "abc", "rating": "up", "comment": "x" * 2001},
    ],
)
def test_feedback_errors(client, payload: dict) -> None:
    assert_error(client.post("/feedback", json=payload), 422)


# ---------------------------------------------------------------- without an index, errors, CORS


def test_without_index_health_says_so_and_answers_503(tmp_settings: Settings) -> None:
    with TestClient(create_app(tmp_settings)) as c:
        health = c.get("/health").json()
        assert (
            health["status"] == "no_index" and health["index"] is False and "egov ingest" in health["detail"]
        )
        for resp in (
            c.post("/ask", json={"question": "What is measure 1.3.5?"}),
            c.post("/ask/stream", json={"question": "What is measure 1.3.5?"}),
            c.post("/search", json={"question": "x"}),
            c.get("/objectives"),
            c.get("/activities/1.4.2.2"),
            c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}),
        ):
            assert_error(resp, 503, "egov ingest")
        assert c.get("/documents").json() == []
        assert c.get("/stats").json()["chunks"] == 0


def test_unexpected_errors_are_500_json_without_trace(indexed: Settings, monkeypatch) -> None:
    def crash(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("app.api.routes.answers.ask", crash)
    with TestClient(create_app(indexed), raise_server_exceptions=False) as c:
        resp = c.post("/ask", json={"question": "What is measure 1.3.5?"})
    body = assert_error(resp, 500)
    assert "secret" not in resp.text and "RuntimeError" not in resp.text and set(body) == {"detail"}


def test_cors_off_by_default_and_configurable(indexed: Settings) -> None:
    preflight = {"Origin": "https://ui.example.org", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(indexed)) as c:
        resp = c.options("/ask", headers=preflight)
        assert "access-control-allow-origin" not in resp.headers
        assert (
            "access-control-allow-origin"
            not in c.get("/health", headers={"Origin": "https://ui.example.org"}).headers
        )
    with TestClient(create_app(indexed.model_copy(update={"cors_origins": ["https://ui.example.org"]}))) as c:
        resp = c.options("/ask", headers={**preflight, "Access-Control-Request-Headers": "x-api-key"})
        assert resp.headers["access-control-allow-origin"] == "https://ui.example.org"
        other = c.get("/health", headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in other.headers


# ---------------------------------------------------------------- OpenAI-compatible routes (in-process)


def test_models_list(client) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and body["data"][0]["id"] == "egov-assistant"


def test_chat_completion_carries_citations_and_sources(client) -> None:
    resp = client.post(
        "/v1/chat/completions",
        json={
            "model": "egov-assistant",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "What is the status of Activity 1.4.2.2?"},
            ],
        },
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    content = body["choices"][0]["message"]["content"]
    assert body["object"] == "chat.completion" and body["choices"][0]["finish_reason"] == "stop"
    assert "[Activity 1.4.2.2]" in content and "\nSources:\n1. [Activity 1.4.2.2]" in content
    assert body["usage"]["total_tokens"] > 0 and body["egov"]["answer_id"]


def test_chat_history_and_parts(client) -> None:
    body = client.post(
        "/v1/chat/completions",
        json={
            "messages": [
                {"role": "user", "content": "What is the status of Activity 1.4.2.2?"},
                {"role": "assistant", "content": "It is abandoned. [Activity 1.4.2.2]"},
                {"role": "user", "content": [{"type": "text", "text": "Who is responsible for it?"}]},
            ]
        },
    ).json()
    assert (
        "[Activity 1.4.2" in body["choices"][0]["message"]["content"]
        or "[Measure 1.4.2]" in body["choices"][0]["message"]["content"]
    )


def test_chat_without_user_message_asks_for_a_question(client) -> None:
    body = client.post(
        "/v1/chat/completions", json={"messages": [{"role": "system", "content": "hi"}]}
    ).json()
    assert (
        body["egov"]["abstained"] is True and "question" in body["choices"][0]["message"]["content"].lower()
    )


def test_chat_stream_in_process(client) -> None:
    resp = client.post(
        "/v1/chat/completions",
        json={
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "Who is responsible for Measure 1.3.5?"}],
        },
    )
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
    lines = [line[6:] for line in resp.text.split("\n") if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(x) for x in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert "[Measure 1.3.5]" in text and "Sources:" in text
    assert any(c["choices"] and c["choices"][0]["finish_reason"] == "stop" for c in chunks)
    assert chunks[-1]["usage"]["completion_tokens"] > 0


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"messages": []}, 422),
        ({}, 422),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, 422),
        ({"messages": [{"role": "user", "content": "x" * 2001}]}, 422),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "x" * 1500},
                            {"type": "text", "text": "y" * 1500},
                        ],
                    }
                ]
            },
            422,
        ),
        ({"messages": [{"role": "user", "content": "hi"}] * 65}, 422),
        ({"messages": [{"role": "user", "content": "hi"}], "stream": "sometimes"}, 422),
    ],
)
def test_chat_errors(client, payload: dict, status: int) -> None:
    assert_openai_error(client.post("/v1/chat/completions", json=payload), status)


def assert_openai_error(resp, status: int, *words: str, param: str | None = None) -> dict:
    """OpenAI's error shape, which its clients read: {"error": {"message", "type", "param", "code"}}."""
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["message"], error
    assert error["type"] == ("invalid_request_error" if status < 500 and status != 401 else error["type"])
    for w in words:
        assert w.lower() in error["message"].lower(), error
    if param is not None:
        assert error["param"] == param, error
    return error


@pytest.mark.parametrize(
    ("extra", "param", "word"),
    [
        ({"n": 2}, "n", "one answer"),
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}, "tools", "tools"),
        ({"tool_choice": "required"}, "tool_choice", "tools"),
        ({"response_format": {"type": "json_object"}}, "response_format", "text"),
        ({"logprobs": True}, "logprobs", "log-prob"),
        ({"temperature": 3}, "temperature", "0 to 2"),
        ({"top_p": -0.5}, "top_p", "0 to 1"),
    ],
)
def test_chat_refuses_what_it_cannot_honour(client, extra: dict, param: str, word: str) -> None:
    body = {"messages": [{"role": "user", "content": "What is the status of 1.4.2.2?"}], **extra}
    assert_openai_error(client.post("/v1/chat/completions", json=body), 400, word, param=param)


def test_chat_accepts_what_has_no_effect(client) -> None:
    body = {
        "messages": [{"role": "user", "content": "What is the status of 1.4.2.2?"}],
        "n": 1,
        "temperature": 0.2,
        "max_tokens": 50,
        "tool_choice": "none",
        "response_format": {"type": "text"},
    }
    assert client.post("/v1/chat/completions", json=body).status_code == 200


def test_chat_errors_of_the_api_itself_keep_their_own_shape(client) -> None:
    assert_error(client.post("/ask", json={}), 422)
    assert_openai_error(client.post("/v1/chat/completions", json={"messages": "x"}), 422, param="messages")


# ---------------------------------------------------------------- start-up


def test_index_and_model_load_at_start_up_not_per_request(indexed: Settings) -> None:
    from rag import index as rag_index

    rag_index._cache.pop(rag_index.store_key(indexed), None)
    app = create_app(indexed)
    assert rag_index.store_key(indexed) not in rag_index._cache  # creating the app loads nothing
    with TestClient(app) as c:
        loaded = rag_index._cache[rag_index.store_key(indexed)]
        assert loaded.embedder._model is not None  # the model is warm before the first question
        for q in ("What is Measure 1.3.5?", "Which activities were abandoned?"):
            assert c.post("/ask", json={"question": q}).status_code == 200
        assert rag_index._cache[rag_index.store_key(indexed)] is loaded  # the same Index served both


def test_the_schema_calls_blank_what_the_server_calls_blank(client) -> None:
    """A question of a next-line character (U+0085) is blank to Python but not to an ECMA-262 "\\S": the schema
    spells the spaces out, so a client that checks against it is never refused by the server for a blank question."""
    import re

    pattern = client.get("/openapi.json").json()["components"]["schemas"]["AskRequest"]["properties"][
        "question"
    ]["pattern"]
    assert "\\S" not in pattern
    for text in ("\u0085", "\u001c", "\u00a0", "\ufeff", " \t\n"):
        assert not re.search(pattern, text), repr(text)
    assert re.search(pattern, "\u0085?")
