"""Details an evaluation rarely holds, asked for by kind: a person in an office, a phone number, an e-mail or
web address, the company that did the work, the steps of a procedure. When the question asks for one and none
of the best evidence holds one, the evaluation does not answer it, however well the rest of the question
matches: the nearest figure or sentence about the same topic is not the detail asked for.
"""

from __future__ import annotations

import re

from core.tokenize import same_stem, tokenize
from ingest.sentences import chunk_sentences
from rag.retrieve import Hit
from rag.understand import Query
from rag.vocabulary import ROLES

# "who is the director of X", "who's the project manager", "the names of the consultants", "who chaired it":
# a person, whom an evaluation rarely names
WHO_ROLE = re.compile(
    rf"^\s*(?:and\s+)?who(?:'s|’s| (?:is|was|are|were))\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?{ROLES}s?\b"
    rf"|\bnames? of (?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:{ROLES}s?|consultants?|experts?|people|persons|members)\b"
    # what only a person does: chairs, presides, heads ("ko je predsedavao" reads "who chaired")
    r"|^\s*(?:and\s+)?who (?:(?:is|was|has|had) )?(?:chair(?:s|ed)?|presid(?:es|ed)|head(?:s|ed))\b",
    re.I,
)
# a first name and a surname with a South Slavic surname ending (-ić, -ski, -ska); two capitalised words that
# merely end in -an or -ac ("Action Plan", a centre named after a town) are not people
PERSON = re.compile(r"\b[A-ZŠĐČĆŽ][a-zšđčćž]+ [A-ZŠĐČĆŽ][a-zšđčćž]+(?:ić|ski|ska)\b")
ROLE = re.compile(rf"{ROLES}|consultant|expert|chair|presid", re.I)

# (what the question asks for, what a text that gives it holds)
DETAILS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "phone": (
        re.compile(
            r"\b(?:tele)?phone numbers?\b|\bnumbers? (?:of (?:the )?)?(?:tele)?phone\b|\bnumber to call\b",
            re.I,
        ),
        re.compile(
            r"(?:\+\d{2,3}|\(0\d{1,3}\)|\b0\d{1,3})[\s/-]?\d{2,4}[\s/-]?\d{2,4}\b|\b(?:tel|phone)\.?:?\s*\+?\d",
            re.I,
        ),
    ),
    "email": (
        re.compile(
            r"\be-?mail address(?:es)?\b|\bwhich e-?mail\b|\bwhat(?:'s| is) (?:the|its|their) e-?mail\b", re.I
        ),
        re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    ),
    "web": (
        re.compile(
            r"\bweb ?(?:site )?address\b|\burl\b|\bwhich (?:web)?site\b|\bwhat(?:'s| is) the (?:web)?site\b",
            re.I,
        ),
        re.compile(
            r"https?://|\bwww\.|\b[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,6}|[а-я]{2,6})\b(?![.\w])"
        ),  # a domain
    ),
    "company": (
        re.compile(
            r"\b(?:which|what|name of the|who was the|who is the) (?:[\w-]+ ){0,2}?(?:firms?|compan(?:y|ies)|vendors?|"
            r"contractors?|suppliers?|developers?)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:compan(?:y|ies)|firms?|Ltd|d\.o\.o|Inc|LLC|GmbH|vendors?|contractors?|suppliers?|consorti\w+|"
            r"corporation)\b",
            re.I,
        ),
    ),
    # "where does the country rank in the UN index", "what place did it take in the survey": a rank on a list;
    # an ordinal of a quarter, a phase or a session is no rank
    "rank": (
        re.compile(
            r"\b(?:where|how(?!\s+(?:many|much)\b))\b[^?]{0,80}?\brank(?:s|ed)?\b"  # not "how many ... ranked as"
            r"|\b(?:what|which) (?:place|position|rank|ranking)\b[^?]{0,80}?\b(?:rank\w*|index|list|league|survey|"
            r"benchmark|table)\b",
            re.I,
        ),
        re.compile(
            r"\b\d{1,3}(?:st|nd|rd|th)\b(?!\s+(?:quarter|half|phase|session|meeting|edition|day|month|week|year))"
            r"|\b(?:rank(?:ed|s|ing)?|place[ds]?|position(?:ed)?)\s+(?:no\.?\s*)?\d{1,3}\b"
            r"|\b(?:first|second|third|fourth|fifth|top|last) (?:place|position)\b",
            re.I,
        ),
    ),
}
REACH = 5  # how many of the best hits are searched for the detail


def person_missing(query: Query, hits: list[Hit]) -> bool:
    """It asks for a person (by office, by name, who chaired) and no sentence of the best evidence names one
    in that office."""
    asked = WHO_ROLE.search(query.text)
    if not asked:
        return False
    office = ROLE.search(asked.group(0))
    stem = office.group(0).lower()[:5] if office else ""
    return not any(
        PERSON.search(s.text) and stem in s.text.lower() for h in hits[:3] for s in chunk_sentences(h.chunk)
    )


def details_asked(question: str) -> list[str]:
    """The kinds of detail the question asks for ("phone", "email", "web", "company", "rank")."""
    return [kind for kind, (asks, _) in DETAILS.items() if asks.search(question)]


def detail_missing(query: Query, hits: list[Hit]) -> bool:
    """It asks for a detail of a kind and none of the best hits holds one of that kind."""
    return any(
        not any(DETAILS[kind][1].search(h.chunk.text) for h in hits[:REACH])
        for kind in details_asked(query.text)
    )


# "which 13 municipalities ...", "what are the three places ...", "which municipality among those 13 ...": the
# names of a counted set of things (a count of the matrix's own records is a list question, not this)
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|fifty"
)
NAMES_ASKED = re.compile(
    rf"\b(?:which|what)\s+(?:(?:are|were)\s+)?(?:(?:the|these|those|it)\s+)?(?P<n>\d+|{_NUMBER_WORDS})\s+[\w-]"
    rf"|\bwhich\s+[\w-]+\s+(?:among|of|are|were)\s+(?:the\s+|those\s+|these\s+)?(?P<m>\d+|{_NUMBER_WORDS})\s+[\w-]"
    rf"|\bnames? of (?:the\s+)?(?P<k>\d+|{_NUMBER_WORDS})\s+[\w-]",
    re.I,
)
_NAME = r"[A-ZŠĐČĆŽ][\w’'.-]+(?: (?:na |de |of )?[A-ZŠĐČĆŽ][\w’'.-]+){0,3}"
NAME_LIST = re.compile(rf"{_NAME}(?:\s*(?:,|;|\band\b|\bi\b)\s*{_NAME})+")
RECORD_UNITS = re.compile(r"\b(?:activit|measure|objective|indicator)", re.I)


def names_missing(query: Query, hits: list[Hit]) -> bool:
    """It asks which N things (places, bodies) are meant, and no sentence of the best evidence lists that many
    names (at least three for a larger set: the evaluation may count 13 municipalities and name none)."""
    m = NAMES_ASKED.search(query.text)
    if not m or RECORD_UNITS.search(query.text[m.start() : m.end() + 40]):
        return False
    said = (m.group("n") or m.group("m") or m.group("k")).lower()
    wanted = min(3, int(said)) if said.isdigit() else 2 if said == "two" else 3  # three names show a list
    return not any(
        len(re.findall(_NAME, found.group(0))) >= wanted
        and not re.search(r"\b(?:for|of)\s+$", h.chunk.text[max(0, found.start() - 5) : found.start()])
        for h in hits[:REACH]
        for found in NAME_LIST.finditer(h.chunk.text)
    )  # "the Sector for Analytics, Telecommunications and IT" is one name, not a list


# "what did the Prime Minister say about ...", "what did the council decide", "what was the ministry's view": what
# a party said or decided, which an evaluation reports only where it sums up their words
SAID_ASKED = re.compile(
    r"\bwhat (?:did|does|do|has|have|had) (?P<who>[\w\s'’-]{2,60}?)\s+(?:say|said|tell|told|think|decide|feel|answer|"
    r"reply|comment|complain)\b"
    r"|\bwhat (?:was|were|is|are) (?P<whose>[\w\s-]{2,60}?)[’']s? (?:view|opinion|position|decision|answer)s?\b",
    re.I,
)
# the authors are not a party whose words are reported: everything the evaluation says is theirs; nor is a text
# ("what does the memo / the law / the action plan say"): what a text says is in the text
AUTHORS = re.compile(
    r"\b(?:report|evaluat\w*|analys[ie]s|study|matrix|annex|document|findings|text|chapter|section|table|sources?|"
    r"consultants?|authors?|memo\w*|notes?|uploads?|files?|papers?|letters?|minutes|attachments?|pages?|"
    r"paragraphs?|guides?|guidelines|plans?|programmes?|programs?|strateg\w*|laws?|decrees?|regulations?|rules?|"
    r"rulebooks?|bylaws?|by-laws?|methodolog\w*|indicators?|records?|registers?|portal|website|sites?)\b",
    re.I,
)
# "what does each one say", "what did they decide": a pronoun names no party the evidence could be searched for
PRONOUNS = frozenset(
    "the it its they them he she we you i each one ones both either other others this that these those".split()
)
REPORTED = re.compile(
    r"\b(?:said|says|say|stated|states|told|noted|pointed out|points? out|according to|emphasi[sz]ed|stressed|"
    r"believed?|believes|considers?|considered|expressed|highlighted|mentioned|underlined|agreed|decided|decisions?|"
    r"concluded|opinions?|views?|complained|suggested|confirmed|argued|warned|explained|adopted)\b",
    re.I,
)


def said_missing(query: Query, hits: list[Hit]) -> bool:
    """It asks what a party (not the evaluation itself) said or decided, and no sentence of the best evidence
    reports words or a decision beside that party's name."""
    m = SAID_ASKED.search(query.text)
    who = (m.group("who") or m.group("whose") or "") if m else ""
    if not who or AUTHORS.search(who) or set(re.findall(r"[\w'-]+", who.lower())) <= PRONOUNS:
        return False
    names = [w for w in tokenize(who) if len(w) > 2]
    if not names:
        return False
    for h in hits[:REACH]:
        for s in chunk_sentences(h.chunk):
            if not REPORTED.search(s.text):
                continue
            words = tokenize(s.text)
            if all(any(same_stem(n, w) for w in words) for n in names):
                return False
    return True


# "how do I renew my passport?", "what do we need to bring?": the steps of a procedure for the one asking. An
# evaluation assesses what a programme did; it holds such steps only where it speaks to its reader
INSTRUCTIONS_ASKED = re.compile(
    r"^\s*(?:and\s+|so\s+|ok\s+)?how (?:do|should|would) (?:i|we)\b"
    r"|\bwhat (?:do|should) (?:i|we) (?:need|have) to\b"
    # what one must have or do oneself: "what documents do I need", "do I have to bring"
    r"|\b(?:what|which) (?:[\w-]+\s+){1,2}(?:do|must) i (?:need|have)\b|\b(?:do|must|should) i (?:need|have) to\b",
    re.I,
)
INSTRUCTIONS = re.compile(r"\byou (?:can|could|need|must|should|have to|may)\b|\bstep \d", re.I)


def instructions_missing(query: Query, hits: list[Hit]) -> bool:
    """It asks how to go about something oneself, and none of the best hits tells its reader what to do."""
    return bool(INSTRUCTIONS_ASKED.search(query.text)) and not any(
        INSTRUCTIONS.search(h.chunk.text) for h in hits[:REACH]
    )
