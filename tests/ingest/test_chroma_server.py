"""A real Chroma server (`chroma run` from the chromadb package) as the vector store: ingest, answer, stop.

With EGOV_CHROMA_HOST/EGOV_CHROMA_PORT set, everything lives in the server: the chunk collection, and the
live pointer, chunk list, record catalog and vectors (ingest/state.py); EGOV_DATA_DIR holds nothing of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chroma_run import chroma_server as run_chroma
from chroma_run import stop

from core.settings import Settings
from ingest.pipeline import ingest
from ingest.state import read_index
from ingest.store import make_client

PROJECT = Path(__file__).resolve().parents[2]
CORPUS_FILE = PROJECT / "corpus" / "egov_expost_2020_2022.txt"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, subprocess.Popen]]:
    with run_chroma(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server


@pytest.fixture(scope="module")
def server_settings(chroma_server, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of an index whose collection lives in the server; the shipped corpus, hash embeddings."""
    host, port, _ = chroma_server
    root = tmp_path_factory.mktemp("server-index")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS_FILE, corpus / CORPUS_FILE.name)
    (corpus / "notes.txt").write_text(
        "1. NOTES\nThe one stop shop for citizens opened in Kragujevac in 2021.\n", encoding="utf-8"
    )
    return Settings(
        data_dir=root / "data", corpus_dir=corpus, embed_model="hash:64", chroma_host=host, chroma_port=port
    )


def _server_ids(settings: Settings) -> set[str]:
    snapshot = read_index(settings)
    assert snapshot
    name = snapshot.live.collection
    collection = make_client(settings).get_collection(name)
    ids: set[str] = set()
    total = collection.count()
    for offset in range(0, total, 1000):
        ids.update(collection.get(include=[], limit=1000, offset=offset)["ids"])
    return ids


def test_ingest_and_answer_through_a_chroma_server(server_settings: Settings) -> None:
    from rag.ask import ask
    from rag.index import get_index

    summary = ingest(settings=server_settings, quiet=True)
    assert not summary.errors and summary.added > 100 and summary.rebuilt
    # The vectors live in the server, not in a local embedded store.
    assert not (server_settings.data_dir / "chroma").exists()
    assert not server_settings.data_dir.exists() or not any(server_settings.data_dir.iterdir())
    assert _server_ids(server_settings) == {c.id for c in read_index(server_settings).chunks}

    index = get_index(server_settings)
    nearest = index.dense(index.embed_query("open data portal datasets"), 5)
    assert len(nearest) == 5, "dense retrieval through the server returned nothing"
    assert all(i in index.by_id for i, _ in nearest)

    answer = ask("What is the status of activity 1.4.2.2?", settings=server_settings)
    assert not answer.abstained, answer.answer
    assert any(c.id == "1.4.2.2" for c in answer.citations)
    assert answer.sources and answer.sources[0].chunk_id in index.by_id


def test_incremental_ingest_and_rebuild_on_the_server(server_settings: Settings) -> None:
    if read_index(server_settings) is None:
        ingest(settings=server_settings, quiet=True)
    again = ingest(settings=server_settings, quiet=True)
    assert (again.added, again.updated, again.deleted, again.rebuilt) == (0, 0, 0, False)
    assert again.unchanged > 100

    notes = server_settings.corpus_dir / "notes.txt"
    notes.write_text(
        "1. NOTES\nThe one stop shop for citizens opened in Kragujevac and Niš in 2021.\n", encoding="utf-8"
    )
    changed = ingest(settings=server_settings, quiet=True)
    assert changed.updated + changed.added >= 1 and not changed.rebuilt
    assert _server_ids(server_settings) == {c.id for c in read_index(server_settings).chunks}

    old = read_index(server_settings).live.collection
    rebuilt = ingest(settings=server_settings, quiet=True, rebuild=True)
    new = read_index(server_settings).live.collection
    assert rebuilt.rebuilt and new != old
    names = {c.name if hasattr(c, "name") else c for c in make_client(server_settings).list_collections()}
    assert new in names and old not in names, "the rebuild left the previous collection on the server"
    assert _server_ids(server_settings) == {c.id for c in read_index(server_settings).chunks}


def test_a_second_process_answers_from_the_same_server_with_an_empty_data_dir(
    server_settings: Settings, tmp_path: Path
) -> None:
    """Another 'API instance': its own process, env vars only, an empty data folder of its own, the server."""
    if read_index(server_settings) is None:
        ingest(settings=server_settings, quiet=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        EGOV_DATA_DIR=str(tmp_path / "empty"),
        EGOV_CORPUS_DIR=str(tmp_path / "no-corpus"),
        EGOV_EMBED_MODEL="hash:64",
        EGOV_CHROMA_HOST=server_settings.chroma_host or "",
        EGOV_CHROMA_PORT=str(server_settings.chroma_port),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    code = (
        "import json; from rag.ask import ask; from rag.index import get_index; a = ask('What is the status of activity 1.4.2.2?');"
        "ix = get_index(); print(json.dumps({'abstained': a.abstained, 'ids': [c.id for c in a.citations],"
        "'dense': len(ix.dense(ix.embed_query('open data'), 3)), 'local': (ix.settings.data_dir / 'chroma').exists()}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"abstained": False, "ids": got["ids"], "dense": 3, "local": False}
    assert "1.4.2.2" in got["ids"]


def test_answers_survive_the_server_going_away(chroma_server, server_settings: Settings) -> None:
    """Last: once the server stops, a loaded index degrades to lexical retrieval instead of raising."""
    from rag.ask import ask
    from rag.index import get_index

    if read_index(server_settings) is None:
        ingest(settings=server_settings, quiet=True)
    get_index(server_settings)
    stop(chroma_server[2])
    answer = ask("What is the status of activity 1.4.2.2?", settings=server_settings)
    assert not answer.abstained and any(c.id == "1.4.2.2" for c in answer.citations)
