"""Deciding what the draft proposes for each activity, from its matrix fields and the findings."""

from __future__ import annotations

import re

from ingest.records import Activity
from rag.draft.cues import (
    CONTINUE,
    FORWARD,
    FUNDS,
    NO_CONTINUE,
    NOT_RELEVANT,
    STILL_RELEVANT,
    _move_target,
    _status_label,
)
from rag.draft.models import ActivityItem, Decision, Statement
from rag.draft.prose import ProseSentence, _prose_cues, _section_number
from rag.draft.refs import _Refs, _stmt
from rag.draft.text import _clip, _first, _norm


def _activity_item(
    a: Activity, refs: _Refs, sentences: list[ProseSentence], incoming_from: str = ""
) -> ActivityItem:
    """What to do with an activity in the next period, decided from its matrix fields and the findings."""
    rel, ns, why = _norm(a.relevance), _norm(a.next_steps), _norm(a.reasoning)
    ns = "" if ns in {"/", "-"} else ns
    not_rel = NOT_RELEVANT.search(rel)
    still_rel = STILL_RELEVANT.search(rel) and not not_rel
    NEW = refs.new_ap
    PERIOD, AS_OF = refs.period, refs.as_of
    new_ap = NEW.search(ns) or (NEW.search(rel) and not not_rel)
    forward = bool(ns and (new_ap or FORWARD.search(ns)))
    no_continue = NO_CONTINUE.search(ns)
    funds = FUNDS.search(why)
    move = _move_target(a, refs.catalog)
    cues = _prose_cues(sentences, a.id)
    status = a.status

    base = refs.record(a, _first(a.status_raw) or a.title[:200])
    item_refs = [base]
    notes: list[Statement] = []

    def quote_field(label: str, value: str, pattern: re.Pattern | None = None) -> str:
        q = _first(value, pattern)
        if not q:
            return ""
        n = refs.record(a, q)
        item_refs.append(n)
        notes.append(_stmt(f"{label}: “{_clip(q, 400)}”", [n], "matrix"))
        return q

    quote_field("Reasoning for the progress (matrix)", a.reasoning, FUNDS if funds else None)
    quote_field(
        "Relevance (matrix)",
        a.relevance,
        NOT_RELEVANT if not_rel else (STILL_RELEVANT if still_rel else None),
    )
    ns_q = quote_field("Possible next steps (matrix)", a.next_steps, NEW if new_ap else None)
    for s in cues.mentions[:2]:
        n = refs.prose(s, a.id)
        item_refs.append(n)
        notes.append(
            _stmt(f"Findings ({_section_number(s.section)}): “{_clip(s.text, 400)}”", [n], "findings")
        )

    relevance_words = (
        "still relevant" if still_rel else ("the findings call it still relevant" if cues.positive else "")
    )
    next_words = _clip(ns_q or ns, 200)

    decision: Decision
    if incoming_from:
        decision = "move in"
        proposal = f"Move in from {refs.catalog.label(incoming_from).lower()}, as the matrix proposes" + (
            f"; {next_words}" if next_words else ""
        )
        reason = f"the matrix proposes moving it from {refs.catalog.label(incoming_from).lower()} to this {refs.catalog.level_name('measure').lower()}"
    elif move:
        decision, reason = (
            "leave out",
            f"proposed to be moved to {refs.catalog.label(move).lower()} (see that entry)",
        )
        proposal = f"Move to {refs.catalog.label(move).lower()}"
    elif no_continue:
        decision = "leave out"
        reason = f"{status}{' for lack of funds' if funds else ''}; the matrix sees no plan to continue it"
        proposal = "Leave out"
    elif not_rel and not forward:
        if cues.positive:
            decision = "decide"
            reason = (
                "the matrix calls it no longer relevant, but the findings chapter lists it as still relevant"
            )
            proposal = "To decide: the sources disagree (matrix: not relevant; findings: still relevant)" + (
                f"; matrix next step: {next_words}" if next_words else ""
            )
        else:
            decision = "leave out"
            done = (
                "completed"
                if status == "completed"
                else (
                    f"{status}, and the matrix calls it completed"
                    if re.search(r"complet", rel, re.I)
                    else status
                )
            )
            reason = (
                f"{done} and no longer relevant"
                if status != "unknown"
                else "no longer relevant according to the matrix"
            )
            proposal = "Leave out"
    elif status in ("abandoned", "not initiated"):
        decision = "carry over"
        parts = [f"{status} {AS_OF}" + (" for lack of funds" if funds else "")]
        if relevance_words:
            parts.append(relevance_words)
        if new_ap or forward:
            parts.append(f"plan in the {PERIOD} AP" if new_ap else next_words)
        elif next_words:
            parts.append(next_words)
        proposal = "Carry over: " + ", ".join(p for p in parts if p)
        reason = "; ".join(p for p in parts if p)
    elif status == "ongoing":
        decision = "plan" if new_ap else "continue"
        extra = ", ".join(
            p for p in (("still open for lack of funds" if funds else ""), relevance_words) if p
        )
        proposal = ("Plan in the " + PERIOD + " AP" if new_ap else "Continue") + (
            f" ({extra})" if extra else ""
        )
        if next_words and not (proposal == "Continue" and next_words.lower().startswith("continu")):
            proposal += f": {next_words}"
        elif next_words:
            proposal = next_words.rstrip(".")
        reason = f"ongoing {AS_OF}"
    elif status == "completed":
        if still_rel or new_ap or forward or (ns and CONTINUE.search(ns)) or cues.positive:
            decision = "plan" if new_ap else "continue"
            lead = "Plan the follow-up in the " + PERIOD + " AP" if new_ap else "Continue the follow-up"
            proposal = f"{lead} (completed, {relevance_words or 'a next step is proposed'})" + (
                f": {next_words}" if next_words else ""
            )
            reason = "completed, but still relevant"
        else:
            decision = "leave out"
            reason = (
                "completed; the findings call it no longer relevant and the matrix proposes no further step"
                if cues.negative
                else "completed; the matrix proposes no further step"
            )
            proposal = "Leave out"
    else:  # no data or no status
        decision = "plan" if (new_ap or forward) else "verify"
        what = "the matrix gives no status" if status == "unknown" else "the matrix reports no data"
        proposal = (
            f"Plan in the {PERIOD} AP, after verifying its status ({what})"
            if decision == "plan"
            else f"Verify before planning: {what}"
        ) + ("; funds were not secured" if funds else "")
        reason = what
    if not_rel and forward and decision not in ("leave out", "move in"):
        proposal += " (the matrix's relevance column calls it not relevant)"
    return ActivityItem(
        id=a.id,
        title=_norm(a.title),
        responsible=_norm(a.responsible),
        status=status,
        status_label=_status_label(a),
        decision=decision,
        proposal=proposal,
        reason=reason,
        from_measure=incoming_from,
        notes=notes,
        refs=sorted(set(item_refs)),
    )
