"""Hybrid retrieval: dense (Chroma) + BM25 + exact ID look-up, fused by their normalised scores."""

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

# Fusion: a convex combination of the two rankers' scores, each min-max normalised within its pool (Bruch et
# al. 2023, "An analysis of fusion functions for hybrid retrieval"). Fit on the dev set (evals/sets.toml) by
# evidence hit@5 and MRR of the chunks retrieved for its 1,918 answerable questions, against reciprocal rank
# fusion (weights dense 1.3, bm25 1.0, k=60: 1,617 and 0.676): DENSE_SHARE 0.4 1,609 / 0.674; 0.5 1,625 / 0.694;
# 0.55 1,627 / 0.698; 0.6 1,622 / 0.696; 0.7 1,616 / 0.694. A chunk one ranker ranks first by a wide margin
# now stays on top, where a rank-only fusion let chunks both rankers put in the middle pass it. End to end on the
# dev set (2,769 questions), with the record choice's score share (rag/record_answers.py): fact accuracy 1,661 ->
# 1,667 of 2,052, evidence hit@5 0.923 -> 0.929, MRR 0.750 -> 0.766.
DENSE_SHARE = 0.55
# When the question's words barely match the evaluation's (its best BM25 chunk holds less than LEXICAL_GATE of
# their IDF weight: an everyday paraphrase), a chunk's meaning also counts at its nearest sentence, which a long
# passage's one vector blurs (SENTENCE_SHARE of it). Fit on dev's 2,047 answerable questions without history,
# retrieval alone, evidence in the first five chunks: 1,806 without; 0.2 for every question 1,808 (MRR down);
# gated at 0.4 / 0.5 / 0.6 of the words 1,812 / 1,813 / 1,815. End to end on dev (3,089) the gate at 0.6 changed
# 28 answers for no net gain (and cost a sealed answer); at 0.4 fact accuracy 1,822 -> 1,824 of 2,246 (7 fixed,
# 5 lost), evidence 0.938 -> 0.940, MRR 0.768 -> 0.770.
SENTENCE_SHARE, LEXICAL_GATE = 0.2, 0.4
NAMED = {"section": 0.2, "record": 0.3}  # chunks under a named measure or objective, and prose naming it
# the named IDs' own records come first, in the order they are named: each step outweighs any fused score
EXACT, EXACT_STEP = 2.0, 1.5
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
    doc_type = filters.doc_type if filters else None
    # The evaluation's chunks are ranked among themselves, a note's or upload's among all chunks: adding
    # notes never reorders the evaluation's evidence, and a note never ranks higher than it did alone.
    own_lex = index.lexical_evaluation(tokens)
    share = SENTENCE_SHARE if lexical_match(index, tokens, own_lex) < LEXICAL_GATE else 0.0
    cosine = dict(index.dense_evaluation(vector, pool, doc_type, sentence_share=share))
    bm25 = {
        index.chunks[index.evaluation_rows[o]].id: float(own_lex[o])
        for o in np.argsort(-own_lex)[:pool]
        if own_lex[o] > 0
    }
    scores = _fused(cosine, bm25)
    if len(index.evaluation_rows) < len(index.chunks):
        # a note or upload is scored among all chunks, the evaluation's too, and kept only if it is not theirs
        every_cosine = dict(index.dense(vector, pool, doc_type))
        lex = index.lexical(tokens)
        every_bm25 = {index.chunks[i].id: float(lex[i]) for i in np.argsort(-lex)[:pool] if lex[i] > 0}
        for cid, score in _fused(every_cosine, every_bm25).items():
            found = index.by_id.get(cid)
            if found is not None and not is_evaluation(found):
                scores[cid] = score
                cosine[cid] = every_cosine.get(cid, 0.0)
                bm25[cid] = every_bm25.get(cid, 0.0)

    record_chunks = index.record_chunks
    exact: set[str] = set()
    for n, id_ in enumerate(ids):
        for cid in record_chunks.get(id_, []):
            exact.add(cid)
            scores[cid] = scores.get(cid, 0.0) + EXACT + EXACT_STEP * (len(ids) - 1 - n)
        for chunk in index.chunks_naming.get(
            id_, []
        ):  # records under a named measure or objective, prose naming it
            if chunk.id not in exact:
                scores[chunk.id] = (
                    scores.get(chunk.id, 0.0) + NAMED["section" if chunk.kind == "section" else "record"]
                )

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


def lexical_match(index: Index, tokens: list[str], scores: np.ndarray) -> float:
    """How well the question's words match the evaluation's: the IDF-weighted share of its words (those the
    corpus uses) that its best BM25 chunk holds; 0 when no chunk holds any."""
    known = {t for t in tokens if t in index.idf}
    if not known or not len(scores) or scores.max() <= 0:
        return 0.0
    best = set(tokenize(index.chunks[index.evaluation_rows[int(np.argmax(scores))]].text))
    return sum(index.idf[t] for t in known if t in best) / sum(index.idf[t] for t in known)


def _normalised(scores: dict[str, float]) -> dict[str, float]:
    """Scores min-max normalised within their pool: the best 1, the pool's worst 0 (all 1 when they are equal)."""
    if not scores:
        return {}
    hi, lo = max(scores.values()), min(scores.values())
    return {cid: (s - lo) / (hi - lo) if hi > lo else 1.0 for cid, s in scores.items()}


def _fused(cosine: dict[str, float], bm25: dict[str, float]) -> dict[str, float]:
    """Each chunk's share-weighted sum of its normalised dense and BM25 scores (0 from a ranker that missed it)."""
    dense, lexical = _normalised(cosine), _normalised(bm25)
    return {
        cid: DENSE_SHARE * dense.get(cid, 0.0) + (1 - DENSE_SHARE) * lexical.get(cid, 0.0)
        for cid in dense.keys() | lexical.keys()
    }
