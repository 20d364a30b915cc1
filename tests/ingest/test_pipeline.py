"""The ingest pipeline on small corpora: incremental updates, deletions, rebuilds, failures and the lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import ingest.pipeline as pipeline
from core.settings import Settings
from ingest import store
from ingest.embed import get_embedder
from ingest.pipeline import IngestLocked, IngestSummary, ingest, ingest_lock, own
from ingest.state import IndexState, Snapshot, read_index
from ingest.stats import index_stats
from ingest.store import make_client, merge_catalogs, open_collection
from ingest.vectors import unit_texts

ALPHA = """1. INTRODUCTION
The ex-post analysis reviews the e-Government Development Programme 2020-2022 and its action plan.

2. FINDINGS
The one stop shop of Measure 1.3.5 was opened in several local self-government units.

3. OUTLOOK
The next programme should plan staff for the data centre in Kragujevac.
"""

BETA = """1. INTRODUCTION
Open data in the public administration grew fast: the portal lists many datasets.

2. FINDINGS
Activity 1.4.2.2 on the Open Data Portal upgrade was abandoned for lack of funds.
"""

MATRIX = """Some words before the matrix.

Annex 7: Evaluation Matrix

\tSpecific objective 1.4: Data opening in the public administration
Responsible entity: ITE Office
Achievement of indicators: 60% achieved and 40% not achieved

\tMeasure 1.4.2 Improvement of Open Data Portal
Responsible entity: ITE Office

\tActivity
\tResponsible entity
\tStatus

\t1.4.2.1: Analysis of the portal
\tITE Office
\tcompleted
\tThe analysis was done.

\t1.4.2.2: Portal upgrade
\tITE Office
\tabandoned
\tNo funds were secured.
"""


def write(settings: Settings, name: str, text: str) -> Path:
    path = settings.corpus_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(settings: Settings, **kwargs) -> IngestSummary:
    return ingest(settings=settings, quiet=True, **kwargs)


def snapshot(settings: Settings) -> Snapshot:
    got = read_index(settings)
    assert got is not None
    return got


def chunks_of(settings: Settings) -> list:
    return snapshot(settings).chunks


def active_of(settings: Settings) -> str | None:
    got = read_index(settings)
    return got.live.collection if got else None


def collection_of(settings: Settings):
    name = active_of(settings)
    assert name
    return open_collection(make_client(settings), name, settings.model_path())


def stored(settings: Settings) -> dict[str, str]:
    """Chunk id -> document text, as the vector store holds them."""
    got = collection_of(settings).get(include=["documents"])
    return dict(zip(got["ids"], got["documents"]))


def assert_consistent(settings: Settings) -> None:
    """The chunk list beside the collection and the collection hold the same chunks."""
    chunks = chunks_of(settings)
    assert stored(settings) == {c.id: c.text for c in chunks}
    hashes = store.stored_hashes(collection_of(settings))
    assert hashes == {c.id: c.hash for c in chunks}


@pytest.fixture
def embed_calls(tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the hash embedder was asked to embed (chunks, sentences, titles), in order."""
    embedder = get_embedder(tmp_settings.model_path())
    calls: list[str] = []
    original = type(embedder).embed

    def counting(texts: list[str], batch_size: int = 64) -> list[list[float]]:
        calls.extend(texts)
        return original(embedder, texts, batch_size)

    monkeypatch.setattr(embedder, "embed", counting)
    return calls


def test_first_ingest_then_idempotent(tmp_settings: Settings, embed_calls: list[str]) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    first = run(tmp_settings)
    n = len(chunks_of(tmp_settings))
    assert n == 5
    assert (first.added, first.updated, first.deleted, first.unchanged) == (n, 0, 0, 0)
    assert first.errors == [] and first.documents == ["alpha.txt", "beta.md"]
    assert first.rebuilt  # the first ingest creates the collection
    chunks = chunks_of(tmp_settings)
    units = unit_texts(chunks, merge_catalogs(snapshot(tmp_settings).catalogs.values()))
    assert sorted(embed_calls) == sorted(units)  # every chunk, sentence and title once
    assert first.embedded_texts == len(units) - n  # the chunks' own vectors came from the collection's
    assert_consistent(tmp_settings)

    active = active_of(tmp_settings)
    embed_calls.clear()
    second = run(tmp_settings)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, n)
    assert not second.rebuilt
    assert embed_calls == []  # nothing re-embedded
    assert not second.wrote and second.skipped_documents == 2  # nothing re-read, nothing rewritten
    assert active_of(tmp_settings) == active
    assert_consistent(tmp_settings)


def test_changed_file_replaces_only_its_own_chunks(tmp_settings: Settings, embed_calls: list[str]) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    before = stored(tmp_settings)

    embed_calls.clear()
    write(
        tmp_settings,
        "beta.md",
        BETA.replace("lack of funds", "lack of funds and staff")
        + "\n3. NEXT STEPS\nThe portal upgrade should be planned again for 2023.\n",
    )
    summary = run(tmp_settings)
    assert (summary.added, summary.updated, summary.deleted) == (1, 1, 0)
    assert summary.unchanged == len(before) - 1
    changed = [c.text for c in chunks_of(tmp_settings) if c.text not in before.values()]
    assert len(changed) == 2
    assert set(changed) <= set(embed_calls)  # the changed and the new chunk ...
    assert not set(before.values()) & set(embed_calls)  # ... and no chunk that stayed the same
    assert summary.skipped_documents == 1  # alpha.txt was not even read again
    after = stored(tmp_settings)
    for id_, text in before.items():
        if id_.startswith("alpha.txt#"):
            assert after[id_] == text
    changed = [i for i in before if after[i] != before[i]]
    assert len(changed) == 1 and changed[0].startswith("beta.md#")
    assert "lack of funds and staff" in after[changed[0]]
    assert any("planned again for 2023" in t for t in after.values())
    assert_consistent(tmp_settings)

    # A section taken out of the file deletes its chunk, and only that one.
    write(tmp_settings, "beta.md", BETA.replace("lack of funds", "lack of funds and staff"))
    summary = run(tmp_settings)
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 1)
    assert_consistent(tmp_settings)


def test_removed_file_chunks_are_deleted(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    beta = write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    n_beta = sum(1 for c in chunks_of(tmp_settings) if c.document == "beta.md")
    assert n_beta == 2
    beta.unlink()
    summary = run(tmp_settings)
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, n_beta)
    assert summary.documents == ["alpha.txt"]
    assert all(not i.startswith("beta.md#") for i in stored(tmp_settings))
    assert_consistent(tmp_settings)


def test_removed_matrix_file_takes_its_records_along(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    matrix = write(tmp_settings, "annex.txt", MATRIX)
    run(tmp_settings)
    stats = index_stats(tmp_settings)
    assert (stats["objectives"], stats["measures"], stats["activities"]) == (1, 1, 2)
    assert stats["statuses"]["abandoned"] == 1 and stats["statuses"]["completed"] == 1
    matrix.unlink()
    run(tmp_settings)
    stats = index_stats(tmp_settings)
    assert (stats["documents"], stats["objectives"], stats["measures"], stats["activities"]) == (1, 0, 0, 0)


def test_rebuild_reembeds_everything(tmp_settings: Settings, embed_calls: list[str]) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    old = active_of(tmp_settings)
    n = len(chunks_of(tmp_settings))

    embed_calls.clear()
    summary = run(tmp_settings, rebuild=True)
    assert summary.rebuilt
    assert sorted(embed_calls) == sorted(
        c.text for c in chunks_of(tmp_settings)
    )  # sentences kept their vectors
    assert summary.embedded_texts == 0
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (0, 0, 0, n)
    new = active_of(tmp_settings)
    assert new and new != old
    names = {c.name for c in make_client(tmp_settings).list_collections()}
    assert names - own(tmp_settings) == {new}  # the old collection was dropped after the swap
    assert_consistent(tmp_settings)


def test_rebuild_after_a_removal_leaves_no_stale_chunks(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    beta = write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    beta.unlink()
    summary = run(tmp_settings, rebuild=True)
    assert summary.deleted == 2
    assert all(i.startswith("alpha.txt#") for i in stored(tmp_settings))
    assert_consistent(tmp_settings)


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "batches", lambda items, size=2: store.batches(items, 2))


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, target: object, attr: str, at: int) -> list[int]:
    """Make target.attr raise on its at-th call (1-based); earlier calls go through."""
    original = getattr(target, attr)
    calls: list[int] = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == at:
            raise RuntimeError("disk full (simulated)")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, attr, flaky)
    return calls


def test_failed_rebuild_leaves_the_previous_index_answering(
    tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    active = active_of(tmp_settings)
    before = snapshot(tmp_settings)

    write(
        tmp_settings, "gamma.txt", "1. GAMMA\nA third document about e-Government services and the portal.\n"
    )
    _small_batches(monkeypatch)
    embedder = get_embedder(tmp_settings.model_path())
    calls = _fail_on_call(monkeypatch, embedder, "embed", at=2)  # the first batch lands, the second fails
    with pytest.raises(RuntimeError, match="simulated"):
        run(tmp_settings, rebuild=True)
    assert len(calls) == 2

    after = snapshot(tmp_settings)
    assert after.live.collection == active and after.live.version == before.live.version
    assert after.chunks == before.chunks and after.catalogs == before.catalogs
    client = make_client(tmp_settings)
    old = open_collection(client, active, tmp_settings.model_path())
    assert old.count() == 5
    hits = old.query(query_texts=["Open Data Portal upgrade abandoned"], n_results=2, include=["documents"])
    assert hits["ids"][0]
    assert any("1.4.2.2" in d for d in hits["documents"][0])
    assert not any(i.startswith("gamma.txt#") for i in old.get()["ids"])

    # Once the fault is gone a rebuild completes and cleans up the half-built collection.
    monkeypatch.undo()
    summary = run(tmp_settings, rebuild=True)
    assert summary.rebuilt and summary.added == 1
    names = {c.name for c in make_client(tmp_settings).list_collections()}
    assert names - own(tmp_settings) == {active_of(tmp_settings)}
    assert_consistent(tmp_settings)


def test_failed_upsert_during_rebuild_keeps_the_old_index(
    tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    active = active_of(tmp_settings)
    _small_batches(monkeypatch)
    real_open = pipeline.open_collection

    def open_flaky(client, name, model_path):
        coll = real_open(client, name, model_path)
        if name != active:
            _fail_on_call(monkeypatch, coll, "upsert", at=2)
        return coll

    monkeypatch.setattr(pipeline, "open_collection", open_flaky)
    with pytest.raises(RuntimeError, match="simulated"):
        run(tmp_settings, rebuild=True)
    assert active_of(tmp_settings) == active
    old = open_collection(make_client(tmp_settings), active, tmp_settings.model_path())
    hits = old.query(query_texts=["one stop shop"], n_results=1, include=["documents"])
    assert "one stop shop" in hits["documents"][0][0]


def test_failed_incremental_ingest_recovers_on_the_next_run(
    tmp_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    run(tmp_settings)
    before = snapshot(tmp_settings)
    write(tmp_settings, "beta.md", BETA + "\n3. MORE\nA third section so that there are two batches.\n")
    _small_batches(monkeypatch)
    _fail_on_call(monkeypatch, get_embedder(tmp_settings.model_path()), "embed", at=2)
    with pytest.raises(RuntimeError, match="simulated"):
        run(tmp_settings)
    after = snapshot(tmp_settings)  # the live version is the old one, whole
    assert after.live.version == before.live.version and after.chunks == before.chunks
    monkeypatch.undo()
    summary = run(tmp_settings)
    assert summary.errors == []
    assert summary.documents == ["alpha.txt", "beta.md"]
    assert_consistent(tmp_settings)


def test_lock_refuses_a_concurrent_ingest(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    with ingest_lock(tmp_settings):
        with pytest.raises(IngestLocked, match="another ingest is running"):
            run(tmp_settings, wait_seconds=0.3)
    assert read_index(tmp_settings) is None
    # Released: the next ingest goes through.
    assert run(tmp_settings, wait_seconds=0.3).added == 3


def test_lock_waits_for_a_short_ingest_to_finish(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with ingest_lock(tmp_settings):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    assert held.wait(5)
    threading.Timer(0.3, release.set).start()
    summary = run(tmp_settings, wait_seconds=10)
    t.join(5)
    assert summary.added == 3


def test_file_that_fails_to_load_keeps_its_indexed_chunks(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    beta = write(tmp_settings, "beta.md", BETA)
    annex = write(tmp_settings, "annex.txt", MATRIX)
    run(tmp_settings)
    before = {c.id: c.text for c in chunks_of(tmp_settings)}
    stats_before = index_stats(tmp_settings)

    beta.write_bytes(b"\x00\x01\x02 broken \x00" * 100)
    annex.write_bytes(b"")
    summary = run(tmp_settings)
    assert {Path(e.file).name for e in summary.errors} == {"beta.md", "annex.txt"}
    assert (summary.added, summary.updated, summary.deleted) == (0, 0, 0)
    assert summary.documents == ["alpha.txt", "annex.txt", "beta.md"]
    assert {c.id: c.text for c in chunks_of(tmp_settings)} == before
    assert stored(tmp_settings) == before
    assert index_stats(tmp_settings) == stats_before  # the matrix records stay too

    # A rebuild while the files are still broken keeps them as well.
    summary = run(tmp_settings, rebuild=True)
    assert len(summary.errors) == 2 and summary.deleted == 0
    assert stored(tmp_settings) == before

    # Fixed again: back to normal, with the changed text picked up.
    write(tmp_settings, "beta.md", BETA.replace("abandoned", "dropped"))
    write(tmp_settings, "annex.txt", MATRIX)
    summary = run(tmp_settings)
    assert summary.errors == [] and summary.updated == 1
    assert_consistent(tmp_settings)


def test_ingest_of_given_paths_leaves_other_documents(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    beta = write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    n = len(chunks_of(tmp_settings))
    write(tmp_settings, "beta.md", BETA.replace("abandoned", "dropped"))
    (tmp_settings.corpus_dir / "alpha.txt").unlink()  # not among the given paths: stays indexed
    summary = run(tmp_settings, paths=[beta])
    assert (summary.added, summary.updated, summary.deleted) == (0, 1, 0)
    assert len(chunks_of(tmp_settings)) == n
    assert summary.documents == ["alpha.txt", "beta.md"]
    assert_consistent(tmp_settings)


def test_empty_corpus(tmp_settings: Settings) -> None:
    summary = run(tmp_settings)
    assert (summary.added, summary.deleted, summary.errors, summary.documents) == (0, 0, [], [])
    assert index_stats(tmp_settings)["chunks"] == 0


def test_shipped_corpus_through_the_pipeline(tmp_settings: Settings) -> None:
    """The whole shipped report, ingested with the hash embedder: the records and stats the matrix holds."""
    import shutil

    from conftest import CORPUS_FILE

    shutil.copy(CORPUS_FILE, tmp_settings.corpus_dir / CORPUS_FILE.name)
    summary = run(tmp_settings)
    assert summary.errors == [] and summary.documents == [CORPUS_FILE.name]
    stats = index_stats(tmp_settings)
    assert (stats["documents"], stats["objectives"], stats["measures"], stats["activities"]) == (
        1,
        4,
        24,
        100,
    )
    assert stats["chunks"] == summary.added == collection_of(tmp_settings).count()
    assert stats["statuses"] == {
        "completed": 38,
        "ongoing": 32,
        "abandoned": 13,
        "not initiated": 8,
        "no data": 6,
        "unknown": 3,
    }
    catalog = merge_catalogs(snapshot(tmp_settings).catalogs.values())
    assert catalog.record("1.4.2.2").status == "abandoned"  # type: ignore[union-attr]
    again = run(tmp_settings)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)


def test_a_no_change_ingest_writes_nothing(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    state = IndexState(make_client(tmp_settings), tmp_settings.collection)
    before, items = state.live(), state.items.count()
    summary = run(tmp_settings)
    assert not summary.wrote and summary.skipped_documents == 2
    assert state.live() == before and state.items.count() == items


def test_a_touched_but_unchanged_file_is_not_read_again(tmp_settings: Settings) -> None:
    alpha = write(tmp_settings, "alpha.txt", ALPHA)
    run(tmp_settings)
    alpha.write_text(ALPHA, encoding="utf-8")  # a new modification time, the same content
    summary = run(tmp_settings)
    assert summary.skipped_documents == 1 and summary.added + summary.updated == 0


def test_a_glossary_change_reads_every_document_again(tmp_settings: Settings) -> None:
    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    run(tmp_settings)
    write(tmp_settings, "glossary.toml", '[[body]]\nabbr = "ITE"\nname = "Office for IT and eGovernment"\n')
    summary = run(tmp_settings)
    assert summary.skipped_documents == 0 and summary.wrote


def test_questions_find_every_vector_they_need_stored(tmp_settings: Settings) -> None:
    from rag.ask import ask
    from rag.index import get_index

    write(tmp_settings, "alpha.txt", ALPHA)
    write(tmp_settings, "beta.md", BETA)
    write(tmp_settings, "matrix.txt", MATRIX)
    run(tmp_settings)
    for question in ("What happened to the Open Data Portal upgrade?", "What is the status of 1.4.2.1?"):
        ask(question, settings=tmp_settings)
    assert get_index(tmp_settings).misses == 0  # nothing of the index was embedded during a question
