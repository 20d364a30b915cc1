"""Fit the answerability model on the dev set: `python -m evals.fit_answerability [--out rag/answerability.json]`.

Every dev question (evals/sets.toml) is answered with the gate open, and the signals of each answer that
the gate would judge are kept (answers exact by construction, such as named IDs, lists and counts, carry
none). A logistic regression (scikit-learn) learns answerable (1) against unanswerable (0) from them.
The threshold is the highest probability cut at which at most MAX_FALSE_ABSTENTION of all answerable dev
questions abstain, counting those that abstain for other reasons too. The sealed test set is not read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.settings import get_settings
from evals.harness import load_gold, set_files
from rag.answerability import FEATURES, MODEL_FILE, Model, Signals

MAX_FALSE_ABSTENTION = 0.03
C = 1.0  # inverse regularisation strength; the features are few and standardised


def collect(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answer every item with the gate open; the signals, the label and whether it abstained anyway."""
    from rag.ask import ask

    settings = get_settings().model_copy(update={"answer_gate": "open"})
    rows = []
    for item in items:
        if item["type"] == "draft":
            continue
        got = ask(item["question"], history=item.get("history"), settings=settings)
        rows.append(
            {
                "id": item["id"],
                "answerable": item["type"] != "unanswerable",
                "abstained": got.abstained,
                "signals": got.signals,
            }
        )
    return rows


def fit(rows: list[dict[str, Any]]) -> tuple[Model, dict[str, Any]]:
    """The logistic model and the threshold for at most MAX_FALSE_ABSTENTION false abstention on these rows."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    judged = [r for r in rows if r["signals"] is not None and not r["abstained"]]
    x = np.array([[r["signals"][f] for f in FEATURES] for r in judged], dtype=float)
    y = np.array([1 if r["answerable"] else 0 for r in judged])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, y)
    model = Model(
        tuple(float(w) for w in clf.coef_[0]),
        float(clf.intercept_[0]),
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
        0.0,
    )
    probs = [model.probability(Signals(**r["signals"])) for r in judged]
    answerable_total = sum(1 for r in rows if r["answerable"])
    already = sum(1 for r in rows if r["answerable"] and r["abstained"])
    best = (0.0, 0.0)
    for t in sorted({0.0, *probs}):
        false = already + sum(1 for r, p in zip(judged, probs, strict=True) if r["answerable"] and p < t)
        if false / max(1, answerable_total) > MAX_FALSE_ABSTENTION:
            break
        caught = sum(1 for r, p in zip(judged, probs, strict=True) if not r["answerable"] and p < t)
        best = (t, caught)
    threshold = best[0]
    model = Model(model.weights, model.bias, model.mean, model.scale, threshold)
    unanswerable = [r for r in rows if not r["answerable"]]
    caught = sum(
        1
        for r in unanswerable
        if r["abstained"]
        or (r["signals"] is not None and model.probability(Signals(**r["signals"])) < threshold)
    )
    false = already + sum(1 for r, p in zip(judged, probs, strict=True) if r["answerable"] and p < threshold)
    stats = {
        "dev_questions": len(rows),
        "judged": len(judged),
        "threshold": round(threshold, 4),
        "dev_abstention_recall": round(caught / max(1, len(unanswerable)), 3),
        "dev_false_abstention": round(false / max(1, answerable_total), 3),
    }
    return model, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    items = load_gold(set_files("dev"))
    rows = collect(items)
    model, stats = fit(rows)
    args.out.write_text(model.to_json({"fit": stats}) + "\n", encoding="utf-8")
    print(json.dumps(stats), file=sys.stderr)
    for name, w in sorted(zip(FEATURES, model.weights, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:>15}: {w:+.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
