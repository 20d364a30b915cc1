"""When the asker says the sources disagree ("I've seen two different numbers", "1,200 or more?"): every figure
the evaluation gives for the thing, not only the one indicator that answers best. Other indicators that count
the same thing and the sentences that give a figure for it are added, so the answer shows each side. An answer
from a record's status or from quoted sentences gets the sentences that state the thing's other side: the
figures the asker offers that it lacks, and the evaluation's other statements about the thing. A figure asked
for "now" gets the text's figure for a later year than the matrix's, when it gives one."""

from __future__ import annotations

import re

from core.text import fold, to_latin
from core.tokenize import tokenize
from ingest.records import Indicator
from rag.answer import Draft, answer_indicator, say_sentences
from rag.index import Index
from rag.occasions import ANY_YEAR, achieved_years
from rag.quantity import measured, measures_share
from rag.sentence_rank import NUMBER, content_terms
from rag.understand import Query

# the asker says the figures disagree, or offers two to choose between
CONFLICT = re.compile(
    r"\b(?:different|differing|conflicting|two) (?:numbers|figures|data|values|dates|counts)\b"
    r"|\b(?:don'?t|do not|doesn'?t|does not) (?:match|agree|add up)\b|\bcontradict|\bdisagree|\binconsisten"
    r"|\bboth yes and no\b|\bseems? to say (?:two|both)\b"
    r"|\b\d[\d.,]*\s+or\s+(?:more|less|fewer|\d[\d.,]*)\b",
    re.I,
)
# share of the shorter name's words two indicators' names share when they count the same thing
SAME_THING = 0.5
SIBLINGS = 1  # other indicators added: the one that counts the thing most alike
MORE_SENTENCES = 2  # sentences added that give a figure for the thing


def asks_conflict(*texts: str) -> bool:
    """Whether the question (as asked, or as read in English) says the sources give different figures."""
    return any(CONFLICT.search(t) for t in texts)


def _terms(name: str) -> set[str]:
    return {t for t in content_terms(name) if not t[:1].isdigit()}


def _common(indicators: list[Indicator]) -> set[str]:
    """The words most indicator names use ("number"): they tell no indicator from another."""
    counts: dict[str, int] = {}
    for ind in indicators:
        for t in _terms(ind.name):
            counts[t] = counts.get(t, 0) + 1
    return {t for t, n in counts.items() if n > len(indicators) / 2}


def _same_thing(a: Indicator, b: Indicator) -> float:
    """How far two indicators count the same thing: the share of the shorter name's words in the other (0 when
    one measures a share and the other does not)."""
    ta, tb = _terms(a.name), _terms(b.name)
    if not ta or not tb or measures_share(a.name) != measures_share(b.name):
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def other_figures(draft: Draft, query: Query, index: Index) -> None:
    """Add to an indicator answer the other indicators that count the same thing, and the best sentences
    that give a figure for it, each cited."""
    catalog = index.catalog
    answered = [i for i in catalog.indicators if i.name in draft.figures_of]
    if not answered:
        return
    # what the question asks about, in the answering indicator's words: another indicator must name it too
    asked = content_terms(query.text) - _common(catalog.indicators)
    alike = sorted(
        (
            (max(_same_thing(i, j) for i in answered), n)
            for n, j in enumerate(catalog.indicators)
            if j not in answered
            and any((key := _terms(i.name) & asked) and key <= _terms(j.name) for i in answered)
        ),
        reverse=True,
    )
    siblings = [catalog.indicators[n] for score, n in alike[:SIBLINGS] if score >= SAME_THING]
    if siblings:
        answer_indicator(draft, siblings, query, index)
    thing = set().union(*(_terms(i.name) for i in answered))
    quoted = {c.quote for c in draft.citations}
    words = tokenize(" ".join(i.name for i in answered) + " " + query.text)
    found = []
    for n, _ in index.sentence_scores(words, 30):
        s = index.sentences[n]
        if s.text in quoted or s.chunk.kind == "indicator" or not NUMBER.search(s.text):
            continue
        if len(thing & s.tokens) >= SAME_THING * len(thing):
            found.append((0.0, 0.0, s))
        if len(found) >= MORE_SENTENCES:
            break
    say_sentences(draft, index, found)


# the asker wants the figure as it stands now, which the text may give for a later date than the matrix does
LATEST = re.compile(r"\b(?:now|currently|latest|most recent|to date|so far|up to date|today)\b", re.I)
LATEST_SR = re.compile(r"\b(?:sada|trenutn\w*|dosad\w*|najnovij\w*|najsvezij\w*|aktueln\w*)\b")


def asks_latest(question: str) -> bool:
    """Whether the question asks for a figure as it stands now ("how many ... now", "koliko sada ima")."""
    return bool(LATEST.search(question) or LATEST_SR.search(fold(to_latin(question)).lower()))


def latest_figure(draft: Draft, index: Index) -> None:
    """Add to an indicator answer the best sentence that gives a figure for the same thing for a later year than
    any result the answer states ("grown to over 1.827 (March 2022)" after a row whose values end in 2021)."""
    answered = [i for i in index.catalog.indicators if i.name in draft.figures_of]
    things = [m for i in answered if (m := measured(i.name))]  # what each counts: "datasets available"
    latest = max(map(int, achieved_years(" ".join(draft.parts))), default=0)
    quoted = {c.quote for c in draft.citations}
    # searched by the rows' names, what they count twice: the question's other words (a Serbian reading's
    # glossary names) would rank the sentences about its topic above those about the count
    words = tokenize(" ".join(i.name for i in answered)) + [t for thing in things for t in thing]
    for n, _ in index.sentence_scores(words, 30) if things else []:
        s = index.sentences[n]
        if s.text in quoted or s.chunk.kind == "indicator" or not any(t <= s.tokens for t in things):
            continue
        if NUMBER.search(s.text) and max(map(int, achieved_years(s.text)), default=0) > latest:
            say_sentences(draft, index, [(0.0, 0.0, s)])
            return


def other_sides(draft: Draft, query: Query, index: Index) -> None:
    """Add to an answer that gives no indicator's figures the sentences that show the other side of what the
    asker says disagrees: one for each figure the question offers and the answer lacks ("is it 29 or 56?"),
    or, when it offers none, the best others about the same thing that state a figure or a date, each cited."""
    said = " ".join(draft.parts)
    quoted = {c.quote for c in draft.citations}
    # the thing: the question's words the answer's sources share (the asker's own words "seems", "both" drop)
    thing = _terms(query.text) & _terms(
        " ".join(f"{c.title} {c.quote}" for c in draft.citations) + " " + said
    )
    if not thing:
        return
    offered = {f.strip(".,") for f in NUMBER.findall(query.text)}
    lacking = {
        f
        for f in offered
        if not ANY_YEAR.fullmatch(f) and not re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", said)
    }
    candidates = [
        s
        for s in (index.sentences[n] for n, _ in index.sentence_scores(tokenize(query.text), 30))
        if s.text not in quoted and s.text not in said and len(thing & s.tokens) >= SAME_THING * len(thing)
    ]
    found = []
    for figure in sorted(lacking):
        holds = next(
            (c for c in candidates if figure in {f.strip(".,") for f in NUMBER.findall(c.text)}), None
        )
        if holds is not None and holds not in found:
            found.append(holds)
    if not lacking:  # no figure offered: the evaluation's other statements of a figure or date for the thing
        found = [s for s in candidates if NUMBER.search(s.text)][:MORE_SENTENCES]
    say_sentences(draft, index, [(0.0, 0.0, s) for s in found])
