"""Feedback on answers (thumbs up or down, a comment), kept in a database through SQLAlchemy.

The database is Settings.database_url: a SQLite file in EGOV_DATA_DIR when unset, PostgreSQL (or any
database SQLAlchemy speaks) by URL, so that several API instances keep one record of ratings.

Bounded: each row keeps at most MAX_COMMENT characters of comment and MAX_TEXT of question and
answer; rows older than Settings.feedback_days or beyond the newest Settings.feedback_max_rows are
dropped on each insert; the API limits how often one client or key may post (app/rate_limit.py).
"""

from __future__ import annotations

import threading
import time
from typing import Literal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    select,
)

from core.settings import Settings, get_settings

MAX_COMMENT = 2000  # characters kept of a comment
MAX_TEXT = 4000  # characters kept of the rated question and answer

metadata = MetaData()
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", Float, nullable=False),
    Column("answer_id", String(64), nullable=False),
    Column("rating", String(4), CheckConstraint("rating IN ('up', 'down')"), nullable=False),
    Column("comment", Text),
    Column("question", Text),
    Column("answer", Text),
)

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.data_dir / 'feedback.sqlite3'}"


def engine_for(settings: Settings) -> Engine:
    """One engine (and connection pool) per database URL, its table created on first use."""
    url = database_url(settings)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            args = {"timeout": 10} if url.startswith("sqlite") else {}
            engine = create_engine(url, connect_args=args, pool_pre_ping=True)
            metadata.create_all(engine)
            _engines[url] = engine
        return engine


def record_feedback(
    answer_id: str,
    rating: Literal["up", "down"],
    comment: str | None = None,
    question: str = "",
    answer: str = "",
    settings: Settings | None = None,
) -> int:
    """Store one rating and return its row ID; the API's /feedback and the UI both call this."""
    if rating not in ("up", "down"):
        raise ValueError("rating must be 'up' or 'down'")
    settings = settings or get_settings()
    now = time.time()
    with engine_for(settings).begin() as conn:
        row = conn.execute(
            insert(feedback)
            .values(
                created=now,
                answer_id=answer_id[:64],
                rating=rating,
                comment=(comment or "")[:MAX_COMMENT] or None,
                question=question[:MAX_TEXT],
                answer=answer[:MAX_TEXT],
            )
            .returning(feedback.c.id)
        ).scalar_one()
        # retention: nothing older than feedback_days, and no more than feedback_max_rows rows
        conn.execute(delete(feedback).where(feedback.c.created < now - settings.feedback_days * 86400))
        conn.execute(delete(feedback).where(feedback.c.id <= row - settings.feedback_max_rows))
        return int(row)


def list_feedback(limit: int = 100, settings: Settings | None = None) -> list[dict]:
    """The latest feedback rows, newest first."""
    settings = settings or get_settings()
    with engine_for(settings).connect() as conn:
        rows = conn.execute(select(feedback).order_by(feedback.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]
