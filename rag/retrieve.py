"""Hybrid retrieval: dense (Chroma) + BM25 + exact ID look-up, fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.ids import ID_MENTION, find_ids
from core.tokenize import tokenize
from ingest.chunks import Chunk
from ingest.provenance import SUPPLEMENTARY_WEIGHT, is_evaluation
from rag.index import Index
from rag.models import Filters

RRF_K = 60
# Fusion weights, fit on the dev set (evals/sets.toml) by evidence hit@5 over a small grid: (dense, bm25, title)
# (1.0, 1.0, 0.2) 0.855; (1.0, 1.0, 0.0) 0.881; (1.3, 1.0, 0.0) 0.884; (1.3, 1.0, 0.2) 0.866; (1.0, 1.0, 0.4) 0.813.
# Record titles still name the subject of an answer (rag/subject.py); in the fusion they pushed record chunks
# over the prose that answers, so the title ranker is not part of it.
WEIGHTS = {"dense": 1.3, "bm25": 1.0}
POOL = 40


@dataclass
class Hit:
    """A retrieved chunk with its fused score and the evidence behind it."""

    chunk: Chunk
    score: float
    cosine: float = 0.0
    bm25: float = 0.0
    exact: bool = False


def named_ids(text: str, known: set[str]) -> list[str]:
    """IDs the text names that exist in the catalog, in order of mention."""
    return [i for i in find_ids(text) if i in known]


def unknown_ids(text: str, known: set[str]) -> list[str]:
    """IDs the text names as activity/measure/objective that do not exist ('activity 9.9.9.9')."""
    out = []
    for m in ID_MENTION.finditer(text):
        id_ = re.sub(r"\s", "", m.group(1)).rstrip(".")
        if id_ not in known:
            out.append(id_)
    return out


def allowed(chunk: Chunk, filters: Filters | None) -> bool:
    """Whether a chunk lies within the filters (document type, objective, measure)."""
    if filters is None:
        return True
    if filters.doc_type and chunk.doc_type != filters.doc_type:
        return False
    for wanted in (filters.objective, filters.measure):
        if wanted and not any(i == wanted or i.startswith(wanted + ".") for i in chunk.ids):
            return False
    return True


def retrieve(
    index: Index,
    question: str,
    k: int = 8,
    filters: Filters | None = None,
    ids: list[str] | None = None,
    vector: np.ndarray | None = None,
) -> list[Hit]:
    """The k best chunks for a question; chunks of the IDs it names come first."""
    known = index.catalog.all_ids()
    ids = list(ids or []) + [i for i in named_ids(question, known) if i not in (ids or [])]
    expanded = index.names.expand(question)
    tokens = tokenize(expanded)
    vector = index.embed_query(question) if vector is None else vector

    # a filter keeps few chunks: rank them all, so k hits of the filtered part can be found
    pool = len(index.chunks) if filters is not None and (filters.objective or filters.measure) else POOL
    scores: dict[str, float] = {}
    cosine: dict[str, float] = {}
    doc_type = filters.doc_type if filters else None
    # The evaluation's chunks are ranked among themselves, a note's or upload's among all chunks: adding
    # notes never reorders the evaluation's evidence, and a note never ranks higher than it did alone.
    own = index.dense_evaluation(vector, pool, doc_type)
    for rank, (cid, sim) in enumerate(own):
        cosine[cid] = sim
        scores[cid] = scores.get(cid, 0.0) + WEIGHTS["dense"] / (RRF_K + rank)
    if len(index.evaluation_rows) < len(index.chunks):
        for rank, (cid, sim) in enumerate(index.dense(vector, pool, doc_type)):
            found = index.by_id.get(cid)
            if found is not None and not is_evaluation(found):
                cosine[cid] = sim
                scores[cid] = scores.get(cid, 0.0) + WEIGHTS["dense"] / (RRF_K + rank)

    bm25: dict[str, float] = {}
    own_lex = index.lexical_evaluation(tokens)
    own_order = [o for o in np.argsort(-own_lex)[:pool] if own_lex[o] > 0]
    for rank, o in enumerate(own_order):
        cid = index.chunks[index.evaluation_rows[o]].id
        bm25[cid] = float(own_lex[o])
        scores[cid] = scores.get(cid, 0.0) + WEIGHTS["bm25"] / (RRF_K + rank)
    if len(index.evaluation_rows) < len(index.chunks):
        lex = index.lexical(tokens)
        order = [o for o in np.argsort(-lex)[:pool] if lex[o] > 0]
        for rank, i in enumerate(order):
            if is_evaluation(index.chunks[i]):
                continue
            cid = index.chunks[i].id
            bm25[cid] = float(lex[i])
            scores[cid] = scores.get(cid, 0.0) + WEIGHTS["bm25"] / (RRF_K + rank)

    record_chunks = index.record_chunks

    exact: set[str] = set()
    for n, id_ in enumerate(ids):
        for cid in record_chunks.get(id_, []):
            exact.add(cid)
            scores[cid] = scores.get(cid, 0.0) + 1.0 - 0.01 * n
        for chunk in index.chunks_naming.get(
            id_, []
        ):  # records under a named measure or objective, prose naming it
            if chunk.id not in exact:
                scores[chunk.id] = scores.get(chunk.id, 0.0) + (0.02 if chunk.kind == "section" else 0.03)

    for cid in scores:  # the evaluation's own chunks before a note's or upload's at equal relevance
        found = index.by_id.get(cid)
        if found is not None and not is_evaluation(found):
            scores[cid] *= SUPPLEMENTARY_WEIGHT
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    hits: list[Hit] = []
    for cid, score in ranked:
        found = index.by_id.get(cid)
        if found is None or not allowed(found, filters):
            continue
        hits.append(Hit(found, score, cosine.get(cid, 0.0), bm25.get(cid, 0.0), cid in exact))
        if len(hits) >= k:
            break
    missing = [h for h in hits if h.cosine == 0.0]
    if missing:  # fill in cosines for chunks that only the lexical rankers found
        vectors = index.text_vectors([h.chunk.text for h in missing])
        for h, v in zip(missing, vectors):
            h.cosine = float(np.dot(vector, v))
    return hits
