"""Which records of the matrix the explorer's filters keep (objective, status, responsible entity, search
words): pure functions over the catalog, in the matrix's ID order."""

from __future__ import annotations

from ingest.records import Activity, Catalog, Indicator, Measure


def id_key(id_: str) -> list[int]:
    return [int(p) for p in id_.split(".") if p.isdigit()]


def matches(text_fields: list[str], query: str) -> bool:
    """Every word of the query appears somewhere in the fields (case-insensitive; IDs match by prefix)."""
    words = query.lower().split()
    if not words:
        return True
    haystack = " ".join(" ".join((t or "").lower().split()) for t in text_fields)
    return all(w in haystack for w in words)


def activity_text(a: Activity) -> list[str]:
    return [
        a.id,
        a.title,
        a.responsible,
        a.status_raw,
        a.reasoning,
        a.relevance,
        a.effectiveness,
        a.next_steps,
    ]


def filter_activities(cat: Catalog, f: dict) -> list[Activity]:
    return [
        a
        for a in sorted(cat.activities, key=lambda a: id_key(a.id))
        if (not f["objective"] or a.objective == f["objective"])
        and (not f["status"] or a.status in f["status"])
        and (not f["responsible"] or a.responsible in f["responsible"])
        and matches(activity_text(a), f["query"])
    ]


def filter_measures(cat: Catalog, f: dict, activities: list[Activity]) -> list[Measure]:
    narrowed = bool(f["status"] or f["responsible"])
    with_acts = {a.measure for a in activities}
    out = []
    for m in sorted(cat.measures, key=lambda m: id_key(m.id)):
        if f["objective"] and m.objective != f["objective"]:
            continue
        if narrowed and m.id not in with_acts:
            continue
        if f["query"] and not (
            matches([m.id, m.title, m.responsible, m.relevance], f["query"]) or m.id in with_acts
        ):
            continue
        out.append(m)
    return out


def filter_indicators(cat: Catalog, f: dict, measures: list[Measure]) -> list[Indicator]:
    keep_measures = {m.id for m in measures}
    out = []
    for ind in cat.indicators:
        owner = ind.owner
        obj = owner if owner.count(".") == 1 else (owner.rsplit(".", 1)[0] if owner.count(".") == 2 else "")
        if f["objective"] and obj != f["objective"]:
            continue
        if owner.count(".") == 2 and (f["status"] or f["responsible"]) and owner not in keep_measures:
            continue
        if f["query"] and not (matches([ind.name, owner], f["query"]) or owner in keep_measures):
            continue
        out.append(ind)
    return out
