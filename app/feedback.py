"""Feedback on answers (thumbs up or down, a comment), kept in SQLite under EGOV_DATA_DIR."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Literal

from ingest.config import Settings, get_settings

SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, answer_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT, question TEXT, answer TEXT)"""


def _connect(data_dir: Path) -> sqlite3.Connection:
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data_dir / "feedback.sqlite3", timeout=10)
    conn.execute(SCHEMA)
    return conn


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
    with _connect(settings.data_dir) as conn:
        cur = conn.execute(
            "INSERT INTO feedback (created, answer_id, rating, comment, question, answer) VALUES (?, ?, ?, ?, ?, ?)",
            (time.time(), answer_id, rating, comment, question, answer),
        )
        return int(cur.lastrowid or 0)


def list_feedback(limit: int = 100, settings: Settings | None = None) -> list[dict]:
    """The latest feedback rows, newest first."""
    settings = settings or get_settings()
    with _connect(settings.data_dir) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [dict(r) for r in rows]
