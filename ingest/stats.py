"""Counts of what the index holds, read from the files beside the collection."""

from __future__ import annotations

from core.settings import Settings, get_settings
from ingest.chunks import Chunk
from ingest.records import Catalog
from ingest.store import IndexFiles


def index_stats(settings: Settings | None = None) -> dict:
    """Documents, chunks, objectives, measures, activities, indicators and activities per status."""
    settings = settings or get_settings()
    files = IndexFiles(settings.data_dir)
    return stats_of(files.load_chunks(), files.load_catalog())


def stats_of(chunks: list[Chunk], catalog: Catalog) -> dict:
    """The same counts for chunks and a catalog already loaded."""
    return {
        "documents": len({c.document for c in chunks}),
        "chunks": len(chunks),
        "objectives": len(catalog.objectives),
        "measures": len(catalog.measures),
        "activities": len(catalog.activities),
        "indicators": len(catalog.indicators),
        "statuses": catalog.status_counts(),
    }
