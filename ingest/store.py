"""The index on disk: a Chroma collection plus the chunk list and record catalog beside it.

The active collection's name lives in `active.json`; a rebuild fills a fresh collection and
swaps that pointer in one atomic rename, so an interrupted rebuild leaves the old index answering.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from core.settings import Settings
from ingest.chunks import Chunk
from ingest.glossary import Glossary
from ingest.records import Catalog

BATCH = 256


def write_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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


class IndexFiles:
    """The files beside the collection: active pointer, chunk list and catalog."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir
        self.active = data_dir / "active.json"
        self.chunks = data_dir / "chunks.jsonl"
        self.catalog = data_dir / "catalog.json"
        self.glossary = data_dir / "glossary.json"
        self.manifest = data_dir / "sources.json"

    def active_collection(self) -> str | None:
        try:
            return json.loads(self.active.read_text(encoding="utf-8"))["collection"]
        except (OSError, ValueError, KeyError):
            return None

    def set_active(self, name: str, model: str) -> None:
        write_atomic(self.active, json.dumps({"collection": name, "model": model, "updated": time.time()}))

    def load_chunks(self) -> list[Chunk]:
        if not self.chunks.exists():
            return []
        return [
            Chunk(**json.loads(line)) for line in self.chunks.read_text(encoding="utf-8").splitlines() if line
        ]

    def save_chunks(self, chunks: list[Chunk]) -> None:
        write_atomic(self.chunks, "".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in chunks))

    def load_catalogs(self) -> dict[str, Catalog]:
        """Records per document that holds an evaluation matrix."""
        if not self.catalog.exists():
            return {}
        raw = json.loads(self.catalog.read_text(encoding="utf-8"))
        return {doc: Catalog.model_validate(value) for doc, value in raw.items()}

    def load_catalog(self) -> Catalog:
        """All records of all documents, merged into one catalog."""
        return merge_catalogs(self.load_catalogs().values())

    def load_glossary(self) -> Glossary:
        """The glossary as the last ingest read it; empty when there is none."""
        if not self.glossary.exists():
            return Glossary()
        return Glossary.model_validate_json(self.glossary.read_text(encoding="utf-8"))

    def save_glossary(self, glossary: Glossary) -> None:
        write_atomic(self.glossary, glossary.model_dump_json(indent=1))

    def save_catalogs(self, catalogs: dict[str, Catalog]) -> None:
        write_atomic(
            self.catalog,
            json.dumps(
                {d: c.model_dump() for d, c in sorted(catalogs.items())}, ensure_ascii=False, indent=1
            ),
        )


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
