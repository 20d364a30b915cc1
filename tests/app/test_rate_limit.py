"""Rate limits per client address and per key, bounded feedback: the service holds under a flood."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from app.feedback import MAX_TEXT, record_feedback
from core.settings import Settings
from ingest.pipeline import ingest


@pytest.fixture
def limited(tmp_settings: Settings) -> Settings:
    (tmp_settings.corpus_dir / "report.txt").write_text(
        "1. FINDINGS\nMeasure 1.3.5 opened one stop shops in 2021.\n", encoding="utf-8"
    )
    ingest(settings=tmp_settings, quiet=True)
    return tmp_settings.model_copy(
        update={"rate_limit": "5/minute", "feedback_rate_limit": "3/minute", "api_key": "reader-key"}
    )


def test_a_client_over_its_budget_gets_429_with_retry_after(limited: Settings) -> None:
    with TestClient(create_app(limited)) as c:
        auth = {"X-API-Key": "reader-key"}
        codes = [c.get("/stats", headers=auth).status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        resp = c.get("/stats", headers=auth)
        assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1
        assert "Too many requests" in resp.json()["detail"]
        assert c.get("/health").status_code == 200  # never limited
        chat = c.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}, headers=auth
        )
        assert chat.status_code == 429 and chat.json()["error"]["type"] == "rate_limit_error"


def test_a_key_is_limited_across_addresses(limited: Settings) -> None:
    app = create_app(limited)
    auth = {"X-API-Key": "reader-key"}
    with TestClient(app, client=("10.0.0.1", 1000)) as a, TestClient(app, client=("10.0.0.2", 1000)) as b:
        codes = [a.get("/stats", headers=auth).status_code for _ in range(3)]
        codes += [b.get("/stats", headers=auth).status_code for _ in range(3)]
        assert codes == [200] * 5 + [429]  # the key's budget, spread over two addresses
        with TestClient(app, client=("10.0.0.3", 1000)) as other:
            assert other.get("/stats", headers={"X-API-Key": "wrong"}).status_code == 401  # its own budget


def test_a_feedback_flood_stops_at_its_budget(limited: Settings) -> None:
    with TestClient(create_app(limited)) as c:
        auth = {"X-API-Key": "reader-key"}
        body = {"answer_id": "abc123", "rating": "down", "comment": "x" * 2000, "answer": "y" * 20000}
        codes = [c.post("/feedback", json=body, headers=auth).status_code for _ in range(50)]
        assert codes.count(201) == 3 and codes.count(429) == 47


def test_feedback_rows_are_bounded_in_size_count_and_age(tmp_settings: Settings) -> None:
    settings = tmp_settings.model_copy(update={"feedback_max_rows": 5, "feedback_days": 30})
    for _ in range(12):
        record_feedback("a1", "up", "c" * 5000, question="q" * 9000, answer="a" * 30000, settings=settings)
    with sqlite3.connect(settings.data_dir / "feedback.sqlite3") as conn:
        rows = conn.execute(
            "SELECT length(comment), length(question), length(answer) FROM feedback"
        ).fetchall()
        assert len(rows) == 5 and all(r == (2000, MAX_TEXT, MAX_TEXT) for r in rows)
        conn.execute("UPDATE feedback SET created = created - 40 * 86400")
    record_feedback("a2", "down", settings=settings)
    with sqlite3.connect(settings.data_dir / "feedback.sqlite3") as conn:
        assert conn.execute("SELECT answer_id FROM feedback").fetchall() == [("a2",)]
