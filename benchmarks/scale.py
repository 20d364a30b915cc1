"""Cost as the corpus grows: the evaluation plus 4x, 16x (48x) its size in interview notes and memos.

    .venv/bin/python benchmarks/scale.py [--sizes 1 4 16] [--json]

Each size runs in its own process (so memory is its own), on a corpus from
benchmarks/grow_corpus.py in a temp folder and a fresh data folder, with the real model, which is
loaded before anything is timed. Printed per size:
  - chunks, and the texts with a stored vector (chunks, sentences, titles);
  - cold ingest: everything embedded from nothing, in seconds;
  - no-change re-ingest; adding one new note (a server's upload does this, in its process);
  - index load: what an instance does when the index changed on disk;
  - warm `rag.ask` p50/p95 over the fixed questions (the gold set, drafts left out, follow-ups with
    their history) beside naive retrieval in the same process: the question embedded and the
    top 5 chunks from the same Chroma collection;
  - pass rate on those questions: the gold facts in the answer, or an abstention where the
    evaluation does not answer;
  - answers that present a note as the report (a note's quote on a line that names the report);
  - resident memory after the questions and the process's peak.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(PROJECT))
sys.path.insert(1, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EVALUATION = re.compile(r"\breport\b|\bevaluation\b", re.I)
INTRO_START = re.compile(r"[”.]\s+(?=[A-Z])")  # where the sentence introducing a quote starts


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def presents_note_as_report(answer) -> bool:
    """A quote from a note or memo on an answer line that names the report or evaluation as its source."""
    for c in answer.citations:
        if not c.source.startswith("interviews/") or not c.quote:
            continue
        for line in answer.answer.split("\n"):
            at = line.find(c.quote[:60])
            if at <= 0:
                continue
            ends = [m.end() for m in INTRO_START.finditer(line[: at - 1])]
            if EVALUATION.search(line[(ends[-1] if ends else 0) : at]):  # how this quote is introduced
                return True
    return False


def child(factor: float, work: Path) -> dict:
    from grow_corpus import grow, note

    from core.settings import Settings
    from evals.harness import is_draft, is_unanswerable, load_gold, passes, percentile
    from ingest.embed import get_embedder
    from ingest.pipeline import ingest
    from rag.ask import ask
    from rag.index import get_index

    corpus, data = work / "corpus", work / "data"
    grow(PROJECT / "corpus", corpus, factor)
    settings = Settings(corpus_dir=corpus, data_dir=data)
    embedder = get_embedder(settings.model_path())
    embedder.embed(["load the model before timing"])
    out: dict = {"factor": factor}

    t = time.perf_counter()
    first = ingest(settings=settings, quiet=True)
    out["cold_ingest_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    again = ingest(settings=settings, quiet=True)
    out["no_change_ingest_s"] = round(time.perf_counter() - t, 3)
    out["no_change_wrote"] = again.wrote
    import random

    from grow_corpus import prose_sentences

    extra = corpus / "interviews" / "note_new.md"
    extra.write_text(
        note(random.Random(99), prose_sentences(PROJECT / "corpus"), ["A ministry"], 999), "utf-8"
    )
    t = time.perf_counter()
    added = ingest(settings=settings, quiet=True)
    out["add_one_note_s"] = round(time.perf_counter() - t, 2)
    out["add_one_note_chunks"] = added.added

    t = time.perf_counter()
    index = get_index(settings)
    out["index_load_s"] = round(time.perf_counter() - t, 2)
    out["chunks"] = len(index.chunks)
    out["stored_vectors"] = len(index.vectors)
    out["first_ingest_chunks"] = first.added

    items = [it for it in load_gold() if not is_draft(it)]
    questions = [(it["question"], it.get("history") or None) for it in items]
    ask(*questions[0], settings=settings)  # warm-up, not timed
    times, passed, as_report = [], 0, 0
    for it, (q, hist) in zip(items, questions):
        t = time.perf_counter()
        answer = ask(q, history=hist, settings=settings)
        times.append((time.perf_counter() - t) * 1000)
        ok = answer.abstained if is_unanswerable(it) else passes(answer.answer, it.get("must_include") or [])
        passed += bool(ok)
        as_report += presents_note_as_report(answer)
    naive = []
    for q, _ in questions:
        t = time.perf_counter()
        vector = embedder.embed([q])[0]
        index.collection.query(query_embeddings=[vector], n_results=5, include=["distances"])
        naive.append((time.perf_counter() - t) * 1000)
    out.update(
        questions=len(items),
        ask_p50_ms=round(percentile(times, 50), 1),
        ask_p95_ms=round(percentile(times, 95), 1),
        naive_p50_ms=round(percentile(naive, 50), 1),
        naive_p95_ms=round(percentile(naive, 95), 1),
        pass_rate=round(passed / len(items), 3),
        notes_as_report=as_report,
        embedded_during_questions=index.misses,
        rss_mb=round(rss_mb()),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    return out


COLUMNS = (
    ("factor", "size", "{:g}x"),
    ("chunks", "chunks", "{}"),
    ("cold_ingest_s", "cold ingest s", "{}"),
    ("no_change_ingest_s", "no-change s", "{}"),
    ("add_one_note_s", "add note s", "{}"),
    ("index_load_s", "load s", "{}"),
    ("ask_p50_ms", "ask p50 ms", "{}"),
    ("ask_p95_ms", "ask p95 ms", "{}"),
    ("naive_p95_ms", "naive p95 ms", "{}"),
    ("pass_rate", "pass", "{}"),
    ("notes_as_report", "note as report", "{}"),
    ("rss_mb", "RSS MB", "{}"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="egov-scale-") as tmp:
            print(json.dumps(child(args.child, Path(tmp))))
        return 0
    rows = []
    for size in args.sizes:
        got = subprocess.run(
            [sys.executable, __file__, "--child", str(size)], capture_output=True, text=True, check=False
        )
        if got.returncode != 0:
            print(got.stderr[-3000:], file=sys.stderr)
            return 1
        rows.append(json.loads(got.stdout.strip().splitlines()[-1]))
        if not args.json:
            print(f"{size:g}x done: {rows[-1]}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows))
        return 0
    base = rows[0]
    table = [[label for _, label, _ in COLUMNS] + ["p50 / 1x", "p95 / 1x"]]
    for r in rows:
        table.append(
            [fmt.format(r[key]) for key, _, fmt in COLUMNS]
            + [f"{r['ask_p50_ms'] / base['ask_p50_ms']:.2f}", f"{r['ask_p95_ms'] / base['ask_p95_ms']:.2f}"]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print(" | ".join(c.rjust(w) for c, w in zip(row, widths)))
    print(f"{rows[0]['questions']} fixed questions; {os.cpu_count()} CPUs; model loaded before timing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
