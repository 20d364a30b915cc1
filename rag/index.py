"""Everything answering needs, loaded once: chunks, catalog, BM25, the Chroma collection, the model."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from core.ids import find_ids
from core.settings import Settings, get_settings
from core.tokenize import TOKEN, tokenize
from ingest.chunks import Chunk
from ingest.embed import Embedder, get_embedder
from ingest.glossary import Glossary
from ingest.provenance import SUPPLEMENTARY_SENTENCE_WEIGHT, is_evaluation, supplementary_document
from ingest.records import Activity, Catalog
from ingest.sentences import Sentence
from ingest.state import IndexState, Live, PartMissing, local_publishes
from ingest.store import make_client, merge_catalogs, open_collection
from ingest.vectors import VectorStore, quotable
from rag.names import Names
from rag.serbian import Cognates

COMMON_SHARE = 0.5


class IndexMissing(RuntimeError):
    """No index has been built yet in this data folder."""


@dataclass
class Index:
    """The loaded index; immutable once built, so requests share it without locks."""

    settings: Settings
    chunks: list[Chunk]
    catalog: Catalog
    collection: Any
    embedder: Embedder
    version: str  # the live version this index was read from (ingest/state.py)
    by_id: dict[str, Chunk] = field(default_factory=dict)
    bm25: Any = None
    record_chunks: dict[str, list[str]] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    sentence_bm25: Any = None
    idf: dict[str, float] = field(default_factory=dict)
    common: frozenset[str] = frozenset()
    # the corpus's hyphenated words written solid, each with the corpus's spelling ("email" -> "e-mail")
    unhyphenated: dict[str, str] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)  # the evaluation's words as written: how often
    glossary: Glossary = field(default_factory=Glossary)
    names: Names = field(default_factory=Names)
    restated: dict[str, list[Activity]] = field(default_factory=dict)  # ID -> a note's or upload's copy
    vectors: VectorStore = field(default_factory=VectorStore)
    misses: int = 0  # index texts a question had to embed because the stored vectors lacked them
    previous: Index | None = None  # the index this one replaces: its parsed sentences are reused
    _extra: dict[str, np.ndarray] = field(default_factory=dict)
    _queries: dict[str, np.ndarray] = field(default_factory=dict)
    _evaluation_matrix: np.ndarray | None = None
    _sentence_matrix: np.ndarray | None = None  # the evaluation's sentences, and the row of the chunk of each
    _sentence_rows: np.ndarray | None = None
    _cognates: Cognates | None = None

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.chunks}
        self.order = {c.id: n for n, c in enumerate(self.chunks)}
        self.names = Names(self.glossary, self.catalog)
        chunk_tokens = [tokenize(c.text) for c in self.chunks]
        self.bm25 = _bm25(chunk_tokens)
        # the evaluation's own chunks are also ranked apart, so that notes and memos added beside it never
        # reorder its evidence (rag/retrieve.py): their rows, and a BM25 over them alone
        self.evaluation_rows = [n for n, c in enumerate(self.chunks) if is_evaluation(c)]
        everything = len(self.evaluation_rows) == len(self.chunks)
        self.evaluation_bm25 = (
            self.bm25 if everything else _bm25([chunk_tokens[n] for n in self.evaluation_rows])
        )
        self.chunks_naming: dict[str, list[Chunk]] = {}  # ID -> the chunks that name it
        self.chunks_keyed: dict[str, list[Chunk]] = {}  # record or section key -> its chunks
        for c in self.chunks:
            if c.record_id:
                self.chunks_keyed.setdefault(c.record_id, []).append(
                    c
                )  # record key (activity, measure, objective ID, indicator key) -> its chunks
            if c.kind != "section" and c.record_id:
                self.record_chunks.setdefault(c.record_id, []).append(c.id)
            for i in c.ids:
                self.chunks_naming.setdefault(i, []).append(c)
        self.chunk_sentences: dict[str, list[Sentence]] = {}
        parsed = self.previous.chunk_sentences if self.previous is not None else {}
        old = self.previous.by_id if self.previous is not None else {}
        for c in self.chunks:
            was = old.get(c.id)
            if was is not None and was.hash == c.hash and c.id in parsed:
                self.chunk_sentences[c.id] = parsed[c.id]
                continue
            own = quotable(c)
            for s in own:
                s.tokens = frozenset(tokenize(s.text + " " + s.label))
                s.ids = tuple(find_ids(s.text))
            self.chunk_sentences[c.id] = own
        self.previous = None  # not kept alive by its successor
        self.sentences = [s for c in self.chunks for s in self.chunk_sentences[c.id]]
        self.sentence_chunk = {s.text: s.chunk.id for s in reversed(self.sentences)}  # a quote's first chunk
        self.sentence_bm25 = _bm25([list(s.tokens) for s in self.sentences])
        self.sentence_weight = np.array(
            [1.0 if is_evaluation(s.chunk) else SUPPLEMENTARY_SENTENCE_WEIGHT for s in self.sentences]
        )
        # the prose sentences by the IDs and the words they hold, so that a question reads only those
        self.prose_naming: dict[str, list[int]] = {}
        self.prose_postings: dict[str, list[int]] = {}
        for n, s in enumerate(self.sentences):
            if s.chunk.kind != "section":
                continue
            for i in s.ids:
                self.prose_naming.setdefault(i, []).append(n)
            for t in s.tokens:
                self.prose_postings.setdefault(t, []).append(n)
        # How rare a word is, the evaluation's chunks counted: notes and memos that repeat its prose
        # must not make its words look common (a word only a note uses counts as once)
        df: dict[str, int] = {}
        self.chunk_postings: dict[str, list[int]] = {}  # token -> the chunks (by position) that hold it
        own = [is_evaluation(c) for c in self.chunks]
        counted = any(own)
        for n, c in enumerate(self.chunks):
            for t in set(tokenize(c.text)):
                if own[n] or not counted:
                    df[t] = df.get(t, 0) + 1
                else:
                    df.setdefault(t, 0)
                self.chunk_postings.setdefault(t, []).append(n)
        n = sum(own) if counted else len(self.chunks)
        n = n or 1
        self.idf = {t: float(np.log(1 + n / max(d, 1))) for t, d in df.items()}
        # words in at least half of the chunks: this corpus's own everyday words ("e-government" in an
        # e-government evaluation), which name nothing in particular
        self.common = frozenset(t for t, d in df.items() if d >= COMMON_SHARE * n)
        self.unhyphenated = {t.replace("-", ""): t for t in df if "-" in t.strip("-")}
        own_words = (w for r in self.evaluation_rows for w in TOKEN.findall(self.chunks[r].text.lower()))
        self.written = Counter(w for w in own_words if not w[0].isdigit())

    def mentions(self, phrase: str) -> bool:
        """Whether some chunk holds the phrase as whole words (case and spacing aside).

        Only the chunks holding the phrase's rarest word are read, so the cost follows how often
        that word occurs, not the corpus's size.
        """
        # a hyphenated word's parts, not the compound: "one-stop" stands inside "one-stop-shop" too
        tokens = [t for t in tokenize(phrase) if "-" not in t]
        if any(t not in self.chunk_postings for t in tokens):
            return False
        # a phrase of stop words alone ("IT") has no posting to narrow by: every chunk is read
        rarest = min(tokens, key=lambda t: len(self.chunk_postings[t])) if tokens else None
        where = self.chunk_postings[rarest] if rarest else range(len(self.chunks))
        pattern = re.compile(r"(?<!\w)" + _hyphen_blind(" ".join(phrase.lower().split())) + r"(?!\w)")
        return any(pattern.search(" ".join(self.chunks[n].text.split()).lower()) for n in where)

    def sentence_scores(self, tokens: list[str], n: int) -> list[tuple[int, float]]:
        """Indexes into self.sentences of the n best BM25 sentences for the tokens."""
        if not tokens or self.sentence_bm25 is None:
            return []
        scores = np.asarray(self.sentence_bm25.get_scores(tokens)) * self.sentence_weight
        top = np.argpartition(-scores, n)[:n] if n < len(scores) else np.arange(len(scores))
        order = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]

    def embed_query(self, text: str) -> np.ndarray:
        """The query's unit vector (the last few hundred are kept: one question embeds its text more than once)."""
        vector = self._queries.get(text)
        if vector is None:
            vector = np.asarray(self.embedder.embed([text])[0], dtype="float32")
            if len(self._queries) >= 512:
                self._queries.clear()
            self._queries[text] = vector
        return vector

    def text_vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of index texts (sentences, chunks, titles), as the ingest stored them.

        A text the store lacks (an index from before the store existed) is embedded once, kept
        in memory and counted in `misses`.
        """
        if not texts:
            return np.zeros((0, 1), dtype="float32")
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors.row and t not in self._extra))
        if missing:
            self.misses += len(missing)
            for t, v in zip(missing, self.embedder.embed(missing)):
                self._extra[t] = np.asarray(v, dtype="float32")
        row = self.vectors.row
        return np.stack([self.vectors.matrix[row[t]] if t in row else self._extra[t] for t in texts])

    def dense(self, vector: np.ndarray, n: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        """Chunk IDs and cosine similarities of the n nearest chunks (optionally of one doc_type)."""
        n = max(1, min(n, len(self.chunks)))
        where = {"doc_type": doc_type} if doc_type else None
        try:
            got = self.collection.query(
                query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"]
            )
        except Exception:  # noqa: BLE001 - an unreachable store degrades to lexical retrieval
            return []
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    def dense_evaluation(
        self, vector: np.ndarray, n: int, doc_type: str | None = None, sentence_share: float = 0.0
    ) -> list[tuple[str, float]]:
        """The n evaluation chunks nearest the vector, by the ingest's stored vectors (a matrix product over
        the evaluation alone: its cost does not grow with the notes beside it). With a `sentence_share`, a
        chunk's nearness is that share of its nearest sentence's and the rest its own."""
        if not self.evaluation_rows:
            return []
        if self._evaluation_matrix is None:
            self._evaluation_matrix = self.text_vectors([self.chunks[r].text for r in self.evaluation_rows])
        sims = self._evaluation_matrix @ vector
        if sentence_share:
            sims = (1 - sentence_share) * sims + sentence_share * self._nearest_sentence(vector, sims)
        if doc_type:  # the other document types never rank
            sims = np.where(
                [self.chunks[r].doc_type == doc_type for r in self.evaluation_rows], sims, -np.inf
            )
        top = [i for i in np.argsort(-sims, kind="stable")[:n] if np.isfinite(sims[i])]
        return [(self.chunks[self.evaluation_rows[i]].id, float(sims[i])) for i in top]

    def _nearest_sentence(self, vector: np.ndarray, sims: np.ndarray) -> np.ndarray:
        """Each evaluation chunk's best sentence cosine to the vector (its own cosine when it has none)."""
        if self._sentence_matrix is None or self._sentence_rows is None:
            row = {self.chunks[r].id: k for k, r in enumerate(self.evaluation_rows)}
            own = [s for s in self.sentences if s.chunk.id in row]
            self._sentence_matrix = self.text_vectors([s.text for s in own])
            self._sentence_rows = np.array([row[s.chunk.id] for s in own], dtype=int)
        best = np.full(len(sims), -np.inf)
        if len(self._sentence_rows):
            np.maximum.at(best, self._sentence_rows, self._sentence_matrix @ vector)
        return np.where(np.isfinite(best), best, sims)

    def lexical_evaluation(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every evaluation chunk (in evaluation_rows order), over the evaluation alone."""
        if not tokens or self.evaluation_bm25 is None:
            return np.zeros(len(self.evaluation_rows))
        return np.asarray(self.evaluation_bm25.get_scores(tokens))

    def cognates(self) -> Cognates:
        """English words of the evaluation a Serbian word may spell nearly alike (built once, on first use)."""
        if self._cognates is None:
            self._cognates = Cognates(self.chunks[r].text for r in self.evaluation_rows)
        return self._cognates

    def lexical(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk, in chunk order."""
        if not tokens or self.bm25 is None:
            return np.zeros(len(self.chunks))
        return np.asarray(self.bm25.get_scores(tokens))


def _hyphen_blind(phrase: str) -> str:
    """A pattern for the phrase that ignores how its words are hyphenated: "coordination council" finds
    "co-ordination council", "e government" finds "e-government" and "e-government" finds "egovernment"."""
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(r"[\s-]+")
        elif ch == "-":
            out.append(r"\s?")  # the letter before it already allows a hyphen
        else:
            out.append(re.escape(ch) + ("-?" if ch.isalnum() else ""))
    return "".join(out)


def _bm25(corpus: list[list[str]]) -> Any:
    if not corpus or not any(corpus):
        return None
    retriever = bm25s.BM25()
    retriever.index([toks or ["∅"] for toks in corpus], show_progress=False)
    return retriever


_cache: dict[str, Index] = {}
_states: dict[str, IndexState] = {}
_checked: dict[
    str, tuple[float, int]
] = {}  # store -> (when its pointer was last read, this process's publishes then)
_lock = threading.Lock()
_failed: dict[str, str] = {}  # store -> the live version that could not be read
_problems: dict[str, str] = {}  # store -> what is wrong with it, while the last good index answers
log = logging.getLogger("egov.index")


def restatements(catalogs: dict[str, Catalog]) -> dict[str, list[Activity]]:
    """Activities that notes or uploads state again (a copy of matrix rows), by ID: kept as what they
    are, so that an answer can say where one disagrees with the evaluation, which it never replaces."""
    out: dict[str, list[Activity]] = {}
    for doc, catalog in sorted(catalogs.items()):
        if supplementary_document(doc):
            for a in catalog.activities:
                out.setdefault(a.id, []).append(a.model_copy(update={"document": a.document or doc}))
    return out


class IndexCorrupt(RuntimeError):
    """The index's state cannot be read, and no earlier index was loaded."""


def store_key(settings: Settings) -> str:
    """Which index the settings name: a Chroma server's, or the embedded store's in the data folder."""
    where = (
        f"{settings.chroma_host}:{settings.chroma_port}"
        if settings.chroma_host
        else str(settings.data_dir.resolve())
    )
    return f"{where}/{settings.collection}"


def index_problem(settings: Settings) -> str | None:
    """What is wrong with the index in the store, when the last good index is answering instead."""
    return _problems.get(store_key(settings))


def forget_indexes() -> None:
    """Drop every loaded index and store client (tests that delete a store folder call this)."""
    with _lock:
        _cache.clear()
        _states.clear()
        _checked.clear()
        _failed.clear()
        _problems.clear()


def get_index(settings: Settings | None = None) -> Index:
    """The loaded index for these settings, read again when another version has gone live in the store.

    The pointer is read at most every `index_check_seconds` (an ingest in this process is seen at once);
    the index built from it is this instance's cache, never the truth.
    """
    settings = settings or get_settings()
    key = store_key(settings)
    cached = _cache.get(key)
    checked = _checked.get(key)
    if (
        cached is not None
        and checked is not None
        and checked[1] == local_publishes()
        and time.monotonic() - checked[0] < settings.index_check_seconds
    ):
        return cached
    with _lock:
        cached = _cache.get(key)
        publishes = local_publishes()
        try:
            state = _states.get(key)
            if state is None:
                state = _states[key] = IndexState(make_client(settings), settings.collection)
            live = state.live()
        except Exception as exc:  # noqa: BLE001 - an unreachable store: the last good index keeps answering
            if cached is not None:
                _problems[key] = (
                    f"the vector store cannot be reached ({type(exc).__name__}: {str(exc)[:200]})"
                )
                log.error("%s; the last good index keeps answering", _problems[key])
                return cached
            raise IndexCorrupt(f"the vector store cannot be reached ({type(exc).__name__}: {exc})") from exc
        _checked[key] = (time.monotonic(), publishes)
        if live is None:
            raise IndexMissing(f"no index in the store for {settings.collection!r}: run `egov ingest` first")
        if cached is not None and cached.version == live.version:
            _failed.pop(key, None)  # a bad version replaced by the good one again
            _problems.pop(key, None)
            return cached
        if cached is not None and _failed.get(key) == live.version:
            return cached
        try:
            index = _load(settings, state, live, cached)
        except (PartMissing, ValueError, TypeError, KeyError) as exc:  # json, pydantic and field errors
            problem = (
                f"the index in the store cannot be read ({type(exc).__name__}: {str(exc)[:200]}); "
                "run `egov ingest --rebuild` to rewrite it"
            )
            log.error("%s%s", problem, "; the last good index keeps answering" if cached else "")
            _failed[key], _problems[key] = live.version, problem
            if cached is not None:
                return cached
            raise IndexCorrupt(problem) from exc
        _cache[key] = index
        _failed.pop(key, None)
        _problems.pop(key, None)
        return index


def _load(settings: Settings, state: IndexState, live: Live, cached: Index | None) -> Index:
    for attempt in range(3):
        try:
            snapshot = state.snapshot(live)
            break
        except PartMissing:
            fresh = state.live()
            if attempt == 2 or fresh is None:
                raise
            live = fresh
    model_path = settings.model_path()
    return Index(
        settings=settings,
        chunks=snapshot.chunks,
        catalog=merge_catalogs(snapshot.catalogs.values()),
        restated=restatements(snapshot.catalogs),
        collection=open_collection(state.client, live.collection, model_path),
        embedder=get_embedder(model_path),
        version=live.version,
        glossary=snapshot.glossary,
        vectors=snapshot.vectors,
        previous=cached,
    )
