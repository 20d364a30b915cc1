"""Several API instances in front of one Chroma server, each with an empty data folder of its own.

`chroma run` holds everything; one folder ingests the corpus, two `egov serve` processes answer from the
server alone, and both answer from a document ingested later elsewhere, and from an upload the other
instance took, without a restart (issue: many API instances, one Chroma server, nothing shared on disk).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from chroma_run import chroma_server, free_port, stop

PROJECT = Path(__file__).resolve().parents[2]
CORPUS_FILE = PROJECT / "corpus" / "egov_expost_2020_2022.txt"
EGOV = Path(sys.executable).with_name("egov")
KEY, ADMIN = "reader-key", "admin-key"
NEW_NOTE = """1. NOTES FROM THE FIELD
The wombat registry pilot under Measure 1.3.5 connected eleven municipal offices in 2022.
"""
UPLOADED = (
    b"1. MEMO\nThe pangolin helpdesk answered four thousand calls about e-Government services in 2022.\n"
)


def _env(server: tuple[str, int, subprocess.Popen], data: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        EGOV_DATA_DIR=str(data),
        EGOV_CORPUS_DIR=str(corpus),
        EGOV_EMBED_MODEL="hash:64",
        EGOV_CHROMA_HOST=server[0],
        EGOV_CHROMA_PORT=str(server[1]),
        EGOV_API_KEY=KEY,
        EGOV_ADMIN_API_KEY=ADMIN,
        EGOV_RATE_LIMIT="",
        EGOV_WRITE_RATE_LIMIT="",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    return env


def _ingest(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(EGOV), "ingest", "--json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _until(check: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until check() holds; fails after `seconds` (a bounded loop)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"{what} not within {seconds:.0f} s"
        time.sleep(0.5)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("cluster")
    with chroma_server(root) as server:
        corpus_a = root / "corpus-a"
        corpus_a.mkdir()
        shutil.copy(CORPUS_FILE, corpus_a / CORPUS_FILE.name)
        env_a = _env(server, root / "data-a", corpus_a)
        _ingest(env_a)
        procs, urls, folders = [], [], []
        try:
            for name in ("b", "c"):
                data, corpus = root / f"data-{name}", root / f"corpus-{name}"
                data.mkdir()
                corpus.mkdir()
                folders.append(data)
                port = free_port()
                log = (root / f"api-{name}.log").open("wb")
                procs.append(
                    subprocess.Popen(
                        [str(EGOV), "serve", "--port", str(port), "--log-level", "warning"],
                        env=_env(server, data, corpus),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            for proc, url in zip(procs, urls):

                def up(proc: subprocess.Popen = proc, url: str = url) -> bool:
                    assert proc.poll() is None, f"the API instance at {url} exited"
                    try:
                        return httpx.get(f"{url}/health", timeout=2).json().get("status") == "ok"
                    except httpx.HTTPError:
                        return False

                _until(up, 120, f"{url}/health ok")
            yield {"urls": urls, "env_a": env_a, "corpus_a": corpus_a, "folders": folders}
        finally:
            for proc in procs:
                stop(proc)


def ask(url: str, question: str) -> dict:
    r = httpx.post(f"{url}/ask", json={"question": question}, headers={"X-API-Key": KEY}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def cites(answer: dict, document: str) -> bool:
    """Whether the answer cites the document or retrieved it (only an index that holds it can)."""
    return any(c["source"].startswith(document) for c in answer["citations"]) or any(
        s["metadata"].get("document") == document for s in answer["sources"]
    )


def test_instances_with_empty_data_folders_answer_from_the_server(cluster: dict) -> None:
    for url in cluster["urls"]:
        answer = ask(url, "What is the status of activity 1.4.2.2?")
        assert not answer["abstained"] and any(c["id"] == "1.4.2.2" for c in answer["citations"]), answer
    for folder in cluster["folders"]:  # the index is nowhere on their disks
        assert not (folder / "chroma").exists()


def test_a_document_ingested_elsewhere_is_answered_by_both_within_a_minute(cluster: dict) -> None:
    (cluster["corpus_a"] / "field_notes.txt").write_text(NEW_NOTE, encoding="utf-8")
    _ingest(cluster["env_a"])
    question = "What did the wombat registry pilot connect?"
    for url in cluster["urls"]:
        waited = _until(
            lambda url=url: cites(ask(url, question), "field_notes.txt"), 60, f"{url} answering it"
        )
        print(f"{url}: answered from the new document after {waited:.1f} s")


def test_an_upload_to_one_instance_is_answered_and_served_by_the_other(cluster: dict) -> None:
    first, second = cluster["urls"]
    r = httpx.post(
        f"{first}/documents?wait=true",
        files={"files": ("helpdesk.txt", UPLOADED, "text/plain")},
        headers={"X-API-Key": ADMIN},
        timeout=120,
    )
    assert r.status_code == 201, r.text
    question = "What does the memo say about the pangolin helpdesk?"
    assert cites(ask(first, question), "uploads/helpdesk.txt")
    _until(
        lambda: cites(ask(second, question), "uploads/helpdesk.txt"), 60, "the other instance answering it"
    )
    got = httpx.get(f"{second}/documents/uploads/helpdesk.txt", headers={"X-API-Key": KEY}, timeout=30)
    assert got.status_code == 200 and got.content == UPLOADED
    # a full ingest on the first machine, whose folder never had the upload, keeps it
    _ingest(cluster["env_a"])
    docs = httpx.get(f"{second}/documents", headers={"X-API-Key": KEY}, timeout=30).json()
    assert "uploads/helpdesk.txt" in {d["name"] for d in docs}
    # deleted through the second instance: gone from the index and from the store, for both
    gone = httpx.delete(f"{second}/documents/uploads/helpdesk.txt", headers={"X-API-Key": ADMIN}, timeout=120)
    assert gone.status_code == 200, gone.text
    for url in (first, second):
        _until(
            lambda url=url: (
                "uploads/helpdesk.txt"
                not in {d["name"] for d in httpx.get(f"{url}/documents", headers={"X-API-Key": KEY}).json()}
            ),
            60,
            "the deletion seen",
        )
    assert httpx.get(f"{first}/documents/uploads/helpdesk.txt", headers={"X-API-Key": KEY}).status_code == 404
