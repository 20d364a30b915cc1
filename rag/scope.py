"""What a question asks for, and whether the evidence holds it: the signals behind abstention.

`scope_signals` reads a question and its evidence with general English (question words, money and
quantity words, capitalised names) and reports what is missing: an amount, a figure, a person, a name
the corpus never uses. `rag/answerability.py` weighs these signals; nothing here knows one evaluation.
"""

from __future__ import annotations

import re
from functools import cached_property

from core.tokenize import tokenize
from ingest.sentences import Sentence
from rag.answerability import Signals
from rag.details import person_missing
from rag.index import Index
from rag.messages import Msg, msg
from rag.models import Intent
from rag.occasions import PLAN
from rag.quantity import (
    COUNT_WORDS,
    SHARE,
    Passage,
    Row,
    counted,
    counted_phrase,
    head_word,
    noun_phrase,
    states_count,
)
from rag.retrieve import Hit
from rag.sentence_rank import DATE, GENERIC, content_terms, coverage
from rag.serbian import counted_noun, to_english
from rag.understand import WHEN, Query

MONEY_Q = re.compile(
    r"\bbudget\b|\bloans?\b|\bgrants?\b|\bdonations?\b|\binvest(?:ed|ment)\b|\bhow much (?:money|funding|did .* cost)|\bcosts?\b|\beuros?\b|\bEUR\b|\bdinars?\b|\bRSD\b|\bspent\b|\bamount of (?:money|funds|funding)\b|\bprice\b|\bsalar"
    r"|\bhow much [\w\s-]{0,30}?\b(?:money|paid|pay|fees?)\b|\bhow much\b(?=[\w\s-]{0,30}?\bsav(?:e|ed|es|ing|ings)\b)|\bpaid out\b|\bworth\b(?!\s+(?:it\b|the (?:effort|trouble)|a try|\w+ing\b))|\bvalue of (?:the |its |their )?(?:[\w’'-]+ ){0,2}?contracts?\b",
    re.I,
)


def asks_amount(query: Query) -> bool:
    """Whether the question asks for money; "why was so much spent?" asks for a reason, not for the amount."""
    return bool(MONEY_Q.search(query.text)) and query.intent != Intent.WHY


MONEY_A = (
    re.compile(  # "2 million dinars", "70 million of RSD", and the currency first: "RSD 510 million", "€33m"
        r"\d[\d.,]*\s*(?:million|billion|thousand|mil\.?)?\s*(?:of\s+)?(?:RSD|dinars?|EUR|euros?|€|USD|\$)"
        r"|(?:\bRSD|\bEUR|\bUSD|€|\$)\s?\d[\d.,]*",
        re.I,
    )
)
YEAR = re.compile(r"\b(20[2-3]\d)\b")
ENTITY = re.compile(r"\b(?:[A-ZŠĐČĆŽ][\w’'-]+)(?:\s+(?:of|and|for|the)?\s*[A-ZŠĐČĆŽ][\w’'-]+)*")
COMMON_CAPS = {
    c.lower()
    for c in (
        "I",
        "I've",
        "I'm",
        "Programme",
        "Program",
        "Government",
        "Evaluation",
        "Matrix",
        "Annex",
        "AP",
        "Action Plan",
        "Measure",
        "Activity",
        "Objective",
        "Specific",
        "SO",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "What",
        "Which",
        "Who",
        "How",
        "When",
        "Where",
        "Why",
        "Is",
        "Are",
        "Was",
        "Were",
        "Did",
        "Does",
        "Has",
        "Have",
        "Can",
        "Could",
        "Please",
        "And",
        "The",
    )
}
WHAT_IS = re.compile(r"\bwhat (?:is|was|are|were) the ([\w\s-]{3,40}?)\s+(?:of|for|in|at|on)\b", re.I)
COMPARE_WITH = re.compile(
    r"\bcompared? (?:with|to)\b|\bcompares? (?:with|to)\b|\bthan\b|\bversus\b|\bvs\.?\b|\brelative to\b"
    r"|\bcomparison\b",
    re.I,
)


class Evidence:
    """What could answer a question, gathered once and only when a check asks: candidate sentences (of the
    top hits, indicator rows left out, and the best BM25 sentences) and the indicator rows among the hits."""

    def __init__(self, query: Query, hits: list[Hit], index: Index) -> None:
        self.query, self.hits, self.index = query, hits, index

    @cached_property
    def sentences(self) -> list[Sentence]:
        index = self.index
        found = [
            s
            for h in self.hits[:8]
            if h.chunk.kind != "indicator"
            for s in index.chunk_sentences.get(h.chunk.id, [])
        ]
        found += [
            index.sentences[i]
            for i, _ in index.sentence_scores(tokenize(index.names.expand(self.query.text)), 40)
        ]
        return list({id(s): s for s in found}.values())

    @cached_property
    def passages(self) -> list[Passage]:
        return [Passage(s.text, s.chunk.text) for s in self.sentences]

    @cached_property
    def rows(self) -> list[Row]:
        return [
            Row(*h.chunk.text.split("\n", 1))
            for h in self.hits[:8]
            if h.chunk.kind == "indicator" and "\n" in h.chunk.text
        ]


# a currency a question may ask an amount in ("in euros"), and how a text writes an amount in it
CURRENCIES = (r"\beuros?\b|\bEUR\b|€", r"\bdinars?\b|\bRSD\b", r"\bdollars?\b|\bUSD\b|\$")


def asked_currency(question: str) -> str | None:
    """The pattern of the one currency a question asks an amount in ("how much did it cost in euros?"), if any."""
    named = [c for c in CURRENCIES if re.search(c, question, re.I)]
    return named[0] if len(named) == 1 else None


def in_currency(amount: str, currency: str) -> bool:
    """Whether an amount as written ("€33", "70 million of RSD") is in the currency `asked_currency` gave."""
    return bool(re.search(currency, amount, re.I))


def money_sentences(query: Query, index: Index, evidence: Evidence) -> list[Sentence]:
    """Sentences stating an amount of money for what the question is about, best first; in the currency the
    question asks for, when it names one (70 million dinars is no answer to "how much in euros")."""
    rest = MONEY_Q.sub(" ", query.text)  # in its own order: the synonyms of a phrase are read in order
    currency = asked_currency(query.text)
    scored = []
    for s in evidence.sentences:
        amounts = [m.group(0) for m in MONEY_A.finditer(s.text)]
        if currency is not None:
            amounts = [a for a in amounts if in_currency(a, currency)]
        if amounts:
            share = coverage(index, rest, [s.text + " " + s.chunk.text.split("\n")[0]])
            if share >= 0.5:
                scored.append((share, s))
    scored.sort(key=lambda t: -t[0])
    return [s for _, s in scored]


def in_corpus(name: str, index: Index) -> bool:
    """Whether the corpus uses the name, or a short form of it: "PAR Council" for "Public Administration Reform Council"."""
    return any(index.mentions(form) for form in name_forms(name))


def name_readings(name: str) -> list[list[str]]:
    """A name read as one name, and, when it holds "and", as the names it joins ("Ministry of X and the Y")."""
    parts = [part for part in re.split(r"\s+and\s+(?:the\s+)?", name) if part]
    return [[name], parts] if len(parts) > 1 else [[name]]


def name_forms(name: str) -> list[str]:
    """The name, its initials, its first words' initials before the rest ("PAR Council"), and a two-word name
    with its words turned round ("Defence Ministry" -> "Ministry of Defence", "Centre X" -> "X Centre")."""
    words = [w for w in name.split() if w.lower() not in {"of", "and", "for", "the", "on", "in"}]
    forms = [name]
    if len(words) == 2 == len(name.split()):
        forms += [f"{words[1]} of {words[0]}", f"{words[1]} {words[0]}"]
    if len(words) >= 2 and all(w[:1].isupper() for w in words):
        forms.append("".join(w[0] for w in words))
        forms += ["".join(w[0] for w in words[:k]) + " " + " ".join(words[k:]) for k in range(2, len(words))]
    return forms


def unknown_names(query: Query, index: Index) -> list[str]:
    """Names in the question (capitalised words, acronyms) that the corpus never mentions."""
    out = []
    for name in named_entities(query.text):
        for word in re.split(r"[\s’']+", name):
            word = re.sub(r"^(?:s|of|and|for|the)$", "", word)
            if (
                len(word) > 1
                and word.lower() not in COMMON_CAPS
                and index.names.expand(word) == word
                and not in_corpus(word, index)
            ):
                out.append(word)
    return out


def named_entities(text: str) -> list[str]:
    """Capitalised names and acronyms in a question, the first word of a sentence left out."""
    out = []
    for m in ENTITY.finditer(re.sub(r"[’']s\b", " ,", text)):
        name = m.group(0).strip()
        start = m.start()
        before = text[:start].rstrip()
        if not before or before[-1] in '.?!:"“(':
            if " " not in name:
                continue
            name = name.split(" ", 1)[1]
            name = re.sub(r"^(?:of|and|for|the)\s+", "", name)
        if name.lower() in COMMON_CAPS or len(name) < 2:
            continue
        out.append(name)
    return out


def out_of_period(query: Query, index: Index) -> Msg | None:
    """The abstention sentence for results of a year after the programme period (plans for it are answered)."""
    q = query.text
    if query.deadline is not None:  # a list by deadline: the matrix states deadlines after the period
        return None
    years = [int(y) for y in YEAR.findall(q)]
    period, upcoming = index.catalog.period, index.catalog.next_period
    plan = PLAN.search(q) or (
        upcoming and re.search(rf"{upcoming[0]}\s*[-–]\s*(?:{upcoming[1]}|{upcoming[1] % 100:02d})\b", q)
    )
    late = [y for y in years if period and y > period[1]]
    if late and not plan and period:
        return msg("out_of_period", start=period[0], end=period[1], year=max(late))
    return None


NAMING = 20  # sentences that name the counted thing, added to the evidence of the figure check


def scope_signals(query: Query, hits: list[Hit], index: Index, evidence: Evidence, own: str = "") -> Signals:
    """What the question asks for that the evidence lacks (the part of the signals read before answering).
    `own` is the question in its own words: the glossary meanings a Serbian reading adds are known names."""
    q = query.text
    sig = Signals()
    if asks_amount(query) and not money_sentences(query, index, evidence):
        sig.amount_missing = 1.0
    if person_missing(query, hits):
        sig.person_missing = 1.0
    for name in named_entities(own if own and q.startswith(own) else q):
        # "the Ministry of X and Y Forces" may name two things: then each is looked for on its own
        if any(
            all(index.names.expand(n) != n or in_corpus(n, index) for n in names)
            for names in name_readings(name)
        ):
            continue
        if " " in name or re.fullmatch(r"[A-Z]{2,}", name) or COMPARE_WITH.search(q):
            sig.unknown_name = (
                1.0  # "Ministry of Health", "DESI", "compared with Croatia": never in the evaluation
            )
    # a count of the matrix's own records ("how many activities were abandoned") is answered from the catalog
    wanted = counted(q, index.idf, index.names.expand) if query.intent != Intent.COUNT else []
    if wanted:
        asked_about = f"{q} {query.context}"  # a follow-up's topic is also its earlier question's
        topic = (
            {t for t in content_terms(asked_about) if t in index.idf and not YEAR.fullmatch(t)}
            - {c.word for c in wanted}
            - COUNT_WORDS
        )
        counted_words = set().union(*(c.names for c in wanted))
        qualifiers = [
            names for names in (name_terms(n, index) for n in named_entities(q)) if not names & counted_words
        ]
        # the sentences that name what is counted on the question's topic, wherever they are: a figure the
        # retrieved evidence lacks may be stated in words the question does not use ("talked to": "interviewees")
        naming = [
            Passage(index.sentences[i].text, index.sentences[i].chunk.text)
            for i, _ in index.sentence_scores(sorted(topic | counted_words), NAMING)
        ]
        if not states_count(
            wanted,
            evidence.passages + naming,
            evidence.rows,
            index.catalog.all_ids(),
            topic,
            qualifiers,
            share=bool(SHARE.search(q)),
        ):
            sig.figure_missing = 1.0
    # the thing asked about ("how many cyber attacks", "the average waiting time") uses a word the corpus never does:
    # what a "how many" question counts is its head noun; "what is the X of" names X with all its words
    phrase, words = noun_phrase(counted_phrase(q)), []
    if phrase:
        words = [head_word(phrase, GENERIC)]
    elif focus := WHAT_IS.search(q):
        phrase = noun_phrase(focus.group(1))
        words = re.findall(r"[\w-]+", phrase)
    if words and [
        w
        for w in words
        if "-" not in w and tokenize(w) and tokenize(w)[0] not in GENERIC and unknown_word(w, index)
    ]:
        sig.thing_unknown = 1.0
    terms = content_terms(q)
    if terms:
        default = max(index.idf.values()) if index.idf else 1.0
        total = sum(index.idf.get(t, default) for t in terms)
        sig.unknown_words = sum(default for t in terms if t not in index.idf) / total if total else 0.0
    return sig


def name_words(name: str, index: Index) -> set[str]:
    """The words of a name that the corpus knows and that carry meaning."""
    return {t for t in tokenize(name) if t in index.idf and t not in GENERIC and "-" not in t}


def name_terms(name: str, index: Index) -> set[str]:
    """The words that can stand for a name in the evidence: its own known words and its everyday synonyms."""
    words = name_words(name, index)
    return words | (set(tokenize(index.names.expand(name)[len(name) :])) if words else set())


def entity_terms(question: str, index: Index) -> set[str]:
    """Word tokens of the names a question uses that the corpus knows (the evidence should carry them); a body
    named in another of its names ("APR", a Serbian name the glossary gives) by the abbreviation the matrix uses."""
    out: set[str] = set()
    for name in named_entities(question):
        bodies = index.names.bodies_named(name)
        out |= set().union(*(name_words(b, index) for b in bodies)) if bodies else name_words(name, index)
    return out


def has_terms(terms: set[str], texts: list[str]) -> bool:
    """Whether the texts carry every term; a short one may be an acronym they write out ("DC": "Data Centre")."""
    have: set[str] = set()
    for t in texts:
        have.update(tokenize(t))
    return all(t in have or spelled_out(t, texts) for t in terms)


def spelled_out(acronym: str, texts: list[str]) -> bool:
    """Whether a text writes the letters of an acronym (2 to 5) as the initials of capitalised words in a row."""
    if not (2 <= len(acronym) <= 5 and acronym.isalpha()):
        return False
    words = r"[\w-]*\s+".join(re.escape(ch) for ch in acronym.upper())
    return any(re.search(rf"\b{words}[\w-]*", t) for t in texts)


def unknown_word(word: str, index: Index) -> bool:
    """A word the corpus never uses, in any hyphenation ("email" for "e-mail"), and that the glossary does not
    read as a name it defines."""
    tokens = tokenize(word)
    return (
        bool(tokens)
        and all(t not in index.idf and t not in index.unhyphenated for t in tokens)
        and index.names.expand(word) == word
    )


def _noun_readings(question: str, index: Index) -> list[str]:
    """The English readings of the noun a Serbian "koliko" question counts ([] when it counts none)."""
    noun = counted_noun(question)
    return [w for w in to_english(noun, index.idf, tokenize, index.cognates().find).split() if tokenize(w)]


def counts_unknown(question: str, index: Index) -> bool:
    """Whether the noun a Serbian "koliko" question counts reads only as words the corpus never uses
    (the English reading of the whole question is a bag of words, so its own counted phrase cannot tell)."""
    readings = _noun_readings(question, index)
    return bool(readings) and all(unknown_word(w, index) for w in readings)


def counted_words(question: str, reading: str, serbian: bool, index: Index) -> set[str]:
    """The word tokens of what a quantity question counts: a Serbian one's "koliko" noun, read in English; an
    English one's head nouns."""
    if serbian:
        return {t for w in _noun_readings(question, index) for t in tokenize(w)}
    return {c.word for c in counted(reading, index.idf, index.names.expand)}


def sentences_naming(words: set[str], index: Index) -> list[str]:
    """The sentences that name a thing (hold all its words), and every sentence of a record whose title names
    it: a record's cells are all about it ("The system was put into operation on 9 December 2021")."""
    rarest = min(words, key=lambda t: len(index.chunk_postings.get(t, ())))
    out = []
    for n in index.chunk_postings.get(rarest, ()):
        chunk = index.chunks[n]
        titled = chunk.kind != "section" and words <= set(tokenize(chunk.text.split("\n")[0]))
        out += [s.text for s in index.chunk_sentences[chunk.id] if titled or words <= s.tokens]
    return out


def date_of_name_missing(query: Query, index: Index) -> bool:
    """It asks when something happened to a thing it names (a town, a body, a system), the evaluation names that
    thing, and none of the sentences about it gives a date: "when did the one-stop shop in X open" against a
    list of the towns that have one."""
    if not WHEN.search(query.text):
        return False
    for name in named_entities(query.text):
        words = name_words(name, index)
        if not words or not in_corpus(name, index):
            continue
        naming = sentences_naming(words, index)
        if naming and not any(DATE.search(t) for t in naming):
            return True
    return False
