"""The index's state in Chroma: parts that read back as written, versions that go live in one write, the lease."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.settings import Settings
from ingest.chunks import Chunk
from ingest.lease import LEASE, IngestLocked, Lease, held
from ingest.state import (
    UNIT_ROWS,
    IndexState,
    Live,
    PartMissing,
    chunk_parts,
    read_units,
    state_collection,
    unit_parts,
)
from ingest.store import make_client
from ingest.vectors import VectorStore

chunk = st.builds(
    Chunk,
    id=st.text(min_size=1, max_size=20),
    text=st.text(max_size=400),
    document=st.text(min_size=1, max_size=20),
    doc_type=st.sampled_from(["report", "interview"]),
    kind=st.sampled_from(["activity", "section"]),
    ids=st.lists(st.from_regex(r"1\.[1-4]\.[1-9]", fullmatch=True), max_size=3),
    meta=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(chunk, max_size=15))
def test_chunk_parts_give_back_every_chunk_in_order(chunks: list[Chunk]) -> None:
    import json

    parts = chunk_parts(chunks)
    back = [Chunk(**json.loads(line)) for p in parts for line in p.split("\n")]
    assert back == chunks


def test_a_long_document_is_split_into_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.state as state

    monkeypatch.setattr(state, "PART_CHARS", 500)
    chunks = [
        Chunk(id=f"d#{n}", text="x" * 200, document="d", doc_type="report", kind="section") for n in range(6)
    ]
    assert len(chunk_parts(chunks)) >= 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=12, unique=True))
def test_unit_parts_give_back_every_text_and_vector(texts: list[str]) -> None:
    store = VectorStore(texts, np.arange(len(texts) * 3, dtype="float32").reshape(len(texts), 3))
    got_texts: list[str] = []
    rows = []
    for part in unit_parts(texts, store):
        t, m = read_units(part)
        got_texts += t
        rows.append(m)
    assert got_texts == texts
    if texts:
        assert np.array_equal(np.concatenate(rows), store.matrix)


def test_unit_parts_hold_at_most_unit_rows_each() -> None:
    texts = [f"t{n}" for n in range(UNIT_ROWS * 2 + 1)]
    store = VectorStore(texts, np.ones((len(texts), 2), dtype="float32"))
    assert [len(read_units(p)[0]) for p in unit_parts(texts, store)] == [UNIT_ROWS, UNIT_ROWS, 1]


@pytest.fixture
def state(tmp_path: Path) -> IndexState:
    return IndexState(make_client(Settings(data_dir=tmp_path / "data", embed_model="hash:64")), "egov")


def test_a_part_is_stored_once_under_its_content(state: IndexState) -> None:
    a = state.put("glossary", "{}")
    assert state.put("glossary", "{}") == a and state.items.count() == 1
    assert state.texts([a]) == {a: "{}"}
    with pytest.raises(PartMissing):
        state.texts(["glossary/none"])


def test_publishing_moves_the_pointer_and_collects_what_it_no_longer_names(state: IndexState) -> None:
    assert state.live() is None
    old = state.put("glossary", '{"bodies": []}')
    first = Live(collection="egov_a", model="m", glossary=old)
    state.publish(first)
    assert state.live() == first
    new = state.put("glossary", "{}")
    second = Live(collection="egov_b", model="m", glossary=new)
    state.publish(second)
    assert state.live() == second and second.version != first.version
    with pytest.raises(PartMissing):
        state.texts([old])  # a reader of the first version reads the pointer again
    assert state.texts([new])


def test_the_lease_admits_one_holder_at_a_time(state: IndexState) -> None:
    first, second = Lease(state.items, 60), Lease(state.items, 60)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()
    assert first.current() is None


def test_an_expired_lease_is_taken_over_and_its_late_release_frees_nothing(state: IndexState) -> None:
    stale = Lease(state.items, 0.05, holder="another-machine:1:aa")
    assert stale.try_acquire()
    time.sleep(0.1)
    fresh = Lease(state.items, 60)
    assert not fresh.try_acquire()  # the first try removes the expired lease
    assert fresh.try_acquire()
    stale.release()  # the old holder wakes up: it must not free the lease it no longer holds
    assert (fresh.current() or {}).get("holder") == fresh.holder
    fresh.release()


def test_a_lease_of_a_dead_process_on_this_machine_is_taken_at_once(state: IndexState) -> None:
    import socket
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = Lease(state.items, 3600, holder=f"{socket.gethostname()}:{proc.stdout.strip()}:bb")
    assert dead.try_acquire()
    fresh = Lease(state.items, 60)
    assert not fresh.try_acquire() and fresh.try_acquire()
    fresh.release()


def test_a_waiting_ingest_gets_the_lease_when_it_is_released(state: IndexState) -> None:
    first = Lease(state.items, 60)
    first.acquire(1)
    threading.Timer(0.3, first.release).start()
    with held(state.items, 60, 10) as second:
        assert (second.current() or {}).get("holder") == second.holder
    with held(state.items, 60, 0):
        with pytest.raises(IngestLocked, match="another ingest is running"):
            Lease(state.items, 60).acquire(0.3)


def test_the_lease_is_renewed_while_it_is_held(state: IndexState) -> None:
    with held(state.items, 0.6, 1) as lease:
        first = float((lease.current() or {})["expires"])
        time.sleep(0.5)
        assert float((lease.current() or {})["expires"]) > first
    assert state.items.get(ids=[LEASE])["ids"] == []


def test_the_state_collection_is_named_after_the_prefix(tmp_path: Path) -> None:
    client = make_client(Settings(data_dir=tmp_path / "d", embed_model="hash:64"))
    assert state_collection(client, "other").name == "other_state"
