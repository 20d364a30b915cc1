"""Conversations kept on disk for reloads: only well-formed IDs, bounded in size and number."""

from __future__ import annotations

from app import ui_conversations as conversations
from core.settings import Settings


def test_save_and_load_a_conversation(tmp_settings: Settings) -> None:
    cid = conversations.new_id()
    turns = [
        {"role": "user", "content": "Status of 1.4.2.2?"},
        {"role": "assistant", "content": "Abandoned."},
    ]
    conversations.save(cid, turns, tmp_settings)
    assert conversations.load(cid, tmp_settings) == turns
    assert conversations.load(conversations.new_id(), tmp_settings) == []
    for bad in ("", "../secret", "ABCDEF0123456789", cid + "0"):
        conversations.save(bad, turns, tmp_settings)
        assert conversations.load(bad, tmp_settings) == []
    assert sorted(p.name for p in (tmp_settings.data_dir / "conversations").iterdir()) == [f"{cid}.json"]


def test_a_long_conversation_keeps_its_newest_turns_within_the_limit(
    tmp_settings: Settings, monkeypatch
) -> None:
    monkeypatch.setattr(conversations, "MAX_BYTES", 2000)
    cid = conversations.new_id()
    turns = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"turn {i} " + "x" * 200}
        for i in range(40)
    ]
    conversations.save(cid, turns, tmp_settings)
    kept = conversations.load(cid, tmp_settings)
    assert 0 < len(kept) < 40 and kept == turns[-len(kept) :] and kept[0]["role"] == "user"


def test_only_the_newest_conversations_are_kept(tmp_settings: Settings, monkeypatch) -> None:
    import os
    import time

    monkeypatch.setattr(conversations, "KEEP", 3)
    ids = []
    for n in range(5):
        cid = conversations.new_id()
        conversations.save(cid, [{"role": "user", "content": str(n)}], tmp_settings)
        past = time.time() - 100 + n  # each older than the next, all older than a file written now
        os.utime(tmp_settings.data_dir / "conversations" / f"{cid}.json", (past, past))
        ids.append(cid)
    conversations.save(ids[-1], [{"role": "user", "content": "again"}], tmp_settings)
    left = {p.stem for p in (tmp_settings.data_dir / "conversations").glob("*.json")}
    assert len(left) == 3 and ids[-1] in left and ids[0] not in left
