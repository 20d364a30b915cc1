"""The baselines every evaluation report shows beside the system.

- naive_dense: the naive LangChain pipeline. TextLoader -> RecursiveCharacterTextSplitter(1000, 200)
  -> the same sentence-transformers embeddings as the system -> a Chroma collection -> top-k.
  The answer is the top chunk; it never abstains and cites nothing.
- bm25: BM25 alone (bm25s, its default tokenizer with English stopwords) over the same naive chunks.

TextLoader lives in langchain_community, which is not a dependency of this project; reading the
file into one langchain_core Document (page_content = the whole file, metadata = {"source": path})
is exactly what TextLoader.load() returns, so the pipeline is the same.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASELINE_NAMES = {
    "naive_dense": "naive LangChain pipeline: RecursiveCharacterTextSplitter(1000, 200) + same embeddings + Chroma, answer = top chunk",
    "bm25": "BM25 alone (bm25s, stopwords 'en') over the same naive chunks, answer = top chunk",
}
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


@dataclass
class BaselineHit:
    """One retrieved naive chunk."""

    text: str
    score: float
    index: int


def load_documents(files: list[Path]) -> list[Any]:
    """Each file as one langchain_core Document, as langchain_community's TextLoader would load it."""
    from langchain_core.documents import Document

    return [
        Document(
            page_content=Path(f).read_text(encoding="utf-8", errors="replace"), metadata={"source": str(f)}
        )
        for f in files
    ]


def naive_chunks(files: list[Path]) -> list[str]:
    """The naive chunks: RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over the files."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return [d.page_content for d in splitter.split_documents(load_documents(files))]


class NaiveDense:
    """Naive chunks embedded with the system's model into an in-memory Chroma collection."""

    def __init__(self, chunks: list[str], model_path: str) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from ingest.embed import get_embedder

        self.chunks = chunks
        self.embedder = get_embedder(model_path)
        self.client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        # Ephemeral clients share one in-process store: a unique name keeps runs apart.
        self.name = f"naive-{uuid.uuid4().hex[:12]}"
        # embedding_function=None: Chroma must never reach for its own default model; we pass vectors.
        self.collection = self.client.create_collection(
            self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        vectors: Any = self.embedder.embed(chunks) if chunks else []
        for start in range(0, len(chunks), 1000):
            end = start + 1000
            self.collection.add(
                ids=[str(i) for i in range(start, min(end, len(chunks)))],
                documents=chunks[start:end],
                embeddings=vectors[start:end],
            )

    def retrieve(self, question: str, k: int) -> list[BaselineHit]:
        if not self.chunks:
            return []
        vector: Any = self.embedder.embed([question])[0]
        got: Any = self.collection.query(
            query_embeddings=[vector], n_results=min(k, len(self.chunks)), include=["distances"]
        )
        return [
            BaselineHit(text=self.chunks[int(i)], score=1.0 - float(d), index=int(i))
            for i, d in zip(got["ids"][0], got["distances"][0])
        ]

    def close(self) -> None:
        try:
            self.client.delete_collection(self.name)
        except Exception:  # noqa: BLE001 - best effort clean-up of an in-memory collection
            pass


class BM25Only:
    """bm25s over the naive chunks, with its default tokenizer and English stopwords."""

    def __init__(self, chunks: list[str]) -> None:
        import bm25s

        self.bm25s = bm25s
        self.chunks = chunks
        self.retriever = bm25s.BM25()
        if chunks:
            self.retriever.index(
                bm25s.tokenize(chunks, stopwords="en", show_progress=False), show_progress=False
            )

    def retrieve(self, question: str, k: int) -> list[BaselineHit]:
        import numpy as np

        if not self.chunks:
            return []
        tokens = self.bm25s.tokenize([question], stopwords="en", show_progress=False, return_ids=False)[0]
        scores = np.asarray(self.retriever.get_scores(tokens)) if tokens else np.zeros(len(self.chunks))
        order = np.argsort(-scores, kind="stable")[:k]
        return [BaselineHit(text=self.chunks[int(i)], score=float(scores[i]), index=int(i)) for i in order]

    def close(self) -> None:
        pass


def build_baselines(files: list[Path], model_path: str) -> dict[str, Any]:
    """Both baselines over the same naive chunks of the given text files."""
    chunks = naive_chunks(files)
    return {"naive_dense": NaiveDense(chunks, model_path), "bm25": BM25Only(chunks)}
