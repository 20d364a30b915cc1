"""Cross-cutting recommendations: the report's themes and which of them apply to a measure or a request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.tokenize import tokenize
from ingest.records import Catalog, Measure
from rag.draft.cues import FUNDS
from rag.draft.models import ActivityItem, Recommendation, Statement
from rag.draft.prose import ProseSentence, _chapter_vectors, _is_recommendations_chapter, report_sentences
from rag.draft.refs import _Refs, _stmt
from rag.draft.text import _clip, _norm
from rag.index import Index
from rag.vocabulary import RECOMMEND

# Measure-specific recommendations: this similar to the measure's title, sharing one of its rarer words.
SPECIFIC_COSINE = 0.55
SPECIFIC_IDF = 2.0
# Words of measure titles that name an action, not a subject: they do not make a sentence specific.
GENERIC_TITLE_WORDS = frozenset(
    tokenize(
        "provision improvement improving improve establishment establishing establish development developing implementation "
        "implementing ensuring support supporting use using introducing introduction new existing form order increasing "
        "raising importance needs apply applying other"
    )
)
SPECIFIC_SHARE = 0.3


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    pattern: re.Pattern
    request: re.Pattern  # a request that asks about the theme itself


THEMES = (
    Theme(
        "coordination",
        "Co-ordination and management",
        re.compile(
            r"co-?ordinat\w*|management (?:structure|model|function)|strategic management|centralis\w*|"
            r"\bgovernance\b|\bleadership\b|\bcouncil\b|cross-sectoral",
            re.I,
        ),
        re.compile(
            r"co-?ordinat|\bgovern(?:ed|ance|ing)\b|\bmanag(?:e|ed|ement) (?:of )?the programme|\bleadership\b|steering|\bcouncil\b",
            re.I,
        ),
    ),
    Theme(
        "funding",
        "Funding",
        re.compile(r"\bfund(?:s|ing)?\b|\bbudget\w*|\bdonor\w*|\bloans?\b|\bfinanc\w*", re.I),
        re.compile(r"\bfund(?:s|ing)?\b|\bbudget|\bfinanc|\bdonor|\bmoney\b", re.I),
    ),
    Theme(
        "staff",
        "IT staff and human resources",
        re.compile(
            r"\bIT staff\b|\bhuman (?:resources?|capacit\w*)\b|\bstaff\b|\bskills\b|\bretention\b|\bretain\w*|"
            r"\bprofessional development\b|\bIT (?:experts|profiles)\b|\btraining\w*",
            re.I,
        ),
        re.compile(
            r"\bIT staff\b|\bhuman (?:resources?|capacit)|\bstaff\w*\b|\bskills\b|\bpersonnel\b|\brecruit|\bretention\b|\bsalar",
            re.I,
        ),
    ),
)
STAFF_NEED = re.compile(
    r"\bIT staff\b|\bIT profiles?\b|\btraining\w*\b|\bhuman\b|\bskills\b|\bcapacit\w*\b|\bcivil servants\b"
    r"|\bemployees\b|\bofficials\b",
    re.I,
)
COORD_NEED = re.compile(
    r"\bco-?ordinat\w*|\bcooperation\b|\bworking group\b|\bWG\b|\blocal self-govern\w*|\bLSGs?\b|\bdifferent levels\b",
    re.I,
)


def _theme_sentences(
    index: Index, theme: Theme, chapter_only: bool = True, limit: int = 2
) -> list[ProseSentence]:
    return [s for _, s in _theme_scored(index, theme, chapter_only)[:limit]]


def _theme_scored(index: Index, theme: Theme, chapter_only: bool = True) -> list[tuple[float, ProseSentence]]:
    """The report's recommendation sentences on a theme: theme words, recommending verbs, chapter 4 first."""
    scored: list[tuple[float, ProseSentence]] = []
    for s in report_sentences(index):
        in_chapter = _is_recommendations_chapter(s.section)
        if chapter_only and not in_chapter:
            continue
        hits = len({m.group(0).lower() for m in theme.pattern.finditer(s.text)})
        if not hits or len(s.text) < 60 or s.text.endswith(":"):
            continue
        score = min(hits, 3) + (1.5 if RECOMMEND.search(s.text) else 0) + (0.5 if in_chapter else 0)
        scored.append((score, s))
    scored.sort(key=lambda t: (-t[0], t[1].position))
    return scored


def _recommendations(
    index: Index,
    m: Measure,
    acts: list[ActivityItem],
    catalog: Catalog,
    refs: _Refs,
    prose: list[ProseSentence],
) -> list[Recommendation]:
    """The recommendations chapter's cross-cutting recommendations that apply to this measure, and its own."""
    out: list[Recommendation] = []
    records = [a for a in catalog.activities if a.measure == m.id]
    text = " ".join(
        [m.title]
        + [f"{a.title} {a.reasoning} {a.relevance} {a.next_steps}" for a in records]
        + [i.name for i in catalog.indicators if i.owner == m.id]
    )
    by_key: dict[str, str] = {}
    for name in [_norm(m.responsible)] + [_norm(a.responsible) for a in records]:
        key = name.split(" ")[0].upper() if name else ""
        if key and len(name) > len(by_key.get(key, "")):
            by_key[key] = name
    entities = sorted(by_key.values())
    coord_words = sorted({w.group(0) for w in COORD_NEED.finditer(text)}, key=str.lower)
    if len(entities) > 1:
        why = f"the measure's activities are shared by {', '.join(entities)}"
    elif coord_words:
        why = f"its activities depend on co-ordination (the matrix mentions {', '.join(coord_words[:3])})"
    else:
        why = "the evaluation found the co-ordination of the whole Programme insufficient"
    reasons = {"coordination": why}
    stalled = [a.id for a in records if FUNDS.search(_norm(a.reasoning))]
    if stalled:
        reasons["funding"] = f"{', '.join(stalled)} stalled because funds were not secured"
    staff_words = sorted({w.group(0) for w in STAFF_NEED.finditer(text)}, key=str.lower)
    if staff_words:
        reasons["staff"] = (
            f"the measure relies on people and skills (the matrix mentions {', '.join(staff_words[:3])})"
        )
    for theme in THEMES:
        if theme.key not in reasons:
            continue
        stmts = []
        for s in _theme_sentences(index, theme):
            n = refs.prose(s, m.id)
            stmts.append(_stmt(f"“{_clip(s.text, 500)}”", [n], "recommendations"))
        if stmts:
            out.append(
                Recommendation(theme=theme.label, applies_because=reasons[theme.key], statements=stmts)
            )
    # Recommendations of the chapter that name this measure's subject (its title words).
    specific = _specific_recommendations(index, m, refs)
    if specific:
        out.append(
            Recommendation(
                theme="Specific to this measure",
                applies_because="the recommendations chapter names its subject",
                statements=specific,
            )
        )
    return out


def _specific_recommendations(index: Index, m: Measure, refs: _Refs) -> list[Statement]:
    """Sentences of the recommendations chapter about the measure's subject: close in meaning to its
    title and sharing at least one of its distinctive words."""
    idf = index.idf
    title = {
        t: idf[t]
        for t in tokenize(m.title)
        if idf.get(t, 0.0) >= SPECIFIC_IDF and t not in GENERIC_TITLE_WORDS
    }
    pool, vectors = _chapter_vectors(index)
    if not title or not pool:
        return []
    total = sum(title.values())
    sims = vectors @ index.embed_query(_norm(m.title))
    out: list[tuple[float, ProseSentence]] = []
    for sim, s in zip(sims, pool):
        shared = sum(w for t, w in title.items() if t in set(tokenize(s.text))) / total
        if float(sim) >= SPECIFIC_COSINE and shared >= SPECIFIC_SHARE:
            out.append((float(sim) + (0.05 if RECOMMEND.search(s.text) else 0.0), s))
    out.sort(key=lambda t: -t[0])
    sentences = report_sentences(index)
    stmts = []
    for _, s in out[:2]:
        intro = None
        if s.text[:1] in "·§•-–":  # a list item: quote the sentence that introduces the list
            for j in range(s.position - 1, max(-1, s.position - 15), -1):
                if sentences[j].text.endswith(":") and sentences[j].section == s.section:
                    intro = sentences[j]
                    break
        if intro is not None:
            stmts.append(
                _stmt(
                    f"“{_clip(intro.text, 400)}” … “{s.text}”",
                    [refs.prose(intro, m.id), refs.prose(s, m.id)],
                    "recommendations",
                )
            )
        else:
            stmts.append(_stmt(f"“{_clip(s.text, 400)}”", [refs.prose(s, m.id)], "recommendations"))
    return stmts


def _general(
    index: Index, request: str, topic: str, themes: list[Theme], refs: _Refs
) -> list[Recommendation]:
    """Cross-cutting recommendations for a request about co-ordination, funding or IT staff."""
    out = []
    vector = index.embed_query(topic or request)
    for theme in themes:
        scored = _theme_scored(index, theme, chapter_only=False)[:30]
        if not scored:
            continue
        sims = index.text_vectors([s.text for _, s in scored]) @ vector
        ranked = sorted(zip(sims, scored), key=lambda t: -(float(t[0]) + 0.15 * t[1][0]))
        chosen = sorted([s for _, (_, s) in ranked[:5]], key=lambda s: s.position)
        stmts = [
            _stmt(
                f"“{_clip(s.text, 500)}”",
                [refs.prose(s, "")],
                "recommendations" if _is_recommendations_chapter(s.section) else "findings",
            )
            for s in chosen
        ]
        out.append(
            Recommendation(theme=theme.label, applies_because="the request asks about it", statements=stmts)
        )
    return out
