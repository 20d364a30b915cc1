"""A word typed wrong, read as the corpus word it stands for ("staus" -> "status", "datsets" -> "datasets",
"activites" -> "activities"), so that a hurried question finds what it means.

Only a word that neither the corpus nor an English dictionary knows is read again, and only as a corpus word one
edit away (a letter left out, added, changed or two swapped), its most frequent one when several are; a word of
fewer than six letters only for a letter left out. Everyday words one edit away are not offered: informal
clippings the dictionary lacks ("comms", "tech", "admin") are one edit from other everyday words ("comes",
"teach", "admit"). A name is left as written: a capitalised word inside the question may be one the evaluation
never mentions, and the answerer must see it to say so. The dictionary is pyspellchecker's English word list
(MIT); it knows American spellings, so a British one ("digitalisation") counts as English when its American form
is known.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spellchecker import SpellChecker

MIN_LETTERS = 4  # shorter words ("wat", "hw") are too often another word one edit away
# below this length only a letter left out is read as a typo ("staus", "portl"): a short word with a letter changed
# or added is as often a clipping that is one edit from another word ("comms" / "comes", "wats" / "was")
ANY_EDIT = 6
# British endings and their American forms, for the dictionary
BRITISH = (
    (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"our(s?)$"), r"or\1"),
    (re.compile(r"tre(s?)$"), r"ter\1"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
    (re.compile(r"ll(ed|ing)$"), r"l\1"),
    (re.compile(r"mme(s?)$"), r"m\1"),
)


@lru_cache(maxsize=1)
def dictionary() -> SpellChecker:
    """The English word list (loaded once; the start-up warm-up loads it)."""
    return SpellChecker(language="en", distance=1)


def is_english(word: str) -> bool:
    """Whether the dictionary knows the word, in its own or its American spelling."""
    known = dictionary()
    return word in known or any(p.search(word) and p.sub(r, word) in known for p, r in BRITISH)


def respelt(word: str, written: dict[str, int]) -> str | None:
    """The corpus word a misspelt lowercase word stands for, or None when it is no typo or no corpus word is one
    edit away."""
    if len(word) < MIN_LETTERS or not word.isalpha() or not word.islower() or word in written:
        return None
    if is_english(word):
        return None
    near = [
        w
        for w in dictionary().edit_distance_1(word)
        if w in written and (len(word) >= ANY_EDIT or len(w) == len(word) + 1)
    ]
    return max(near, key=lambda w: (written[w], w)) if near else None
