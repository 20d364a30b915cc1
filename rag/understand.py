"""What a question asks: its intent, the IDs it names or inherits from the conversation, statuses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from core.ids import ID_MENTION, ID_TEXT, find_ids, normalise_id
from ingest.records import Catalog
from rag.deadlines import DUE, When, asked
from rag.models import Intent, Turn
from rag.names import Names
from rag.vocabulary import ROLES, statuses_named

_WRITING = (
    r"(?:entry|entries|item|items|action plan|text|section|paras?|paragraphs?|sentences|notes?|memo|brief|briefing|"
    r"proposal|summary|draft|recommendations?)"
)
# what one makes a text with, and the texts one asks to be made ("put together a short note", "knock together a para")
_MAKING = r"(?:make|put together|knock together|throw together|whip up|come up with|produce|give me|write up|need|want|prepare)"
_TEXT = r"(?:draft|entry|item|paras?|paragraphs?|sentences|text|write-up|summary|note|memo|brief|briefing)"
_POLITE = r"(?:please\s+|pls\s+|kindly\s+|can you\s+|could you\s+|would you\s+)"
# A request for text to edit, in any wording: a writing verb before something written ("draft the entry",
# "can you put together a paragraph", "need a few sentences on", "make a draft of an action plan item"), or
# "draft" asked for as a verb ("draft a short para ...", "can you draft it?")
DRAFT = re.compile(
    rf"^\s*{_POLITE}?(?:draft|write|prepare|compose|propose|suggest|sketch|outline|draw up|jot down)\b"
    rf".*\b(?:{_WRITING}|activities|measure|plan|programme)\b"
    rf"|\b{_MAKING}\b.{{0,30}}?\b(?:a |an |the |some |few |a few |short )*{_TEXT}\b"
    # a recommendation made, not the report's: "put together a short recommendation on ..."
    rf"|\b{_MAKING}\b.{{0,30}}?\ban? (?:short |brief |draft |new )?recommendation\b"
    r"(?!\s+(?:of|in) the (?:evaluation|report|matrix))"
    rf"|\bdraft (?:of |for |on )|^\s*{_POLITE}?draft\b|\b(?:can|could|would) you (?:please )?draft\b",
    re.I | re.S,
)
# "list what the academy had to do", "what did the ministry abandon": a listing question that names a body or a
# status but no unit ("activities")
LISTING = re.compile(r"^\s*(?:and\s+)?(?:list|which|what|show|name|give me)\b", re.I)
# what a body's listing asks: its tasks ("what did the academy have to do", "what was it supposed to deliver")
TASKS = re.compile(
    r"\b(?:to do|deliver\w*|tasks?|supposed|had to|has to|have to|assigned|in charge of|charged with"
    r"|work on|worked on|responsible for|responsibilit\w+|duties|remit|meant to|on (?:its|their|her|his) plate"
    r"|(?<!its )(?<!their )(?<!his )(?<!her )(?<!our )(?<!your )(?<!my )owns?|own(?:ed)? by|handles?|handled by"
    r"|on the hook for|falls? under|under (?:its|their) (?:name|wing))\b"
    r"|\b(?:do|did|done)\s*[?.!]*\s*$",
    re.I,
)
# The kinds of record a list or count asks for, in general English; a document's own level names are added
UNIT_WORDS: dict[str, str] = {
    "activities": "activities",
    "activity": "activities",
    "actions": "activities",
    "measures": "measures",
    "measure": "measures",
    "indicators": "indicators",
    "indicator": "indicators",
    "objectives": "objectives",
    "objective": "objectives",
    "goals": "objectives",
}
_KIND_UNIT = {"activity": "activities", "measure": "measures", "objective": "objectives"}


@dataclass(frozen=True)
class UnitPatterns:
    """The count, list and 'per each' patterns for one catalog's level names."""

    words: dict[str, str]
    count: re.Pattern[str]
    list: re.Pattern[str]
    each: re.Pattern[str]
    next: re.Pattern[str]
    mention: re.Pattern[str]  # "measure 1.4": an ID with the level the question calls it


@lru_cache(maxsize=16)
def unit_patterns(names: tuple[tuple[str, str], ...]) -> UnitPatterns:
    """Patterns for the general unit words plus (level name, kind) pairs of a document."""
    words = dict(UNIT_WORDS)
    for name, kind in names:
        for form in {name, plural(name)}:
            words.setdefault(form.lower(), _KIND_UNIT[kind])
    plurals = {plural(w) for w in words} & set(
        words
    )  # "which measures": a list; "what is measure 1.3.5 about": not
    alts = "|".join(sorted((re.escape(w) for w in plurals), key=len, reverse=True))
    singular = "|".join(sorted((re.escape(w) for w in words if not w.endswith("s")), key=len, reverse=True))
    return UnitPatterns(
        words=words,
        count=re.compile(
            rf"\bhow many\s+(?:of the\s+)?(?:\w+\s+){{0,2}}({alts})\b|\bnumber of ({alts})\b|\bcount\b", re.I
        ),
        list=re.compile(rf"\b(?:which|list|what|name|show|give me|enumerate)\b.{{0,40}}?\b({alts})\b", re.I),
        each=re.compile(rf"\b(each|every|per|by)\s+(?:specific\s+)?({singular})\b", re.I),
        next=re.compile(rf"\b(next|following|previous|preceding|prior)\s+({singular})\b", re.I),
        mention=re.compile(
            rf"\b({'|'.join(sorted((re.escape(w) for w in words), key=len, reverse=True))})\s+"
            rf"({ID_TEXT})\b",
            re.I,
        ),
    )


def plural(name: str) -> str:
    """'Action' -> 'actions', 'Priority' -> 'priorities'."""
    low = name.lower()
    if low.endswith("s"):
        return low
    return low[:-1] + "ies" if low.endswith("y") and low[-2:-1] not in "aeiou" else low + "s"


def _patterns(catalog: Catalog) -> UnitPatterns:
    return unit_patterns(tuple((lv.name, lv.kind) for lv in catalog.levels))


WHY = re.compile(
    r"\bwhy\b|\breasons?\b|\bcause[sd]?\b|\bexplain\b|\bwhat (?:stopped|prevented|held|blocked)\b|\bobstacle",
    re.I,
)
STATUS = re.compile(
    r"\bstatus\b|\bprogress\b|^\s*where(?:'s|’s| is| are| do| does| did) (?:the |we )?|\bhow far\b|\bcoming along\b|\bhow (?:is|are) (?:it|they|things|.{3,60}) (?:going|progressing|doing)\b|\bwhat(?:'s| is) (?:going on|the situation|the state)\b|\bsituation\b|\b(?:is|are) (?:it|this|that|they|the\b.{1,80}?) (?:working|live|running|in use|in operation|operational)\b|\bstate of\b|\bwhat happened\b|\bwhere (?:are|is|do) (?:we|things)\b"
    r"|\b(?:was|were|is|are|has|have)\b.{0,80}\b(?:completed|implemented|finished|done|abandoned|dropped|initiated|started|launched|achieved|carried out|realised|realized|held|conducted|adopted|established|set up|introduced|organi[sz]ed)\b"
    r"|\bdid\b.{0,60}\b(?:happen|start|finish|succeed|go ahead|get done)\b"
    # "at what stage is X", "X - set up yet?"
    r"|\b(?:what|which) (?:stage|phase)\b"
    # "whatever happened to X", "any news on X?", "the latest on X", "is that still on?", "is it happening?"
    r"|\bwhatever happened\b|\bany news\b|\bthe latest (?:on|with|about)\b|\bstill (?:on|alive|going ahead)\b"
    r"|\bwhat(?:'s| is| are) happening\b|\b(?:is|are) (?:it|this|that|they) (?:still )?happening\b"
    # a topic put first, then asked where it stands now: "the decree - where is it?", "the new register: where are we?"
    # ("X - where did we land?" asks for a result)
    r"|\s[-–—:]\s*where(?:'s| is| are| do| does)\b"
    # "the new register - started or not?", "the contact centre: done?": a topic, then a bare status word
    r"|\s[-–—:]\s*(?:done|finished|started|completed|implemented|set up|launched|running|live|operational)"
    r"(?:\s+(?:or not|yet))?\s*\?|\b(?:done|finished|started|completed|implemented) or not\b"
    r"|\b(?:set up|in place|done|ready|finished|complete|running|working|live|operational|launched|established)\s+yet\b",
    re.I | re.S,
)
# "what became of X", "did X ever get done": a status question even when X's description holds "how many"
FATE = re.compile(
    r"\bwhat (?:became|has become|happened|is happening|'s happening) (?:of|to|with)\b|\bcome of\b"
    r"|^\s*(?:did|has|have|was|were|is|are)\b.{0,200}\b(?:ever )?(?:get|got|gotten|been) (?:done|finished|completed|off the ground)\b"
    r"|\bup and running\b|\bget off the ground\b"
    # "what is the status of X, is it completed?", a Serbian reading's "what status X": one thing's status
    r"|\bwhat(?:'s|\s+is|\s+was)?\s+(?:the\s+)?(?:current\s+)?status\b|[,;]\s*(?:is|was|has) it\b",
    re.I | re.S,
)
RESPONSIBLE = re.compile(
    r"\bwho\b.{0,40}\b(?:responsible|in charge|lead|leads|leading|implement|runs?|own|owns|charge)\b"
    r"|\bresponsib|\bwhich (?:institution|body|ministry|authority|agency|office|organisation|organization)\b"
    # any other question that opens with "who" asks who does it: the matrix's responsible body ("who is behind
    # X", "who is setting up X"), unless it asks for a person by office ("who is the director of X")
    rf"|^\s*(?:and\s+)?who\b(?!.*\b{ROLES}\b)",
    re.I | re.S,
)
INDICATOR = re.compile(
    r"\bbaseline\b|\btargets?\b|\bachieved\b|\bindicators?\b|\bhow (?:many|much)\b|\bpercentage\b|\bshare of\b"
    r"|\bnumber of\b|\bvalues?\b|\bfigures?\b|\b20(?:19|20|21|22)\b|\breach(?:ed)?\b",
    re.I,
)
ABOUT = re.compile(
    r"\bwhat (?:is|was|does|did)\b.{0,30}\b(?:measure|activity|objective)\b.{0,30}\b(?:about|aim|cover|do|mean)\b"
    r"|\bdescribe\b|\bpurpose\b|\baim of\b|\bwhat is (?:measure|activity|objective|so)\s+\d|\btell me about\b|\boverview\b",
    re.I | re.S,
)
COMPARE = re.compile(r"\bcompare|\bcomparison\b|\bdifferen|\bversus\b|\bvs\.?\b|\bboth\b", re.I)
ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1}
ORDINAL = re.compile(
    r"\bthe (first|second|third|fourth|fifth|last)(?: one| of them| activity| measure| item)?\b", re.I
)
ACRONYM = re.compile(r"\b[A-Z]{2,}\b")
# the record beside the one just discussed, no kind named: "the next one", "the one after it"
NEXT_ONE = re.compile(
    r"\b(next|following|previous|preceding) one\b|\bthe one (after|before) (?:it|that|this)\b", re.I
)
POINTS_BACK = r"\b(?:it|its|that|this|these|those|they|them|there)\b"  # pronouns of what was said before
FOLLOWUP = re.compile(
    rf"^\s*(?:and|but|also|what about|how about|so|then)\b|{POINTS_BACK}"
    r"|\bthe (?:same|previous|next|last|above|former|latter)\b|\b(?:next|previous) (?:measure|activity|objective)\b",
    re.I,
)
# "and the plan for cyber exercises?", "what about the farm register?": the last question asked of another thing,
# named in words; no pronoun points back
ELLIPSIS = re.compile(rf"^\s*(?:and|what about|how about|also)\b(?!.*{POINTS_BACK})", re.I | re.S)
# a listing of what the bodies it names do not run ("not run by", "is X not responsible for", "other than X")
EXCLUDING = re.compile(
    r"\b(?:not|n't|never)\s+(?:(?:be|been|being|directly|actually|the)\s+)?(?:run|runs|led|leads?|owned|owns?"
    r"|handled|handles?|managed|manages?|responsible|responsibility|in charge|assigned)\b"
    r"|\b(?:other than|except(?: for)?|apart from|aside from|excluding)\b",
    re.I,
)
# "what is the status of measure 1.1.3, is it completed?" asks about the measure, not for a listing
STATUS_WORD = re.compile(r"\b(?:status|progress|stage|state)\b", re.I)
# a yes/no question, also after its topic ("Open data: did we ever get the methodology?")
YESNO = re.compile(
    r"^\s*(?:[^:?–—]{1,80}?(?::|\s[-–—])\s+)?(?:and\s+)?(?:is|are|was|were|has|have|had|did|does|do|can|could|will|would)\b",
    re.I,
)
QUANT = re.compile(
    r"\bhow (?:many|much)\b|\bpercentage\b|\bshare of\b|\bnumber of\b|\bbaseline\b|\btargets?\b|\bindicators?\b"
    r"|\bachieved value\b|\bwhat (?:was|is) the (?:value|figure)\b"
    # shorthand that asks for the figure last: "inspections with electronic tools in 2021, number?"
    r"|[,:\-–—]\s*(?:the\s+)?(?:numbers?|figures?|count|total|how many|how much)\s*\??\s*$",
    re.I,
)
# "how many" inside a noun phrase ("the study on how many IT staff are needed") is not what the question asks
EMBEDDED_HOW = re.compile(r"[\w’'-]+\s+(?:on|about|of|into|regarding)\s+how (?:many|much)\b", re.I)
WHEN = re.compile(
    r"^\s*(?:and\s+)?(?:when|since when|(?:on |by |from )?(?:what|which) (?:exact )?(?:date|day)|in which year"
    r"|what year)\b",
    re.I,
)  # asks for a date


@dataclass
class Query:
    """A question made standalone, with what it asks and what it is about."""

    text: str
    intent: Intent
    ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    unit: str = ""  # activities | measures | indicators | objectives, for list and count questions
    group_by: str = ""  # objective | measure, for "how many measures does each objective have"
    inherited: bool = False
    # inherited only because the question is short or elliptical ("and the plan for cyber exercises?"): it may
    # still name its own subject in words, which ask() checks against the record titles
    inherited_by_length: bool = False
    entities: list[str] = field(default_factory=list)
    other_bodies: bool = False  # "which measures are NOT run by X": the bodies it names are left out
    context: str = ""  # the earlier question a follow-up leans on, for retrieval
    deadline: When | None = None  # "which activities were pushed back to 2024?": a list or count by deadline


def _ids_in_history(history: list[Turn], known: set[str]) -> list[str]:
    """IDs of the latest turn that names any, the assistant's answer before the user's question."""
    for turn in reversed(history):
        ids = [i for i in find_ids(turn.content) if i in known]
        if ids:
            return ids
    return []


def _shift(id_: str, step: int, catalog: Catalog, kind: str) -> str | None:
    """The measure, activity or objective `step` places after id_ in document order."""
    pools: dict[str, list] = {
        "measure": catalog.measures,
        "activity": catalog.activities,
        "objective": catalog.objectives,
    }
    order = [r.id for r in pools[kind]]
    depth = catalog.depth_of(kind)
    base = ".".join(id_.split(".")[:depth])
    if base not in order:
        return None
    j = order.index(base) + step
    return order[j] if 0 <= j < len(order) else None


# what an elliptical follow-up ("and the X?", "what about X?") asks again of the thing it names
_CARRIED_INTENTS = frozenset({Intent.STATUS, Intent.WHY, Intent.RESPONSIBLE})
ASKS_OWN = re.compile(r"\b(?:who|whom|whose|which|what|when|where|why|how)\b", re.I)


def _last_question(history: list[Turn]) -> str:
    return next((t.content for t in reversed(history) if t.role == "user"), "")


def understand(
    question: str, history: list[Turn] | None, catalog: Catalog, names: Names | None = None
) -> Query:
    """Intent and subject IDs of the question, resolving follow-ups against the history."""
    known = catalog.all_ids()
    units = _patterns(catalog)
    COUNT, LIST, EACH, NEXT = units.count, units.list, units.each, units.next
    text = " ".join(question.split())
    miscalled = {
        normalise_id(m.group(2))
        for m in units.mention.finditer(text)  # "measure 1.4" when 1.4 is an objective
        if units.words.get(m.group(1).lower()) not in (None, "indicators")
        and units.words[m.group(1).lower()] != _KIND_UNIT[catalog.kind_of(normalise_id(m.group(2)))]
    }
    ids = [i for i in find_ids(text) if i in known and i not in miscalled]
    inherited = False
    context = ""
    by_length = False
    shifted_to = ""
    words = ACRONYM.sub(" ", text)  # "IT staff" holds no pronoun "it"
    if (
        not ids and history and not ID_MENTION.search(text)
    ):  # "activity 1.4.9.9" does not exist: nothing to inherit
        carried = _ids_in_history(history, known)
        m = NEXT.search(text)
        nth = ORDINAL.search(words)
        one = NEXT_ONE.search(text)
        # "the one after it", "the previous one": the record beside it, of the same kind
        if carried and one and not m:
            step = 1 if (one.group(1) or one.group(2)).lower() in {"next", "following", "after"} else -1
            beside = catalog.kind_of(carried[0])
            shifted = (
                _shift(carried[0], step, catalog, beside)
                if beside in ("measure", "activity", "objective")
                else None
            )
            ids, inherited = ([shifted] if shifted else []), True
            shifted_to = shifted or ""
        elif carried and nth and not m:  # "the first one", "the last of them": that one of the IDs just named
            pick = ORDINALS[nth.group(1).lower()]
            ids, inherited = ([carried[pick]] if -len(carried) <= pick < len(carried) else carried[:1]), True
        elif carried and m:
            step = 1 if m.group(1).lower() in {"next", "following"} else -1
            kind = {"activities": "activity", "measures": "measure", "objectives": "objective"}.get(
                units.words.get(m.group(2).lower(), ""), ""
            )
            shifted = _shift(carried[0], step, catalog, kind) if kind else None
            ids, inherited = ([shifted] if shifted else []), True
            shifted_to = shifted or ""
        elif (
            FOLLOWUP.search(words) or len(text.split()) <= 7 and not (COUNT.search(text) or LIST.search(text))
        ):
            ids, inherited = carried[:3], bool(carried)
            by_length = inherited and (not FOLLOWUP.search(words) or bool(ELLIPSIS.match(words)))
            context = _last_question(history)
    statuses = statuses_named(text)
    unit_m = COUNT.search(text) or LIST.search(text)
    unit = units.words.get(next((g for g in (unit_m.groups() if unit_m else ()) if g), "").lower(), "")
    each = EACH.search(text)
    entities = (names or Names(catalog=catalog)).bodies_named(text)
    other_bodies = bool(entities) and bool(EXCLUDING.search(text))
    single_activity = len([i for i in ids if catalog.kind_of(i) == "activity"]) == 1
    deadline = asked(text) if catalog.activities and not single_activity else None
    asks = EMBEDDED_HOW.sub(" ", text)  # the question without the quantities its noun phrases mention
    # "what's marked 'no data' under objective 1.1": the IDs it names are where to list, not what it asks about
    within = bool(ids) and not inherited and all(catalog.kind_of(i) in ("objective", "measure") for i in ids)
    if deadline and not DRAFT.search(text) and (unit_m or LISTING.search(text)):
        intent, unit = (Intent.COUNT if COUNT.search(text) else Intent.LIST), unit or "activities"
        statuses = statuses_named(DUE.sub(" ", text))  # "a completion date" names no status
    elif DRAFT.search(text):
        intent = Intent.DRAFT
    elif COUNT.search(text) and unit:
        intent = Intent.COUNT
    elif unit and (LIST.search(text) or statuses or entities) and not single_activity:
        intent = Intent.LIST
    elif (
        (not ids or within and statuses and not YESNO.search(text) and not STATUS_WORD.search(text))
        and (statuses or entities and TASKS.search(text))
        and LISTING.search(text)
        and not FATE.search(text)  # "what happened to X, is it completed?" asks about X, not for a list
        and catalog.activities
    ):
        intent, unit = Intent.LIST, "activities"
    elif RESPONSIBLE.search(text):
        intent = Intent.RESPONSIBLE
    elif (why := WHY.search(asks)) and not ((m := QUANT.search(asks)) and m.start() < why.start()):
        intent = Intent.WHY  # "how many ..., and why so few?" asks the figure first: its reasoning says why
    elif FATE.search(text):
        intent = Intent.STATUS
    elif QUANT.search(asks):
        intent = Intent.INDICATOR
    elif (STATUS.search(text) or statuses or YESNO.search(text)) and not (WHEN.search(text) and not statuses):
        intent = Intent.STATUS
    elif COMPARE.search(text) and len(ids) >= 2:
        intent = Intent.COMPARE
    elif ABOUT.search(text) and ids:
        intent = Intent.ABOUT
    elif INDICATOR.search(asks):
        intent = Intent.INDICATOR
    else:
        intent = Intent.FREE
    if intent == Intent.FREE and shifted_to:  # "and the next measure?": that measure, as a whole
        intent = Intent.ABOUT
    elif (
        intent == Intent.FREE
        and ELLIPSIS.match(text)
        and not ASKS_OWN.search(ELLIPSIS.sub("", text, count=1))
        and (before := _last_question(history or []))
    ):
        # "and the social card register?" after a status question asks the same of the thing it names; "and in
        # which municipalities ...?" asks a question of its own
        earlier = understand(before, [], catalog, names).intent
        intent = earlier if earlier in _CARRIED_INTENTS else intent
    return Query(
        text=text,
        intent=intent,
        ids=ids,
        statuses=statuses,
        unit=unit,
        group_by={"objectives": "objective", "measures": "measure"}.get(
            units.words.get(each.group(2).lower(), ""), ""
        )
        if each
        else "",
        inherited=inherited,
        inherited_by_length=by_length,
        entities=entities,
        other_bodies=other_bodies,
        context=context,
        deadline=deadline if intent in (Intent.LIST, Intent.COUNT) else None,
    )
