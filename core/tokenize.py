"""Tokens for BM25 and term overlap: IDs and numbers stay whole, words are lightly stemmed."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\d+|[a-zšđčćž]+(?:-[a-zšđčćž]+)*", re.I)
STOPWORDS = frozenset(
    """
a an the and or of to in on for by with from at as is are was were be been being it its this that these those
which who whom whose what when where why how do does did done has have had not no nor but if then than so such
there their they them he she his her we our you your i me my can could would should will shall may might must
into over under about after before during between through up down out off also any all each every some more most
other only own same very just per via vs ie eg etc
""".split()
)
SPELLING = {
    "center": "centre",
    "centers": "centres",
    "program": "programme",
    "programs": "programmes",
    "canceled": "cancelled",
    "favor": "favour",
    "labor": "labour",
    "defense": "defence",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "license": "licence",
    "licenses": "licences",
}
_US_ENDINGS = (
    (
        re.compile(r"^(\w{4,})iz(e|ed|es|ing|ation|ations|er|ers)$"),
        r"\1is\2",
    ),  # organizations -> organisations
    (re.compile(r"^(\w{3,})yz(e|ed|es|ing|er|ers)$"), r"\1ys\2"),
)  # analyzed -> analysed


def uk_spelling(word: str) -> str:
    """The report's (UK) spelling of a lower-case word written the US way."""
    if word in SPELLING:
        return SPELLING[word]
    for pattern, repl in _US_ENDINGS:
        if pattern.match(word):
            return pattern.sub(repl, word)
    return word


# the past forms of irregular verbs, read as the verb (a stemmer leaves "took" and "taken" apart from "take");
# forms that are also common nouns or adjectives ("left", "found", "saw", "lead", "rose", "felt") are left out
IRREGULAR = {
    form: verb
    for verb, forms in {
        "arise": "arose arisen",
        "become": "became",
        "begin": "began begun",
        "break": "broke broken",
        "bring": "brought",
        "build": "built",
        "buy": "bought",
        "catch": "caught",
        "choose": "chose chosen",
        "come": "came",
        "deal": "dealt",
        "draw": "drew drawn",
        "fight": "fought",
        "forget": "forgot forgotten",
        "get": "got gotten",
        "give": "gave given",
        "go": "went gone",
        "grow": "grew grown",
        "hear": "heard",
        "hold": "held",
        "keep": "kept",
        "know": "knew known",
        "lose": "lost",
        "make": "made",
        "mean": "meant",
        "meet": "met",
        "pay": "paid",
        "run": "ran",
        "say": "said",
        "see": "seen",
        "seek": "sought",
        "sell": "sold",
        "send": "sent",
        "show": "shown",
        "speak": "spoke spoken",
        "spend": "spent",
        "stand": "stood",
        "take": "took taken",
        "teach": "taught",
        "tell": "told",
        "think": "thought",
        "throw": "threw thrown",
        "understand": "understood",
        "undertake": "undertook undertaken",
        "withdraw": "withdrew withdrawn",
        "win": "won",
        "write": "wrote written",
    }.items()
    for form in forms.split()
}

JOINED_PREFIXES = frozenset({"co", "re", "pre", "non", "sub", "inter", "multi"})

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a word, after folding US to UK spellings the report uses."""
    return _STEMMER.stemWord(IRREGULAR.get(word) or uk_spelling(word))


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Lower-cased tokens; '1.4.2.2' and '1.643' stay whole; hyphenated words add their parts."""
    return list(_tokens(text, keep_stopwords))


@lru_cache(maxsize=16384)  # record titles, sentences and questions are tokenized again and again
def _tokens(text: str, keep_stopwords: bool) -> tuple[str, ...]:
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
            if len(parts) == 2 and parts[0] in JOINED_PREFIXES:  # "co-ordinates" is "coordinates"
                out.append(stem(parts[0] + parts[1]))
            continue
        if not keep_stopwords and (raw in STOPWORDS or len(raw) < 2):
            continue
        out.append(stem(raw))
    return tuple(out)


def same_stem(a: str, b: str) -> bool:
    """Whether two stems name the same word family: equal, or one a prefix of the other (register/registry,
    certification/certified), both at least five letters long so short stems do not match by chance."""
    return a == b or len(a) >= 5 and len(b) >= 5 and (a.startswith(b) or b.startswith(a))
