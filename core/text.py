"""The one sentence splitter, shared by chunking, answers, quotes and drafts.

A sentence ends at '.', '!' or '?' (and, for quoting, ';') before a capital letter, a digit or an opening quote,
except after a dotted ID ("... and 1.4.2.2. Improvement of the portal" goes on) or a common abbreviation.
"""

from __future__ import annotations

import re
import unicodedata

_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")
_END_OR_SEMICOLON = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9“\"(])")
# what a piece may end with that is not the end of a sentence: an ID, an abbreviation, a colon
NO_END = re.compile(
    r"(?:\b\d{1,2}(?:\.\d{1,2}){1,3}\.?|\b(?:e\.g|i\.e|No|Nr|Art|viz|cf|etc|approx|Mr|Ms|Mrs|Dr|vs|St)\.|:)$"
)


def split_sentences(text: str, at_semicolons: bool = False) -> list[str]:
    """The sentences of a paragraph, in order, whitespace at their edges removed; nothing is dropped or changed."""
    out: list[str] = []
    for piece in (_END_OR_SEMICOLON if at_semicolons else _END).split(text):
        if out and NO_END.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


# ---------------------------------------------------------------- scripts and diacritics

_MINOR = frozenset("a an and at by for from in of on or the to with".split())
_PREDICATE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|should|must|may|did|does|do|not|no)\b"
    r"|\b[a-z][a-z-]+(?:ed|ing)\b|\d"
)


def is_label(sentence: str) -> bool:
    """Whether a sentence only names something (a body, a person, a role: a line of a list of stakeholders or
    contents) and states nothing: no figure, no verb, no closing stop or list comma, and mostly capitalised words."""
    text = sentence.strip(" ·•-–*")
    if not text or text[-1] in ".!?;:," or _PREDICATE.search(text):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if w.lower() not in _MINOR]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


CYRILLIC = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ",
        [
            *"a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š".split(),
            *"A B V G D Đ E Ž Z I J K L Lj M N Nj O P R S T Ć U F H C Č Dž Š".split(),
        ],
        strict=True,
    )
)
_FOLD = str.maketrans(
    {"š": "s", "đ": "dj", "č": "c", "ć": "c", "ž": "z", "Š": "S", "Đ": "Dj", "Č": "C", "Ć": "C", "Ž": "Z"}
)


def to_latin(text: str) -> str:
    """Serbian Cyrillic written in Latin letters; other text as it is."""
    return "".join(CYRILLIC.get(ch, ch) for ch in text)


_LATIN = {latin: cyr for cyr, latin in CYRILLIC.items()}
_LATIN.update({"LJ": "Љ", "NJ": "Њ", "DŽ": "Џ"})  # digraphs written in capitals
_LATIN_LETTERS = re.compile("|".join(sorted(map(re.escape, _LATIN), key=len, reverse=True)))


def to_cyrillic(text: str) -> str:
    """Serbian Latin written in Cyrillic letters (digraphs lj, nj, dž as one letter); other characters as they
    are. Only for Serbian text: IDs, numbers and English words must be kept out of it by the caller."""
    return _LATIN_LETTERS.sub(lambda m: _LATIN[m.group(0)], text)


def fold(text: str) -> str:
    """Latin Serbian without diacritics ('zašto' -> 'zasto', 'Đ' -> 'Dj'); other accents removed too."""
    text = text.translate(_FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
