"""An API instance's start-up time and memory against a Chroma server holding the corpus, beside the baseline
of an instance over the embedded store on its own disk (the same corpus, the same model), in one run.

    python benchmarks/instance.py [--json]

Starts `chroma run` on a free loopback port, ingests corpus/ into it from one data folder, then starts
`egov serve` twice: over an embedded store ingested on its own disk (baseline), and with an empty data
folder against the server. For each: seconds from spawn to /health ok (model and index loaded), seconds of
the first /ask, resident memory (VmRSS) after it; and for the server instance, how long after an ingest
elsewhere it answers from the new document.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import egov_command, free_port, rss_kb, start_server, stop_server  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
QUESTION = "What is the status of activity 1.4.2.2?"
NOTE = "1. NOTES\nThe wombat registry pilot connected eleven municipal offices in 2022.\n"


@contextmanager
def env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def chroma(root: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("chroma run did not start within 60 s")


def ingest() -> float:
    started = time.perf_counter()
    subprocess.run([*egov_command(), "ingest", "--json"], check=True, capture_output=True, cwd=PROJECT)
    return time.perf_counter() - started


def instance() -> dict[str, Any]:
    port = free_port()
    started = time.perf_counter()
    proc = start_server(port, startup_timeout=300)
    ready = time.perf_counter() - started
    try:
        t = time.perf_counter()
        r = httpx.post(f"http://127.0.0.1:{port}/ask", json={"question": QUESTION}, timeout=120)
        first = time.perf_counter() - t
        assert r.status_code == 200 and not r.json()["abstained"], r.text
        return {
            "port": port,
            "proc": proc,
            "start_s": ready,
            "first_ask_s": first,
            "rss_mb": rss_kb(proc.pid) / 1024,
        }
    except BaseException:
        stop_server(proc)
        raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="egov-instance-"))
    corpus = root / "corpus"
    shutil.copytree(PROJECT / "corpus", corpus)
    out: dict[str, Any] = {}
    server, port = chroma(root)
    try:
        with env(EGOV_CORPUS_DIR=str(corpus), EGOV_DATA_DIR=str(root / "local")):
            out["ingest_embedded_s"] = ingest()
            base = instance()
            stop_server(base.pop("proc"))
            out["embedded"] = base
        with env(
            EGOV_CORPUS_DIR=str(corpus),
            EGOV_DATA_DIR=str(root / "ingester"),
            EGOV_CHROMA_HOST="127.0.0.1",
            EGOV_CHROMA_PORT=str(port),
        ):
            out["ingest_server_s"] = ingest()
            with env(EGOV_DATA_DIR=str(root / "empty"), EGOV_CORPUS_DIR=str(root / "no-corpus")):
                got = instance()
            proc = got.pop("proc")
            try:
                (corpus / "field_notes.txt").write_text(NOTE, encoding="utf-8")
                out["ingest_new_document_s"] = ingest()
                t = time.perf_counter()
                while time.perf_counter() - t < 60:  # bounded: the acceptance is within 60 s
                    r = httpx.post(
                        f"http://127.0.0.1:{got['port']}/ask",
                        json={"question": "What did the wombat registry pilot connect?"},
                        timeout=60,
                    )
                    if any(s["metadata"].get("document") == "field_notes.txt" for s in r.json()["sources"]):
                        break
                    time.sleep(0.25)
                got["new_document_seen_after_s"] = time.perf_counter() - t
                got["rss_after_reload_mb"] = rss_kb(proc.pid) / 1024
            finally:
                stop_server(proc)
            out["server"] = got
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(
        f"ingest of the corpus: embedded {out['ingest_embedded_s']:.1f} s, into the server {out['ingest_server_s']:.1f} s"
    )
    print(f"{'instance':<34}{'start (s)':>10}{'first ask (s)':>15}{'RSS (MB)':>10}")
    for name, key in (
        ("embedded store, own disk", "embedded"),
        ("Chroma server, empty data folder", "server"),
    ):
        r = out[key]
        print(f"{name:<34}{r['start_s']:>10.1f}{r['first_ask_s']:>15.2f}{r['rss_mb']:>10.0f}")
    s = out["server"]
    print(
        f"a document ingested elsewhere answered after {s['new_document_seen_after_s']:.1f} s "
        f"(ingest {out['ingest_new_document_s']:.1f} s); RSS then {s['rss_after_reload_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
