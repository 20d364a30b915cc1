"""Loading and validating the question sets: the named sets of evals/sets.toml, gold files, question types."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

GOLD_DEFAULT = Path(__file__).resolve().parent / "gold" / "gold.jsonl"
SETS_FILE = Path(__file__).resolve().parent / "sets.toml"
SET_NAMES = ("dev", "test")


def set_files(name: str, sets_file: Path = SETS_FILE) -> list[Path]:
    """The question files of a named set ('dev' to tune on, 'test' sealed), from evals/sets.toml."""
    sets = tomllib.loads(sets_file.read_text(encoding="utf-8"))
    if name not in sets:
        raise ValueError(f"no set {name!r} in {sets_file}: use one of {', '.join(sets)}")
    return [sets_file.parent / f for f in sets[name]["files"]]


def load_gold(paths: Iterable[Path | str] | None = None) -> list[dict[str, Any]]:
    """Gold items from one or more JSON-lines files (the project set by default)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in [Path(p) for p in (paths or [GOLD_DEFAULT])]:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc})") from exc
            missing = {"id", "question", "type"} - set(item)
            if missing:
                raise ValueError(f"{path}:{lineno}: missing {sorted(missing)}")
            if item["id"] in seen:
                raise ValueError(f"{path}:{lineno}: duplicate id {item['id']}")
            seen.add(item["id"])
            for key in ("must_include", "ids", "evidence"):
                item.setdefault(key, [])
            item["_file"] = path.name
            items.append(item)
    return items


def is_unanswerable(item: dict[str, Any]) -> bool:
    return item.get("type") == "unanswerable"


def is_draft(item: dict[str, Any]) -> bool:
    return item.get("type") == "draft"
