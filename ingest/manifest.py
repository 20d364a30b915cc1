"""What the last ingest read: each document's size, time and content hash, and what it was read with.

An ingest loads and chunks only the documents whose content changed since (a size or time change
is confirmed by the content hash), so its cost follows what changed, not the corpus's size; when
nothing changed it writes nothing. "Read with" is the ingest code, the glossary and the model:
a change to any of them makes every document new again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CORE = PACKAGE.parent / "core"  # the sentence splitter and the ID grammar parse documents too


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def engine_stamp() -> str:
    """A hash of the ingest code itself and the core text utilities it parses with: new parsing rules
    re-read every document."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")) + sorted(CORE.glob("*.py")):
        digest.update(path.parent.name.encode() + path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Stamp:
    size: int
    mtime_ns: int
    sha256: str


def stamp_of(path: Path, before: Stamp | None = None) -> Stamp:
    """The file's stamp; the content is hashed only when size or time differ from `before`."""
    st = path.stat()
    if before is not None and before.size == st.st_size and before.mtime_ns == st.st_mtime_ns:
        return before
    return Stamp(st.st_size, st.st_mtime_ns, _sha(path.read_bytes()))


@dataclass
class Manifest:
    """The documents an ingest read and what it read them with."""

    reader: str = ""  # engine stamp, glossary hash and model, joined
    documents: dict[str, Stamp] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """The manifest a JSON text holds; an empty one (everything is read again) when it cannot be read."""
        try:
            raw = json.loads(text)
            return cls(raw["reader"], {k: Stamp(**v) for k, v in raw["documents"].items()})
        except (ValueError, KeyError, TypeError):
            return cls()

    def to_json(self) -> str:
        return json.dumps(
            {"reader": self.reader, "documents": {k: asdict(v) for k, v in sorted(self.documents.items())}},
            sort_keys=True,
        )


def reader_stamp(glossary_json: str, model_path: str) -> str:
    return "|".join((engine_stamp(), _sha(glossary_json.encode())[:16], model_path))
