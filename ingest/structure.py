"""Facts a document states about itself: the programme period and the abbreviations it defines."""

from __future__ import annotations

import re
from collections import Counter

from ingest.records import Catalog

YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)?\d\d)\b")
# "National Digital Agency (NDA)": capitalised words on one line, then the abbreviation in brackets
DEFINED = re.compile(
    r"((?:[A-Z][\w’'-]*[ \t]+(?:(?:of|and|for|the|on|in|to|&)[ \t]+)*){1,8})\(([A-Z][A-Za-z]{1,9})\)"
)
SMALL = {"of", "and", "for", "the", "on", "in", "to", "&"}


def year_ranges(text: str) -> Counter[tuple[int, int]]:
    """Every 'YYYY-YYYY' (or 'YYYY-YY') range in the text, counted."""
    out: Counter[tuple[int, int]] = Counter()
    for a, b in YEAR_RANGE.findall(text):
        start, end = int(a), int(b) if len(b) == 4 else int(a[:2] + b)
        if 0 < end - start <= 10:
            out[(start, end)] += 1
    return out


def programme_period(text: str, catalog: Catalog) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The evaluated programme's years and the next programme's, when the document names them.

    The evaluated period is the year range that best overlaps the years the matrix's indicator columns
    report (ties: the one named first); without a matrix, the first range named. The next period is
    the most named range that starts after it.
    """
    ranges = year_ranges(text)
    if not ranges:
        return None, None
    first_seen = {r: n for n, r in enumerate(dict.fromkeys(_in_order(text)))}
    years = {v.year for ind in catalog.indicators for v in ind.values if v.year}

    def overlap(r: tuple[int, int]) -> float:  # Jaccard of the range's years and the columns' years
        span = set(range(r[0], r[1] + 1))
        return len(span & years) / len(span | years)

    period = (
        max(ranges, key=lambda r: (overlap(r), -first_seen.get(r, 0)))
        if years
        else min(ranges, key=lambda r: first_seen.get(r, 0))
    )
    later = [r for r in ranges if r[0] > period[1]]
    nxt = max(later, key=lambda r: (ranges[r], -r[0])) if later else None
    return period, nxt


def _in_order(text: str) -> list[tuple[int, int]]:
    out = []
    for a, b in YEAR_RANGE.findall(text):
        out.append((int(a), int(b) if len(b) == 4 else int(a[:2] + b)))
    return out


def _initials_fit(long: list[str], abbr: str) -> bool:
    """The abbreviation's letters are taken, in order, from the starts of the long name's words."""
    words = [w for w in long if w.lower() not in SMALL]
    letters = abbr.upper()
    i = 0
    for w in words:
        if i < len(letters) and w[0].upper() == letters[i]:
            i += 1
            while (
                i < len(letters)
                and len(w) > 1
                and letters[i] in w[1:].upper()
                and i < len(letters) - (len(words) - words.index(w) - 1)
            ):
                i += 1
    return i == len(letters) and len(words) >= 2


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviation -> long name, for every 'Long Name (ABBR)' whose initials fit."""
    out: dict[str, str] = {}
    for long, abbr in DEFINED.findall(text):
        words = long.split()
        # the long name ends at the abbreviation; keep the shortest tail of words whose initials fit
        for start in range(len(words) - 1, -1, -1):
            tail = words[start:]
            if tail[0].lower() in SMALL:
                continue
            if _initials_fit(tail, abbr):
                out.setdefault(abbr, " ".join(tail))
                break
    return out
