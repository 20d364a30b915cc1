"""The shipped reverse-proxy config (deploy/nginx.conf) in front of a real uvicorn: it passes requests
through and cuts off what uvicorn does not, a client that sends its request head too slowly."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.api import create_app
from core.settings import Settings
from ingest.pipeline import ingest

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxied(tmp_settings: Settings, tmp_path: Path) -> Iterator[int]:
    """uvicorn on one free port, nginx with the shipped config on another; yields nginx's port."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by `make test` (the `system` target)"
    (tmp_settings.corpus_dir / "report.txt").write_text(
        "1. FINDINGS\nMeasure 1.3.5 opened.\n", encoding="utf-8"
    )
    ingest(settings=tmp_settings, quiet=True)
    api_port, proxy_port = free_port(), free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(tmp_settings), host="127.0.0.1", port=api_port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    conf = CONF.read_text(encoding="utf-8")
    assert "listen 80;" in conf and "server 127.0.0.1:8001;" in conf
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};").replace(
        "server 127.0.0.1:8001;", f"server 127.0.0.1:{api_port};"
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(conf, encoding="utf-8")
    proc = subprocess.Popen(
        [
            nginx,
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            str(tmp_path / "logs" / "error.log"),
            "-g",
            f"daemon off; pid {tmp_path / 'nginx.pid'};",
        ],
    )
    deadline = time.monotonic() + 30
    while True:
        assert proc.poll() is None, (tmp_path / "logs" / "error.log").read_text()
        assert time.monotonic() < deadline, "nginx or uvicorn did not start"
        try:
            if (
                srv.started
                and httpx.get(f"http://127.0.0.1:{proxy_port}/health", timeout=2).status_code == 200
            ):
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    yield proxy_port
    proc.terminate()
    proc.wait(10)
    srv.should_exit = True
    thread.join(10)


def test_requests_pass_through_the_proxy(proxied: int) -> None:
    body = httpx.post(
        f"http://127.0.0.1:{proxied}/search", json={"question": "one stop shop"}, timeout=30
    ).json()
    assert body["sources"]


def test_a_client_that_sends_its_headers_slowly_is_cut_off(proxied: int) -> None:
    with socket.create_connection(("127.0.0.1", proxied), timeout=30) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: egov\r\n")  # and never the blank line that ends the head
        started = time.monotonic()
        received = b""
        while time.monotonic() - started < 25:  # bounded: the proxy's header timeout is 10 s
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        waited = time.monotonic() - started
    assert waited < 20, "the half-sent request was still open"
    assert b"200 OK" not in received  # closed (or 408), never answered
