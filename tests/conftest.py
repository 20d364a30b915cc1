"""Session-wide set-up: one index of the shipped corpus, built once, in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
CORPUS_FILE = CORPUS / "egov_expost_2020_2022.txt"

# Before any project module reads the settings: the session's index lives in a temp folder.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="egov-test-"))
os.environ["EGOV_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ["EGOV_CORPUS_DIR"] = str(CORPUS)
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for key in [k for k in os.environ if k.startswith("EGOV_") and k not in ("EGOV_DATA_DIR", "EGOV_CORPUS_DIR")]:
    del os.environ[key]
# Tests send many requests from one address within a minute: rate limits are off unless a test sets them
# (tests/app/test_rate_limit.py).
for key in ("EGOV_RATE_LIMIT", "EGOV_WRITE_RATE_LIMIT", "EGOV_FEEDBACK_RATE_LIMIT"):
    os.environ[key] = ""

from core.settings import Settings, get_settings  # noqa: E402


@pytest.fixture(scope="session")
def indexed() -> Settings:
    """Settings of the session index: the shipped corpus ingested once with the real model."""
    from ingest.pipeline import ingest

    get_settings.cache_clear()
    settings = get_settings()
    ingest(settings=settings, quiet=True)
    return settings


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings for a throw-away index over a throw-away corpus, with the fast hashing embedder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model="hash:64")


@pytest.fixture(scope="session")
def index(indexed):
    """The loaded Index of the session's corpus (chunks, catalog, BM25, the model)."""
    from rag.index import get_index

    return get_index(indexed)
