"""POST /ask's optional `language`: detected from the question by default, or asked for; an unknown one is 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api import create_app
from core.settings import Settings
from core.text import CYRILLIC


@pytest.fixture(scope="module")
def client(indexed: Settings):
    with TestClient(create_app(indexed)) as c:
        yield c


QUESTION = "Šta je sa aktivnošću 1.4.2.2?"


def test_detected_by_default(client) -> None:
    got = client.post("/ask", json={"question": QUESTION}).json()
    assert got["language"] == "sr-Latn" and "Status aktivnosti 1.4.2.2" in got["answer"]


def test_english_asked_for_a_serbian_question(client) -> None:
    got = client.post("/ask", json={"question": QUESTION, "language": "en"}).json()
    assert got["language"] == "en" and "Activity 1.4.2.2" in got["answer"] and "is marked “" in got["answer"]
    assert "engleskom" in got["notice"]


def test_cyrillic_asked_for(client) -> None:
    got = client.post("/ask", json={"question": QUESTION, "language": "sr-Cyrl"}).json()
    assert got["language"] == "sr-Cyrl" and "Статус активности 1.4.2.2" in got["answer"]
    assert any(ch in CYRILLIC for ch in got["notice"])
    assert got["citations"][0]["id"] == "1.4.2.2" and not any(
        ch in CYRILLIC for ch in got["citations"][0]["quote"]
    )


def test_auto_is_the_default(client) -> None:
    got = client.post(
        "/ask", json={"question": "What is the status of activity 1.4.2.2?", "language": "auto"}
    )
    assert got.status_code == 200 and got.json()["language"] == "en" and got.json()["notice"] is None


@pytest.mark.parametrize("language", ["de", "sr", "SR-LATN", 3])
def test_an_unknown_language_is_422(client, language) -> None:
    assert client.post("/ask", json={"question": QUESTION, "language": language}).status_code == 422


def test_the_stream_takes_it_too(client) -> None:
    with client.stream("POST", "/ask/stream", json={"question": QUESTION, "language": "sr-Cyrl"}) as r:
        body = "".join(r.iter_text())
    assert r.status_code == 200 and "sr-Cyrl" in body  # the final Answer's language
