"""Everything answering needs, loaded once: chunks, catalog, BM25, the Chroma collection, the model."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np

from ingest.chunks import Chunk
from ingest.config import Settings, get_settings
from ingest.embed import Embedder, get_embedder
from ingest.glossary import Glossary
from ingest.records import Catalog
from ingest.store import IndexFiles, make_client, open_collection
from rag.names import Names
from rag.tokenize import tokenize

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
    version: tuple
    by_id: dict[str, Chunk] = field(default_factory=dict)
    bm25: Any = None
    title_bm25: Any = None
    title_keys: list[str] = field(default_factory=list)
    title_texts: list[str] = field(default_factory=list)
    record_chunks: dict[str, list[str]] = field(default_factory=dict)
    sentences: list = field(default_factory=list)
    sentence_bm25: Any = None
    idf: dict[str, float] = field(default_factory=dict)
    corpus_text: str = ""
    common: frozenset[str] = frozenset()
    glossary: Glossary = field(default_factory=Glossary)
    names: Names = field(default_factory=Names)
    _vectors: dict[str, np.ndarray] = field(default_factory=dict)
    _queries: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from rag.sentences import chunk_sentences

        self.by_id = {c.id: c for c in self.chunks}
        self.names = Names(self.glossary, self.catalog)
        self._vectors = _load_vectors(self.settings)
        self.bm25 = _bm25([tokenize(c.text) for c in self.chunks])
        titles = _record_titles(self.catalog)
        self.title_keys = [k for k, _ in titles]
        self.title_texts = [" ".join(t.split()) for _, t in titles]
        self.title_bm25 = _bm25([tokenize(t) for _, t in titles])
        self.corpus_text = " ".join(" ".join(c.text.split()) for c in self.chunks).lower()
        for c in self.chunks:  # record key (activity, measure, objective ID, indicator key) -> its chunks
            if c.kind != "section" and c.record_id:
                self.record_chunks.setdefault(c.record_id, []).append(c.id)
        self.sentences = [s for c in self.chunks for s in chunk_sentences(c) if len(s.text) >= 25]
        token_lists = [tokenize(s.text + " " + s.label) for s in self.sentences]
        from ingest.ids import find_ids

        self.chunk_sentences: dict[str, list] = {}
        for s, toks in zip(self.sentences, token_lists):
            s.tokens = frozenset(toks)
            s.ids = tuple(find_ids(s.text))
            self.chunk_sentences.setdefault(s.chunk.id, []).append(s)
        self.sentence_bm25 = _bm25(token_lists)
        df: dict[str, int] = {}
        for c in self.chunks:
            for t in set(tokenize(c.text)):
                df[t] = df.get(t, 0) + 1
        n = len(self.chunks) or 1
        self.idf = {t: float(np.log(1 + n / d)) for t, d in df.items()}
        # words in at least half of the chunks: this corpus's own everyday words ("e-government" in an
        # e-government evaluation), which name nothing in particular
        self.common = frozenset(t for t, d in df.items() if d >= COMMON_SHARE * n)

    def sentence_scores(self, tokens: list[str], n: int) -> list[tuple[int, float]]:
        """Indexes into self.sentences of the n best BM25 sentences for the tokens."""
        if not tokens or self.sentence_bm25 is None:
            return []
        scores = np.asarray(self.sentence_bm25.get_scores(tokens))
        order = np.argsort(-scores)[:n]
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
        """Unit vectors of index texts (sentences, chunks), embedded once and then served from memory."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            for t, v in zip(missing, self.embedder.embed(missing)):
                self._vectors[t] = np.asarray(v, dtype="float32")
        if not texts:
            return np.zeros((0, 1), dtype="float32")
        return np.stack([self._vectors[t] for t in texts])

    def warm(self, save: bool = True) -> int:
        """Embed every record title and sentence of the index ahead of questions (and keep them on disk); returns how many."""
        todo = [
            t
            for t in dict.fromkeys([*self.title_texts, *(s.text for s in self.sentences)])
            if t not in self._vectors
        ]
        for i in range(0, len(todo), 256):
            self.text_vectors(todo[i : i + 256])
        if save and todo:
            _save_vectors(self.settings, self._vectors)
        return len(todo)

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

    def lexical(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk, in chunk order."""
        if not tokens or self.bm25 is None:
            return np.zeros(len(self.chunks))
        return np.asarray(self.bm25.get_scores(tokens))

    def title_scores(self, tokens: list[str]) -> list[tuple[str, float]]:
        """Record keys ranked by how well their titles match the query tokens."""
        if not tokens or self.title_bm25 is None:
            return []
        scores = np.asarray(self.title_bm25.get_scores(tokens))
        order = np.argsort(-scores)
        return [(self.title_keys[i], float(scores[i])) for i in order if scores[i] > 0]


def _vectors_file(settings: Settings):
    import hashlib

    tag = hashlib.sha1(settings.model_path().encode()).hexdigest()[:10]
    return settings.data_dir / f"vectors-{tag}.npz"


def _load_vectors(settings: Settings) -> dict[str, np.ndarray]:
    """Sentence vectors saved by an earlier warm-up (keyed by text, so stale entries are harmless)."""
    path = _vectors_file(settings)
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["texts"].tolist(), data["vectors"]))
    except (OSError, KeyError, ValueError):
        return {}


def _save_vectors(settings: Settings, vectors: dict[str, np.ndarray]) -> None:
    import os

    path = _vectors_file(settings)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    try:
        texts = list(vectors)
        np.savez(tmp, texts=np.array(texts), vectors=np.stack([vectors[t] for t in texts]))
        os.replace(tmp, path)
    except OSError:
        pass


def _bm25(corpus: list[list[str]]) -> Any:
    if not corpus or not any(corpus):
        return None
    retriever = bm25s.BM25()
    retriever.index([toks or ["∅"] for toks in corpus], show_progress=False)
    return retriever


def _record_titles(catalog: Catalog) -> list[tuple[str, str]]:
    """(record key, title) for every measure, activity and indicator."""
    out = [(m.id, m.title) for m in catalog.measures]
    out += [(a.id, a.title) for a in catalog.activities]
    out += [(i.id, i.name) for i in catalog.indicators]
    out += [(o.id, o.title) for o in catalog.objectives]
    return out


_cache: dict[str, Index] = {}
_lock = threading.Lock()


def _version(files: IndexFiles) -> tuple:
    stamps: list[tuple[int, int] | None] = []
    for path in (files.active, files.chunks, files.catalog, files.glossary):
        try:
            st = path.stat()
            stamps.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


def get_index(settings: Settings | None = None) -> Index:
    """The loaded index for these settings, reloaded when an ingest has changed it on disk."""
    settings = settings or get_settings()
    files = IndexFiles(settings.data_dir)
    key = str(settings.data_dir.resolve())
    version = _version(files)
    cached = _cache.get(key)
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.version == version:
            return cached
        name = files.active_collection()
        if name is None:
            raise IndexMissing(f"no index in {settings.data_dir}: run `egov ingest` first")
        client = make_client(settings)
        model_path = settings.model_path()
        index = Index(
            settings=settings,
            chunks=files.load_chunks(),
            catalog=files.load_catalog(),
            collection=open_collection(client, name, model_path),
            embedder=get_embedder(model_path),
            version=version,
            glossary=files.load_glossary(),
        )
        _cache[key] = index
        return index
