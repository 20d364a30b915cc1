"""The evaluation harness: run the assistant (and the baselines) over gold questions and score them.

Every metric is computed without an LLM, from the gold item (evals/README.md documents the format)
and what the system returned. The metric functions at the top are pure and unit-tested on tiny
hand-made inputs (tests/evals/test_harness.py); `evaluate` runs a whole gold set and returns the
report dictionary that evals/report.py writes out.

Metrics (k is the retrieval cut-off, 5 by default):

- evidence_hit_at_k: a top-k source contains one of the question's evidence quotes. Both sides are
  whitespace-normalised and compared case-insensitively. Record chunks re-write a matrix row field
  by field ("Responsible: ...", "Status: ..."), so a quote that spans table cells is not a substring
  of them; a source therefore also counts as containing a quote when >= 80% of the quote's words
  (tokens, with repeats) occur somewhere in that one source, in any order, and every ID or number
  of the quote is among them (so "delete Measure 1.1.5" does not match a row about 1.2.6).
- mrr_at_k: 1 / rank of the first top-k source that contains an evidence quote (0 when none does).
- id_recall_at_k: share of the expected IDs present in the top-k sources, either in their metadata
  `ids` or written in their text (as a whole ID: "1.3.5" does not match inside "1.3.5.1").
- fact_accuracy: every must_include group has an alternative in the answer text (case-insensitive);
  over answerable questions that are not drafts.
- draft_coverage: share of must_include groups present in the answer text; over draft questions.
- expected_id_recall: share of the expected IDs among the cited IDs; over questions with IDs.
- cited_id_validity: share of citations whose ID exists: activity/measure/objective/indicator IDs in
  the catalog, section IDs in the corpus text. Pooled over all citations.
- quote_validity: share of citation quotes (whitespace-normalised) found verbatim in one of the
  answer's sources or in the corpus text. Pooled over all citations.
- abstention_recall: share of `unanswerable` questions the system declined.
- false_abstention_rate: share of the other questions the system declined.
- latency_p50_ms / latency_p95_ms: wall time of one call (after one untimed warm-up call).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD_DEFAULT = Path(__file__).resolve().parent / "gold" / "gold.jsonl"
THRESHOLDS_DEFAULT = Path(__file__).resolve().parent / "thresholds.toml"
SETS_FILE = Path(__file__).resolve().parent / "sets.toml"
SET_NAMES = ("dev", "test")


def set_files(name: str, sets_file: Path = SETS_FILE) -> list[Path]:
    """The question files of a named set ('dev' to tune on, 'test' sealed), from evals/sets.toml."""
    import tomllib

    sets = tomllib.loads(sets_file.read_text(encoding="utf-8"))
    if name not in sets:
        raise ValueError(f"no set {name!r} in {sets_file}: use one of {', '.join(sets)}")
    return [sets_file.parent / f for f in sets[name]["files"]]


FUZZY_SHARE = 0.8
CITED_KINDS = {"activity", "measure", "objective", "indicator"}

# Metric name -> (label, which direction is better). The order is the order of every table.
METRICS: dict[str, tuple[str, str]] = {
    "evidence_hit_at_k": ("evidence hit@k", "higher"),
    "mrr_at_k": ("MRR@k", "higher"),
    "id_recall_at_k": ("ID recall@k", "higher"),
    "fact_accuracy": ("fact accuracy", "higher"),
    "draft_coverage": ("draft coverage", "higher"),
    "expected_id_recall": ("expected-ID recall", "higher"),
    "cited_id_validity": ("cited-ID validity", "higher"),
    "quote_validity": ("quote validity", "higher"),
    "abstention_recall": ("abstention recall", "higher"),
    "false_abstention_rate": ("false-abstention rate", "lower"),
    "latency_p50_ms": ("latency p50 (ms)", "lower"),
    "latency_p95_ms": ("latency p95 (ms)", "lower"),
}


def metric_label(name: str, k: int | None = None) -> str:
    label = METRICS.get(name, (name, ""))[0]
    return label.replace("@k", f"@{k}") if k else label


# ------------------------------------------------------------------ text helpers

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_WS = re.compile(r"\s+")
# Words, keeping IDs and numbers whole: "1.3.5.1", "96,55", "1.643", "one-stop" -> "one", "stop".
_WORD = re.compile(r"\w+(?:[.,]\w+)*")


def normalise(text: str) -> str:
    """Word "[bookmark: ...]" debris removed and whitespace runs collapsed (case kept)."""
    return _WS.sub(" ", _BOOKMARK.sub("", text or "")).strip()


def words(text: str) -> list[str]:
    """Lower-cased word tokens of a text."""
    return _WORD.findall((text or "").lower())


def contains_quote(text: str, quote: str, fuzzy: bool = True, share: float = FUZZY_SHARE) -> bool:
    """Whether a source text contains a quote: as a normalised, case-insensitive substring, or
    (fuzzy) with at least `share` of the quote's words present in the text in any order and every
    word of the quote that holds a digit (an ID, a number, a year) present."""
    q = normalise(quote).lower()
    if not q:
        return False
    t = normalise(text).lower()
    if q in t:
        return True
    if not fuzzy:
        return False
    qw = words(q)
    if not qw:
        return False
    tw = set(words(t))
    # IDs and numbers are what tells one matrix row from its neighbours: each must be there.
    if any(w not in tw for w in qw if any(ch.isdigit() for ch in w)):
        return False
    return sum(w in tw for w in qw) / len(qw) >= share


def evidence_rank(evidence: list[str], texts: list[str], k: int | None = None) -> int | None:
    """1-based rank of the first of the top-k texts that contains any evidence quote, else None."""
    for rank, text in enumerate(texts[:k] if k else texts, 1):
        if any(contains_quote(text, q) for q in evidence):
            return rank
    return None


def reciprocal_rank(evidence: list[str], texts: list[str], k: int | None = None) -> float:
    rank = evidence_rank(evidence, texts, k)
    return 1.0 / rank if rank else 0.0


def id_pattern(id_: str) -> re.Pattern[str]:
    """An ID as a whole token: "1.3.5" matches "Measure 1.3.5." but not "1.3.5.1" or "11.3.5"."""
    return re.compile(r"(?<![\d.])" + re.escape(id_) + r"(?!\.?\d)")


def id_in_text(id_: str, text: str) -> bool:
    return bool(id_pattern(id_).search(text or ""))


def source_ids(metadata: dict[str, Any] | None) -> set[str]:
    """The IDs in a source's metadata: a list, or the space-joined string the vector store keeps."""
    raw = (metadata or {}).get("ids") or []
    if isinstance(raw, str):
        raw = raw.split()
    return {str(i) for i in raw}


def id_recall_at_k(
    expected: list[str], sources: list[tuple[str, set[str]]], k: int | None = None
) -> float | None:
    """Share of expected IDs found in the top-k sources (metadata IDs or text); None without IDs."""
    if not expected:
        return None
    top = sources[:k] if k else sources
    found = [i for i in expected if any(i in ids or id_in_text(i, text) for text, ids in top)]
    return len(found) / len(expected)


def missing_groups(answer: str, must_include: list[list[str]]) -> list[list[str]]:
    """The must_include groups none of whose alternatives occur in the answer (case-insensitive)."""
    low = (answer or "").lower()
    return [g for g in must_include if not any(alt.lower() in low for alt in g)]


def passes(answer: str, must_include: list[list[str]]) -> bool:
    """Every group has one alternative in the answer: the gold set's pass rule (evals/README.md)."""
    return not missing_groups(answer, must_include)


def group_coverage(answer: str, must_include: list[list[str]]) -> float | None:
    """Share of must_include groups present in the answer; None without groups."""
    if not must_include:
        return None
    return 1.0 - len(missing_groups(answer, must_include)) / len(must_include)


def expected_id_recall(expected: list[str], cited: Iterable[str]) -> float | None:
    """Share of the expected IDs that the answer cites; None without expected IDs."""
    if not expected:
        return None
    cited = set(cited)
    return sum(i in cited for i in expected) / len(expected)


def invalid_cited_ids(
    citations: list[dict[str, Any]],
    catalog_ids: set[str],
    corpus_text: str,
    section_ids: set[str] | None = None,
) -> list[str]:
    """Cited IDs that do not exist: record kinds checked against the catalog, sections against the
    corpus text or the index's section tree (numbers and labels of the headings found in the corpus)."""
    bad = []
    for c in citations:
        cid = str(c.get("id", ""))
        if c.get("kind") in CITED_KINDS:
            ok = cid in catalog_ids
        else:
            ok = bool(cid) and (normalise(cid) in corpus_text or cid in (section_ids or set()))
        if not ok:
            bad.append(f"{c.get('kind')}:{cid}")
    return bad


def invalid_quotes(citations: list[dict[str, Any]], source_texts: list[str], corpus_text: str) -> list[str]:
    """Citation quotes that are not verbatim (whitespace-normalised) in a source of the answer or the corpus."""
    norm_sources = [normalise(t) for t in source_texts]
    bad = []
    for c in citations:
        q = normalise(c.get("quote", ""))
        if not q or not (any(q in t for t in norm_sources) or q in corpus_text):
            bad.append(c.get("quote", ""))
    return bad


def percentile(values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0-100), as numpy's default; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: list[float | bool | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


# ------------------------------------------------------------------ gold set


def load_gold(paths: Iterable[Path | str] | None = None) -> list[dict[str, Any]]:
    """Gold items from one or more JSON-lines files (the project set by default)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in [Path(p) for p in (paths or [GOLD_DEFAULT])]:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc})") from exc
            missing = {"id", "question", "type"} - set(item)
            if missing:
                raise ValueError(f"{path}:{lineno}: missing {sorted(missing)}")
            if item["id"] in seen:
                raise ValueError(f"{path}:{lineno}: duplicate id {item['id']}")
            seen.add(item["id"])
            for key in ("must_include", "ids", "evidence"):
                item.setdefault(key, [])
            item["_file"] = path.name
            items.append(item)
    return items


def is_unanswerable(item: dict[str, Any]) -> bool:
    return item.get("type") == "unanswerable"


def is_draft(item: dict[str, Any]) -> bool:
    return item.get("type") == "draft"


# ------------------------------------------------------------------ outcomes and scores


@dataclass
class Outcome:
    """What one system returned for one question. `citations` is None for systems that never cite."""

    answer: str
    abstained: bool = False
    citations: list[dict[str, Any]] | None = field(default_factory=list)
    sources: list[tuple[str, set[str]]] = field(default_factory=list)  # (text, ids) in rank order
    latency_ms: float = 0.0
    error: str | None = None


@dataclass
class Context:
    """What validity checks need: the catalog's IDs and the normalised corpus text."""

    catalog_ids: set[str]
    corpus_text: str
    section_ids: set[str] = field(default_factory=set)


def score(item: dict[str, Any], out: Outcome, ctx: Context, k: int) -> dict[str, Any]:
    """Per-question scores; a metric that does not apply to the question is None."""
    unans, draft = is_unanswerable(item), is_draft(item)
    texts = [t for t, _ in out.sources]
    evidence = item.get("evidence") or []
    rank = evidence_rank(evidence, texts, k) if evidence else None
    s: dict[str, Any] = {
        "id": item["id"],
        "type": item.get("type", "?"),
        "evidence_hit_at_k": (rank is not None) if evidence else None,
        "mrr_at_k": (1.0 / rank if rank else 0.0) if evidence else None,
        "evidence_rank": rank,
        "id_recall_at_k": id_recall_at_k(item.get("ids") or [], out.sources, k),
        "fact_accuracy": None,
        "draft_coverage": None,
        "missing": [] if unans else missing_groups(out.answer, item.get("must_include") or []),
        "abstained": out.abstained,
        "abstention_recall": out.abstained if unans else None,
        "false_abstention_rate": None if unans else out.abstained,
        "latency_ms": out.latency_ms,
        "error": out.error,
    }
    if not unans and item.get("must_include"):
        if draft:
            s["draft_coverage"] = group_coverage(out.answer, item["must_include"])
        else:
            s["fact_accuracy"] = not s["missing"]
    if out.citations is None:  # a system that never cites: citation metrics do not apply
        s.update(
            expected_id_recall=None,
            missing_ids=[],
            cited_ids=[],
            invalid_ids=[],
            invalid_quotes=[],
            n_citations=0,
        )
    else:
        cited = [str(c.get("id", "")) for c in out.citations]
        expected = [] if unans else (item.get("ids") or [])
        s["expected_id_recall"] = expected_id_recall(expected, cited)
        s["missing_ids"] = [i for i in expected if i not in set(cited)]
        s["cited_ids"] = list(dict.fromkeys(cited))
        s["invalid_ids"] = invalid_cited_ids(out.citations, ctx.catalog_ids, ctx.corpus_text, ctx.section_ids)
        s["invalid_quotes"] = invalid_quotes(out.citations, texts, ctx.corpus_text)
        s["n_citations"] = len(out.citations)
    return s


def summarise(scores: list[dict[str, Any]], cites: bool = True) -> dict[str, Any]:
    """Aggregate per-question scores into the metric table (None where a metric does not apply)."""
    out: dict[str, Any] = {"n": len(scores)}
    for name in (
        "evidence_hit_at_k",
        "mrr_at_k",
        "id_recall_at_k",
        "fact_accuracy",
        "draft_coverage",
        "abstention_recall",
        "false_abstention_rate",
    ):
        out[name] = _mean([s[name] for s in scores])
    if cites:
        out["expected_id_recall"] = _mean([s["expected_id_recall"] for s in scores])
        total = sum(s["n_citations"] for s in scores)
        out["cited_id_validity"] = 1 - sum(len(s["invalid_ids"]) for s in scores) / total if total else None
        out["quote_validity"] = 1 - sum(len(s["invalid_quotes"]) for s in scores) / total if total else None
        out["n_citations"] = total
    else:
        out["expected_id_recall"] = out["cited_id_validity"] = out["quote_validity"] = None
    lat = [s["latency_ms"] for s in scores if s.get("latency_ms") is not None]
    out["latency_p50_ms"] = _round(percentile(lat, 50), 1)
    out["latency_p95_ms"] = _round(percentile(lat, 95), 1)
    out["errors"] = sum(1 for s in scores if s.get("error"))
    return {key: (_round(v, 4) if isinstance(v, float) else v) for key, v in out.items()}


def _round(v: float | None, nd: int) -> float | None:
    return None if v is None else round(v, nd)


def ratios(system: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float | None]:
    """system / baseline for every metric both have (None when the baseline value is 0 or missing)."""
    out = {}
    for name in METRICS:
        a, b = system.get(name), baseline.get(name)
        out[name] = (
            round(a / b, 3) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
        )
    return out


def is_failure(s: dict[str, Any]) -> list[str]:
    """Why a question failed (empty when it passed)."""
    why = []
    if s.get("error"):
        why.append(f"error: {s['error']}")
    if s["type"] == "unanswerable":
        if not s["abstained"]:
            why.append("answered an unanswerable question (should abstain)")
    else:
        if s["abstained"]:
            why.append("abstained on an answerable question")
        if s["fact_accuracy"] is False:
            why.append("missing required facts")
        if s["draft_coverage"] is not None and s["draft_coverage"] < 1:
            why.append(f"draft covers {s['draft_coverage']:.0%} of required facts")
    if s.get("invalid_ids"):
        why.append("cites IDs that do not exist")
    if s.get("invalid_quotes"):
        why.append("quotes not found verbatim")
    return why


# ------------------------------------------------------------------ running


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


def corpus_text(corpus_dir: Path) -> str:
    """Normalised text of every readable document in the corpus folder (for validity checks)."""
    from ingest.loaders import LoadError, discover, load

    parts = []
    for path in discover([Path(corpus_dir)]):
        try:
            parts.append(load(path, Path(corpus_dir)).text)
        except LoadError:
            continue
    return normalise("\n".join(parts))


def catalog_ids(catalog: Any) -> set[str]:
    """Every ID a citation may carry: objectives, measures, activities, indicators, the overall objective."""
    ids = set(catalog.all_ids())
    ids |= {ind.id for ind in getattr(catalog, "indicators", [])}
    if getattr(catalog, "overall", None) is not None:
        ids.add(catalog.overall.id)
    return ids


def section_ids(chunks: list[Any]) -> set[str]:
    """Every heading of the index's section tree, by label and by number ('3.2.4')."""
    out: set[str] = set()
    for c in chunks:
        for label in (c.section or "").split(" > "):
            if label:
                out.add(label)
                out.add(label.split(" ", 1)[0].rstrip("."))
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The plain-text files a TextLoader would read: *.txt and *.md, READMEs and hidden files left out."""
    from ingest.loaders import discover

    return [p for p in discover([Path(corpus_dir)]) if p.suffix.lower() in {".txt", ".md"}]


def by_type(scores: list[dict[str, Any]], cites: bool) -> dict[str, dict[str, Any]]:
    types = list(dict.fromkeys(s["type"] for s in scores))
    return {t: summarise([s for s in scores if s["type"] == t], cites) for t in types}


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
    from ingest.config import get_settings
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
        from evals.baselines import BASELINE_NAMES, build_baselines

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


# ------------------------------------------------------------------ thresholds


def load_thresholds(path: Path | str = THRESHOLDS_DEFAULT) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def check_thresholds(report: dict[str, Any], thresholds: dict[str, Any]) -> list[dict[str, Any]]:
    """Every threshold with the measured value and whether it holds.

    [system] rules apply to the overall system metrics, [by_type.<type>] rules to one type's;
    each rule is {threshold = number, better = "higher" | "lower"}. A metric the report does not
    have (None) fails, so a gate cannot pass by a metric silently disappearing."""
    checks = []
    scopes = [("system", report.get("system", {}), thresholds.get("system", {}))]
    for t, rules in (thresholds.get("by_type") or {}).items():
        scopes.append((f"by_type.{t}", (report.get("by_type", {}).get(t) or {}).get("system", {}), rules))
    for scope, values, rules in scopes:
        for metric, rule in rules.items():
            better = rule.get("better", METRICS.get(metric, ("", "higher"))[1])
            limit = float(rule["threshold"])
            value = values.get(metric)
            ok = value is not None and (value >= limit if better == "higher" else value <= limit)
            checks.append(
                {
                    "scope": scope,
                    "metric": metric,
                    "value": value,
                    "threshold": limit,
                    "better": better,
                    "ok": ok,
                }
            )
    return checks
