"""The evaluation harness: run the assistant (and the baselines) over gold questions and score them.

Every metric is computed without an LLM, from the gold item (evals/README.md documents the format)
and what the system returned; `evaluate` runs a whole gold set and returns the report dictionary that
evals/report.py writes out. This module is the harness's public face: it re-exports the names of the
modules that do the work, one concern each:

- evals/gold.py: the named sets of evals/sets.toml, loading and validating gold files, question types.
- evals/metrics.py: scoring one answer (the metric definitions are documented there, above METRICS).
- evals/aggregate.py: per-question scores into metric tables, latency percentiles, baseline ratios.
- evals/corpus.py: what the validity checks and baselines read from the corpus and the index.
- evals/run.py: running a set through the assistant and the baselines; `evaluate`.
- evals/thresholds.py: the quality gate's rules (evals/thresholds.toml) and their checks.
"""

from __future__ import annotations

from evals.aggregate import by_type, percentile, ratios, summarise
from evals.corpus import catalog_ids, corpus_files, corpus_text, section_ids
from evals.gold import GOLD_DEFAULT, SET_NAMES, SETS_FILE, is_draft, is_unanswerable, load_gold, set_files
from evals.metrics import (
    CITED_KINDS,
    FUZZY_SHARE,
    METRICS,
    Context,
    Outcome,
    contains_quote,
    evidence_rank,
    expected_id_recall,
    group_coverage,
    id_in_text,
    id_pattern,
    id_recall_at_k,
    invalid_cited_ids,
    invalid_quotes,
    is_failure,
    metric_label,
    missing_groups,
    normalise,
    passes,
    reciprocal_rank,
    score,
    source_ids,
    words,
)
from evals.run import evaluate, run_baseline, run_system
from evals.thresholds import THRESHOLDS_DEFAULT, check_thresholds, load_thresholds

__all__ = [
    # gold
    "GOLD_DEFAULT",
    "SETS_FILE",
    "SET_NAMES",
    "set_files",
    "load_gold",
    "is_unanswerable",
    "is_draft",
    # metrics
    "FUZZY_SHARE",
    "CITED_KINDS",
    "METRICS",
    "metric_label",
    "normalise",
    "words",
    "contains_quote",
    "evidence_rank",
    "reciprocal_rank",
    "id_pattern",
    "id_in_text",
    "source_ids",
    "id_recall_at_k",
    "missing_groups",
    "passes",
    "group_coverage",
    "expected_id_recall",
    "invalid_cited_ids",
    "invalid_quotes",
    "Outcome",
    "Context",
    "score",
    "is_failure",
    # aggregate
    "percentile",
    "summarise",
    "ratios",
    "by_type",
    # corpus
    "corpus_text",
    "catalog_ids",
    "section_ids",
    "corpus_files",
    # run
    "run_system",
    "run_baseline",
    "evaluate",
    # thresholds
    "THRESHOLDS_DEFAULT",
    "load_thresholds",
    "check_thresholds",
]
