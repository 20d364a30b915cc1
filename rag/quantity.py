"""Quantity questions: what a "how many X" or "what share of X were Y" question counts, and
whether any evidence states a number for it. A figure the evaluation never gives must not be
answered with a figure for something else (14 service centres is not a count of citizens served).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.tokenize import same_stem, tokenize

VERBS = (
    "were|was|are|is|have|has|had|did|do|does|can|could|will|got|get|use|used|uses|said|say|says|rate|rated"
)
_VERBS = (
    VERBS
    + "|in|at|on|for|by|per|under|from|with|through|within|across|among|amongst|between|compared|according"
)
# a full stop or comma inside a number ("1.161 trainees", "2,600 procedures") is no punctuation
_PUNCT = r"(?:[?;:]|[.,](?!\d))"
_WORD = r"(?:[\w\s'’-]|(?<=\d)[.,](?=\d))"  # a character of a counted phrase
_END = r"(?=\s+(?:" + _VERBS + r")\b|\s*" + _PUNCT + r"|\s*$)"  # where the counted noun phrase stops
_ASKS = (
    r"(?:^|[,;:.?!]\s*|\b(?:and|but|so|then|exactly|roughly|approximately|about)\s+)\s*"  # the clause asks it
)
SHARES = "share|percentage|proportion|per ?cent|fraction|rate"  # the words that name a share
QUANTITY = re.compile(
    _ASKS
    + r"(?P<ask>how many\s+(?!of\b)(?P<count>"
    + _WORD
    + r"{2,60}?)"
    + _END
    # "how many of the X were Y" counts the Y among the X, as "what share of the X were Y" does
    + r"|(?:what (?:share|percentage|proportion|per ?cent|fraction)|how many) of (?:the\s+)?(?P<whole>"
    + _WORD
    + r"{2,60}?)"
    + _END
    # the part is in the same clause (a spaced dash ends it: "... - is it going up?"), and no pronoun
    + r"(?:(?:(?!\s-\s)[\w\s-]){0,40}?\s+(?:were|was|are|is)\s+(?!(?:it|they|this|that|there)\b)"
    + r"(?P<part>[\w\s-]{2,30}?)(?=\s*"
    + _PUNCT
    + r"|\s*$|\s+(?:in|at|on|by|for)\b|\s-\s))?)",
    re.I,
)
# "the number of X" opening a clause asks what "how many X" asks
_NUMBER_OF = re.compile(
    r"(^|[,;:.?!]\s*)(?:(?:what|which)(?:'s|\s+is|\s+was|\s+were)\s+)?(?:the\s+)?(?:total\s+|overall\s+|exact\s+)?"
    r"number\s+of\s+(?:the\s+)?",
    re.I,
)


def _as_count(question: str) -> str:
    """The question with "the number of X" read as "how many X"."""
    return _NUMBER_OF.sub(lambda m: m.group(1) + "how many ", question)


def _quantity(question: str) -> re.Match[str] | None:
    """The quantity a question asks for ("how many X", "the number of X", "what share of X")."""
    return QUANTITY.search(_as_count(question))


_FILLER = frozenset(
    tokenize(
        "the a an of in on at for to by with from that which who they their them it its this these "
        "those there what how many much programme program evaluation "
        "total overall exact actual"
    )
)
# the words that ask for a figure: they say nothing of what the figure is about
COUNT_WORDS = _FILLER | frozenset(tokenize("number numbers amount count figure absolute"))
_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty fifty hundred "
    "thousand dozen half none".split()
)
_PEOPLE = frozenset(
    tokenize(
        "people persons individuals citizens residents users participants attendees trainees "
        "interviewees respondents staff employees"
    )
)
_ANYONE = frozenset(tokenize("people persons individuals"))
# every noun for people (a count of them is answered only by a figure for people)
PERSONS = _PEOPLE | frozenset(
    tokenize(
        "servants officers judges experts inspectors members women men students workers specialists "
        "professionals consultants"
    )
)
BEFORE, AFTER = 3, 5  # a figure counts a thing when it stands this close before or after the thing's name
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class Counted:
    """A thing a quantity question counts: the question's word for it and every word that names it."""

    word: str
    names: frozenset[str]


_BREAK = frozenset(
    "to of for about from that which who whom whose with on in at by under across through into "
    "than per within had has have been be were was are is did do does will would can could got get "
    "went took made came".split()
)


def noun_phrase(phrase: str) -> str:
    """The noun phrase a counted phrase starts with: up to a preposition, a relative word or a participle
    ("requests to fix wrong information" -> "requests", "servants trained by the academy" -> "servants")."""
    raw = phrase.split()

    def breaks(n: int) -> bool:
        word = raw[n].lower()
        # a participle after the noun ends it ("servants trained by"), one before a noun does not ("waiting time")
        participle = re.search(r"(?:ed|ing)$", word) and (n + 1 == len(raw) or raw[n + 1].lower() in _BREAK)
        return word in _BREAK or bool(participle)

    cut = next((n for n in range(1, len(raw)) if breaks(n)), len(raw))
    return " ".join(raw[:cut])


def head_word(phrase: str, filler: frozenset[str] = frozenset()) -> str:
    """The last content word of the phrase's noun phrase, as written ('' when there is none)."""
    words = [
        w
        for w in re.findall(r"[\w-]+", noun_phrase(phrase))
        if tokenize(w) and tokenize(w)[0] not in _FILLER | filler
    ]
    return words[-1] if words else ""


def _head(part: str, known: set[str] | dict, expand: Callable[[str], str]) -> Counted | None:
    """What a noun phrase counts: its last known word, with its everyday synonyms."""
    options: set[str] = set()
    word = ""
    for alternative in re.split(r"\s+or\s+", part):
        alternative = noun_phrase(alternative)
        # a number is no noun: "citizens served in 2021" counts citizens, not 2021
        words = [t for t in tokenize(alternative) if t not in _FILLER and t in known and not t[0].isdigit()]
        if words:
            word = word or words[-1]
            options.add(words[-1])
            options.update(tokenize(expand(alternative)[len(alternative) :]))
            if words[-1] in _ANYONE:  # "how many people" counts citizens, users, participants, trainees ...
                options.update(_PEOPLE)
    return Counted(word, frozenset(options)) if word else None


def counted(question: str, known: set[str] | dict, expand: Callable[[str], str] = str) -> list[Counted]:
    """For a quantity question, the things it counts; [] for other questions.

    Only words the corpus knows are used: a word it never uses is for the unknown-name checks.
    """
    m = _quantity(question)
    if not m:
        return []
    out = []
    for name in ("count", "whole", "part"):
        phrase = (m.group(name) or "").strip()
        phrase = re.split(r"\s+and\s+", re.sub(r"\s+(?:and|or)$", "", phrase))[-1] if phrase else ""
        head = _head(phrase, known, expand) if phrase else None
        if head is not None:
            out.append(head)
    return out


def counted_phrase(question: str) -> str:
    """The phrase a "how many" question counts, as written ("cyber attacks"); '' for other questions."""
    m = _quantity(question)
    return (m.group("count") or "").strip() if m else ""


MEASURE = re.compile(
    rf"^(?:the\s+)?(?:number|amount|{SHARES})\s+of\s+(?:the\s+)?(?P<what>.+)$",
    re.I,
)


SHARE = re.compile(rf"\b(?:{SHARES})\b|%", re.I)  # a question that asks for a share
_SHARE_NAME = re.compile(rf"^\s*(?:the\s+)?(?:{SHARES})\s+of\b", re.I)
_UNIT = re.compile(r"\((%|number)\)", re.I)  # the unit a row's name ends with, when it gives one


def measures_share(name: str) -> bool:
    """Whether a row's name measures a share ("Percentage of ...", "... (%)"): its values count no things. The
    unit the name gives decides ("The percentage of courts ... (Number)" counts courts)."""
    unit = _UNIT.search(name)
    return unit.group(1) == "%" if unit else bool(_SHARE_NAME.match(name))


def measured(name: str) -> set[str]:
    """What an indicator counts, as word tokens: the noun phrase its name measures ("Number of active users of
    services at the Portal" -> {activ, user}); empty when the name does not say "number/share/... of"."""
    m = MEASURE.match(" ".join(re.sub(r"\([^)]*\)", " ", name).split()))
    return {t for t in tokenize(noun_phrase(m.group("what"))) if t not in _FILLER} if m else set()


def counts_what(question: str, name: str) -> float:
    """How much of what a "how many"/"what share of" question counts the indicator's name counts (0-1): the
    share of the question's counted noun phrase in the noun phrase the name measures; none for a "how many"
    against a name that measures a share."""
    m = _quantity(question)
    phrase = (m.group("count") or m.group("whole") or "") if m else ""
    wanted = {t for t in tokenize(noun_phrase(phrase)) if t not in _FILLER} if phrase.strip() else set()
    if not wanted or m and m.group("count") and not SHARE.search(question) and measures_share(name):
        return 0.0  # a share is no count of things (see states_count)
    return len(wanted & measured(name)) / len(wanted)


def asked(question: str) -> str:
    """The quantity the question asks for, in its own words ("how many citizens were served at ...")."""
    question = _as_count(question)
    m = QUANTITY.search(question)
    if not m:
        return ""
    clause = re.split(r"[?!]|\.(?:\s|$)", question[m.start("ask") :])[0].strip()
    return clause[:1].lower() + clause[1:]


def _figure(token: str, skip: set[str]) -> str:
    """'number', 'year' (1900-2099: a year, or a count only right before its noun) or '' for other tokens."""
    if token in _WORDS:
        return "number"
    if not token[:1].isdigit() or token in skip:
        return ""
    return "year" if _YEAR.match(token) else "number"


_DATING = frozenset(
    "in since by of from until till to and or between during before after end early late mid q1 q2 q3 q4".split()
)


def _near(words: list[set[str]], head: frozenset[str], figures: dict[int, str], raw: list[str]) -> bool:
    """A figure just before a word of the head ("787.110 citizens") or shortly after it ("users: 1.498")."""
    for n, w in enumerate(words):
        if not w & head:
            continue
        for f, kind in figures.items():
            if kind == "year":  # "1900 citizens" counts; "in 2021 citizens" dates
                if f == n - 1 and (f == 0 or raw[f - 1].lower().strip(",;:(") not in _DATING):
                    return True
            elif -BEFORE <= f - n < 0 or 0 < f - n <= AFTER:
                return True
    return False


def _shares_stem(words: set[str] | frozenset[str], others: set[str] | frozenset[str]) -> bool:
    """Whether a word of one set is of the same family as a word of the other ("certif", "certifi")."""
    return any(same_stem(a, b) for a in words for b in others)


@dataclass(frozen=True)
class Passage:
    """A sentence that may state a figure, and the text around it (its chunk) that says what it is about."""

    text: str
    context: str = ""


@dataclass(frozen=True)
class Row:
    """A table row such as an indicator: its name says what its values count."""

    name: str
    values: str


def states_count(
    wanted: list[Counted],
    passages: Iterable[Passage],
    rows: Iterable[Row] = (),
    ids: Iterable[str] = (),
    topic: set[str] | frozenset[str] = frozenset(),
    qualifiers: Iterable[set[str]] = (),
    share: bool = False,
) -> bool:
    """Whether the evidence gives a figure for every thing the question counts, on the question's topic.

    A sentence must carry the figure next to the thing's name and a topic word; the qualifiers
    the question narrows the count by ("the Ministry of Interior") must appear around it. A row
    counts what its name says, or, when its name carries every qualifier and a topic word, the
    thing the question counts under another name ("employees certified for ITIL" for "civil servants
    who got ITIL certification"), if it also says what happened to them (a topic word besides the qualifiers).
    A row that measures a share gives no count of things unless the question asks for a share (`share`).
    Only a thing the evidence names without a figure fails the check.
    """
    if not wanted:
        return True
    passages, rows = list(passages), list(rows)
    qualifiers = [q for q in qualifiers if q]
    seen: set[str] = set()
    for text in [*(p.text for p in passages), *(r.name + " " + r.values for r in rows)]:
        seen.update(tokenize(text))
    if any(not head.names & seen for head in wanted):
        return True  # the evidence never names the thing: it may use another word for it, so this check cannot judge
    skip = set(ids)
    qualified = set().union(*qualifiers) if qualifiers else set()
    for row in rows:
        if not share and measures_share(row.name):
            continue
        name, every = set(tokenize(row.name)), set(tokenize(row.name + " " + row.values))
        names_it = (
            all(head.names & name for head in wanted)
            and (not topic or topic & every)
            and all(q & every for q in qualifiers)
        )
        renames_it = (
            bool(qualifiers) and all(q & name for q in qualifiers) and _shares_stem(topic - qualified, name)
        )
        if (names_it or renames_it) and any(_figure(t, skip) == "number" for t in tokenize(row.values)):
            return True
    for passage in passages:
        raw = passage.text.split()
        words = [set(tokenize(w, keep_stopwords=True)) for w in raw]
        present = set().union(*words) if words else set()
        around = present | set(tokenize(passage.context))
        if topic and not topic & present or not all(q & around for q in qualifiers):
            continue
        figures = {f: kind for f, kind in _figures(words, skip).items() if share or not _percentage(raw, f)}
        if figures and all(_near(words, head.names, figures, raw) for head in wanted):
            return True
    return False


def _percentage(raw: list[str], n: int) -> bool:
    """Whether the figure at position n is a percentage ("85%", "85 %", "85 per cent"): no count of things."""
    after = raw[n + 1].lower() if n + 1 < len(raw) else ""
    return (
        "%" in raw[n]
        or after.startswith(("%", "percent"))
        or after == "per"
        and n + 2 < len(raw)
        and raw[n + 2].lower().startswith("cent")
    )


def _figures(words: list[set[str]], skip: set[str]) -> dict[int, str]:
    """The positions of a text's figures, and their kind ('number' or 'year')."""
    figures = {}
    for n, w in enumerate(words):
        kinds = {_figure(t, skip) for t in w}
        if kinds - {""}:
            figures[n] = "number" if "number" in kinds else "year"
    return figures


def counts_other_kind(counted_words: set[str], names: list[str]) -> bool:
    """Whether a count of people is answered with indicators whose names count no people (courts, services,
    events): "how many judges were trained" is not answered by the number of courts."""
    return bool(counted_words & PERSONS and names) and not any(set(tokenize(n)) & PERSONS for n in names)


def counts_people(texts: Iterable[str], ids: Iterable[str] = ()) -> bool:
    """Whether one of the texts gives a figure for people ("51 interviewees", "users: 1.498")."""
    skip = set(ids)
    for text in texts:
        raw = text.split()
        words = [set(tokenize(w, keep_stopwords=True)) for w in raw]
        figures = _figures(words, skip)
        if figures and _near(words, PERSONS, figures, raw):
            return True
    return False


def counts_things(texts: Iterable[str], ids: Iterable[str] = ()) -> bool:
    """Whether one of the texts gives a count of things: a figure that is no year and no percentage."""
    skip = set(ids)
    for text in texts:
        raw = text.split()
        words = [set(tokenize(w, keep_stopwords=True)) for w in raw]
        if any(kind == "number" and not _percentage(raw, n) for n, kind in _figures(words, skip).items()):
            return True
    return False
