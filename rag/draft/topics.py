"""Reading a drafting request: its subject without the drafting words, and the measures it names by ID."""

from __future__ import annotations

import re

from core.ids import find_ids
from ingest.records import Catalog
from rag.draft.prose import _measure_of
from rag.draft.text import _norm
from rag.retrieve import unknown_ids

DRAFT_NOISE = (
    re.compile(
        r"\b20\d\d\s*[-–/]\s*(?:20)?\d\d\b|\b(?:from|in|for|after|until) 20\d\d(?:\s*[-–/]\s*(?:20)?\d\d)?\b"
    ),
    re.compile(
        r"\b(?:please|pls|kindly|can you|could you|would you|draft(?:ing)?|write(?: up)?|prepare|compose|propose|"
        r"suggest|produce|create|give me|make|outline|put together|pull together|knock together|throw together|"
        r"whip up|come up with|draw up|sketch|jot down|(?:I |we )?(?:need|want|would like))\b",
        re.I,
    ),
    re.compile(r"\b(?:new|next|revised|updated|upcoming|future)\b", re.I),
    re.compile(
        r"\b(?:action[- ]plans?|APs?|programme cycle|programme period|programmes?|programs?|cycles?|period|plan|"
        r"entry|entries|items?|section|paras?|paragraphs?|text|lines|sentences|words|note|memo|briefing|brief|proposal|"
        r"measures?|"
        r"(?:including|with) (?:the )?indicators|state secretary|minister|short|one-pager)\b",
        re.I,
    ),
)
# what follows the subject and is not part of it: the request again ("... - can you draft it?") or what the
# text is for ("... to feed into the new programme", "... that I can drop into a briefing", "... for a report to
# the delegation")
AFTER_SUBJECT = re.compile(
    r"\s[-–—]\s+(?:please|pls|can|could|would|draft|write|thanks)\b.*$"
    r"|\s(?:to (?:feed|drop|put|go|use|include|paste|add) (?:in|into|it|in to)?|(?:that|which|so) (?:I|we) can|for use in)\b.*$"
    r"|\s(?:for|in) (?:a|an|the|my|our) (?:report|meeting|briefing|presentation|letter|speech)s? (?:to|with|for)\b.*$",
    re.I,
)
DRAFT_VERB = re.compile(
    r"^\s*(?:please\s+|kindly\s+|can you\s+|could you\s+|would you\s+)?"
    r"(?:draft|write|prepare|compose|propose|suggest|produce|create|give me|make|outline)\b",
    re.I,
)
EDGE_WORDS = frozenset(
    "a an the for on about of to in into go and with where how what that which stand stands me us few some couple "
    "our its it be should is are from under did does do went fared 's ’s".split()
)


def _edge(word: str) -> bool:
    """A word that cannot begin or end a subject; "IT" in capitals is a subject's abbreviation, not "it"."""
    bare = word.strip(",.;:!?()")
    return bare.lower() in EDGE_WORDS and not (len(bare) > 1 and bare.isupper())


def topic_of(request: str) -> str:
    """The subject of a drafting request, without the drafting words ("Draft the ... entry for")."""
    text = AFTER_SUBJECT.sub("", _norm(request))
    for pattern in DRAFT_NOISE:
        text = pattern.sub(" ", text)
    words = [w for w in re.split(r"\s+", text) if w.strip(" ,.;:!?/()-")]
    while words and _edge(words[0]):
        words.pop(0)
    while words and _edge(words[-1]):
        words.pop()
    topic = " ".join(words).strip(" ,.;:!?/-")
    return topic


def _requested_measures(request: str, catalog: Catalog) -> tuple[list[str], list[str]]:
    """Measures the request names by ID (activities name their measure, objectives all of theirs), and unknown IDs."""
    known = catalog.all_ids()
    out: list[str] = []
    for id_ in find_ids(request):
        if id_ not in known:
            continue
        if catalog.kind_of(id_) == "objective":
            mids = [m.id for m in catalog.measures if m.objective == id_]
        else:
            mids = [_measure_of(id_, catalog) or id_]
        out.extend(m for m in mids if m not in out)
    bad = unknown_ids(request, known)
    bad += [
        i for i in find_ids(request) if i not in known and i.count(".") >= 2 and i not in bad
    ]  # 3+ parts: an ID, not a number
    return out, bad
