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

from core.settings import Settings, get_settings
from ingest.chunks import Chunk, chunk_document
from ingest.embed import get_embedder
from ingest.glossary import Glossary, load_glossary
from ingest.loaders import LoadError, discover, doc_name, load
from ingest.manifest import Manifest, Stamp, reader_stamp, stamp_of
from ingest.records import Catalog
from ingest.store import (
    IndexFiles,
    batches,
    make_client,
    merge_catalogs,
    new_collection_name,
    open_collection,
    stored_hashes,
)
from ingest.vectors import VectorStore, unit_texts, updated_store, vectors_path


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
    embedded_texts: int = 0  # sentences, chunks and titles given a vector (none when nothing changed)
    skipped_documents: int = 0  # documents not re-read because their content is as the last ingest left it
    wrote: bool = True  # False when nothing changed and the index files were left as they were
    seconds: float = 0.0


class IngestLocked(RuntimeError):
    """Another ingest holds the lock on this data folder."""


@contextmanager
def ingest_lock(data_dir: Path, wait_seconds: float = 30.0) -> Iterator[None]:
    """One ingest at a time per data folder; a second waits up to wait_seconds, then refuses."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("a") as fh:  # "a": taking the lock writes nothing
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
    for path in paths:
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


def _embed_into(
    collection: Any, chunks: list[Chunk], model_path: str, quiet: bool, label: str
) -> dict[str, list[float]]:
    """Embed the chunks into the collection; returns their vectors by text, for the vector store."""
    out: dict[str, list[float]] = {}
    if not chunks:
        return out
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
        out.update(zip((c.text for c in batch), vectors))
        bar.update(len(batch))
    bar.close()
    return out


def ingest(
    paths: list[Path] | None = None,
    rebuild: bool = False,
    settings: Settings | None = None,
    quiet: bool = False,
    wait_seconds: float = 30.0,
) -> IngestSummary:
    """Ingest the corpus folder (or the given files and folders) into the index; see IngestSummary.

    Only documents whose content changed since the last ingest are read again (ingest.manifest);
    when none did, nothing is written. wait_seconds: how long to wait for another ingest on the
    same data folder before IngestLocked.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    files = IndexFiles(settings.data_dir)
    glossary = load_glossary(
        settings.corpus_dir
    )  # GlossaryError, naming the entry at fault, before anything is written
    model_path = settings.model_path()
    with ingest_lock(settings.data_dir, wait_seconds):
        full = not paths
        manifest = Manifest.load(files.manifest)
        reader = reader_stamp(glossary.model_dump_json(), model_path)
        same_reader = manifest.reader == reader and not rebuild
        found = discover(list(paths) if paths else [settings.corpus_dir])
        stamps: dict[str, Stamp] = {}
        todo: list[Path] = []
        for path in found:
            name = doc_name(path, settings.corpus_dir)
            try:
                stamps[name] = stamp_of(path, manifest.documents.get(name) if same_reader else None)
            except OSError:
                todo.append(path)  # the loader reports what is wrong with it
                continue
            last = manifest.documents.get(name)
            if not same_reader or last is None or last.sha256 != stamps[name].sha256:
                todo.append(path)
        loaded, catalogs, errors = load_corpus(todo, settings.corpus_dir, glossary)
        failed = {doc_name(Path(e.file), settings.corpus_dir) for e in errors}
        old_chunks = files.load_chunks()
        old_catalogs = files.load_catalogs()
        vectors_file = vectors_path(settings.data_dir, model_path)

        def kept(doc: str) -> bool:
            # A document not loaded this time stays, unless a full ingest no longer finds it.
            if doc in loaded:
                return False
            if not full:
                return True
            return doc in failed or doc in stamps

        final: list[Chunk] = [c for c in old_chunks if kept(c.document)]
        for doc_chunks in loaded.values():
            final.extend(doc_chunks)
        final_catalogs = {d: c for d, c in old_catalogs.items() if kept(d)}
        final_catalogs.update(catalogs)
        summary = IngestSummary(errors=errors, documents=sorted({c.document for c in final}))
        summary.skipped_documents = len(found) - len(todo)

        client = make_client(settings)
        active = files.active_collection()
        existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        nothing_changed = (
            same_reader
            and not loaded
            and len(final) == len(old_chunks)
            and active in existing
            and vectors_file.exists()
        )
        if nothing_changed:
            summary.unchanged = len(final)
            summary.wrote = False
            summary.seconds = round(time.perf_counter() - started, 3)
            return summary

        before = {c.id: c.hash for c in old_chunks}
        if rebuild or active is None or active not in existing:
            name = new_collection_name(settings.collection)
            collection = open_collection(client, name, model_path)
            known = _embed_into(collection, final, model_path, quiet, "embedding")
            summary.rebuilt = True
            stored = before
        else:
            name = active
            collection = open_collection(client, name, model_path)
            stored = stored_hashes(collection)
            changed = [c for c in final if stored.get(c.id) != c.hash]
            known = _embed_into(collection, changed, model_path, quiet, "embedding changes")
            final_set = {c.id for c in final}
            gone = [i for i in stored if i not in final_set]
            for batch in batches(gone):
                collection.delete(ids=batch)

        final_ids = {c.id for c in final}
        summary.added = sum(1 for c in final if c.id not in stored)
        summary.updated = sum(1 for c in final if c.id in stored and stored[c.id] != c.hash)
        summary.unchanged = sum(1 for c in final if stored.get(c.id) == c.hash)
        summary.deleted = sum(1 for i in stored if i not in final_ids)

        texts = unit_texts(final, merge_catalogs(final_catalogs.values()))
        store, summary.embedded_texts = updated_store(
            VectorStore.load(vectors_file), texts, get_embedder(model_path).embed, known
        )
        store.save(vectors_file)
        files.save_chunks(final)
        files.save_catalogs(final_catalogs)
        files.save_glossary(glossary)
        files.set_active(name, model_path)
        read = dict(manifest.documents) if same_reader else {}
        if full:
            read = {d: st for d, st in read.items() if d in stamps}
        read.update({d: st for d, st in stamps.items() if d not in failed})
        for d in failed:
            read.pop(d, None)
        Manifest(reader, read).save(files.manifest)
        if summary.rebuilt:
            for old in existing:
                if old != name and old.startswith(settings.collection + "_"):
                    try:
                        client.delete_collection(old)
                    except Exception:  # noqa: BLE001 - a stale collection left behind is harmless
                        pass
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
