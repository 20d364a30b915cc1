"""The index's state, held in Chroma beside its chunk collection: which version is live and what it is made of.

Everything an instance needs to answer lives in the vector store, so API instances in front of one Chroma
server share nothing on disk, and the embedded store (`PersistentClient`) runs the same code.

The collection `<prefix>_state` holds:
- the pointer `live`: the chunk collection, the model, a version string and the parts of that version;
- the parts, each a JSON text under an ID made from its content: a document's chunks, a document's records
  (its catalog), the unit vectors of a document's texts and of the record titles, the glossary, and the
  ingest's manifest of what it read.

A publish adds the parts the pointer does not yet name (`add` never overwrites an ID that exists), replaces
the pointer in one write, then deletes the parts no pointer names. A reader reads the pointer, then its
parts; a part gone under it (a later publish collected it) means the pointer moved: it reads again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from core.settings import Settings
from ingest.chunks import Chunk
from ingest.glossary import Glossary
from ingest.manifest import Manifest
from ingest.records import Catalog
from ingest.store import make_client
from ingest.vectors import VectorStore, record_titles, unit_texts

LIVE = "live"
PART_CHARS = 2_000_000  # characters per part: one Chroma document stays well under a request's size limit
UNIT_ROWS = 800  # unit vectors per part (384 floats each, base64: about 1.6 MB)
PAGE = 200  # items per `get` when reading parts
_DUMMY = [1.0]  # the state items are read by ID, never searched: a one-number embedding each


STATE = "_state"  # the collection's name after the prefix


def state_collection(client: Any, prefix: str) -> Any:
    return client.get_or_create_collection(prefix + STATE, embedding_function=None)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class DocumentParts:
    """The parts of one document: its chunks, its records (when it has a matrix) and its unit vectors."""

    key: str  # a hash of the document's chunks: the same chunks, the same parts
    chunks: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    catalog: str | None = None


@dataclass
class Live:
    """What the pointer says: the live version of the index."""

    collection: str
    model: str
    version: str = field(default_factory=lambda: uuid.uuid4().hex)
    updated: float = field(default_factory=time.time)
    documents: dict[str, DocumentParts] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # unit vectors of the record titles
    glossary: str = ""
    manifest: str = ""

    def parts(self) -> set[str]:
        out = {p for d in self.documents.values() for p in (*d.chunks, *d.units, d.catalog) if p}
        return out | set(self.titles) | {p for p in (self.glossary, self.manifest) if p}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Live:
        raw = json.loads(text)
        raw["documents"] = {d: DocumentParts(**p) for d, p in raw.get("documents", {}).items()}
        return cls(**raw)


@dataclass
class Snapshot:
    """One version of the index, read whole."""

    live: Live
    chunks: list[Chunk]
    catalogs: dict[str, Catalog]
    glossary: Glossary
    manifest: Manifest
    vectors: VectorStore


class PartMissing(RuntimeError):
    """A part the pointer named is gone: a later publish replaced the version being read."""


_published = 0  # publishes made by this process: readers here see them without waiting for a check
_published_lock = threading.Lock()


def local_publishes() -> int:
    return _published


def document_key(chunks: list[Chunk]) -> str:
    return _sha("\n".join(json.dumps(asdict(c), sort_keys=True, ensure_ascii=False) for c in chunks))


def chunk_parts(chunks: list[Chunk]) -> list[str]:
    """A document's chunks as JSON texts of at most PART_CHARS characters (a longer chunk stands alone)."""
    parts: list[str] = []
    lines: list[str] = []
    size = 0
    for c in chunks:
        line = json.dumps(asdict(c), ensure_ascii=False)
        if lines and size + len(line) > PART_CHARS:
            parts.append("\n".join(lines))
            lines, size = [], 0
        lines.append(line)
        size += len(line) + 1
    if lines:
        parts.append("\n".join(lines))
    return parts


def unit_parts(texts: list[str], store: VectorStore) -> list[str]:
    """Texts and their vectors (float32, base64) in parts of at most UNIT_ROWS rows."""
    out = []
    for i in range(0, len(texts), UNIT_ROWS):
        batch = texts[i : i + UNIT_ROWS]
        matrix = np.stack([store.matrix[store.row[t]] for t in batch]).astype("float32")
        out.append(
            json.dumps(
                {
                    "texts": batch,
                    "dim": int(matrix.shape[1]),
                    "vectors": base64.b64encode(matrix.tobytes()).decode("ascii"),
                },
                ensure_ascii=False,
            )
        )
    return out


def read_units(payload: str) -> tuple[list[str], np.ndarray]:
    raw = json.loads(payload)
    matrix = np.frombuffer(base64.b64decode(raw["vectors"]), dtype="float32").reshape(-1, raw["dim"])
    return raw["texts"], matrix


class IndexState:
    """The pointer and parts in `<prefix>_state`; parsed parts are kept in memory by ID (they never change)."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.items = state_collection(client, prefix)
        self._parsed: dict[str, Any] = {}

    # -- reading

    def live(self) -> Live | None:
        """The pointer, or None before the first ingest."""
        got = self.items.get(ids=[LIVE], include=["documents"])
        if not got["ids"]:
            return None
        return Live.from_json(got["documents"][0])

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The parts' JSON texts by ID; PartMissing when one is gone."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for i in range(0, len(wanted), PAGE):
            got = self.items.get(ids=wanted[i : i + PAGE], include=["documents"])
            out.update(zip(got["ids"], got["documents"]))
        missing = [i for i in wanted if i not in out]
        if missing:
            raise PartMissing(f"{len(missing)} parts of the live index are gone (first: {missing[0]})")
        return out

    def _read(self, ids: list[str], parse: Any) -> list[Any]:
        todo = [i for i in ids if i not in self._parsed]
        for i, text in self.texts(todo).items():
            self._parsed[i] = parse(text)
        return [self._parsed[i] for i in ids]

    def snapshot(self, live: Live) -> Snapshot:
        """Every part of a version, parsed (parts read before are taken from memory)."""
        chunks: list[Chunk] = []
        catalogs: dict[str, Catalog] = {}
        texts: list[str] = []
        rows: list[np.ndarray] = []
        for doc, parts in sorted(live.documents.items()):
            for group in self._read(parts.chunks, lambda t: [Chunk(**json.loads(x)) for x in t.split("\n")]):
                chunks.extend(group)
            if parts.catalog:
                catalogs[doc] = self._read([parts.catalog], Catalog.model_validate_json)[0]
        for doc_parts in [d.units for _, d in sorted(live.documents.items())] + [live.titles]:
            for t, m in self._read(doc_parts, read_units):
                texts.extend(t)
                rows.append(m)
        glossary = (
            self._read([live.glossary], Glossary.model_validate_json)[0] if live.glossary else Glossary()
        )
        manifest = self._read([live.manifest], Manifest.from_json)[0] if live.manifest else Manifest()
        keep = live.parts()
        self._parsed = {i: v for i, v in self._parsed.items() if i in keep}  # memory follows the live version
        return Snapshot(live, chunks, catalogs, glossary, manifest, _vectors(texts, rows))

    def read(self, attempts: int = 3) -> Snapshot | None:
        """The live version, read whole; None before the first ingest."""
        for attempt in range(attempts):
            live = self.live()
            if live is None:
                return None
            try:
                return self.snapshot(live)
            except PartMissing:
                if attempt == attempts - 1:
                    raise
        return None

    # -- writing (under the ingest lease)

    def put(self, kind: str, payload: str) -> str:
        """Store a part under an ID made from its content; an ID that exists is left as it is."""
        part = f"{kind}/{_sha(payload)}"
        self.items.add(ids=[part], documents=[payload], metadatas=[{"kind": kind}], embeddings=[_DUMMY])
        return part

    def publish(self, live: Live) -> None:
        """Make `live` the live version, then delete the parts no longer named."""
        global _published
        self.items.upsert(
            ids=[LIVE], documents=[live.to_json()], metadatas=[{"kind": LIVE}], embeddings=[_DUMMY]
        )
        with _published_lock:
            _published += 1
        keep = live.parts() | {LIVE}
        stale: list[str] = []
        total = self.items.count()
        for offset in range(0, total, 1000):
            got = self.items.get(include=["metadatas"], limit=1000, offset=offset)
            stale += [
                i
                for i, m in zip(got["ids"], got["metadatas"])
                if i not in keep and (m or {}).get("kind") != "lease"
            ]
        for i in range(0, len(stale), 500):
            self.items.delete(ids=stale[i : i + 500])


def write_version(
    state: IndexState,
    live: Live,
    chunks: list[Chunk],
    catalogs: dict[str, Catalog],
    vectors: VectorStore,
    glossary: Glossary,
    manifest: Manifest,
    previous: Live | None,
) -> Live:
    """Store the parts of a new version (a document whose chunks are as `previous` had them keeps its parts)
    and make it live."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.document, []).append(c)
    before = previous.documents if previous is not None and previous.model == live.model else {}
    for doc, doc_chunks in by_doc.items():
        key = document_key(doc_chunks)
        parts = before.get(doc)
        if parts is None or parts.key != key:
            parts = DocumentParts(
                key,
                [state.put("chunks", p) for p in chunk_parts(doc_chunks)],
                [state.put("units", p) for p in unit_parts(unit_texts(doc_chunks, Catalog()), vectors)],
            )
        catalog = catalogs.get(doc)
        parts = DocumentParts(parts.key, parts.chunks, parts.units)
        if catalog is not None:
            parts.catalog = state.put("catalog", catalog.model_dump_json())
        live.documents[doc] = parts
    titles = list(dict.fromkeys(t for catalog in catalogs.values() for _, t in record_titles(catalog)))
    live.titles = [state.put("units", p) for p in unit_parts(titles, vectors)]
    live.glossary = state.put("glossary", glossary.model_dump_json())
    live.manifest = state.put("manifest", manifest.to_json())
    state.publish(live)
    return live


def _vectors(texts: list[str], rows: list[np.ndarray]) -> VectorStore:
    if not texts:
        return VectorStore()
    matrix = np.concatenate(rows).astype("float32", copy=False)
    first: dict[str, int] = {}
    for n, t in enumerate(texts):
        first.setdefault(t, n)
    if len(first) == len(texts):
        return VectorStore(texts, matrix)
    keep = sorted(first.values())
    return VectorStore([texts[n] for n in keep], matrix[keep])


def read_index(settings: Settings) -> Snapshot | None:
    """The live version of the index these settings name, read whole; None before the first ingest."""
    return IndexState(make_client(settings), settings.collection).read()
