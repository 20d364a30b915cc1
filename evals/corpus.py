"""What validity checks and baselines read from the corpus and index: text, files, catalog IDs, sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.metrics import normalise


def corpus_text(corpus_dir: Path) -> str:
    """Normalised text of every readable document in the corpus folder (for validity checks)."""
    from ingest.loaders import LoadError, discover, load

    parts = []
    for path in discover([Path(corpus_dir)]):
        try:
            parts.append(load(path, Path(corpus_dir)).text)
        except LoadError:
            continue
    return normalise("\n".join(parts))


def catalog_ids(catalog: Any) -> set[str]:
    """Every ID a citation may carry: objectives, measures, activities, indicators, the overall objective."""
    ids = set(catalog.all_ids())
    ids |= {ind.id for ind in getattr(catalog, "indicators", [])}
    if getattr(catalog, "overall", None) is not None:
        ids.add(catalog.overall.id)
    return ids


def section_ids(chunks: list[Any]) -> set[str]:
    """Every heading of the index's section tree, by label and by number ('3.2.4')."""
    out: set[str] = set()
    for c in chunks:
        for label in (c.section or "").split(" > "):
            if label:
                out.add(label)
                out.add(label.split(" ", 1)[0].rstrip("."))
    return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The plain-text files a TextLoader would read: *.txt and *.md, READMEs and hidden files left out."""
    from ingest.loaders import discover

    return [p for p in discover([Path(corpus_dir)]) if p.suffix.lower() in {".txt", ".md"}]
