"""Property-based tests of the API against its own OpenAPI schema (schemathesis 4): no 5xx, responses conform.

Read-only operations run against the session index of the shipped corpus (the `indexed` fixture builds it
before the first case); uploads and deletes run against a throw-away corpus with the hashing embedder, so
nothing touches the shipped corpus folder. The schemas load at import (the app serves /openapi.json without
an index); `schemathesis.pytest.from_fixture` is not used because it breaks under pytest 9.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from app.api import create_app
from core.settings import Settings

KEY = "schemathesis-key"
HEADERS = {"X-API-Key": KEY}
WRITES = r"^/documents"
TIMEOUT = 120  # seconds; a first draft warms its caches for several seconds
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

# The session index's settings (conftest.py points EGOV_DATA_DIR at its temp folder before this import).
READ_SETTINGS = Settings().model_copy(update={"api_key": KEY})
_WRITE_ROOT = Path(tempfile.mkdtemp(prefix="egov-schemathesis-"))
WRITE_SETTINGS = Settings(
    data_dir=_WRITE_ROOT / "data",
    corpus_dir=_WRITE_ROOT / "corpus",
    embed_model="hash:64",
    api_key=KEY,
    admin_api_key=KEY,
)

read_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(READ_SETTINGS)).exclude(
    method=["POST", "DELETE"], path_regex=WRITES
)
write_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(WRITE_SETTINGS)).include(
    method=["POST", "DELETE"], path_regex=WRITES
)


@pytest.fixture(scope="module")
def write_corpus() -> Settings:
    """A one-file corpus ingested with the hashing embedder, for the upload and delete operations."""
    from ingest.pipeline import ingest

    WRITE_SETTINGS.corpus_dir.mkdir(parents=True, exist_ok=True)
    (WRITE_SETTINGS.corpus_dir / "report.txt").write_text(
        "Measure 1.3.5 (one stop shop) made progress in 2021.\n", encoding="utf-8"
    )
    ingest(settings=WRITE_SETTINGS, quiet=True)
    return WRITE_SETTINGS


def test_read_settings_are_the_session_index(indexed: Settings) -> None:
    assert READ_SETTINGS.data_dir == indexed.data_dir and READ_SETTINGS.corpus_dir == indexed.corpus_dir


@read_schema.parametrize()
@FUZZ
def test_read_operations_conform(case, indexed) -> None:
    # Chat messages are a oneOf on `role` (a user message holds at most 2,000 characters, other roles more):
    # schemathesis's negative mode can "break" one branch's role into the other branch's valid value and then
    # call the schema-valid request invalid. Negative data for this route is checked in test_api.py instead.
    excluded = [negative_data_rejection] if case.path == "/v1/chat/completions" else []
    response = case.call_and_validate(headers=HEADERS, timeout=TIMEOUT, excluded_checks=excluded)
    assert response.status_code < 500


@write_schema.parametrize()
@FUZZ
def test_write_operations_conform(case, write_corpus) -> None:
    # An upload's files are checked by content, which the schema cannot say (random bytes named 'file' are
    # refused with 400 and per-file reasons), and a multipart file part is bytes whatever JSON type schemathesis
    # "meant" (an "integer" part is a valid text file): so acceptance and rejection are left out for POST
    # /documents (test_api_security.py covers them). Every other check (no 5xx, status codes, content types,
    # response schemas, auth enforced) still runs, and DELETE runs them all.
    excluded = [positive_data_acceptance, negative_data_rejection] if case.method == "POST" else []
    response = case.call_and_validate(headers=HEADERS, timeout=TIMEOUT, excluded_checks=excluded)
    assert response.status_code < 500
    assert (write_corpus.corpus_dir / "report.txt").exists()
