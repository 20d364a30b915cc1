"""Load test of the API: start the server on loopback, run N concurrent clients against POST /ask, report.

    python benchmarks/load.py                      # 32 clients x 20 requests, server started here
    python benchmarks/load.py --clients 8 --requests 5 --max-seconds 120
    python benchmarks/load.py --url http://127.0.0.1:8000 --api-key KEY   # an already running server

Prints errors (must be 0), throughput and p50/p95/p99 latency, as text and (with --json) one JSON line.
Bounded in count (clients x requests) and in time (--max-seconds: requests not started by then are skipped
and reported). Uses the index in EGOV_DATA_DIR (run `egov ingest` first). Exit status 1 when any request failed.
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
from server import free_port, percentile, start_server, stop_server  # noqa: E402

# A mix of what officials ask: record look-ups, aggregates, follow-ups and free questions.
QUESTIONS = [
    "What is the status of Activity 1.4.2.2?",
    "Who is responsible for Measure 1.3.5?",
    "Which activities were abandoned?",
    "What is measure 1.1.1 about?",
    "How many activities were completed?",
    "What did the evaluation find about open data?",
    "What was achieved for the indicator on one stop shops in 2021?",
    "Why was activity 1.3.5.1 not implemented?",
    "What are the recommendations for the next action plan?",
    "How is interoperability doing?",
]


async def run_load(
    url: str, clients: int, requests: int, max_seconds: float, timeout: float, headers: dict[str, str]
) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    skipped = 0
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, headers=headers) as http:

        async def client(n: int) -> None:
            nonlocal skipped
            for i in range(requests):
                if time.monotonic() >= deadline:
                    skipped += requests - i
                    return
                question = QUESTIONS[(n * requests + i) % len(QUESTIONS)]
                started = time.perf_counter()
                try:
                    resp = await http.post("/ask", json={"question": question})
                    elapsed = time.perf_counter() - started
                    if resp.status_code != 200:
                        errors.append(f"HTTP {resp.status_code}: {resp.text[:200]}")
                    elif "answer" not in resp.json():
                        errors.append(f"no answer in {resp.text[:200]}")
                    else:
                        latencies.append(elapsed)
                except (httpx.HTTPError, ValueError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        wall = time.perf_counter() - started

    return {
        "clients": clients,
        "requests_per_client": requests,
        "planned": clients * requests,
        "completed": len(latencies),
        "errors": len(errors),
        "skipped": skipped,
        "seconds": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else float("nan"),
        "error_samples": errors[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--requests", type=int, default=20, help="requests per client (default 20)")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="stop starting requests after this (default 900)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="per-request timeout in seconds (default 120)"
    )
    parser.add_argument(
        "--url", help="an already running server (default: start one on a free loopback port)"
    )
    parser.add_argument(
        "--api-key", default=os.environ.get("EGOV_API_KEY"), help="sent as X-API-Key (default: EGOV_API_KEY)"
    )
    parser.add_argument(
        "--warmup", type=int, default=len(QUESTIONS), help="sequential warm-up requests, not counted"
    )
    parser.add_argument("--json", action="store_true", help="also print the result as one JSON line")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1:
        parser.error("--clients and --requests must be at least 1")

    headers = {"X-API-Key": args.api_key} if args.api_key else {}
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        print(f"starting the server on 127.0.0.1:{port} ...", flush=True)
        t0 = time.perf_counter()
        proc = start_server(port, startup_timeout=300)
        url = f"http://127.0.0.1:{port}"
        print(f"server ready in {time.perf_counter() - t0:.1f} s", flush=True)
    try:
        with httpx.Client(base_url=url, timeout=args.timeout, headers=headers) as http:
            for q in QUESTIONS[: args.warmup]:
                http.post("/ask", json={"question": q})
        print(
            f"{args.clients} clients x {args.requests} requests on POST /ask (bounded at {args.max_seconds:.0f} s) ...",
            flush=True,
        )
        result = asyncio.run(
            run_load(url, args.clients, args.requests, args.max_seconds, args.timeout, headers)
        )
    finally:
        if proc is not None:
            stop_server(proc)

    skipped = f" ({result['skipped']} skipped at the time bound)" if result["skipped"] else ""
    print(f"completed  {result['completed']}/{result['planned']} requests in {result['seconds']} s{skipped}")
    print(f"errors     {result['errors']}")
    print(f"throughput {result['throughput_rps']} requests/s")
    print(
        f"latency    p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms "
        f"(mean {result['mean_ms']} ms, max {result['max_ms']} ms)"
    )
    for sample in result["error_samples"]:
        print(f"  error: {sample}")
    if args.json:
        print(json.dumps(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
