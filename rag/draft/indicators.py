"""The draft's indicator rows: baseline, target, the proposal for each and the open points they raise."""

from __future__ import annotations

import re

from core.tokenize import tokenize
from ingest.records import Indicator
from rag.draft.cues import INDICATOR_CANCEL, INDICATOR_CHANGE
from rag.draft.models import IndicatorItem, Statement
from rag.draft.prose import ProseSentence
from rag.draft.refs import _Refs, _stmt
from rag.draft.text import _clip, _first, _norm, _plain


def _indicator_item(
    ind: Indicator, refs: _Refs, prose: list[ProseSentence]
) -> tuple[IndicatorItem, list[Statement]]:
    """The indicator's row in the draft and the open points it raises."""
    name = _norm(ind.name)
    item_refs = [refs.indicator(ind, f"Indicator: {name}")]
    got = ind.latest_achieved()
    achieved = _plain(got.raw) if got else ""
    if got and achieved:
        item_refs.append(refs.indicator(ind, f"{got.label}: {achieved}"))
    ahead = ind.next_target()
    target = _plain(ahead.raw) if ahead else ""
    if ahead and target:
        item_refs.append(refs.indicator(ind, f"{ahead.label}: {target}"))
    target_words = f"target for {ahead.year}" if ahead and ahead.year else "target"
    achieved_words = f"achieved {got.year}" if got and got.year else "achieved"
    notes: list[Statement] = []
    open_points: list[Statement] = []
    ns = _plain(ind.next_steps)
    reasoning = _plain(ind.reasoning)
    proposal = "Keep" + (f"; {target_words}: {_clip(target, 80)}" if target and len(target) < 80 else "")
    if ns:
        q = f"Possible next steps: {ns}"
        n = refs.indicator(ind, q)
        item_refs.append(n)
        if INDICATOR_CANCEL.search(ns):
            proposal = f"Cancel or revise: {_first(ind.next_steps, INDICATOR_CANCEL)}"
        elif INDICATOR_CHANGE.search(ns):
            proposal = f"Change: {_first(ind.next_steps, INDICATOR_CHANGE)}"
        else:
            proposal = f"Keep; next step: {_clip(_first(ind.next_steps), 200)}"
        notes.append(_stmt(f"Possible next steps (matrix): “{_clip(ns, 400)}”", [n], "matrix"))
        verify = _first(ind.next_steps, re.compile(r"\bverify\b", re.I), strict=True)
        if verify:
            open_points.append(_stmt(f"Indicator “{name}”: {verify}", [n], "matrix"))
    if reasoning and not reasoning.startswith("http"):
        q = f"Reasoning for the progress: {reasoning}"
        n = refs.indicator(ind, q)
        notes.append(_stmt(f"Reasoning (matrix): “{_clip(reasoning, 300)}”", [n], "matrix"))
        if re.fullmatch(r"no data\.?", reasoning, re.I):
            open_points.append(
                _stmt(
                    f"Indicator “{name}”: the matrix has no data on its progress ({achieved_words}: {achieved or 'blank'}); "
                    "data to be collected before setting a target.",
                    [n],
                    "matrix",
                )
            )
    exceeded = _exceeded(ind)
    if exceeded and proposal.startswith("Keep"):
        proposal = f"Keep with a new target: {exceeded}" + proposal[len("Keep") :]
    if not achieved:
        year = f" for {got.year}" if got and got.year else ""
        open_points.append(
            _stmt(
                f"Indicator “{name}”: no achieved value{year} in the matrix; the baseline must be established.",
                item_refs[:1],
                "matrix",
            )
        )
    # The findings' proposals about this indicator (by the words of its name).
    name_toks = set(tokenize(name))
    for s in prose:
        if "indicator" in s.text.lower() and re.search(
            r"\bpropos|\bchange|\bcancel|\bdelete|\breformulat", s.text, re.I
        ):
            overlap = len(name_toks & set(tokenize(s.text))) / (len(name_toks) or 1)
            if overlap >= 0.5:
                n = refs.prose(s, ind.owner)
                item_refs.append(n)
                notes.append(_stmt(f"Findings: “{_clip(s.text, 400)}”", [n], "findings"))
                if proposal.startswith("Keep"):
                    proposal = "Change, as the findings propose (see note)"
    history = [
        (v.label, _plain(v.raw)) for v in ind.values if _plain(v.raw) and v is not got and v is not ahead
    ]
    item = IndicatorItem(
        key=ind.id,
        name=name,
        baseline=achieved,
        history=history,
        target=target,
        proposal=proposal,
        notes=notes,
        refs=sorted(set(item_refs)),
    )
    return item, open_points


def _exceeded(ind: Indicator) -> str:
    """'the 2022 target (50) is already exceeded (83 in 2021)' when the matrix's own numbers say so."""
    got, ahead = ind.latest_achieved(), ind.next_target()
    if got is None or ahead is None or got.number is None or ahead.number is None:
        return ""
    raw_target = _plain(ahead.raw)
    if not re.fullmatch(r"[\d.,\s%]+", raw_target):
        return ""
    if got.number >= ahead.number > 0:
        return f"the {ahead.year or 'latest'} target ({raw_target}) is already exceeded ({_plain(got.raw)} in {got.year or 'the matrix'})"
    return ""
