"""Feedback on answers (thumbs up or down, a comment), kept in SQLite under EGOV_DATA_DIR.

Bounded: each row keeps at most MAX_COMMENT characters of comment and MAX_TEXT of question and
answer; rows older than Settings.feedback_days or beyond the newest Settings.feedback_max_rows are
dropped on each insert; the API limits how often one client or key may post (app/rate_limit.py).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Literal

from core.settings import Settings, get_settings

MAX_COMMENT = 2000  # characters kept of a comment
MAX_TEXT = 4000  # characters kept of the rated question and answer

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
    now = time.time()
    with _connect(settings.data_dir) as conn:
        cur = conn.execute(
            "INSERT INTO feedback (created, answer_id, rating, comment, question, answer) VALUES (?, ?, ?, ?, ?, ?)",
            (
                now,
                answer_id,
                rating,
                (comment or "")[:MAX_COMMENT] or None,
                question[:MAX_TEXT],
                answer[:MAX_TEXT],
            ),
        )
        row = int(cur.lastrowid or 0)
        # retention: nothing older than feedback_days, and no more than feedback_max_rows rows
        conn.execute("DELETE FROM feedback WHERE created < ?", (now - settings.feedback_days * 86400,))
        conn.execute("DELETE FROM feedback WHERE id <= ?", (row - settings.feedback_max_rows,))
        return row


def list_feedback(limit: int = 100, settings: Settings | None = None) -> list[dict]:
    """The latest feedback rows, newest first."""
    settings = settings or get_settings()
    with _connect(settings.data_dir) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [dict(r) for r in rows]
