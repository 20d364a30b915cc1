"""Warm `rag.ask` latency over the gold questions beside the naive pipeline's retrieval, in one run.

    .venv/bin/python benchmarks/ask.py [--gold FILE ...] [--k 5] [--limit N] [--json]

Both are measured in this process after warm-up, with time.perf_counter around every call: `ask` after
`rag.warm.warm_up` (what the API and UI run at start-up) and one untimed call, the naive pipeline after
one untimed call; `ask` end to end (understanding, retrieval, answer, citations) and the naive
LangChain pipeline's retrieval (query embedding + Chroma top-k over RecursiveCharacterTextSplitter
chunks of the corpus). Uses the index in EGOV_DATA_DIR (default .egov; run `egov ingest` first).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from evals.harness import corpus_files, load_gold, percentile  # noqa: E402


def _times(fn, questions: list[tuple[str, list | None]]) -> list[float]:
    fn(*questions[0])  # warm-up, not timed
    out = []
    for q, hist in questions:
        start = time.perf_counter()
        fn(q, hist)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold", action="append", type=Path, help="gold file(s); default evals/gold/gold.jsonl"
    )
    parser.add_argument("--k", type=int, default=5, help="top-k of the naive retrieval")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    from core.settings import get_settings
    from evals.baselines import NaiveDense, naive_chunks
    from rag.ask import ask
    from rag.index import IndexMissing, get_index
    from rag.warm import warm_up

    settings = get_settings()
    try:
        get_index(settings)  # loaded before timing, as a running server has it
    except IndexMissing as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 3
    items = load_gold(args.gold)
    if args.limit:
        items = items[: args.limit]
    questions = [(it["question"], it.get("history") or None) for it in items]

    started = time.perf_counter()
    naive = NaiveDense(naive_chunks(corpus_files(settings.corpus_dir)), settings.model_path())
    build_s = time.perf_counter() - started
    warm_up(settings)
    try:
        system = _times(lambda q, h: ask(q, history=h, settings=settings), questions)
        baseline = _times(lambda q, h: naive.retrieve(q, args.k), questions)
    finally:
        naive.close()

    def stats(xs: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(percentile(xs, 50), 1),
            "p95_ms": round(percentile(xs, 95), 1),
            "mean_ms": round(sum(xs) / len(xs), 1),
            "max_ms": round(max(xs), 1),
        }

    result = {
        "questions": len(items),
        "k": args.k,
        "mode": settings.llm_provider if settings.llm_provider != "none" else "extractive",
        "ask": stats(system),
        "naive_retrieval": stats(baseline),
        "naive_index_build_s": round(build_s, 1),
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }
    result["ratio"] = {
        key: round(result["ask"][key] / result["naive_retrieval"][key], 1)
        if result["naive_retrieval"][key]
        else None
        for key in ("p50_ms", "p95_ms", "mean_ms")
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{result['questions']} gold questions, warm, mode {result['mode']}, {result['cpus']} CPUs, "
        f"load {result['load_avg']}; naive index built in {build_s:.1f} s"
    )
    rows = [
        ("", "p50 ms", "p95 ms", "mean ms", "max ms"),
        (
            "rag.ask (end to end)",
            *(f"{result['ask'][k]:.1f}" for k in ("p50_ms", "p95_ms", "mean_ms", "max_ms")),
        ),
        (
            f"naive retrieval (top-{args.k})",
            *(f"{result['naive_retrieval'][k]:.1f}" for k in ("p50_ms", "p95_ms", "mean_ms", "max_ms")),
        ),
        (
            "ratio ask / naive",
            *(
                f"{result['ratio'][k]:.1f}x" if result["ratio"][k] else "n/a"
                for k in ("p50_ms", "p95_ms", "mean_ms")
            ),
            "",
        ),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
