"""Conversations kept across reloads: each chat has an ID in the page's URL (?c=...) and its turns in a
JSON file under EGOV_DATA_DIR/conversations/. A reload, or the link opened again, shows the same
conversation; "New chat" starts another ID. Bounded: the newest KEEP files are kept, and a file is
at most MAX_BYTES (older turns are dropped first)."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

from core.settings import Settings, get_settings

KEEP = 2000
MAX_BYTES = 2_000_000
ID = re.compile(r"^[0-9a-f]{16}$")


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def _folder(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "conversations"


def load(conversation: str, settings: Settings | None = None) -> list[dict[str, Any]]:
    """The turns of a conversation, or [] when the ID is malformed, unknown or its file unreadable."""
    if not ID.match(conversation or ""):
        return []
    try:
        turns = json.loads((_folder(settings) / f"{conversation}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return turns if isinstance(turns, list) else []


def save(conversation: str, turns: list[dict[str, Any]], settings: Settings | None = None) -> None:
    """Write the turns atomically (oldest dropped past MAX_BYTES), then prune the oldest files past KEEP."""
    if not ID.match(conversation or ""):
        return
    folder = _folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    kept = list(turns)
    text = json.dumps(kept, ensure_ascii=False)
    while len(text.encode("utf-8")) > MAX_BYTES and len(kept) > 2:
        kept = kept[2:]
        text = json.dumps(kept, ensure_ascii=False)
    tmp = folder / f".{conversation}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / f"{conversation}.json")
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP]:
        old.unlink(missing_ok=True)
