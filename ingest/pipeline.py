"""Ingest: load files, chunk them, and bring the index in line, embedding only what changed."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from tqdm import tqdm

from ingest.chunks import Chunk, chunk_document
from ingest.config import Settings, get_settings
from ingest.embed import get_embedder
from ingest.glossary import Glossary, load_glossary
from ingest.loaders import LoadError, discover, doc_name, load
from ingest.records import Catalog
from ingest.store import IndexFiles, batches, make_client, new_collection_name, open_collection, stored_hashes


class FileError(BaseModel):
    """A file that was skipped, and why."""

    file: str
    reason: str


class IngestSummary(BaseModel):
    """What an ingest changed, in chunks, and which files it skipped."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    errors: list[FileError] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    rebuilt: bool = False
    seconds: float = 0.0


class IngestLocked(RuntimeError):
    """Another ingest holds the lock on this data folder."""


@contextmanager
def ingest_lock(data_dir: Path, wait_seconds: float = 30.0) -> Iterator[None]:
    """One ingest at a time per data folder; a second waits up to wait_seconds, then refuses."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("w") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IngestLocked(
                        f"another ingest is running on {data_dir}; try again when it has finished"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def load_corpus(
    paths: list[Path],
    corpus_dir: Path,
    glossary: Glossary | None = None,
) -> tuple[dict[str, list[Chunk]], dict[str, Catalog], list[FileError]]:
    """Chunks and records per loaded document, and the files that could not be loaded."""
    chunks: dict[str, list[Chunk]] = {}
    catalogs: dict[str, Catalog] = {}
    errors: list[FileError] = []
    for path in discover(paths):
        try:
            doc = load(path, corpus_dir)
            doc_chunks, catalog = chunk_document(doc, glossary)
        except LoadError as exc:
            errors.append(FileError(file=str(path), reason=str(exc)))
            continue
        except RecursionError as exc:  # pathological nesting in a document
            errors.append(FileError(file=str(path), reason=f"could not parse the document ({exc})"))
            continue
        if not doc_chunks:
            errors.append(FileError(file=str(path), reason="no text to index"))
            continue
        chunks[doc.name] = doc_chunks
        if catalog.activities or catalog.measures or catalog.objectives:
            catalogs[doc.name] = catalog
    return chunks, catalogs, errors


def _embed_into(collection: Any, chunks: list[Chunk], model_path: str, quiet: bool, label: str) -> None:
    if not chunks:
        return
    embedder = get_embedder(model_path)
    bar = tqdm(total=len(chunks), desc=label, unit="chunk", disable=quiet)
    for batch in batches(chunks):
        vectors = embedder.embed([c.text for c in batch])
        collection.upsert(
            ids=[c.id for c in batch],
            documents=[c.text for c in batch],
            metadatas=[c.metadata() for c in batch],
            embeddings=vectors,
        )
        bar.update(len(batch))
    bar.close()


def ingest(
    paths: list[Path] | None = None,
    rebuild: bool = False,
    settings: Settings | None = None,
    quiet: bool = False,
    wait_seconds: float = 30.0,
) -> IngestSummary:
    """Ingest the corpus folder (or the given files and folders) into the index; see IngestSummary.

    wait_seconds: how long to wait for another ingest on the same data folder before IngestLocked.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    files = IndexFiles(settings.data_dir)
    glossary = load_glossary(
        settings.corpus_dir
    )  # GlossaryError, naming the entry at fault, before anything is written
    with ingest_lock(settings.data_dir, wait_seconds):
        full = not paths
        loaded, catalogs, errors = load_corpus(
            list(paths) if paths else [settings.corpus_dir], settings.corpus_dir, glossary
        )
        failed = {doc_name(Path(e.file), settings.corpus_dir) for e in errors}
        old_chunks = files.load_chunks()
        old_catalogs = files.load_catalogs()

        def kept(doc: str) -> bool:
            # A document not loaded this time stays, unless a full ingest no longer finds it.
            if doc in loaded:
                return False
            if not full:
                return True
            return doc in failed

        final: list[Chunk] = [c for c in old_chunks if kept(c.document)]
        for doc_chunks in loaded.values():
            final.extend(doc_chunks)
        final_catalogs = {d: c for d, c in old_catalogs.items() if kept(d)}
        final_catalogs.update(catalogs)

        client = make_client(settings)
        model_path = settings.model_path()
        active = files.active_collection()
        existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        before = {c.id: c.hash for c in old_chunks}
        summary = IngestSummary(errors=errors, documents=sorted({c.document for c in final}))

        if rebuild or active is None or active not in existing:
            name = new_collection_name(settings.collection)
            collection = open_collection(client, name, model_path)
            _embed_into(collection, final, model_path, quiet, "embedding")
            summary.rebuilt = True
            stored = before
        else:
            name = active
            collection = open_collection(client, name, model_path)
            stored = stored_hashes(collection)
            changed = [c for c in final if stored.get(c.id) != c.hash]
            _embed_into(collection, changed, model_path, quiet, "embedding changes")
            final_set = {c.id for c in final}
            gone = [i for i in stored if i not in final_set]
            for batch in batches(gone):
                collection.delete(ids=batch)

        final_ids = {c.id for c in final}
        summary.added = sum(1 for c in final if c.id not in stored)
        summary.updated = sum(1 for c in final if c.id in stored and stored[c.id] != c.hash)
        summary.unchanged = sum(1 for c in final if stored.get(c.id) == c.hash)
        summary.deleted = sum(1 for i in stored if i not in final_ids)

        files.save_chunks(final)
        files.save_catalogs(final_catalogs)
        files.save_glossary(glossary)
        files.set_active(name, model_path)
        if summary.rebuilt:
            for old in existing:
                if old != name and old.startswith(settings.collection + "_"):
                    try:
                        client.delete_collection(old)
                    except Exception:  # noqa: BLE001 - a stale collection left behind is harmless
                        pass
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
