"""Ingest: load files, chunk them, and bring the index in line, embedding only what changed."""

from __future__ import annotations

import hashlib
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from tqdm import tqdm

from core.settings import Settings, get_settings
from ingest.chunks import Chunk, chunk_document
from ingest.embed import get_embedder
from ingest.glossary import Glossary, load_glossary
from ingest.lease import IngestLocked, Lease, held
from ingest.loaders import LoadError, discover, doc_name, load
from ingest.manifest import Manifest, Stamp, reader_stamp, stamp_of
from ingest.originals import FILES, Originals
from ingest.provenance import UPLOADS
from ingest.records import Catalog
from ingest.state import STATE, IndexState, Live, state_collection, write_version
from ingest.store import (
    batches,
    make_client,
    merge_catalogs,
    new_collection_name,
    open_collection,
    stored_hashes,
)
from ingest.vectors import VectorStore, unit_texts, updated_store

__all__ = ["FileError", "IngestLocked", "IngestSummary", "ingest", "ingest_lock", "load_corpus"]

NOT_SHARED = (
    "this machine's uploads/ folder has it, but the shared upload store does not: "
    "upload it through the API (POST /documents) to index it"
)


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


def ingest_lock(settings: Settings, wait_seconds: float = 30.0) -> AbstractContextManager[Lease]:
    """The ingest lease on the index these settings name, held for a block as an ingest holds it."""
    return held(
        state_collection(make_client(settings), settings.collection), settings.lease_seconds, wait_seconds
    )


def is_upload(doc: str) -> bool:
    return doc.startswith(UPLOADS + "/")


def own(settings: Settings) -> set[str]:
    """The collections that are not a version of the chunk collection."""
    return {settings.collection + STATE, settings.collection + FILES}


def restage(originals: Originals, shared: dict[str, str], corpus_dir: Path) -> None:
    """Write into the corpus folder's uploads/ the shared originals it lacks or holds another version of:
    the folder only stages files for this machine's ingest, the store holds them."""
    folder = (corpus_dir / UPLOADS).resolve()
    for doc, sha in shared.items():
        path = corpus_dir / doc
        if not is_upload(doc) or path.resolve().parent != folder:
            continue  # only plain file names directly in uploads/
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
                continue
        except OSError:
            pass
        data = originals.get(doc)
        if data is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


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
    drop: list[str] | None = None,
) -> IngestSummary:
    """Ingest the corpus folder (or the given files and folders) into the index; see IngestSummary.

    Only documents whose content changed since the last ingest are read again (ingest.manifest);
    when none did, nothing is written. `drop`: uploaded documents to remove (their original too).
    wait_seconds: how long to wait for another ingest on the same index (ingest.lease) before
    IngestLocked.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    glossary = load_glossary(
        settings.corpus_dir
    )  # GlossaryError, naming the entry at fault, before anything is written
    model_path = settings.model_path()
    client = make_client(settings)
    state = IndexState(client, settings.collection)
    originals = Originals(client, settings.collection)
    with ingest_lock(settings, wait_seconds):
        dropped = set(drop or ())
        full = not paths and not dropped
        snapshot = state.read()
        manifest = snapshot.manifest if snapshot else Manifest()
        reader = reader_stamp(glossary.model_dump_json(), model_path)
        same_reader = manifest.reader == reader and not rebuild
        shared = originals.names()
        if full:
            restage(originals, shared, settings.corpus_dir)
        found = discover(list(paths) if paths else [settings.corpus_dir]) if not dropped else []
        errors: list[FileError] = []
        if full:  # an upload is indexed from the shared store; a file only this machine's uploads/ has is not
            for path in [p for p in found if is_upload(doc_name(p, settings.corpus_dir))]:
                if doc_name(path, settings.corpus_dir) not in shared:
                    found.remove(path)
                    errors.append(FileError(file=str(path), reason=NOT_SHARED))
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
        loaded, catalogs, load_errors = load_corpus(todo, settings.corpus_dir, glossary)
        errors += load_errors
        failed = {doc_name(Path(e.file), settings.corpus_dir) for e in load_errors}
        old_chunks = snapshot.chunks if snapshot else []
        old_catalogs = snapshot.catalogs if snapshot else {}

        def kept(doc: str) -> bool:
            # A document not loaded this time stays, unless dropped or a full ingest no longer finds it.
            if doc in loaded or doc in dropped:
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

        live = snapshot.live if snapshot else None
        existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        nothing_changed = (
            same_reader
            and not loaded
            and len(final) == len(old_chunks)
            and live is not None
            and live.collection in existing
        )
        if nothing_changed:
            for doc in dropped:
                originals.delete(doc)
            summary.unchanged = len(final)
            summary.wrote = False
            summary.seconds = round(time.perf_counter() - started, 3)
            return summary

        before = {c.id: c.hash for c in old_chunks}
        if rebuild or live is None or live.collection not in existing:
            name = new_collection_name(settings.collection)
            collection = open_collection(client, name, model_path)
            known = _embed_into(collection, final, model_path, quiet, "embedding")
            summary.rebuilt = True
            stored = before
        else:
            name = live.collection
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

        catalog = merge_catalogs(final_catalogs.values())
        vectors, summary.embedded_texts = updated_store(
            snapshot.vectors if snapshot else VectorStore(),
            unit_texts(final, catalog),
            get_embedder(model_path).embed,
            known,
        )
        read = dict(manifest.documents) if same_reader else {}
        if full:
            read = {d: st for d, st in read.items() if d in stamps}
        read.update({d: st for d, st in stamps.items() if d not in failed})
        for d in failed | dropped:
            read.pop(d, None)
        for doc in loaded:  # an upload's original, where every instance can read it again
            if is_upload(doc) and doc in stamps and shared.get(doc) != stamps[doc].sha256:
                originals.put(doc, (settings.corpus_dir / doc).read_bytes())
        write_version(
            state,
            Live(collection=name, model=model_path),
            final,
            final_catalogs,
            vectors,
            glossary,
            Manifest(reader, read),
            live if same_reader else None,
        )
        for doc in dropped:
            originals.delete(doc)
        if summary.rebuilt:
            for old in existing:
                if old != name and old.startswith(settings.collection + "_") and old not in own(settings):
                    try:
                        client.delete_collection(old)
                    except Exception:  # noqa: BLE001 - a stale collection left behind is harmless
                        pass
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
