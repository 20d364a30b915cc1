"""A real Chroma server (`chroma run` from the chromadb package) as the vector store: ingest, answer, stop.

With EGOV_CHROMA_HOST/EGOV_CHROMA_PORT set, the collection lives in the server; the active pointer, the
chunk list (BM25) and the record catalog stay as files in EGOV_DATA_DIR, which several API instances share.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from ingest.pipeline import ingest
from ingest.store import IndexFiles, make_client

PROJECT = Path(__file__).resolve().parents[2]
CORPUS_FILE = PROJECT / "corpus" / "egov_expost_2020_2022.txt"
CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, subprocess.Popen]]:
    """`chroma run` on a free loopback port over a temporary folder; always stopped at the end."""
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma CLI of the chromadb package is not installed")
    exe = str(CHROMA) if CHROMA.exists() else str(shutil.which("chroma"))
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (root / "server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [exe, "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (
                f"chroma run exited: {(root / 'server.log').read_text(errors='replace')[-2000:]}"
            )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "chroma server did not start within 60 s"
            time.sleep(0.1)
        yield "127.0.0.1", port, proc
    finally:
        _stop(proc)
        log.close()


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
    name = IndexFiles(settings.data_dir).active_collection()
    assert name
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
    files = IndexFiles(server_settings.data_dir)
    assert files.chunks.exists() and files.catalog.exists() and files.active.exists()
    assert _server_ids(server_settings) == {c.id for c in files.load_chunks()}

    index = get_index(server_settings)
    nearest = index.dense(index.embed_query("open data portal datasets"), 5)
    assert len(nearest) == 5, "dense retrieval through the server returned nothing"
    assert all(i in index.by_id for i, _ in nearest)

    answer = ask("What is the status of activity 1.4.2.2?", settings=server_settings)
    assert not answer.abstained, answer.answer
    assert any(c.id == "1.4.2.2" for c in answer.citations)
    assert answer.sources and answer.sources[0].chunk_id in index.by_id


def test_incremental_ingest_and_rebuild_on_the_server(server_settings: Settings) -> None:
    if IndexFiles(server_settings.data_dir).active_collection() is None:
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
    assert _server_ids(server_settings) == {c.id for c in IndexFiles(server_settings.data_dir).load_chunks()}

    old = IndexFiles(server_settings.data_dir).active_collection()
    rebuilt = ingest(settings=server_settings, quiet=True, rebuild=True)
    new = IndexFiles(server_settings.data_dir).active_collection()
    assert rebuilt.rebuilt and new != old
    names = {c.name if hasattr(c, "name") else c for c in make_client(server_settings).list_collections()}
    assert new in names and old not in names, "the rebuild left the previous collection on the server"
    assert _server_ids(server_settings) == {c.id for c in IndexFiles(server_settings.data_dir).load_chunks()}


def test_a_second_process_answers_from_the_same_server_and_data_dir(server_settings: Settings) -> None:
    """Another 'API instance': its own process, env vars only, the shared EGOV_DATA_DIR and the server."""
    if IndexFiles(server_settings.data_dir).active_collection() is None:
        ingest(settings=server_settings, quiet=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        EGOV_DATA_DIR=str(server_settings.data_dir),
        EGOV_CORPUS_DIR=str(server_settings.corpus_dir),
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

    if IndexFiles(server_settings.data_dir).active_collection() is None:
        ingest(settings=server_settings, quiet=True)
    get_index(server_settings)
    _stop(chroma_server[2])
    answer = ask("What is the status of activity 1.4.2.2?", settings=server_settings)
    assert not answer.abstained and any(c.id == "1.4.2.2" for c in answer.citations)
