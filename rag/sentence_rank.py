"""The sentences that best answer a free question: candidates from the top hits and a sentence-level
BM25, ranked by meaning and the question's rare words, the asked type (date, number, name) first,
repetitions and notes' paraphrases of the evaluation held back."""

from __future__ import annotations

import re

import numpy as np

from core.tokenize import tokenize
from ingest.provenance import is_evaluation
from ingest.sentences import Sentence
from rag.index import Index
from rag.retrieve import Hit
from rag.understand import WHY, Query
from rag.vocabulary import RECOMMEND, asked_kind

GENERIC = frozenset(
    tokenize(
        "what which who how many much programme program evaluation "
        "report analysis say says tell does give show know status current currently "
        "yet still already ever so far there any been about"
    )
)


def content_terms(text: str) -> set[str]:
    """The words of a question that carry its meaning (no question words or corpus-wide words)."""
    return {t for t in tokenize(text) if t not in GENERIC}


def coverage(index: Index, question: str, texts: list[str]) -> float:
    """IDF-weighted share of the question's content words found in the texts, directly or as the report's term
    for them (unknown words weigh most)."""
    q = content_terms(question)
    if not q:
        return 1.0
    have: set[str] = set()
    for t in texts:
        have.update(tokenize(t))
    synonyms = index.names.synonym_map(question)  # "help line" is covered by the report's "call centre"
    default = max(index.idf.values()) if index.idf else 1.0
    total = sum(index.idf.get(t, default) for t in q)
    found = sum(index.idf.get(t, default) for t in q if t in have or synonyms.get(t, frozenset()) & have)
    return found / total if total else 0.0


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:19|20)\d\d\b|\bquarter\b|\b(?:{MONTHS})\b", re.I)
NUMBER = re.compile(r"\b\d[\d.,]*\b")
# a count of those that lack something ("how many have no ..."): answered by a figure beside a negation
LACKING = re.compile(r"\b(?:no|none|not|without|never|zero|nothing|lack\w*)\b", re.I)
NUMBER_LACKING = re.compile(rf"^(?=[\s\S]*{NUMBER.pattern})(?=[\s\S]*{LACKING.pattern})", re.I)
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of|for|and)?\s*[A-Z][a-z]+)+|\b[A-Z]{2,}\b")
# a sentence that gives a reason: what a "why" question is answered by (ranked first, not required)
REASON = re.compile(
    r"\b(?:because|due to|owing to|on account of|as a result of|caused by|considering that|given that|the reasons?"
    r"|reasons? (?:is|are|was|were|for)"
    r"|lack of|insufficient|inadequate|low (?:level|awareness)|not (?:been )?(?:secured|regulated|provided|made available))\b",
    re.I,
)


# what answers "since when": a date with a word that starts something ("started with its operations on 1 February
# 2022", "taken over ... on 4 June 2021", "established in 2017"), not any date the sentence gives
START = (
    r"\b(?:since|as of|start\w*|began|begun|launch\w*|operational|in operation|establish\w*|set up|found(?:ed|ing)"
    r"|opened|went live|took over|taken over|in force|effective|introduc\w*|creat(?:ed|ion))\b"
)
SINCE = re.compile(rf"^(?=[\s\S]*{START})(?=[\s\S]*(?:{DATE.pattern}))", re.I)


# where a thing is asked to go ("where does it end up in the new plan?"): a sentence that moves it somewhere
# ("it is proposed that ... be moved to measure X"); "where did we end up" asks for a result instead
WHERE_TO = re.compile(
    r"\bwhere(?:'s| is| are| does| do| will| should| would| can)\b(?!\s+we\b).{0,60}?"
    r"\b(?:go|goes|end up|ends up|belong|belongs|fit|fits|move|moved|put|placed|sit|sits)\b",
    re.I,
)
MOVED = re.compile(
    r"\b(?:mov|transfer|shift|merg|incorporat|integrat|relocat)\w*\b.{0,80}?\b(?:in)?to\b", re.I
)


def answer_type(question: str) -> re.Pattern | None:
    """What kind of text answers the question: a date for 'when' (one that starts something for 'since when'), a
    number for 'how many', a name for 'who/where', a move for 'where does it go'."""
    q = question.lower()
    if re.search(r"\bsince when\b", q):
        return SINCE
    if WHERE_TO.search(q):
        return MOVED
    if re.search(
        r"^\s*(?:and\s+)?when\b|\bsince when\b|\bwhat date\b|\bwhich year\b|\bhow long\b|\bdeadlines?\b|\bby when\b"
        r"|\bdue (?:date|by)\b|\btime ?(?:line|frame)\b|\bcompletion date\b",
        q,
    ):
        return DATE
    if re.search(r"\bhow (?:many|much)\b|\bwhat (?:share|percentage|number)\b", q):
        # "how many municipalities have no IT posts?": a figure for the ones that lack it
        return NUMBER_LACKING if LACKING.search(q) else NUMBER
    if re.search(
        r"^\s*(?:who|where)\b|\bwhich (?:institution|body|ministry|unit|organisation|municipalit|cit|town)", q
    ):
        return NAME
    return None


def best_sentences(
    index: Index,
    query: Query,
    hits: list[Hit],
    vector: np.ndarray,
    n: int = 3,
    search_text: str = "",
    require: set[str] | None = None,
    top: int = 6,
    everywhere: bool = True,
) -> list[tuple[float, float, Sentence]]:
    """The sentences that best answer the question: (score, cosine, sentence), at most two per chunk.

    Candidates come from the top hits and from a sentence-level BM25 over the whole index; the
    best by lexical overlap are embedded and ranked by a mix of cosine similarity and overlap.
    """

    q = content_terms(index.names.expand(search_text or query.text))
    qw = sum(index.idf.get(t, 1.0) for t in q) or 1.0
    rank_of = {h.chunk.id: r for r, h in enumerate(hits)}
    pool: dict[str, tuple[float, Sentence]] = {}

    wants = answer_type(query.text) or (REASON if WHY.search(query.text) else None)
    kind, _ = asked_kind(query.text)  # "what did the report recommend about X": the recommendations first

    def consider(s: Sentence, bonus: float) -> None:
        toks = s.tokens
        if s.text.rstrip(" ”\"'").endswith(
            "?"
        ):  # a question (an interview guide's, a heading's) is not evidence
            return
        if require and not require <= toks:
            return
        lex = sum(index.idf.get(t, 1.0) for t in q & toks) / qw
        score = (
            lex + bonus + (0.15 if wants and wants.search(s.text) else 0.0) + KIND_BONUS * _of_kind(s, kind)
        )
        key = s.chunk.id + "|" + s.text
        if key not in pool or pool[key][0] < score:
            pool[key] = (score, s)

    for rank, hit in enumerate(hits[:top]):
        for s in index.chunk_sentences.get(hit.chunk.id, []):
            consider(s, max(0.0, 0.12 - 0.02 * rank))
    reach = 40 if require else 20
    wide = max(reach, KIND_REACH) if kind else reach
    found = (
        index.sentence_scores(tokenize(index.names.expand(search_text or query.text)), wide)
        if everywhere
        else []
    )
    for r, (i, _) in enumerate(found):
        s = index.sentences[i]
        if r >= reach and not _of_kind(s, kind):
            continue  # past the usual reach, only sentences of the asked kind of section
        consider(
            s, 0.1 - 0.02 * rank_of[s.chunk.id] if s.chunk.id in rank_of and rank_of[s.chunk.id] < 5 else 0.0
        )
    ranked = sorted(pool.values(), key=lambda t: -t[0])[:28]
    if not ranked:
        return []
    vecs = index.text_vectors([s.text for _, s in ranked])
    sims = vecs @ vector
    scored = sorted(
        (
            (
                0.6 * float(sim)
                + 0.4 * pre
                + KIND_BONUS * _of_kind(s, kind)
                - _long(s.text)
                - _supplementary(s),
                float(sim),
                s,
            )
            for (pre, s), sim in zip(ranked, sims)
        ),
        key=lambda t: -t[0],
    )
    if wants and scored and not wants.search(scored[0][2].text):
        # the question asks for a date, a number or a name: the best sentence that holds one leads, at the top's score
        holder = next((t for t in scored[:ANSWER_TYPE_REACH] if wants.search(t[2].text)), None)
        if holder is not None:
            scored.remove(holder)
            scored.insert(0, (scored[0][0], holder[1], holder[2]))
    chosen: list[tuple[float, float, Sentence]] = []
    per_chunk: dict[str, int] = {}
    for score, sim, s in scored:
        if per_chunk.get(s.chunk.id, 0) >= 2 or any(_restates(s, c) for _, _, c in chosen):
            continue
        if chosen and score < chosen[0][0] - 0.12:
            break
        chosen.append((score, sim, s))
        per_chunk[s.chunk.id] = per_chunk.get(s.chunk.id, 0) + 1
        if len(chosen) >= n:
            break
    if ALSO_WHEN.search(query.text) and chosen and not any(DEADLINE.search(c[2].text) for c in chosen):
        # "where does it go, and by when?": the best sentence that gives a deadline answers the second question
        dated = next((t for t in scored if DEADLINE.search(t[2].text) and t not in chosen), None)
        if dated is not None:
            chosen = [*chosen[:2], dated, *chosen[2:]][: max(n, 3)]
    return chosen


# "where does it go, and by when?": a date asked after another question, and a sentence that gives one to meet
ALSO_WHEN = re.compile(r"(?:,|\band)\s+(?:by |until |till )?when\b", re.I)
DEADLINE = re.compile(
    r"\bdeadline\b|\bquarter\b|\bdue\b|\b(?:by|until|before) (?:the end of )?(?:19|20)\d\d\b", re.I
)


ANSWER_TYPE_REACH = 3  # (chosen on dev: 3 beat 8) how far down the ranking a sentence holding the asked type (date, number, name) is looked for
LONG = 300  # characters: a longer sentence is a list or a run-on that matches many words by its length alone


RESTATES = 0.8  # share of a sentence's words already in an earlier chosen one that makes it a repetition


def _restates(s: Sentence, earlier: Sentence) -> bool:
    """The sentence adds nothing to an earlier one: the same text, or a note or upload quoting it in a
    frame ("The interviewee said that ..."). A longer sentence that holds an earlier one's words and
    more is not a repetition."""
    if s.text == earlier.text:
        return True
    if is_evaluation(s.chunk):  # the evaluation's own sentences are only ever dropped when identical
        return False
    return bool(s.tokens) and len(s.tokens & earlier.tokens) >= RESTATES * len(s.tokens)


SUPPLEMENTARY = 0.05  # a note's or upload's sentence ranks below the evaluation's by this much (0-1 scale)


def _supplementary(s: Sentence) -> float:
    """The evaluation's own words outrank a note's paraphrase of them."""
    return 0.0 if is_evaluation(s.chunk) else SUPPLEMENTARY


def _long(text: str) -> float:
    """A small penalty for sentences past LONG characters, at most 0.1."""
    return min(0.1, 0.1 * max(0, len(text) - LONG) / LONG)


KIND_BONUS = 0.25  # how much a sentence of the asked kind of section (recommendations, findings ...) gains
# on the lexical score (0-1 scale, which weighs 0.4 of the final one)
KIND_REACH = 60  # how far down the sentence-level BM25 such sentences are looked for


def _of_kind(s: Sentence, kind: str | None) -> float:
    """1 for the evaluation's sentence under a heading of the asked kind ('Conclusions and Recommendations'),
    and for a recommendation, one that also says what should be done; 0.5 for either alone; 0 otherwise."""
    if kind is None:
        return 0.0
    headed = is_evaluation(s.chunk) and bool(re.search(kind, s.chunk.section or "", re.I))
    if kind != "recommend":
        return 1.0 if headed else 0.0
    says = bool(RECOMMEND.search(s.text))
    return 1.0 if headed and says else 0.5 if headed or says else 0.0
