"""A bilingual word list read from a data file: Serbian stems, each with the English an evaluation would use.

`rag/sr_en.tsv` holds general Serbian (administration, law, finance, IT, everyday words of questions), no name
of any body, system or place: those come from the corpus's glossary. A line is `stem<TAB>english`:

- a stem matches a word that starts with it and goes on for at most `MAX_ENDING` letters (its inflection:
  "ugovor" matches "ugovori", "ugovorom"); the longest matching stem wins;
- `=word` matches that word only (short words: "=rok");
- stems separated by spaces are a phrase, matched on consecutive words ("nije obezbedjen" -> "not secured").

Words are compared in one spelling: Latin, lower case, no diacritics, and "dj" as "d" (people who type without
diacritics write đ either way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.text import fold, to_latin

LEXICON_FILE = Path(__file__).resolve().parent / "sr_en.tsv"
MAX_ENDING = 5  # letters an inflected word may add to its stem
MIN_STEM = 4  # a shorter entry must be written as an exact word ("=rok")


# a genitive plural that puts an "a" between a stem's last two consonants: "incident" -> "incidenata"
FLEETING_A = re.compile(r"([^aeiou])a([^aeiou])a$")
# the masculine past of a verb: "razvio", "uspostavio", "pokrenuo" (the feminine keeps the l: "razvila")
MASCULINE_PAST = re.compile(r"([aeiu])o$")


def spelling(word: str) -> str:
    """The one spelling words are compared in: 'Pravosuđu', 'pravosudju' and 'правосуђу' -> 'pravosudu'."""
    return fold(to_latin(word)).lower().replace("dj", "d")


@dataclass(frozen=True)
class Lexicon:
    exact: dict[str, str]
    stems: dict[str, str]
    # a phrase's first stem -> (all its stems, english), longest first
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]

    def word(self, token: str) -> str | None:
        """The English of one word, or None when the list does not have it. A genitive plural with a fleeting
        "a" ("incidenata", "dokumenata") is also read without it ("incidenta": the stem "incident")."""
        w = spelling(token)
        # a masculine l-participle drops its l: "razvio" is the stem "razvil" of "razvila", "razvili"
        forms = (w, FLEETING_A.sub(r"\1\2a", w), MASCULINE_PAST.sub(r"\1l", w))
        for form in dict.fromkeys(forms):  # as written first
            if form in self.exact:
                return self.exact[form]
            for n in range(len(form), max(MIN_STEM, len(form) - MAX_ENDING) - 1, -1):
                if (english := self.stems.get(form[:n])) is not None:
                    return english
        return None

    def phrase(self, tokens: list[str], start: int) -> tuple[int, str] | None:
        """The longest phrase that starts at `tokens[start]`: how many tokens it takes, and its English."""
        first = spelling(tokens[start])
        for n in range(len(first), 0, -1):
            for stems, english in self.phrases.get(first[:n], ()):
                words = tokens[start : start + len(stems)]
                if len(words) == len(stems) and all(_matches(spelling(w), s) for w, s in zip(words, stems)):
                    return len(stems), english
        return None


def _matches(word: str, stem: str) -> bool:
    if stem.startswith("="):
        return word == stem[1:]
    return word.startswith(stem) and len(word) - len(stem) <= MAX_ENDING


def parse(lines: list[str]) -> Lexicon:
    """A lexicon from the file's lines; raises ValueError naming the first line that breaks the format."""
    exact: dict[str, str] = {}
    stems: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        serbian, tab, english = line.partition("\t")
        english = english.strip()
        if not tab or not serbian.strip() or not english:
            raise ValueError(f"line {number}: expected 'stem<TAB>english', got {line!r}")
        parts = ["=" + spelling(p[1:]) if p.startswith("=") else spelling(p) for p in serbian.split()]
        if len(parts) > 1:
            key = parts[0].lstrip("=")
            phrases.setdefault(key, []).append((tuple(parts), english))
        elif parts[0].startswith("="):
            exact[parts[0][1:]] = english
        elif len(parts[0]) < MIN_STEM:
            raise ValueError(f"line {number}: stem {parts[0]!r} is shorter than {MIN_STEM}; write it as '='")
        else:
            stems[parts[0]] = english
    ordered = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in phrases.items()}
    return Lexicon(exact=exact, stems=stems, phrases=ordered)


@lru_cache(maxsize=4)
def load(path: Path = LEXICON_FILE) -> Lexicon:
    return parse(path.read_text(encoding="utf-8").splitlines())
