"""Uploaded documents' original files, kept in the vector store (`<prefix>_files`) so that every instance can
serve them and re-read them.

Why there: an upload reaches one instance, but any instance may be asked for the file, and a later ingest
on any machine (a new parser, a new model) must read it again. The Chroma server is the one store every
instance already shares, so the originals live beside the index, not on one machine's disk or a shared
volume. A file is stored as base64 parts of PART_BYTES bytes (items `<name>#<n>`), with its SHA-256.
The corpus folder's `uploads/` is only where an instance stages the files it ingests.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

FILES = "_files"  # the collection's name after the prefix
PART_BYTES = 1_500_000
_DUMMY = [1.0]


class Originals:
    def __init__(self, client: Any, prefix: str) -> None:
        self.items = client.get_or_create_collection(prefix + FILES, embedding_function=None)

    def put(self, name: str, data: bytes) -> str:
        """Store a file under its document name (replacing an older one); returns its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        self.delete(name)
        parts = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
        for n, part in enumerate(parts):
            self.items.add(
                ids=[f"{name}#{n}"],
                documents=[base64.b64encode(part).decode("ascii")],
                metadatas=[{"name": name, "part": n, "parts": len(parts), "sha256": sha, "size": len(data)}],
                embeddings=[_DUMMY],
            )
        return sha

    def get(self, name: str) -> bytes | None:
        """The file, or None when there is none by that name (or a part is missing)."""
        got = self.items.get(where={"name": name}, include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        parts = sorted(zip(got["metadatas"], got["documents"]), key=lambda p: int(p[0]["part"]))
        if len(parts) != int(parts[0][0]["parts"]):
            return None
        data = b"".join(base64.b64decode(d) for _, d in parts)
        return data if hashlib.sha256(data).hexdigest() == parts[0][0]["sha256"] else None

    def _firsts(self) -> list[dict]:
        out = []
        total = self.items.count()
        for offset in range(0, total, 1000):
            got = self.items.get(include=["metadatas"], limit=1000, offset=offset)
            out += [dict(m) for m in got["metadatas"] if m and int(m.get("part", 0)) == 0]
        return out

    def names(self) -> dict[str, str]:
        """Document name -> SHA-256 of every stored file."""
        return {str(m["name"]): str(m["sha256"]) for m in self._firsts()}

    def sizes(self) -> dict[str, int]:
        """Document name -> size in bytes of every stored file."""
        return {str(m["name"]): int(m["size"]) for m in self._firsts()}

    def delete(self, name: str) -> None:
        self.items.delete(where={"name": name})
