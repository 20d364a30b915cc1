"""Ingest benchmark: our pipeline against the LangChain tutorial pipeline, each in fresh processes.

    .venv/bin/python benchmarks/ingest.py [--corpus DIR] [--repeat N] [--json]

Measured, for ours (`ingest.pipeline.ingest` with the real model, a fresh temp EGOV_DATA_DIR):
  - cold ingest: wall time of a new Python process that imports everything, loads the model
    and ingests the whole corpus (the OS file cache is warmed first, equally for both pipelines);
  - chunks per second over that cold run;
  - no-change re-ingest: a second new process over the same data folder;
  - peak RSS of each process (os.wait4's rusage of that child; the maximum over all children
    is resource.getrusage(RUSAGE_CHILDREN)).
And for the baseline, the tutorial pipeline: read the corpus text,
RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), embed with the same model
through sentence_transformers, add to a chromadb PersistentClient collection in a temp folder
with explicit embeddings (telemetry off). Its "re-run" is the same script run again over its
folder (upserting the same ids): the tutorial has no change detection, so it re-embeds everything.

Nothing is downloaded: HF_HUB_OFFLINE=1 and the model is the packaged all-MiniLM-L6-v2.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
# This file is called ingest.py: keep its folder off sys.path so `import ingest` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


# --- children ---------------------------------------------------------------------------------


def child_ours() -> dict:
    started = time.perf_counter()
    from core.settings import get_settings
    from ingest.pipeline import ingest

    imported = time.perf_counter()
    summary = ingest(settings=get_settings(), quiet=True)
    done = time.perf_counter()
    chunks = summary.added + summary.updated + summary.unchanged
    return {
        "chunks": chunks,
        "embedded": chunks if summary.rebuilt else summary.added + summary.updated,
        "added": summary.added,
        "unchanged": summary.unchanged,
        "errors": len(summary.errors),
        "import_s": imported - started,
        "work_s": done - imported,
    }


def corpus_files(corpus: Path) -> list[Path]:
    """The text files a tutorial DirectoryLoader would read (hidden files and READMEs left out)."""
    return [
        p
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in {".txt", ".md"}
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
        and p.name.lower() != "readme.md"
    ]


def child_baseline(corpus: Path, persist: Path, model_path: str) -> dict:
    started = time.perf_counter()
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from sentence_transformers import SentenceTransformer

    imported = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    for path in corpus_files(corpus):
        texts.extend(splitter.split_text(path.read_text(encoding="utf-8", errors="replace")))
    model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    vectors = model.encode(texts, show_progress_bar=False).tolist()
    client = chromadb.PersistentClient(path=str(persist), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("baseline", embedding_function=None)
    step = client.get_max_batch_size()
    ids = [f"chunk-{i}" for i in range(len(texts))]
    for i in range(0, len(texts), step):
        collection.upsert(
            ids=ids[i : i + step], documents=texts[i : i + step], embeddings=vectors[i : i + step]
        )
    done = time.perf_counter()
    assert collection.count() == len(texts)
    return {
        "chunks": len(texts),
        "embedded": len(texts),
        "import_s": imported - started,
        "work_s": done - imported,
    }


# --- parent -----------------------------------------------------------------------------------


def run_child(args: list[str], env: dict[str, str]) -> dict:
    """Run this script as a child; its result, wall time and peak RSS (from wait4, this child only)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), *args],
            stdout=out,
            stderr=err,
            env=env,
            cwd=PROJECT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"child {' '.join(args)} failed ({proc.returncode}):\n{err.read()[-4000:]}")
        result = json.loads(out.read().strip().splitlines()[-1])
    result["wall_s"] = wall
    result["cpu_s"] = usage.ru_utime + usage.ru_stime  # less sensitive than wall time to busy neighbours
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def warm_file_cache(paths: list[Path]) -> None:
    """Read the model and corpus files once so neither pipeline pays for the first disk read."""
    for root in paths:
        for f in [root] if root.is_file() else root.rglob("*"):
            if f.is_file():
                with f.open("rb") as fh:
                    while fh.read(1 << 20):
                        pass


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=PROJECT / "corpus")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each pipeline; the fastest is shown")
    parser.add_argument("--json", action="store_true", help="also print the raw numbers as JSON")
    parser.add_argument("--child", choices=["ours", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--persist", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "ours":
        print(json.dumps(child_ours()))
        return
    if args.child == "baseline":
        print(json.dumps(child_baseline(args.corpus, args.persist, args.model)))
        return

    os.environ.update(OFFLINE_ENV)
    from core.settings import packaged_model_path

    model = packaged_model_path()
    corpus = args.corpus.resolve()
    warm_file_cache([Path(model), corpus])
    print(
        f"corpus: {corpus} ({sum(p.stat().st_size for p in corpus_files(corpus)) / 1024:.0f} KiB of text); "
        f"model: {Path(model).parent.name}/{Path(model).name} (packaged, offline); CPUs: {os.cpu_count()}; "
        f"repeats: {args.repeat}",
        flush=True,
    )
    runs: dict[str, list[dict]] = {"ours_cold": [], "ours_again": [], "base_cold": [], "base_again": []}
    for rep in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
            base_env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
            base_env.update(OFFLINE_ENV)
            ours_env = dict(
                base_env,
                EGOV_DATA_DIR=str(Path(tmp) / "ours"),
                EGOV_CORPUS_DIR=str(corpus),
                EGOV_EMBED_MODEL=model,
            )
            baseline_args = [
                "--child",
                "baseline",
                "--corpus",
                str(corpus),
                "--persist",
                str(Path(tmp) / "baseline"),
                "--model",
                model,
            ]
            steps = [("ours", ["--child", "ours"], ours_env), ("base", baseline_args, base_env)]
            for who, child_args, env in steps if rep % 2 == 0 else steps[::-1]:  # alternate who goes first
                print(f"run {rep + 1}: {who} cold ...", flush=True)
                runs[f"{who}_cold"].append(run_child(child_args, env))
                print(f"run {rep + 1}: {who} no-change re-run ...", flush=True)
                runs[f"{who}_again"].append(run_child(child_args, env))
    # The fastest of the repeats: on a shared machine, slower runs measure the neighbours.
    results = {k: min(v, key=lambda r: r["wall_s"]) for k, v in runs.items()}
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    oc, oa, bc, ba = (results[k] for k in ("ours_cold", "ours_again", "base_cold", "base_again"))
    if oa["embedded"] != 0 or oa["added"] != 0:
        print(f"warning: the no-change re-ingest embedded {oa['embedded']} chunks", file=sys.stderr)

    rows = [
        ("chunks", oc["chunks"], bc["chunks"], "{:.0f}"),
        ("cold ingest, s (process start to done)", oc["wall_s"], bc["wall_s"], "{:.2f}"),
        ("  CPU time (user+sys), s", oc["cpu_s"], bc["cpu_s"], "{:.2f}"),
        ("chunks per second (cold)", oc["chunks"] / oc["wall_s"], bc["chunks"] / bc["wall_s"], "{:.1f}"),
        ("no-change re-ingest, s", oa["wall_s"], ba["wall_s"], "{:.2f}"),
        ("  CPU time (user+sys), s ", oa["cpu_s"], ba["cpu_s"], "{:.2f}"),
        ("  chunks embedded on re-ingest", oa["embedded"], ba["embedded"], "{:.0f}"),
        ("peak RSS, MB (cold)", oc["peak_rss_mb"], bc["peak_rss_mb"], "{:.0f}"),
        ("peak RSS, MB (re-ingest)", oa["peak_rss_mb"], ba["peak_rss_mb"], "{:.0f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'':<{width}}  {'ours':>10}  {'baseline':>10}  {'ours/base':>9}")
    for label, ours, base, fmt in rows:
        ratio = f"{ours / base:.2f}" if base else "-"
        print(f"{label:<{width}}  {fmt.format(ours):>10}  {fmt.format(base):>10}  {ratio:>9}")
    print(f"\npeak RSS over all children (RUSAGE_CHILDREN): {children_peak:.0f} MB")
    print(
        "baseline = LangChain tutorial: RecursiveCharacterTextSplitter(1000, 200) + sentence-transformers "
        "+ chromadb PersistentClient, no change detection"
    )
    if args.json:
        print(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
