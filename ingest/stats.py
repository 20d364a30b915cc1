"""Counts of what the index holds, read from the live version in the store."""

from __future__ import annotations

from core.settings import Settings, get_settings
from ingest.chunks import Chunk
from ingest.records import Catalog
from ingest.state import IndexState
from ingest.store import make_client, merge_catalogs


def index_stats(settings: Settings | None = None) -> dict:
    """Documents, chunks, objectives, measures, activities, indicators and activities per status."""
    settings = settings or get_settings()
    snapshot = IndexState(make_client(settings), settings.collection).read()
    if snapshot is None:
        return stats_of([], Catalog())
    return stats_of(snapshot.chunks, merge_catalogs(snapshot.catalogs.values()))


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
