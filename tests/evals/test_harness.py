"""Unit tests of the evaluation metrics on tiny hand-made inputs, plus the baselines, report and command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import harness as h
from evals.report import chart_data, render_markdown, summary_table, write_report

PROJECT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ text matching


def test_normalise_collapses_whitespace_and_bookmarks():
    assert h.normalise("  a\t b\n\nc [bookmark: _Toc1] d ") == "a b c d"


def test_words_keep_ids_and_numbers_whole():
    assert h.words("Activity 1.3.5.1: 96,55 and 1.643 one-stop") == [
        "activity",
        "1.3.5.1",
        "96,55",
        "and",
        "1.643",
        "one",
        "stop",
    ]


def test_contains_quote_exact_is_whitespace_and_case_insensitive():
    assert h.contains_quote("The   ACTIVITY was\nabandoned.", "the activity was abandoned")
    assert not h.contains_quote("The activity was completed.", "the activity was abandoned", fuzzy=False)


def test_contains_quote_fuzzy_counts_words_in_any_order():
    record = "Activity 1.3.5.1 Draw up a study\nResponsible: MPALSG\nStatus: abandoned\nReasoning: No funds have been secured."
    quote = "1.3.5.1: Draw up a study MPALSG abandoned No funds have been secured."
    assert not h.contains_quote(record, quote, fuzzy=False)  # spans fields: not a substring
    assert h.contains_quote(record, quote)  # but every word is there
    # 4 of 5 words (80%) is enough, 3 of 5 is not
    assert h.contains_quote("alpha beta gamma delta", "delta alpha beta gamma omega")
    assert not h.contains_quote("alpha beta gamma", "delta alpha beta gamma omega epsilon")


def test_contains_quote_fuzzy_needs_every_id_and_number():
    # 6 of 7 words present, but the ID differs: not the same row
    assert not h.contains_quote(
        "It is proposed to delete measure 1.2.6.", "It is proposed to delete Measure 1.1.5."
    )
    assert h.contains_quote(
        "Measure 1.1.5: it is proposed to delete it.", "It is proposed to delete Measure 1.1.5."
    )


def test_contains_quote_empty_quote_never_matches():
    assert not h.contains_quote("anything", "   ")


# ------------------------------------------------------------------ retrieval metrics

TEXTS = [
    "nothing here",
    "still nothing",
    "the e-Registry Office started with its operations on 1 February 2022",
    "x",
]
EVIDENCE = ["the e-Registry Office started with its operations on 1 February 2022"]


def test_evidence_rank_and_hit_at_k():
    assert h.evidence_rank(EVIDENCE, TEXTS) == 3
    assert h.evidence_rank(EVIDENCE, TEXTS, k=2) is None
    assert h.evidence_rank(["not there at all, really"], TEXTS) is None
    # any one of several quotes is enough
    assert h.evidence_rank(["no such quote anywhere", "still nothing"], TEXTS) == 2


def test_reciprocal_rank():
    assert h.reciprocal_rank(EVIDENCE, TEXTS) == pytest.approx(1 / 3)
    assert h.reciprocal_rank(EVIDENCE, TEXTS, k=2) == 0.0
    assert h.reciprocal_rank(EVIDENCE, TEXTS[2:]) == 1.0


def test_id_in_text_matches_whole_ids_only():
    assert h.id_in_text("1.3.5", "Measure 1.3.5. Implementation")
    assert h.id_in_text("1.3.5", "(1.3.5)")
    assert not h.id_in_text("1.3.5", "Activity 1.3.5.1")
    assert not h.id_in_text("1.3.5", "Measure 11.3.5")
    assert not h.id_in_text("1.3", "Measure 1.3.5")
    assert h.id_in_text("1.3.5.1", "Activity 1.3.5.1: draw up")


def test_source_ids_reads_lists_and_joined_strings():
    assert h.source_ids({"ids": ["1.3.5.1", "1.3.5"]}) == {"1.3.5.1", "1.3.5"}
    assert h.source_ids({"ids": "1.3.5.1 1.3.5 1.3"}) == {"1.3.5.1", "1.3.5", "1.3"}
    assert h.source_ids({}) == set() and h.source_ids(None) == set()


def test_id_recall_at_k_uses_metadata_and_text():
    sources = [("text naming Measure 1.1.7", set()), ("record", {"1.3.5.1"}), ("about 1.4.2.2", set())]
    assert h.id_recall_at_k(["1.1.7", "1.3.5.1"], sources) == 1.0
    assert h.id_recall_at_k(["1.1.7", "1.3.5.1", "1.4.2.2"], sources, k=2) == pytest.approx(2 / 3)
    assert h.id_recall_at_k(["1.2.1"], sources) == 0.0
    assert h.id_recall_at_k([], sources) is None


# ------------------------------------------------------------------ answer metrics

MUST = [["abandoned"], ["funds", "funding"]]


def test_passes_and_missing_groups():
    assert h.passes("It was ABANDONED: no Funding.", MUST)
    assert not h.passes("It was abandoned.", MUST)
    assert h.missing_groups("It was abandoned.", MUST) == [["funds", "funding"]]
    assert h.passes("anything", [])


def test_group_coverage():
    assert h.group_coverage("abandoned", MUST) == 0.5
    assert h.group_coverage("abandoned, no funds", MUST) == 1.0
    assert h.group_coverage("nothing", MUST) == 0.0
    assert h.group_coverage("x", []) is None


def test_expected_id_recall():
    assert h.expected_id_recall(["1.3.5", "1.3.5.1"], ["1.3.5.1", "1.1.1"]) == 0.5
    assert h.expected_id_recall(["1.3.5"], []) == 0.0
    assert h.expected_id_recall([], ["1.3.5"]) is None


CORPUS = h.normalise(
    "3.2.3. Specific Objective 1.3 ... Activity 1.3.5.1: The preparation of a study is still relevant."
)
CATALOG = {"1.3", "1.3.5", "1.3.5.1"}


def test_invalid_cited_ids():
    cites = [
        {"id": "1.3.5.1", "kind": "activity", "quote": ""},
        {"id": "1.3.5.9", "kind": "activity", "quote": ""},  # no such activity
        {"id": "1.3", "kind": "indicator", "quote": ""},
        {"id": "3.2.3", "kind": "section", "quote": ""},  # occurs in the corpus
        {"id": "Annex 9: Invented", "kind": "section", "quote": ""},  # does not
    ]
    assert h.invalid_cited_ids(cites, CATALOG, CORPUS) == ["activity:1.3.5.9", "section:Annex 9: Invented"]


def test_invalid_quotes():
    sources = ["Activity 1.3.5.1\nStatus: abandoned\nReasoning: No funds have been secured."]
    cites = [
        {"id": "1.3.5.1", "kind": "activity", "quote": "No funds  have\nbeen secured."},  # in a source
        {
            "id": "1.3.5.1",
            "kind": "activity",
            "quote": "The preparation of a study is still relevant.",
        },  # in the corpus
        {"id": "1.3.5.1", "kind": "activity", "quote": "The study was finished in 2021."},  # invented
        {"id": "1.3.5.1", "kind": "activity", "quote": ""},  # no quote at all
    ]
    assert h.invalid_quotes(cites, sources, CORPUS) == ["The study was finished in 2021.", ""]


def test_percentile():
    assert h.percentile([], 50) is None
    assert h.percentile([5.0], 95) == 5.0
    assert h.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert h.percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)


# ------------------------------------------------------------------ scoring whole questions

CTX = h.Context(catalog_ids=CATALOG, corpus_text=CORPUS)
STATUS_ITEM = {
    "id": "q1",
    "type": "status",
    "question": "study on one-stop shops?",
    "must_include": MUST,
    "ids": ["1.3.5.1"],
    "evidence": ["1.3.5.1: Draw up a study MPALSG abandoned No funds have been secured."],
}
UNANSWERABLE = {
    "id": "q2",
    "type": "unanswerable",
    "question": "budget in 2025?",
    "must_include": [],
    "ids": [],
    "evidence": [],
}
DRAFT = {
    "id": "q3",
    "type": "draft",
    "question": "Draft an entry",
    "must_include": MUST + [["2023-2025"]],
    "ids": ["1.3.5"],
    "evidence": ["It is proposed to implement the activity under the new 2023-2025 AP."],
}
RECORD = (
    "Activity 1.3.5.1 Draw up a study\nResponsible: MPALSG\nStatus: abandoned\n"
    "Reasoning for the progress: No funds have been secured."
)


def _cite(id_: str, kind: str = "activity", quote: str = "No funds have been secured.") -> dict:
    return {"id": id_, "kind": kind, "title": "t", "source": "s", "quote": quote}


def test_score_answered_status_question():
    out = h.Outcome(
        answer="Activity 1.3.5.1 was abandoned: no funds.",
        citations=[_cite("1.3.5.1")],
        sources=[("other", set()), (RECORD, {"1.3.5.1", "1.3.5", "1.3"})],
        latency_ms=12.0,
    )
    s = h.score(STATUS_ITEM, out, CTX, k=5)
    assert s["fact_accuracy"] is True and s["draft_coverage"] is None
    assert s["evidence_hit_at_k"] is True and s["evidence_rank"] == 2 and s["mrr_at_k"] == 0.5
    assert s["id_recall_at_k"] == 1.0 and s["expected_id_recall"] == 1.0
    assert s["invalid_ids"] == [] and s["invalid_quotes"] == []
    assert s["abstention_recall"] is None and s["false_abstention_rate"] is False
    assert h.is_failure(s) == []
    # k=1 cuts the record off
    s1 = h.score(STATUS_ITEM, out, CTX, k=1)
    assert s1["evidence_hit_at_k"] is False and s1["mrr_at_k"] == 0.0 and s1["id_recall_at_k"] == 0.0


def test_score_false_abstention_and_missing_facts():
    out = h.Outcome(answer="The evaluation does not answer this question.", abstained=True, citations=[])
    s = h.score(STATUS_ITEM, out, CTX, k=5)
    assert s["fact_accuracy"] is False and s["false_abstention_rate"] is True
    assert s["missing"] == MUST and s["missing_ids"] == ["1.3.5.1"] and s["expected_id_recall"] == 0.0
    assert "abstained on an answerable question" in h.is_failure(s)
    assert "missing required facts" in h.is_failure(s)


def test_score_unanswerable():
    declined = h.score(UNANSWERABLE, h.Outcome(answer="Not covered.", abstained=True), CTX, k=5)
    assert declined["abstention_recall"] is True and declined["false_abstention_rate"] is None
    assert declined["fact_accuracy"] is None and declined["evidence_hit_at_k"] is None
    assert h.is_failure(declined) == []
    invented = h.score(UNANSWERABLE, h.Outcome(answer="EUR 5 million."), CTX, k=5)
    assert invented["abstention_recall"] is False
    assert h.is_failure(invented) == ["answered an unanswerable question (should abstain)"]


def test_score_draft_coverage_not_fact_accuracy():
    out = h.Outcome(
        answer="Activity abandoned; carry over to the 2023-2025 action plan.",
        citations=[_cite("1.3.5", "measure")],
    )
    s = h.score(DRAFT, out, CTX, k=5)
    assert s["fact_accuracy"] is None and s["draft_coverage"] == pytest.approx(2 / 3)
    assert any("draft covers 67%" in w for w in h.is_failure(s))


def test_score_baseline_without_citations():
    out = h.Outcome(answer=RECORD, citations=None, sources=[(RECORD, set())])
    s = h.score(STATUS_ITEM, out, CTX, k=5)
    assert s["expected_id_recall"] is None and s["invalid_ids"] == [] and s["n_citations"] == 0
    assert s["fact_accuracy"] is True and s["id_recall_at_k"] == 1.0  # the ID is in the chunk text


def test_score_flags_invalid_citations():
    out = h.Outcome(
        answer="abandoned, no funds",
        citations=[_cite("9.9.9"), _cite("1.3.5.1", quote="made up")],
        sources=[(RECORD, set())],
    )
    s = h.score(STATUS_ITEM, out, CTX, k=5)
    assert s["invalid_ids"] == ["activity:9.9.9"] and s["invalid_quotes"] == ["made up"]
    assert set(h.is_failure(s)) == {"cites IDs that do not exist", "quotes not found verbatim"}


def _scores() -> list[dict]:
    good = h.Outcome(
        answer="abandoned, no funds",
        citations=[_cite("1.3.5.1"), _cite("1.3.5.1")],
        sources=[(RECORD, set())],
        latency_ms=10.0,
    )
    bad = h.Outcome(
        answer="completed", citations=[_cite("7.7.7")], sources=[("nothing", set())], latency_ms=30.0
    )
    return [
        h.score(STATUS_ITEM, good, CTX, 5),
        h.score(STATUS_ITEM, bad, CTX, 5),
        h.score(UNANSWERABLE, h.Outcome(answer="no", abstained=True, latency_ms=20.0), CTX, 5),
        h.score(DRAFT, h.Outcome(answer="abandoned funds", citations=[], latency_ms=40.0), CTX, 5),
    ]


def test_summarise_pools_and_skips_inapplicable():
    m = h.summarise(_scores())
    assert m["n"] == 4
    assert m["fact_accuracy"] == 0.5  # two status questions, one right; draft and unanswerable excluded
    assert m["draft_coverage"] == pytest.approx(0.6667, abs=1e-4)
    assert m["evidence_hit_at_k"] == pytest.approx(0.3333, abs=1e-4)  # 1 of the 3 questions with evidence
    assert m["abstention_recall"] == 1.0 and m["false_abstention_rate"] == 0.0
    assert m["cited_id_validity"] == pytest.approx(2 / 3, abs=1e-4)  # 3 citations, one invalid
    assert m["expected_id_recall"] == pytest.approx(1 / 3, abs=1e-4)  # 1, 0, and 0 for the draft
    assert m["latency_p50_ms"] == 25.0 and m["n_citations"] == 3
    base = h.summarise(_scores(), cites=False)
    assert base["cited_id_validity"] is None and base["expected_id_recall"] is None


def test_ratios():
    r = h.ratios(
        {"fact_accuracy": 0.6, "mrr_at_k": 0.5, "latency_p50_ms": 100.0},
        {"fact_accuracy": 0.3, "mrr_at_k": 0.0, "latency_p50_ms": 10.0},
    )
    assert r["fact_accuracy"] == 2.0 and r["mrr_at_k"] is None and r["latency_p50_ms"] == 10.0
    assert r["quote_validity"] is None


def test_check_thresholds_directions_and_missing_values():
    report = {
        "system": {"fact_accuracy": 0.5, "latency_p95_ms": 900.0, "quote_validity": None},
        "by_type": {"status": {"system": {"fact_accuracy": 0.9}}},
    }
    rules = {
        "system": {
            "fact_accuracy": {"threshold": 0.5, "better": "higher"},
            "latency_p95_ms": {"threshold": 800, "better": "lower"},
            "quote_validity": {"threshold": 0.9, "better": "higher"},
        },
        "by_type": {"status": {"fact_accuracy": {"threshold": 0.95, "better": "higher"}}},
    }
    got = {(c["scope"], c["metric"]): c["ok"] for c in h.check_thresholds(report, rules)}
    assert got == {
        ("system", "fact_accuracy"): True,
        ("system", "latency_p95_ms"): False,
        ("system", "quote_validity"): False,
        ("by_type.status", "fact_accuracy"): False,
    }


def test_thresholds_file_names_known_metrics_and_directions():
    rules = h.load_thresholds()
    assert rules["k"] >= 1
    scopes = [rules["system"], *rules.get("by_type", {}).values()]
    for scope in scopes:
        for metric, rule in scope.items():
            assert metric in h.METRICS, metric
            assert rule["better"] == h.METRICS[metric][1], metric
            assert isinstance(rule["threshold"], (int, float))


# ------------------------------------------------------------------ gold loading


def test_load_gold_reads_several_files_and_rejects_duplicates(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "q501", "question": "x?", "type": "factoid"}) + "\n\n", encoding="utf-8")
    b.write_text(
        json.dumps({"id": "q502", "question": "y?", "type": "status", "ids": ["1.1"]}) + "\n",
        encoding="utf-8",
    )
    items = h.load_gold([a, b])
    assert (
        [i["id"] for i in items] == ["q501", "q502"]
        and items[0]["must_include"] == []
        and items[1]["_file"] == "b.jsonl"
    )
    b.write_text(json.dumps({"id": "q501", "question": "y?", "type": "status"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        h.load_gold([a, b])
    b.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="invalid JSON"):
        h.load_gold([b])


def test_project_gold_loads():
    items = h.load_gold()
    assert len(items) >= 120 and len({i["id"] for i in items}) == len(items)


# ------------------------------------------------------------------ baselines (fast hashing embedder)


def test_baselines_over_the_naive_chunks():
    from evals.baselines import BM25Only, NaiveDense, build_baselines, naive_chunks

    corpus = PROJECT / "corpus" / "egov_expost_2020_2022.txt"
    chunks = naive_chunks([corpus])
    assert len(chunks) > 100 and max(len(c) for c in chunks) <= 1000
    assert chunks[0][-100:] in corpus.read_text(encoding="utf-8")
    built = build_baselines([corpus], "hash:64")
    try:
        assert set(built) == {"naive_dense", "bm25"}
        assert isinstance(built["naive_dense"], NaiveDense) and isinstance(built["bm25"], BM25Only)
        for pipe in built.values():
            hits = pipe.retrieve("Central Population Register live date", 5)
            assert len(hits) == 5 and all(hit.text in chunks for hit in hits)
        top = built["bm25"].retrieve("one-stop shops established", 3)
        assert "one-stop" in top[0].text.lower() or "one stop" in top[0].text.lower()
        assert built["bm25"].retrieve("the of and", 3)  # stopwords only: still answers, never raises
    finally:
        for pipe in built.values():
            pipe.close()


def test_run_baseline_answers_with_top_chunk_and_never_abstains():
    from evals.baselines import BM25Only

    pipe = BM25Only(["alpha beta", "gamma delta abandoned funds", "epsilon"])
    items = [{**STATUS_ITEM, "question": "why abandoned?"}, UNANSWERABLE]
    outs = h.run_baseline(items, pipe, k=2)
    assert outs[0].answer == "gamma delta abandoned funds" and len(outs[0].sources) == 2
    assert all(o.abstained is False and o.citations is None for o in outs)


def test_run_system_warms_up_passes_history_and_survives_errors():
    calls = []

    class Ans:
        answer, abstained, citations, sources = "ok", False, [], []

    def fake_ask(question, history=None, filters=None):
        calls.append((question, history))
        if question == "boom":
            raise RuntimeError("broken")
        return Ans()

    items = [
        {"id": "q1", "question": "first", "type": "factoid"},
        {
            "id": "q2",
            "question": "and why?",
            "type": "followup",
            "history": [{"role": "user", "content": "x"}],
        },
        {"id": "q3", "question": "boom", "type": "factoid"},
    ]
    outs = h.run_system(items, fake_ask)
    assert calls[0] == ("first", None) and len(calls) == 4  # one warm-up call, then each question
    assert calls[2] == ("and why?", [{"role": "user", "content": "x"}])
    assert outs[2].error == "RuntimeError: broken" and outs[0].answer == "ok"


# ------------------------------------------------------------------ report


def _report() -> dict:
    sys_scores = _scores()
    base = [h.score(STATUS_ITEM, h.Outcome(answer=RECORD, citations=None, sources=[(RECORD, set())]), CTX, 5)]
    report = {
        "meta": {"k": 5, "questions": 4, "gold_files": ["t.jsonl"], "mode": "extractive", "types": {}},
        "system": h.summarise(sys_scores),
        "baselines": {"naive_dense": h.summarise(base, cites=False)},
        "by_type": {},
        "ratios": {},
        "failures": [],
    }
    report["ratios"]["naive_dense"] = h.ratios(report["system"], report["baselines"]["naive_dense"])
    for t, summary in h.by_type(sys_scores, cites=True).items():
        report["by_type"][t] = {"system": summary}
    report["by_type"]["status"]["naive_dense"] = h.by_type(base, cites=False)["status"]
    report["failures"].append(
        {
            "id": "q1",
            "type": "status",
            "question": "study?",
            "reasons": ["missing required facts"],
            "answer": "It was completed.",
            "expected": "abandoned",
            "missing": [["funds", "funding"]],
            "missing_ids": ["1.3.5.1"],
            "cited_ids": [],
            "invalid_ids": [],
            "invalid_quotes": ["made up"],
            "evidence_rank": None,
            "abstained": False,
        }
    )
    return report


def test_write_report_files(tmp_path):
    rules = {"system": {"fact_accuracy": {"threshold": 0.9, "better": "higher"}}}
    paths = write_report(_report(), tmp_path / "out", rules)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert {"system", "baselines", "by_type", "failures"} <= set(data)
    assert data["gate"][0]["ok"] is False
    md = paths["md"].read_text(encoding="utf-8")
    assert "## Failed questions (1)" in md and "It was completed." in md and "`funds` or `funding`" in md
    assert "Expected IDs not cited: 1.3.5.1" in md and "**NO**" in md and "sys/naive" in md
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_data_uses_each_types_answer_metric():
    labels, values = chart_data(_report())
    assert labels == ["status", "unanswerable\n(abstention)", "draft\n(coverage)"]
    assert values["system"] == [0.5, 1.0, pytest.approx(2 / 3, abs=1e-3)]
    assert values["naive_dense"][0] == 1.0 and values["naive_dense"][1:] == [0.0, 0.0]


def test_summary_table_and_markdown_without_baselines():
    report = _report()
    report["baselines"], report["ratios"] = {}, {}
    for per in report["by_type"].values():
        per.pop("naive_dense", None)
    table = summary_table(report)
    assert "fact accuracy" in table and "evidence hit@5" in table and "naive" not in table
    assert "# Evaluation report" in render_markdown(report, None, None)


# ------------------------------------------------------------------ the command, on the session index


def test_eval_command_on_a_small_gold_file(indexed, tmp_path):
    from typer.testing import CliRunner

    from app.cli import app

    gold = tmp_path / "mine.jsonl"
    rows = [
        json.loads(line)
        for line in (PROJECT / "evals" / "gold" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    picked = [next(r for r in rows if r["type"] == t) for t in ("status", "unanswerable", "followup")]
    gold.write_text("".join(json.dumps(r) + "\n" for r in picked), encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["eval", "--gold", str(gold), "--k", "3", "--out", str(out), "--no-baseline", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["meta"]["k"] == 3 and data["meta"]["questions"] == 3 and data["meta"]["mode"] == "extractive"
    assert data["baselines"] == {} and set(data["by_type"]) == {"status", "unanswerable", "followup"}
    assert (
        (out / "report.md").exists()
        and (out / "report.json").exists()
        and (out / "fact_accuracy_by_type.png").exists()
    )
    assert "gate" not in json.loads(
        (out / "report.json").read_text(encoding="utf-8")
    )  # thresholds: project gold only

    missing = CliRunner().invoke(app, ["eval", "--gold", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
