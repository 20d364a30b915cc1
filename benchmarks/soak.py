"""Soak test of the API: `egov serve` on loopback, 2,000 POST /ask with 16 concurrent clients, memory watched.

    python benchmarks/soak.py                                  # 2,000 requests, 16 clients, at most 15 min
    python benchmarks/soak.py --requests 400 --clients 8 --max-seconds 120 --json

Starts `egov serve --host 127.0.0.1 --port FREE` as a subprocess over the index in EGOV_DATA_DIR (run
`egov ingest` first), waits for /health, sends a few warm-up questions, then the requests: questions from the
gold set and a fixed mix, each client taking the next request until the count or the time bound is reached.
Reports errors (must be 0), throughput, latency p50/p95/p99, and the server's resident memory (VmRSS of the
server process and its children) after the first 200 requests and after the run, with their ratio (must stay
within 10%). Exit status 1 when a request failed or memory grew by more than --max-growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import free_port, percentile, rss_kb, start_server, stop_server  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
GOLD = PROJECT / "evals" / "gold" / "gold.jsonl"
MIX = [
    "What is the status of Activity 1.4.2.2?",
    "Who is responsible for Measure 1.3.5?",
    "Which activities were abandoned?",
    "How many activities were completed?",
    "What did the evaluation find about open data?",
    "Why was activity 1.3.5.1 not implemented?",
    "What are the recommendations for the next action plan?",
    "activity 9.9.9.9",
    "Koji je status aktivnosti 1.4.2.2?",
    "Који је статус активности 1.4.2.2?",
    "'; DROP TABLE chunks; -- .*+?[](){}|^$\\",
    "",
]


def questions() -> list[str]:
    out: list[str] = []
    if GOLD.exists():
        for line in GOLD.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    out.append(json.loads(line)["question"])
                except (ValueError, KeyError):
                    continue
    return out + MIX


async def soak(
    url: str,
    pid: int,
    total: int,
    clients: int,
    max_seconds: float,
    timeout: float,
    first: int,
    headers: dict[str, str],
) -> dict:
    qs = questions()
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    next_request = 0
    done = 0
    rss_first: int | None = None
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, headers=headers) as http:

        async def client() -> None:
            nonlocal next_request, done, rss_first
            while next_request < total and time.monotonic() < deadline:
                n = next_request
                next_request += 1
                question = qs[n % len(qs)]
                started = time.perf_counter()
                try:
                    resp = await http.post("/ask", json={"question": question})
                    elapsed = time.perf_counter() - started
                    statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
                    body = resp.json() if resp.status_code == 200 else None
                    # An empty question may be refused with a 4xx: a clear answer, not a failure.
                    if (
                        resp.status_code == 200
                        and isinstance(body, dict)
                        and isinstance(body.get("answer"), str)
                    ):
                        latencies.append(elapsed)
                    elif 400 <= resp.status_code < 500 and resp.status_code != 429 and not question.strip():
                        latencies.append(elapsed)
                    else:
                        errors.append(f"HTTP {resp.status_code} for {question[:60]!r}: {resp.text[:200]}")
                except (httpx.HTTPError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__} for {question[:60]!r}: {exc}")
                done += 1
                if done == first and rss_first is None:
                    rss_first = rss_kb(pid)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - started
    await asyncio.sleep(0)
    rss_end = rss_kb(pid)
    ratio = rss_end / rss_first if rss_first else float("nan")
    return {
        "planned": total,
        "clients": clients,
        "completed": len(latencies),
        "sent": done,
        "errors": len(errors),
        "skipped_at_time_bound": total - done,
        "status_codes": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else float("nan"),
        "rss_after_first_mb": round((rss_first or 0) / 1024, 1),
        "rss_after_run_mb": round(rss_end / 1024, 1),
        "rss_ratio": round(ratio, 4),
        "first": first,
        "error_samples": errors[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="POST /ask requests in all (default 2000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument(
        "--first", type=int, default=200, help="measure memory after this many requests (default 200)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="stop sending after this (default 900 = 15 min)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="per-request timeout in seconds (default 120)"
    )
    parser.add_argument(
        "--max-growth", type=float, default=0.10, help="allowed memory growth after --first (default 0.10)"
    )
    parser.add_argument(
        "--api-key", default=os.environ.get("EGOV_API_KEY"), help="sent as X-API-Key (default: EGOV_API_KEY)"
    )
    parser.add_argument("--json", action="store_true", help="also print the result as one JSON line")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.clients < 1 or not 0 < args.first <= args.requests:
        parser.error("need --requests >= 1, --clients >= 1 and 0 < --first <= --requests")

    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    port = free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"egov-soak-{port}.log"
    print(f"starting `egov serve` on 127.0.0.1:{port} (log {log}) ...", flush=True)
    t0 = time.perf_counter()
    proc = start_server(port, 300, log.open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        print(
            f"server ready in {time.perf_counter() - t0:.1f} s, pid {proc.pid}, RSS {rss_kb(proc.pid) / 1024:.0f} MB",
            flush=True,
        )
        with httpx.Client(base_url=url, timeout=args.timeout, headers=headers) as http:
            for q in MIX[:5]:
                http.post("/ask", json={"question": q})
        print(
            f"{args.requests} requests, {args.clients} clients, bounded at {args.max_seconds:.0f} s ...",
            flush=True,
        )
        result = asyncio.run(
            soak(
                url,
                proc.pid,
                args.requests,
                args.clients,
                args.max_seconds,
                args.timeout,
                args.first,
                headers,
            )
        )
        result["server_alive"] = proc.poll() is None
    finally:
        stop_server(proc)

    grew = result["rss_ratio"] - 1
    print(
        f"completed  {result['completed']}/{result['planned']} in {result['seconds']} s"
        f"{' (' + str(result['skipped_at_time_bound']) + ' not sent: time bound)' if result['skipped_at_time_bound'] else ''}"
    )
    print(f"errors     {result['errors']}  (status codes {result['status_codes']})")
    print(f"throughput {result['throughput_rps']} requests/s")
    print(
        f"latency    p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms "
        f"(mean {result['mean_ms']} ms, max {result['max_ms']} ms)"
    )
    print(
        f"memory     RSS after {result['first']} requests {result['rss_after_first_mb']} MB, after the run "
        f"{result['rss_after_run_mb']} MB: ratio {result['rss_ratio']} ({grew:+.1%}; limit {args.max_growth:+.0%})"
    )
    for sample in result["error_samples"]:
        print(f"  error: {sample}")
    if args.json:
        print(json.dumps(result))
    ok = (
        result["errors"] == 0
        and result["completed"] > 0
        and grew <= args.max_growth
        and result["server_alive"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
