"""Drafting a request end to end: from a measure ID, topic or free request to the DraftDoc."""

from __future__ import annotations

from core.settings import Settings, get_settings
from ingest.records import Catalog
from rag.draft.build import _entry
from rag.draft.models import DraftDoc, MeasureEntry
from rag.draft.refs import _Refs
from rag.draft.rewrite import _rewrite
from rag.draft.select import _Pick, _pick_measures
from rag.draft.text import _norm
from rag.draft.themes import THEMES, _general
from rag.draft.topics import DRAFT_VERB, _requested_measures, topic_of
from rag.index import Index, get_index


def _title(entries: list[MeasureEntry], topic: str, by_id: bool, catalog: Catalog) -> str:
    period = catalog.plan_period()
    if len(entries) == 1 and by_id:
        e = entries[0]
        return f"Draft {period} action plan entry: {catalog.label(e.id)} {e.title}"
    ids = ", ".join(e.id for e in entries)
    about = f"{topic} " if topic and not by_id else ""
    noun = "entry" if len(entries) == 1 else "entries"
    level = catalog.level_plural("measure") if len(entries) > 1 else catalog.level_name("measure").lower()
    return f"Draft {period} action plan {noun}: {about}({level} {ids})".replace(": (", ": ")


def draft(request: str, settings: Settings | None = None) -> DraftDoc:
    """Draft action-plan entries for a measure ID, a topic or a free request, from the evaluation only."""
    settings = settings or get_settings()
    index = get_index(settings)
    catalog = index.catalog
    text = _norm(request)
    refs = _Refs(catalog)
    if not text.strip(" ?!.,;:"):
        return DraftDoc(
            request=request,
            title="No draft",
            covered=False,
            message="Name a measure (for example 1.3.5) or a topic to draft an action-plan entry for.",
        )
    mids, bad = _requested_measures(text, catalog)
    by_id = bool(mids)
    topic = "" if by_id else topic_of(text)
    pick: _Pick | None = None
    if not mids and bad:
        return DraftDoc(
            request=request,
            title="No draft",
            covered=False,
            topic=topic,
            message=(
                f"The evaluation has no {bad[0]}: its IDs run from {catalog.id_range()}, "
                if catalog.has_matrix
                else f"The evaluation has no {bad[0]}: it holds no matrix, "
            )
            + "so there is nothing to draft from.",
        )
    if not mids:
        if not topic:
            return DraftDoc(
                request=request,
                title="No draft",
                covered=False,
                message="Name a measure (for example 1.3.5) or a topic to draft an action-plan entry for.",
            )
        pick = _pick_measures(index, topic)
        mids = pick.measures
    themes = [t for t in THEMES if t.request.search(text)] if not mids else []
    if not mids and not themes:
        subject = topic if (topic and DRAFT_VERB.match(text)) else text
        return DraftDoc(
            request=request,
            title="No draft: not covered by the evaluation",
            covered=False,
            off_topic=True,
            topic=topic,
            message=f"The evaluation does not cover “{subject}”: none of its measures, activities or "
            "findings deal with it, so no action-plan entry can be drafted from it without inventing one.",
        )
    entries = [_entry(index, catalog.record(mid), refs) for mid in mids]  # type: ignore[arg-type]
    general = _general(index, text, topic, themes, refs) if not entries else []
    if entries:
        title = _title(entries, topic, by_id, catalog)
    else:
        title = f"Draft {catalog.plan_period()} recommendation: " + " and ".join(
            t.label.lower() for t in themes
        )
    doc = DraftDoc(
        request=request,
        title=title,
        covered=True,
        entries=entries,
        citations=refs.items,
        general=general,
        topic=topic,
        period=refs.period,
        as_of=refs.as_of,
        matrix=catalog.matrix_name,
        measure_name=catalog.level_name("measure"),
        objective_name=catalog.level_name("objective"),
        activity_name=catalog.level_name("activity"),
    )
    doc.chunk_ids = _used_chunks(index, doc, refs, pick)
    _rewrite(doc, settings, index)
    return doc


# a draft's sources after each entry's own row: its activities' rows, the passages it quotes and its indicators' rows,
# one of each in turn, so that the first few show every kind of evidence the draft rests on (fit on dev's drafts:
# evidence hit@5 0.699 -> 0.854; the quoted passages first 0.835, all rows before the passages 0.699)
TURNS = ("activity", "quoted", "indicator")


def _used_chunks(index: Index, doc: DraftDoc, refs: _Refs, pick: _Pick | None) -> list[str]:
    own: list[str] = []
    by_kind: dict[str, list[str]] = {kind: [] for kind in TURNS}
    for e in doc.entries:
        keys = {e.id} | {a.id for a in e.activities + e.left_out} | {i.key for i in e.indicators}
        for c in index.chunks:
            if c.kind == "section" or c.record_id not in keys:
                continue
            if c.record_id == e.id and c.kind != "indicator":
                own.append(c.id)
            else:
                by_kind.setdefault(c.kind, []).append(c.id)
    by_kind["quoted"] = list(refs.chunks)
    ids = (
        own
        + in_turns([by_kind.pop(kind) for kind in TURNS])
        + [cid for rest in by_kind.values() for cid in rest]
    )
    if pick is not None and not doc.entries:
        ids += [h.chunk.id for h in pick.hits[:5]]
    return list(dict.fromkeys(ids))


def in_turns(queues: list[list[str]]) -> list[str]:
    """The items of the lists taken one from each in turn: [[a1, a2], [b1], [c1, c2]] -> a1 b1 c1 a2 c2."""
    out: list[str] = []
    for n in range(max((len(q) for q in queues), default=0)):
        out += [q[n] for q in queues if n < len(q)]
    return out
