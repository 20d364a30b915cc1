"""The vector store: a Chroma client (a server, or the embedded store on disk) and the chunk collection.

A rebuild fills a fresh collection and then moves the live pointer (ingest/state.py) to it in one write,
so an interrupted rebuild leaves the old index answering.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from core.settings import Settings
from ingest.records import Catalog

BATCH = 256


def make_client(settings: Settings) -> Any:
    """A Chroma client: a server when EGOV_CHROMA_HOST is set, else the embedded store on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def merge_catalogs(catalogs: Iterable[Catalog]) -> Catalog:
    """One catalog of all documents' records; the shipped corpus first, so a record it defines is
    never replaced by an upload's copy."""
    merged = Catalog()
    for doc in sorted(catalogs, key=lambda c: (c.source.startswith("uploads/"), c.source)):
        merged = merged.merge(doc)
    return merged


def open_collection(client: Any, name: str, model_path: str) -> Any:
    """Get or create a cosine collection that embeds with our sentence-transformers function."""
    from ingest.embed import EgovEmbeddingFunction

    return client.get_or_create_collection(
        name=name,
        embedding_function=EgovEmbeddingFunction(model_path),
        metadata={"hnsw:space": "cosine"},
    )


def stored_hashes(collection: Any) -> dict[str, str]:
    """Chunk ID -> content hash of everything in the collection."""
    out: dict[str, str] = {}
    total = collection.count()
    for offset in range(0, total, 1000):
        got = collection.get(include=["metadatas"], limit=1000, offset=offset)
        for id_, meta in zip(got["ids"], got["metadatas"]):
            out[id_] = (meta or {}).get("hash", "")
    return out


def batches(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def new_collection_name(prefix: str) -> str:
    """A name no other collection has: two rebuilds within one second must not share a collection."""
    return f"{prefix}_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{os.urandom(4).hex()}"
