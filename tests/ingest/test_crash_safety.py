"""Crash-safe ingestion: `egov ingest --rebuild` killed with SIGKILL midway, and two ingests at once.

The real console script runs in a subprocess (hash:64 embeddings) over a corpus of a few thousand small chunks,
so that it is still embedding when the test kills it: the test reads tqdm's progress from its stderr.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.pipeline import IngestLocked, ingest, own
from ingest.state import read_index
from ingest.store import make_client, merge_catalogs

PROJECT = Path(__file__).resolve().parents[2]
CORPUS_FILE = PROJECT / "corpus" / "egov_expost_2020_2022.txt"
PROGRESS = re.compile(rb"embedding:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)")
WORDS = (
    "registry portal data centre citizens services municipality digital signature open datasets "
    "interoperability training officials"
).split()
FILES, SECTIONS = 80, 20  # 1,600 small section chunks: a few seconds of embedding


def _filler(corpus: Path) -> None:
    """Many small notes, one chunk per numbered section."""
    folder = corpus / "bulk"
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(FILES):
        rnd = random.Random(f)
        parts = [
            f"{s}. TOPIC {f} {s}\n"
            + " ".join(" ".join(rnd.choice(WORDS) for _ in range(12)) + "." for _ in range(3))
            for s in range(1, SECTIONS + 1)
        ]
        (folder / f"note_{f:04d}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _cmd() -> list[str]:
    egov = Path(sys.executable).with_name("egov")
    return [str(egov)] if egov.exists() else [sys.executable, "-m", "app.cli"]


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    env.update(
        EGOV_DATA_DIR=str(settings.data_dir),
        EGOV_CORPUS_DIR=str(settings.corpus_dir),
        EGOV_EMBED_MODEL="hash:64",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
    )
    return env


class Progress:
    """Reads a child's stderr in a thread and remembers the last tqdm 'embedding: n/total' it printed."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.done = 0
        self.total = 0
        self.buffer = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        while chunk := os.read(self.proc.stderr.fileno(), 4096):
            self.buffer += chunk
            for m in PROGRESS.finditer(self.buffer[-4096:]):
                self.done, self.total = int(m.group(1)), int(m.group(2))

    def wait_midway(self, at_least: int = 256, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not (at_least <= self.done < self.total):
            assert self.proc.poll() is None, (
                f"ingest ended before the test could interrupt it: {self.buffer[-2000:]!r}"
            )
            assert time.monotonic() < deadline, "ingest never reported embedding progress"
            time.sleep(0.01)


def _start(settings: Settings, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*_cmd(), "ingest", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(settings),
        cwd=settings.data_dir.parent,
    )


def _collection_ids(settings: Settings, name: str) -> set[str]:
    collection = make_client(settings).get_collection(name)
    ids: set[str] = set()
    for offset in range(0, collection.count(), 1000):
        ids.update(collection.get(include=[], limit=1000, offset=offset)["ids"])
    return ids


def _assert_consistent(settings: Settings) -> None:
    snapshot = read_index(settings)
    assert snapshot is not None
    chunks = snapshot.chunks
    assert len({c.id for c in chunks}) == len(chunks)
    assert _collection_ids(settings, snapshot.live.collection) == {c.id for c in chunks}
    catalog = merge_catalogs(snapshot.catalogs.values())
    assert {a.id for a in catalog.activities} >= {"1.4.2.2"}


def _fresh_answers(settings: Settings) -> None:
    """The index as a newly started API instance loads it answers, dense retrieval included."""
    from rag.ask import ask
    from rag.index import forget_indexes, get_index
    from rag.search import search

    forget_indexes()
    index = get_index(settings)
    assert len(index.dense(index.embed_query("open data portal"), 5)) == 5
    sources = search("open data portal upgrade", settings=settings)
    assert sources
    answer = ask("What is the status of activity 1.4.2.2?", settings=settings)
    assert not answer.abstained and any(c.id == "1.4.2.2" for c in answer.citations), answer.answer


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An index of the shipped corpus, built and answering; the corpus folder then gains 3,000 chunks more."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS_FILE, corpus / CORPUS_FILE.name)
    s = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, embed_model="hash:64")
    ingest(settings=s, quiet=True)
    _filler(corpus)
    return s


def test_sigkill_during_rebuild_keeps_the_previous_index(settings: Settings) -> None:
    before = read_index(settings)
    assert before is not None
    old = before.live.collection

    proc = _start(settings, "--rebuild")
    try:
        progress = Progress(proc)
        progress.wait_midway()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert 0 < progress.done < progress.total == FILES * SECTIONS + len(before.chunks)

    # Nothing the readers use changed: the pointer, the chunk list and the catalog are the old ones.
    after = read_index(settings)
    assert after is not None and after.live == before.live and after.live.collection == old
    assert after.chunks == before.chunks and after.catalogs == before.catalogs
    _assert_consistent(settings)
    _fresh_answers(settings)

    # The lock died with the process: the next ingest neither waits nor refuses, and it completes.
    done = subprocess.run(
        [*_cmd(), "ingest", "--json"],
        capture_output=True,
        text=True,
        env=_env(settings),
        cwd=settings.data_dir.parent,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["added"] == FILES * SECTIONS and not summary["errors"]
    _assert_consistent(settings)
    assert len(read_index(settings).chunks) == progress.total  # type: ignore[union-attr]
    _fresh_answers(settings)

    # A later rebuild completes too and clears the collection the killed rebuild had started.
    ingest(settings=settings, quiet=True, rebuild=True)
    _assert_consistent(settings)
    names = {c.name if hasattr(c, "name") else c for c in make_client(settings).list_collections()}
    assert names - own(settings) == {read_index(settings).live.collection}  # type: ignore[union-attr]


def test_two_ingests_at_once_wait_or_refuse(settings: Settings) -> None:
    first = _start(settings, "--rebuild")
    second = None
    try:
        Progress(first).wait_midway()
        # In process, with a short wait: a clear refusal.
        started = time.monotonic()
        with pytest.raises(IngestLocked, match="another ingest is running"):
            ingest(settings=settings, quiet=True, wait_seconds=0.3)
        assert time.monotonic() - started < 5
        # The CLI waits (up to 30 s) for the running ingest, then does its own run.
        second = subprocess.Popen(
            [*_cmd(), "ingest", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(settings),
            cwd=settings.data_dir.parent,
        )
        out1, err1 = first.communicate(timeout=300)
        out2, err2 = second.communicate(timeout=300)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert first.returncode == 0, err1[-3000:]
    if second.returncode == 3:  # refused after waiting: a clear message, no traceback
        assert "another ingest is running" in err2 and "Traceback" not in err2
    else:
        assert second.returncode == 0, err2[-3000:]
        summary = json.loads(out2)
        assert (summary["added"], summary["updated"], summary["deleted"]) == (0, 0, 0)
        assert summary["unchanged"] == len(read_index(settings).chunks)  # type: ignore[union-attr] > FILES * SECTIONS
    _assert_consistent(settings)
    _fresh_answers(settings)
