"""Scoring one answer against its gold item: evidence, MRR and IDs at k, facts, citations, abstention."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from evals.gold import is_draft, is_unanswerable

# Every metric is computed without an LLM, from the gold item (evals/README.md documents the format)
# and what the system returned; the functions here are pure and unit-tested on tiny hand-made inputs
# (tests/evals/test_harness.py).
#
# Metrics (k is the retrieval cut-off, 5 by default):
#
# - evidence_hit_at_k: a top-k source contains one of the question's evidence quotes. Both sides are
#   whitespace-normalised and compared case-insensitively. Record chunks re-write a matrix row field
#   by field ("Responsible: ...", "Status: ..."), so a quote that spans table cells is not a substring
#   of them; a source therefore also counts as containing a quote when >= 80% of the quote's words
#   (tokens, with repeats) occur somewhere in that one source, in any order, and every ID or number
#   of the quote is among them (so "delete Measure 1.1.5" does not match a row about 1.2.6).
# - mrr_at_k: 1 / rank of the first top-k source that contains an evidence quote (0 when none does).
# - id_recall_at_k: share of the expected IDs present in the top-k sources, either in their metadata
#   `ids` or written in their text (as a whole ID: "1.3.5" does not match inside "1.3.5.1").
# - fact_accuracy: every must_include group has an alternative in the answer text (case-insensitive);
#   over answerable questions that are not drafts.
# - draft_coverage: share of must_include groups present in the answer text; over draft questions.
# - expected_id_recall: share of the expected IDs among the cited IDs; over questions with IDs.
# - cited_id_validity: share of citations whose ID exists: activity/measure/objective/indicator IDs in
#   the catalog, section IDs in the corpus text. Pooled over all citations.
# - quote_validity: share of citation quotes (whitespace-normalised) found verbatim in one of the
#   answer's sources or in the corpus text. Pooled over all citations.
# - abstention_recall: share of `unanswerable` questions the system declined.
# - false_abstention_rate: share of the other questions the system declined.
# - latency_p50_ms / latency_p95_ms: wall time of one call (after one untimed warm-up call).

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
