"""Sanity checks for the evaluation gold set (evals/gold/gold.jsonl).

Stdlib + pytest only: these tests must run without the RAG stack installed.
They check that the gold file is well-formed and grounded in the corpus:
every evidence quote is verbatim corpus text, every cited ID exists in the
Annex 7 evaluation matrix, and every reference answer passes its own
``must_include`` groups.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = REPO_ROOT / "evals" / "gold" / "gold.jsonl"
# Officials can validate their own gold file: GOLD_FILE=path/to/file.jsonl python3 -m pytest tests/evals/test_gold_file.py
# (not EGOV_-prefixed: tests/conftest.py clears EGOV_* variables)
GOLD_PATH = Path(os.environ["GOLD_FILE"]).resolve() if os.environ.get("GOLD_FILE") else DEFAULT_GOLD
IS_DEFAULT_GOLD = GOLD_PATH == DEFAULT_GOLD
CORPUS_NAME = "egov_expost_2020_2022.txt"
SHARED_CORPUS = Path("/work/shared/corpus") / CORPUS_NAME

TYPES = {
    "factoid",
    "status",
    "indicator",
    "multi",
    "aggregate",
    "unanswerable",
    "paraphrase",
    "followup",
    "draft",
}
REQUIRED_KEYS = {"id", "question", "type", "answer", "must_include", "ids", "evidence"}
MIN_QUESTIONS = 120
EVIDENCE_MIN, EVIDENCE_MAX = 30, 250

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Strip Word "[bookmark: ...]" debris and collapse whitespace runs."""
    return _WS.sub(" ", _BOOKMARK.sub("", text)).strip()


def passes(answer: str, must_include: list[list[str]]) -> bool:
    """An answer passes when every group has >= 1 alternative as a
    case-insensitive substring. Empty must_include passes trivially."""
    low = answer.lower()
    return all(any(alt.lower() in low for alt in group) for group in must_include)


def _corpus_path() -> Path:
    local = REPO_ROOT / "corpus" / CORPUS_NAME
    return local if local.exists() else SHARED_CORPUS


def _load_gold() -> list[dict]:
    records = []
    with GOLD_PATH.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{GOLD_PATH.name}:{lineno}: invalid JSON: {exc}")
            assert isinstance(obj, dict), f"line {lineno}: not a JSON object"
            records.append(obj)
    return records


GOLD = _load_gold() if GOLD_PATH.exists() else []
CORPUS_RAW = _corpus_path().read_text(encoding="utf-8") if _corpus_path().exists() else ""
CORPUS_NORM = normalise(CORPUS_RAW)


def _valid_ids(raw: str) -> tuple[set[str], set[str], set[str]]:
    """Derive objective / measure / activity IDs from the Annex 7 matrix."""
    start = raw.find("Annex 7: Evaluation Matrix")
    matrix = raw[start:] if start >= 0 else raw
    # activity rows: a tab-indented cell starting with the 4-part ID ("\t1.1.1.1:" or "\t1.1.1.7 Migration")
    activities = set(re.findall(r"(?m)^\t(1\.[1-4]\.\d\.\d+)(?=[:\s])", matrix))
    # measure headers: "\tMeasure 1.1.1 ..." / "\tMeasure 1.1.2: ..."
    measures = set(re.findall(r"(?m)^\tMeasure (1\.[1-4]\.\d)(?=[:\s.])", matrix))
    objectives = {m.rsplit(".", 1)[0] for m in measures} | {a.rsplit(".", 2)[0] for a in activities}
    return objectives, measures, activities


OBJECTIVES, MEASURES, ACTIVITIES = _valid_ids(CORPUS_RAW)
VALID_IDS = OBJECTIVES | MEASURES | ACTIVITIES


def _rid(rec: dict) -> str:
    return str(rec.get("id", "?"))


# ----------------------------------------------------------------- file level


def test_gold_file_exists_and_parses():
    assert GOLD_PATH.exists(), f"missing {GOLD_PATH}"
    assert GOLD, "gold file is empty"


def test_corpus_found():
    assert CORPUS_RAW, f"corpus not found at {REPO_ROOT / 'corpus' / CORPUS_NAME} or {SHARED_CORPUS}"


@pytest.mark.skipif(not IS_DEFAULT_GOLD, reason="size rule applies to the project gold set only")
def test_enough_questions():
    assert len(GOLD) >= MIN_QUESTIONS, f"only {len(GOLD)} questions (need >= {MIN_QUESTIONS})"


def test_ids_unique():
    counts = Counter(_rid(r) for r in GOLD)
    dupes = sorted(k for k, v in counts.items() if v > 1)
    assert not dupes, f"duplicate ids: {dupes}"


@pytest.mark.skipif(not IS_DEFAULT_GOLD, reason="type coverage rule applies to the project gold set only")
def test_every_type_present():
    present = {r.get("type") for r in GOLD}
    missing = TYPES - present
    assert not missing, f"types missing from gold file: {sorted(missing)}"


def test_valid_id_sets_derived_from_corpus():
    # Sanity check of the derivation itself: 4 objectives, 24 measures, 100 activities.
    assert OBJECTIVES == {"1.1", "1.2", "1.3", "1.4"}
    assert len(MEASURES) == 24, sorted(MEASURES)
    assert len(ACTIVITIES) == 100, len(ACTIVITIES)


# --------------------------------------------------------------- per record


@pytest.mark.parametrize("rec", GOLD, ids=_rid)
def test_record_schema(rec):
    missing = REQUIRED_KEYS - rec.keys()
    assert not missing, f"missing keys {sorted(missing)}"
    assert re.fullmatch(r"q\d{3,}", rec["id"]), rec["id"]
    assert rec["type"] in TYPES, rec["type"]
    assert isinstance(rec["question"], str) and rec["question"].strip()
    assert isinstance(rec["answer"], str) and rec["answer"].strip()
    assert isinstance(rec["ids"], list) and all(isinstance(i, str) for i in rec["ids"])
    assert isinstance(rec["evidence"], list) and all(isinstance(e, str) for e in rec["evidence"])
    mi = rec["must_include"]
    assert isinstance(mi, list)
    for group in mi:
        assert isinstance(group, list) and group, f"empty or non-list group: {group!r}"
        assert all(isinstance(a, str) and a.strip() for a in group), f"bad alternative in {group!r}"


@pytest.mark.parametrize("rec", GOLD, ids=_rid)
def test_evidence_in_corpus(rec):
    for quote in rec["evidence"]:
        q = normalise(quote)
        assert EVIDENCE_MIN <= len(q) <= EVIDENCE_MAX, f"evidence length {len(q)}: {quote[:60]!r}"
        assert q in CORPUS_NORM, f"evidence not found in corpus: {quote[:100]!r}"


@pytest.mark.parametrize("rec", GOLD, ids=_rid)
def test_cited_ids_exist(rec):
    bad = [i for i in rec["ids"] if i not in VALID_IDS]
    assert not bad, f"IDs not in the Annex 7 matrix: {bad}"


@pytest.mark.parametrize("rec", GOLD, ids=_rid)
def test_reference_answer_passes_own_must_include(rec):
    failing = [g for g in rec["must_include"] if not any(a.lower() in rec["answer"].lower() for a in g)]
    assert passes(rec["answer"], rec["must_include"]), f"answer misses groups: {failing}"


@pytest.mark.parametrize("rec", GOLD, ids=_rid)
def test_type_specific_rules(rec):
    t = rec["type"]
    if t == "unanswerable":
        assert rec["must_include"] == [], "unanswerable questions must have empty must_include"
        assert rec["evidence"] == [], "unanswerable questions must have empty evidence"
    else:
        assert rec["must_include"], f"{t} question needs at least one must_include group"
        assert rec["evidence"], f"{t} question needs at least one evidence quote"
    if t == "followup":
        hist = rec.get("history")
        assert isinstance(hist, list) and hist, "followup needs a non-empty history"
        for turn in hist:
            assert isinstance(turn, dict) and turn.get("role") in {"user", "assistant"}, turn
            assert isinstance(turn.get("content"), str) and turn["content"].strip(), turn
    elif "history" in rec:
        assert isinstance(rec["history"], list)
