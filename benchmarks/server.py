"""What the load and soak benchmarks share: a free loopback port, the API server, percentiles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def egov_command() -> list[str]:
    """The `egov` command of this interpreter's environment."""
    egov = Path(sys.executable).with_name("egov")
    return [str(egov)] if egov.exists() else [sys.executable, "-m", "app.cli"]


def start_server(port: int, startup_timeout: float, out: IO[bytes] | None = None) -> subprocess.Popen:
    """`egov serve` on 127.0.0.1:port in a subprocess; returns once /health reports the index ready."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    # a load test is many requests from one address: the per-client rate limit would answer most with 429
    env.setdefault("EGOV_RATE_LIMIT", "")
    env.setdefault("EGOV_FEEDBACK_RATE_LIMIT", "")
    proc = subprocess.Popen(
        [*egov_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
    )
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited during start-up (status {proc.returncode})")
        try:
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(0.3)
            continue
        if health.get("status") != "ok":
            stop_server(proc)
            raise SystemExit(f"the server has no index: {health.get('detail')}")
        return proc
    stop_server(proc)
    raise SystemExit(f"the server did not start within {startup_timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server, killing it if it does not stop within 20 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants, in kB (from /proc)."""
    total = 0
    pids = [pid]
    seen: set[int] = set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                pids.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total
