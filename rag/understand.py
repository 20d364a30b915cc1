"""What a question asks: its intent, the IDs it names or inherits from the conversation, statuses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.ids import ID_MENTION, find_ids
from ingest.records import Catalog
from rag.models import Turn
from rag.synonyms import entities_named, statuses_named

DRAFT = re.compile(r"^\s*(?:please\s+|can you\s+|could you\s+)?(?:draft|write|prepare|compose|propose|suggest)\b.*"
                   r"\b(?:entry|entries|action plan|text|section|activities|measure|plan|paragraph|note|brief|briefing|proposal|programme|summary)\b", re.I | re.S)
COUNT = re.compile(r"\bhow many\s+(?:of the\s+)?(?:\w+\s+){0,2}(activities|measures|indicators|objectives)\b"
                   r"|\bnumber of (activities|measures|indicators|objectives)\b|\bcount\b", re.I)
LIST = re.compile(r"\b(?:which|list|what|name|show|give me|enumerate)\b.{0,40}?\b(activities|measures|indicators|objectives)\b", re.I)
WHY = re.compile(r"\bwhy\b|\breasons?\b|\bcause[sd]?\b|\bexplain\b|\bwhat (?:stopped|prevented|held|blocked)\b|\bobstacle", re.I)
STATUS = re.compile(r"\bstatus\b|\bprogress\b|^\s*where (?:is|are|do|does|did) (?:the |we )?|\bhow far\b|\bcoming along\b|\bhow is .{3,60} going\b|\bstate of\b|\bwhat happened\b|\bwhere (?:are|is|do) (?:we|things)\b"
                    r"|\b(?:was|were|is|has|have)\b.{0,80}\b(?:completed|implemented|finished|done|abandoned|dropped|initiated|started|launched|achieved|carried out|realised|realized)\b"
                    r"|\bdid\b.{0,60}\b(?:happen|start|finish|succeed|go ahead|get done)\b", re.I | re.S)
# "what became of X", "did X ever get done": a status question even when X's description holds "how many"
FATE = re.compile(r"\bwhat (?:became|has become|happened|is happening|'s happening) (?:of|to|with)\b|\bcome of\b"
                  r"|^\s*(?:did|has|have|was|were|is|are)\b.{0,200}\b(?:ever )?(?:get|got|gotten|been) (?:done|finished|completed|off the ground)\b"
                  r"|\bup and running\b|\bget off the ground\b", re.I | re.S)
RESPONSIBLE = re.compile(r"\bwho\b.{0,40}\b(?:responsible|in charge|lead|leads|leading|implement|runs?|own|owns|charge)\b"
                         r"|\bresponsib|\bwhich (?:institution|body|ministry|authority|agency|office|organisation|organization)\b", re.I | re.S)
INDICATOR = re.compile(r"\bbaseline\b|\btargets?\b|\bachieved\b|\bindicators?\b|\bhow (?:many|much)\b|\bpercentage\b|\bshare of\b"
                       r"|\bnumber of\b|\bvalues?\b|\bfigures?\b|\b20(?:19|20|21|22)\b|\breach(?:ed)?\b", re.I)
ABOUT = re.compile(r"\bwhat (?:is|was|does|did)\b.{0,30}\b(?:measure|activity|objective)\b.{0,30}\b(?:about|aim|cover|do|mean)\b"
                   r"|\bdescribe\b|\bpurpose\b|\baim of\b|\bwhat is (?:measure|activity|objective|so)\s+\d|\btell me about\b|\boverview\b", re.I | re.S)
COMPARE = re.compile(r"\bcompare|\bcomparison\b|\bdifferen|\bversus\b|\bvs\.?\b|\bboth\b", re.I)
FOLLOWUP = re.compile(r"^\s*(?:and|but|also|what about|how about|so|then)\b|\b(?:it|its|that|this|these|those|they|them|there)\b"
                      r"|\bthe (?:same|previous|next|last|above|former|latter)\b|\b(?:next|previous) (?:measure|activity|objective)\b", re.I)
NEXT = re.compile(r"\b(next|following|previous|preceding|prior)\s+(measure|activity|objective)\b", re.I)
YESNO = re.compile(r"^\s*(?:and\s+)?(?:is|are|was|were|has|have|had|did|does|do|can|could|will|would)\b", re.I)
QUANT = re.compile(r"\bhow (?:many|much)\b|\bpercentage\b|\bshare of\b|\bnumber of\b|\bbaseline\b|\btargets?\b|\bindicators?\b"
                   r"|\bachieved value\b|\bwhat (?:was|is) the (?:value|figure)\b", re.I)
WHEN = re.compile(r"^\s*(?:and\s+)?(?:when|since when|on what date|in which year|what year)\b", re.I)  # asks for a date
EACH = re.compile(r"\b(each|every|per|by)\s+(?:specific\s+)?(objective|measure)\b", re.I)


@dataclass
class Query:
    """A question made standalone, with what it asks and what it is about."""

    text: str
    intent: str
    ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    unit: str = ""  # activities | measures | indicators | objectives, for list and count questions
    group_by: str = ""  # objective | measure, for "how many measures does each objective have"
    inherited: bool = False
    entities: list[str] = field(default_factory=list)
    context: str = ""  # the earlier question a follow-up leans on, for retrieval


def _ids_in_history(history: list[Turn], known: set[str]) -> list[str]:
    """IDs of the latest turn that names any, the assistant's answer before the user's question."""
    for turn in reversed(history):
        ids = [i for i in find_ids(turn.content) if i in known]
        if ids:
            return ids
    return []


def _shift(id_: str, step: int, catalog: Catalog, kind: str) -> str | None:
    """The measure, activity or objective `step` places after id_ in document order."""
    pool = {"measure": catalog.measures, "activity": catalog.activities, "objective": catalog.objectives}[kind]
    order = [r.id for r in pool]
    depth = {"objective": 2, "measure": 3, "activity": 4}[kind]
    base = ".".join(id_.split(".")[:depth])
    if base not in order:
        return None
    j = order.index(base) + step
    return order[j] if 0 <= j < len(order) else None


def understand(question: str, history: list[Turn] | None, catalog: Catalog) -> Query:
    """Intent and subject IDs of the question, resolving follow-ups against the history."""
    known = catalog.all_ids()
    text = " ".join(question.split())
    ids = [i for i in find_ids(text) if i in known]
    inherited = False
    context = ""
    if not ids and history and not ID_MENTION.search(text):  # "activity 1.4.9.9" does not exist: nothing to inherit
        carried = _ids_in_history(history, known)
        m = NEXT.search(text)
        if carried and m:
            step = 1 if m.group(1).lower() in {"next", "following"} else -1
            shifted = _shift(carried[0], step, catalog, m.group(2).lower())
            ids, inherited = ([shifted] if shifted else []), True
        elif FOLLOWUP.search(text) or len(text.split()) <= 7 and not (COUNT.search(text) or LIST.search(text)):
            ids, inherited = carried[:3], bool(carried)
            context = next((t.content for t in reversed(history) if t.role == "user"), "")
    statuses = statuses_named(text)
    unit_m = COUNT.search(text) or LIST.search(text)
    unit = next((g for g in (unit_m.groups() if unit_m else ()) if g), "").lower()
    each = EACH.search(text)
    entities = entities_named(text)
    single_activity = len([i for i in ids if i.count(".") == 3]) == 1
    if DRAFT.search(text):
        intent = "draft"
    elif COUNT.search(text) and unit:
        intent = "count"
    elif unit and (LIST.search(text) or statuses or entities) and not single_activity:
        intent = "list"
    elif RESPONSIBLE.search(text):
        intent = "responsible"
    elif WHY.search(text):
        intent = "why"
    elif FATE.search(text):
        intent = "status"
    elif QUANT.search(text):
        intent = "indicator"
    elif (STATUS.search(text) or statuses or YESNO.search(text)) and not (WHEN.search(text) and not statuses):
        intent = "status"
    elif COMPARE.search(text) and len(ids) >= 2:
        intent = "compare"
    elif ABOUT.search(text) and ids:
        intent = "about"
    elif INDICATOR.search(text):
        intent = "indicator"
    else:
        intent = "free"
    return Query(text=text, intent=intent, ids=ids, statuses=statuses, unit=unit,
                 group_by=each.group(2).lower() if each else "", inherited=inherited, entities=entities,
                 context=context)
