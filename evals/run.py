"""Running a question set through the assistant and the baselines, and assembling the report dictionary."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from evals.aggregate import by_type, ratios, summarise
from evals.baselines import BASELINE_NAMES, build_baselines
from evals.corpus import catalog_ids, corpus_files, corpus_text, section_ids
from evals.gold import load_gold
from evals.metrics import Context, Outcome, is_failure, score, source_ids


def _citation_dicts(answer: Any) -> list[dict[str, Any]]:
    return [
        c.model_dump() if hasattr(c, "model_dump") else dict(c)
        for c in (getattr(answer, "citations", None) or [])
    ]


def _sources_of(answer: Any) -> list[tuple[str, set[str]]]:
    out = []
    for src in getattr(answer, "sources", None) or []:
        text = src.text if hasattr(src, "text") else src.get("text", "")
        meta = src.metadata if hasattr(src, "metadata") else src.get("metadata", {})
        out.append((text, source_ids(meta)))
    return out


def run_system(
    items: list[dict[str, Any]], ask_fn: Callable[..., Any], progress: Callable[[str], None] | None = None
) -> list[Outcome]:
    """Ask every gold question (with its history for follow-ups), after one untimed warm-up call."""
    if items:
        try:
            ask_fn(items[0]["question"], history=items[0].get("history"))
        except Exception:  # noqa: BLE001 - the timed call reports the error
            pass
    outcomes = []
    for n, item in enumerate(items, 1):
        start = time.perf_counter()
        try:
            ans = ask_fn(item["question"], history=item.get("history") or None, filters=item.get("filters"))
        except Exception as exc:  # noqa: BLE001 - one broken question must not stop the run
            outcomes.append(
                Outcome(
                    answer="",
                    latency_ms=(time.perf_counter() - start) * 1000,
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
            continue
        elapsed = (time.perf_counter() - start) * 1000
        outcomes.append(
            Outcome(
                answer=ans.answer,
                abstained=bool(ans.abstained),
                citations=_citation_dicts(ans),
                sources=_sources_of(ans),
                latency_ms=elapsed,
            )
        )
        if progress and n % 20 == 0:
            progress(f"system: {n}/{len(items)}")
    return outcomes


def run_baseline(items: list[dict[str, Any]], baseline: Any, k: int) -> list[Outcome]:
    """The baseline over every gold question: answer = top chunk, no citations, never abstains.
    It has no conversation memory, so a follow-up is retrieved with its own words only."""
    if items:
        baseline.retrieve(items[0]["question"], k)
    outcomes = []
    for item in items:
        start = time.perf_counter()
        hits = baseline.retrieve(item["question"], k)
        elapsed = (time.perf_counter() - start) * 1000
        outcomes.append(
            Outcome(
                answer=hits[0].text if hits else "",
                abstained=False,
                citations=None,
                sources=[(h.text, set()) for h in hits],
                latency_ms=elapsed,
            )
        )
    return outcomes


def evaluate(
    items: list[dict[str, Any]] | None = None,
    k: int = 5,
    baselines: bool = True,
    settings: Any = None,
    ask_fn: Callable[..., Any] | None = None,
    gold_files: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the system (and the baselines) over the gold items; returns the report dictionary."""
    from core.settings import get_settings
    from rag.index import get_index

    settings = settings or get_settings()
    items = items if items is not None else load_gold()
    if ask_fn is None:
        from rag.ask import ask as rag_ask

        def ask_fn(question: str, history: Any = None, filters: Any = None) -> Any:
            return rag_ask(question, history=history, filters=filters, settings=settings)

    index = get_index(settings)
    ctx = Context(
        catalog_ids=catalog_ids(index.catalog),
        corpus_text=corpus_text(settings.corpus_dir),
        section_ids=section_ids(index.chunks),
    )

    started = time.time()
    say = progress or (lambda _m: None)
    say(f"system: {len(items)} questions")
    sys_outcomes = run_system(items, ask_fn, progress)
    sys_scores = [score(it, out, ctx, k) for it, out in zip(items, sys_outcomes)]
    report: dict[str, Any] = {
        "meta": {
            "k": k,
            "questions": len(items),
            "gold_files": gold_files or sorted({it.get("_file", "?") for it in items}),
            "mode": "llm:" + settings.llm_provider if settings.llm_provider != "none" else "extractive",
            "embed_model": settings.model_path(),
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
            "types": dict(sorted(_count(it.get("type", "?") for it in items).items())),
        },
        "system": summarise(sys_scores, cites=True),
        "baselines": {},
        "by_type": {},
        "ratios": {},
        "failures": [],
        "questions": [],
    }
    base_scores: dict[str, list[dict[str, Any]]] = {}
    if baselines:
        say("baselines: building the naive chunks and their Chroma collection")
        for name, pipe in build_baselines(corpus_files(settings.corpus_dir), settings.model_path()).items():
            try:
                say(f"baseline {name}: {len(items)} questions")
                base_scores[name] = [
                    score(it, out, ctx, k) for it, out in zip(items, run_baseline(items, pipe, k))
                ]
            finally:
                pipe.close()
            report["baselines"][name] = summarise(base_scores[name], cites=False)
            report["baselines"][name]["description"] = BASELINE_NAMES[name]
            report["ratios"][name] = ratios(report["system"], report["baselines"][name])
    sys_types = by_type(sys_scores, cites=True)
    base_types = {name: by_type(sc, cites=False) for name, sc in base_scores.items()}
    for t, summary in sys_types.items():
        report["by_type"][t] = {"system": summary, **{name: bt[t] for name, bt in base_types.items()}}
    for item, out, s in zip(items, sys_outcomes, sys_scores):
        report["questions"].append(
            {
                key: s[key]
                for key in (
                    "id",
                    "type",
                    "evidence_rank",
                    "fact_accuracy",
                    "draft_coverage",
                    "abstained",
                    "expected_id_recall",
                    "id_recall_at_k",
                    "latency_ms",
                    "cited_ids",
                )
                if key in s
            }
        )
        why = is_failure(s)
        if why:
            report["failures"].append(
                {
                    "id": s["id"],
                    "type": s["type"],
                    "question": item["question"],
                    "reasons": why,
                    "answer": out.answer,
                    "expected": item.get("answer", ""),
                    "missing": s["missing"],
                    "missing_ids": s.get("missing_ids", []),
                    "cited_ids": s.get("cited_ids", []),
                    "invalid_ids": s.get("invalid_ids", []),
                    "invalid_quotes": s.get("invalid_quotes", []),
                    "evidence_rank": s["evidence_rank"],
                    "abstained": s["abstained"],
                    **({"history": item["history"]} if item.get("history") else {}),
                }
            )
    report["meta"]["seconds"] = round(time.time() - started, 1)
    return report


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
