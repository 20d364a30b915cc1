"""A question read into the engine's English: a Serbian one (or a follow-up to one) is read word by word
(`rag/serbian.py`), and what the glossary says its Serbian names mean is added beside it. The evaluation is
in English, so this is what ask() searches and answers with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import fold, to_latin
from core.tokenize import tokenize
from rag.index import Index
from rag.models import Turn
from rag.serbian import is_serbian, to_english
from rag.spelling import respelt


@dataclass(frozen=True)
class Reading:
    """What ask() works with: the question and earlier user turns in English, and the question's own words."""

    text: str  # the question in English, with the meanings of the names it uses
    own: str  # its own words: a Serbian reading's glossary meanings are not names the question uses
    turns: list[Turn]
    serbian: bool
    unread: tuple[str, ...] = ()  # a Serbian question's words that nothing reads (dropped from `text`)


def read(text: str, turns: list[Turn], index: Index) -> Reading:
    """The question as the engine reads it; an English one as it is."""
    serbian = is_serbian(text) or any(t.role == "user" and is_serbian(t.content) for t in turns[-2:])
    if not serbian:
        text = corpus_spelling(text, index)
        return Reading(text, text, turns, False)
    unread: list[str] = []
    own, meanings = serbian_reading(text, index, unread)
    own = corpus_spelling(own, index, typos=False)  # a Serbian word the reading kept is no English typo
    english = [
        Turn(role=t.role, content=from_serbian(t.content, index)) if t.role == "user" else t for t in turns
    ]
    return Reading(f"{own} {meanings}".strip(), own, english, True, tuple(unread))


def from_serbian(text: str, index: Index) -> str:
    """A Serbian question in the engine's English, with the bodies and things its Serbian names name."""
    return " ".join(serbian_reading(text, index)).strip()


def serbian_reading(text: str, index: Index, unread: list[str] | None = None) -> tuple[str, str]:
    """A Serbian question's English reading, and apart from it what the glossary says its names mean (the words
    nothing reads go to `unread`, when given)."""
    latin = to_latin(text)
    cognates = index.cognates()
    english = to_english(text, index.idf, tokenize, cognates.find, cognates.name, unread)
    named = list(dict.fromkeys(index.names.bodies_named(latin) + index.names.bodies_named(fold(latin))))
    terms = [
        means
        for pattern, means in index.names.term_patterns()
        if pattern.search(latin) or pattern.search(fold(latin))
    ]
    return english, " ".join([*named, *terms])


# English auxiliaries whose negation chat often types without the apostrophe ("havent", "didnt")
NEGATED = {
    f"{aux}nt": f"{aux}n't"
    for aux in "is are was were has have had do does did could should would must need".split()
} | {"cant": "can't", "wont": "won't"}
# chat's spellings of everyday English words, and question words typed without the apostrophe
CHAT = {
    "ppl": "people",
    "govt": "government",
    "govts": "governments",
    "mgmt": "management",
    "dept": "department",
    "depts": "departments",
    "doc": "document",
    "docs": "documents",
    "org": "organisation",
    "orgs": "organisations",
    "yr": "year",
    "yrs": "years",
    "qtr": "quarter",
    "hrs": "hours",
    "approx": "approximately",
    "abt": "about",
    "msg": "message",
    "reqs": "requirements",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
} | {f"{wh}s": f"{wh}'s" for wh in "what where who how that there".split()}


def corpus_spelling(text: str, index: Index, typos: bool = True) -> str:
    """The question with a word the corpus never uses spelt as the corpus does: written solid where the corpus
    hyphenates it ("email" -> "e-mail"), or clipped where the corpus writes it in full ("e-gov" ->
    "e-government"), so that both find the same passages. Chat's spellings of everyday words ("ppl", "govt")
    and negations typed without the apostrophe ("havent") are read as the words they stand for; with `typos`, a
    lowercase word no dictionary knows as the corpus word one edit away ("staus" -> "status")."""

    def respell(m: re.Match[str]) -> str:
        word = m.group(0)
        tokens = tokenize(word)  # a hyphenated word is known when the corpus uses it whole
        if not tokens or (tokens[0] in index.idf if "-" in word else any(t in index.idf for t in tokens)):
            return word
        low = word.lower()
        return (
            index.unhyphenated.get(low)
            or NEGATED.get(low)
            or CHAT.get(low)
            or unclipped(low, index.written)
            or (
                typos
                and (word.islower() or m.start() == 0)
                and not contracted(m)
                and respelt(low, index.written)
            )
            or word
        )

    return re.sub(r"[^\W\d_]+(?:-[^\W\d_]+)*", respell, text)


def contracted(m: re.Match[str]) -> bool:
    """Whether the word is the first part of a contraction ("hasn" of "hasn't"): no typo."""
    return m.string[m.end() : m.end() + 1] in {"'", "’"}


CLIPPED_MIN = 4  # letters of a clipped word ("info", "e-gov"); shorter ones are too often another word
DOMINANT = 0.5  # the full word must have more than this share of the words it begins


def unclipped(word: str, written: dict[str, int]) -> str | None:
    """The corpus word a clipped word the corpus never uses stands for ("e-gov" -> "e-government", "admin" ->
    "administrative"): the most frequent corpus word it begins, when that word is most of them."""
    if len(word.replace("-", "")) < CLIPPED_MIN:
        return None
    longer = {w: n for w, n in written.items() if w.startswith(word) and len(w) >= len(word) + 3}
    if not longer:
        return None
    best = max(longer, key=lambda w: (longer[w], w))
    return best if longer[best] >= 2 and longer[best] > DOMINANT * sum(longer.values()) else None
