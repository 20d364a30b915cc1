"""Tokens for BM25 and term overlap: IDs and numbers stay whole, words are lightly stemmed."""
from __future__ import annotations

import re

TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\d+|[a-zšđčćž]+(?:-[a-zšđčćž]+)*", re.I)
STOPWORDS = frozenset("""
a an the and or of to in on for by with from at as is are was were be been being it its this that these those
which who whom whose what when where why how do does did done has have had not no nor but if then than so such
there their they them he she his her we our you your i me my can could would should will shall may might must
into over under about after before during between through up down out off also any all each every some more most
other only own same very just per via vs ie eg etc
""".split())
SPELLING = {"center": "centre", "centers": "centres", "organization": "organisation", "digitization": "digitisation",
            "harmonization": "harmonisation", "optimization": "optimisation", "program": "programme",
            "programs": "programmes", "canceled": "cancelled", "favor": "favour"}


def stem(word: str) -> str:
    """A light English stemmer: enough to match plural and verb forms of the report's words."""
    w = SPELLING.get(word, word)
    if len(w) <= 4 or "-" in w:
        return w
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + repl
    return w


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased tokens; '1.4.2.2' and '1.643' stay whole; hyphenated words add their parts."""
    out: list[str] = []
    for raw in TOKEN.findall(text.lower()):
        raw = raw.rstrip(".,")
        if not raw:
            continue
        if raw[0].isdigit():
            out.append(raw)
            continue
        if "-" in raw:
            parts = [p for p in raw.split("-") if p]
            out.append(raw)
            out.extend(stem(p) for p in parts if p not in STOPWORDS and len(p) > 1)
            continue
        if not keep_stopwords and (raw in STOPWORDS or len(raw) < 2):
            continue
        out.append(stem(raw))
    return out
