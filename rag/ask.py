"""rag.ask: understand the question, retrieve, answer from the catalog or sentences, or abstain."""
from __future__ import annotations

import re
import uuid
from functools import cached_property

import numpy as np

from ingest.config import Settings, get_settings
from ingest.ids import kind_of
from ingest.records import Activity, Indicator, Measure
from rag.decompose import split_question
from rag.answer import (GENERIC, Draft, add_prose, cite_record, answer_about, answer_activity_status, answer_aggregate, answer_indicator,
                        answer_responsible, best_sentences, content_terms, coverage, say_sentences)
from rag.index import Index, IndexMissing, get_index
from rag.models import Answer, Filters, Source, Turn
from rag.retrieve import Hit, retrieve, unknown_ids
from rag.quantity import Passage, Row, asked, counted, counted_phrase, head_word, noun_phrase, states_count
from rag.sentences import Sentence, chunk_sentences
from rag.subject import Subject, find_subject, mentions
from rag.synonyms import expand
from rag.tokenize import same_stem, tokenize
from rag.understand import DRAFT, Query, understand

MAX_QUESTION = 2000
MONEY_Q = re.compile(r"\bbudget\b|\bloans?\b|\bgrants?\b|\bdonations?\b|\binvest(?:ed|ment)\b|\bhow much (?:money|funding|did .* cost)|\bcosts?\b|\beuros?\b|\bEUR\b|\bdinars?\b|\bRSD\b|\bspent\b|\bamount of (?:money|funds|funding)\b|\bprice\b|\bsalar", re.I)
MONEY_A = re.compile(r"\d[\d.,]*\s*(?:million|billion|thousand|mil\.?)?\s*(?:of\s+)?(?:RSD|dinars?|EUR|euros?|€|USD|\$)", re.I)
YEAR = re.compile(r"\b(20[2-3]\d)\b")
PLAN = re.compile(r"2023\s*[-–]\s*2025|next (?:programme|period|action plan|cycle)|new (?:action plan|programme|deadline)|future|plan(?:ned|s)?\b|deadline|propos|recommend|will\b|should|expected|extend|postpon|target", re.I)
WHO_ROLE = re.compile(r"^\s*who (?:is|was|are|were) (?:the )?(?:current |former |new )?(?:assistant )?(?:minister|director|head|chief|president|prime minister|secretary|coordinator|co-ordinator|manager|leader|chair)", re.I)
PERSON = re.compile(r"\b[A-ZŠĐČĆŽ][a-zšđčćž]+ [A-ZŠĐČĆŽ][a-zšđčćž]+(?:ić|vić|ović|ski|ac|an|in)\b")
ENTITY = re.compile(r"\b(?:[A-ZŠĐČĆŽ][\w’'-]+)(?:\s+(?:of|and|for|the)?\s*[A-ZŠĐČĆŽ][\w’'-]+)*")
COMMON_CAPS = {c.lower() for c in ("I", "I've", "I'm", "Programme", "Program", "Serbia", "Serbia's", "Republic", "Government",
               "E-Government", "Evaluation", "Matrix", "Evaluation Matrix", "Annex", "AP", "Action Plan", "Measure",
               "Activity", "Objective", "Specific", "SO", "Q1", "Q2", "Q3", "Q4", "What", "Which", "Who", "How", "When",
               "Where", "Why", "Is", "Are", "Was", "Were", "Did", "Does", "Has", "Have", "Can", "Could", "Please", "And", "The")}
WHAT_IS = re.compile(r"\bwhat (?:is|was|are|were) the ([\w\s-]{3,40}?)\s+(?:of|for|in|at|on)\b", re.I)
# "Who chaired the session?": what a person did at an event; the evaluation names almost no one, so the
# evidence must say it with the question's own verb
WHO_DID = re.compile(r"^\s*(?:and\s+)?who\s+(?P<verb>chair(?:s|ed)|head(?:s|ed)|sign(?:s|ed)|appoint(?:s|ed)|elect(?:s|ed)"
                     r"|presid(?:es|ed)|host(?:s|ed)|attend(?:s|ed)|spoke|speaks|present(?:s|ed)|moderat(?:es|ed)"
                     r"|nominat(?:es|ed)|open(?:s|ed)|launch(?:es|ed)|inaugurat(?:es|ed))\b", re.I)
# "What did the Prime Minister say about ...": statements of people the evaluation does not report
ROLE_SAID = re.compile(r"\bwhat (?:did|does|has) (?:the )?(?P<role>(?:deputy |assistant )?(?:prime minister|minister|director|president|"
                       r"head|chair(?:man|woman|person)?|secretary|ambassador|mayor|commissioner))\s+(?:\w+\s+)?"
                       r"(?:say|said|state|think|announce|declare|claim|promise|write)\b", re.I)
SAYING = re.compile(r"\b(?:said|says|stated|announced|declared|emphasi[sz]ed|noted|stressed|pointed out)\b", re.I)
COMPARE_WITH = re.compile(r"\bcompared? (?:with|to)\b|\bcompares? (?:with|to)\b|\bthan\b|\bversus\b|\bvs\.?\b|\brelative to\b", re.I)
WHO = re.compile(r"^\s*who\b|\bwhich (?:person|official|minister|director)\b|\bname of the (?:person|minister|director|head)\b", re.I)


def _record_of(chunk, index: Index):
    """The catalog record (or indicator) a record chunk stands for."""
    if chunk.kind == "indicator":
        return next((i for i in index.catalog.indicators if i.id == chunk.record_id), None)
    return index.catalog.record(chunk.record_id)


def _named_subjects(query: Query, index: Index) -> list:
    """Records the question names (or inherits from the conversation), activities first."""
    recs = [index.catalog.record(i) for i in query.ids]
    recs = [r for r in recs if r is not None]
    return sorted(recs, key=lambda r: -r.id.count("."))


def _hit_subject(query: Query, hits: list[Hit], index: Index, kinds: tuple[str, ...], search_text: str):
    """The record hit of the wanted kinds, among the top hits, whose title best matches the question."""
    best = (None, 0.0, None, -1.0)
    for rank, h in enumerate(hits[:5]):
        if h.chunk.kind not in kinds:
            continue
        title = h.chunk.text.split("\n")[0]
        strength = 0.5 * h.cosine + 0.5 * coverage(index, search_text, [title + " " + h.chunk.text[:400]])
        # the title is what names a record: prefer the hit whose title carries the question's words
        choice = strength + 0.5 * coverage(index, expand(search_text), [title]) - 0.03 * rank + (0.05 if h.chunk.kind == "activity" else 0)
        if choice > best[3]:
            best = (_record_of(h.chunk, index), strength, h, choice)
    return best[:3]


def _subject_indicators(query: Query, hits: list[Hit], index: Index, search_text: str) -> list[Indicator]:
    """Indicators a question asks about: of the named records, else the best matching indicator hits."""
    catalog = index.catalog
    q = content_terms(search_text)
    def match(ind: Indicator) -> float:
        return sum(index.idf.get(t, 1.0) for t in q & set(tokenize(ind.name)))
    if query.ids:
        owners = set()
        for i in query.ids:
            owners.add(i)
            if i.count(".") == 3:
                owners.add(i.rsplit(".", 1)[0])
        pool = [ind for ind in catalog.indicators if ind.owner in owners]
    else:
        return _best_indicators(index, search_text, hits)[:1]
    if not pool:
        return []
    best = max(match(i) for i in pool)
    return [i for i in pool if match(i) >= best - 1e-9][:2]


def _best_indicators(index: Index, search_text: str, hits: list[Hit]) -> list[Indicator]:
    """Every indicator, best first: its name's meaning and words against the question's, retrieved ones ahead."""
    inds = index.catalog.indicators
    if not inds:
        return []
    q = content_terms(expand(search_text))
    weight = sum(index.idf.get(t, 1.0) for t in q) or 1.0
    sims = index.text_vectors([" ".join(i.name.split()) for i in inds]) @ index.embed_query(search_text)
    retrieved = {h.chunk.record_id for h in hits[:8] if h.chunk.kind == "indicator"}
    scored = [(0.5 * float(sim) + 0.5 * sum(index.idf.get(t, 1.0) for t in q & set(tokenize(i.name))) / weight
               + (0.1 if i.id in retrieved else 0.0), n) for n, (i, sim) in enumerate(zip(inds, sims))]
    return [inds[n] for _, n in sorted(scored, key=lambda t: -t[0])]


def _abstain(text: str, intent: str) -> Draft:
    d = Draft(intent=intent)
    d.say(text)
    return d


def _scope_check(query: Query, hits: list[Hit], index: Index, evidence: Evidence) -> Draft | None:
    """Questions the evaluation cannot answer by their nature abstain at once.

    Results for years after the evaluation, money it never states, people it never names,
    and things (named entities, counted objects) that the corpus never mentions at all.
    """
    q = query.text
    years = [int(y) for y in YEAR.findall(q)]
    plan = PLAN.search(q)
    late = [y for y in years if y >= 2023]
    if late and not plan:
        return _abstain(f"The evaluation covers the Programme's implementation in 2020-2022 and does not report results for {max(late)}.", "out_of_scope")
    if MONEY_Q.search(q):
        if not _money_sentences(query, index, evidence):
            return _abstain("The evaluation does not give that amount: it states no budget, cost or salary figure for it.", "not_in_evaluation")
    if WHO_ROLE.search(q) and not any(PERSON.search(s.text) for h in hits[:3] for s in chunk_sentences(h.chunk)):
        return _abstain("The evaluation does not name that person.", "not_in_evaluation")
    said = ROLE_SAID.search(q)
    if said and not any(said.group("role").lower() in p.text.lower() and SAYING.search(p.text)
                        for p in evidence.passages):
        return _abstain(f"The evaluation does not report what the {said.group('role')} said.", "not_in_evaluation")
    for name in named_entities(q):
        if expand(name) != name or _in_corpus(name, index):
            continue
        if " " in name or re.fullmatch(r"[A-Z]{2,}", name) or COMPARE_WITH.search(q):
            # "Ministry of Health", "DESI", "compared with Croatia": never in the evaluation
            return _abstain(f"The evaluation does not mention {name}.", "not_in_evaluation")
    wanted = counted(q, index.idf)
    if wanted:
        asked_about = f"{q} {query.context}"  # a follow-up's topic is also its earlier question's
        topic = {t for t in content_terms(asked_about) if t in index.idf and not YEAR.fullmatch(t)} - {c.word for c in wanted}
        counted_words = set().union(*(c.names for c in wanted))
        qualifiers = [names for names in (_name_terms(n, index) for n in named_entities(q)) if not names & counted_words]
        if not states_count(wanted, evidence.passages, evidence.rows, index.catalog.all_ids(), topic, qualifiers):
            return _abstain(f"The evaluation does not give that figure: neither the report nor its Evaluation Matrix "
                            f"states {asked(q)}.", "not_in_evaluation")
    did = WHO_DID.search(q)
    if did and query.intent != "responsible":
        verb = tokenize(did.group("verb"))
        topic = content_terms(q[did.end():])
        if verb and not any(any(same_stem(verb[0], t) for t in s.tokens) and topic & s.tokens
                            for s in evidence.sentences):
            return _abstain(f"The evaluation does not say who {did.group('verb')}{q[did.end():].rstrip(' ?.')}.",
                            "not_in_evaluation")
    # the thing asked about ("how many cyber attacks", "the average waiting time") uses a word the corpus never does:
    # what a "how many" question counts is its head noun; "what is the X of" names X with all its words
    phrase, words = noun_phrase(counted_phrase(q)), []
    if phrase:
        words = [head_word(phrase, GENERIC)]
    elif focus := WHAT_IS.search(q):
        phrase = noun_phrase(focus.group(1))
        words = re.findall(r"[\w-]+", phrase)
    if words:
        unknown = [w for w in words if w and "-" not in w and tokenize(w) and tokenize(w)[0] not in GENERIC
                   and all(t not in index.idf for t in tokenize(w)) and expand(w) == w]
        if unknown:
            return _abstain(f"The evaluation does not report the {phrase.strip()}.", "not_in_evaluation")
    return None


class Evidence:
    """What could answer a question, gathered once and only when a check asks: candidate sentences (of the
    top hits, indicator rows left out, and the best BM25 sentences) and the indicator rows among the hits."""

    def __init__(self, query: Query, hits: list[Hit], index: Index) -> None:
        self.query, self.hits, self.index = query, hits, index

    @cached_property
    def sentences(self) -> list[Sentence]:
        index = self.index
        found = [s for h in self.hits[:8] if h.chunk.kind != "indicator" for s in index.chunk_sentences.get(h.chunk.id, [])]
        found += [index.sentences[i] for i, _ in index.sentence_scores(tokenize(expand(self.query.text)), 40)]
        return list({id(s): s for s in found}.values())

    @cached_property
    def passages(self) -> list[Passage]:
        return [Passage(s.text, s.chunk.text) for s in self.sentences]

    @cached_property
    def rows(self) -> list[Row]:
        return [Row(*h.chunk.text.split("\n", 1)) for h in self.hits[:8] if h.chunk.kind == "indicator" and "\n" in h.chunk.text]


def _money_sentences(query: Query, index: Index, evidence: Evidence) -> list[Sentence]:
    """Sentences stating an amount of money for what the question is about, best first."""
    rest = " ".join(content_terms(MONEY_Q.sub(" ", query.text)))
    scored = []
    for s in evidence.sentences:
        if MONEY_A.search(s.text):
            share = coverage(index, rest, [s.text + " " + s.chunk.text.split("\n")[0]])
            if share >= 0.5:
                scored.append((share, s))
    scored.sort(key=lambda t: -t[0])
    return [s for _, s in scored]


def _in_corpus(name: str, index: Index) -> bool:
    """Whether the corpus uses the name, or a short form of it: "PAR Council" for "Public Administration Reform Council"."""
    return any(re.search(r"(?<!\w)" + re.escape(form.lower()) + r"(?!\w)", index.corpus_text) for form in _name_forms(name))


def _name_forms(name: str) -> list[str]:
    """The name, its initials, and its first words' initials before the rest ("PAR Council")."""
    words = [w for w in name.split() if w.lower() not in {"of", "and", "for", "the", "on", "in"}]
    forms = [name]
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
            if len(word) > 1 and word.lower() not in COMMON_CAPS and expand(word) == word and not _in_corpus(word, index):
                out.append(word)
    return out


def named_entities(text: str) -> list[str]:
    """Capitalised names and acronyms in a question, the first word of a sentence left out."""
    out = []
    for m in ENTITY.finditer(re.sub(r"[’']s\b", " ,", text)):
        name = m.group(0).strip()
        start = m.start()
        before = text[:start].rstrip()
        if not before or before[-1] in ".?!:\"“(":
            if " " not in name:
                continue
            name = name.split(" ", 1)[1]
            name = re.sub(r"^(?:of|and|for|the)\s+", "", name)
        if name.lower() in COMMON_CAPS or len(name) < 2:
            continue
        out.append(name)
    return out


def _compose(query: Query, hits: list[Hit], index: Index, vector: np.ndarray, settings: Settings) -> tuple[Draft, bool]:
    """The answer draft and whether it abstains."""
    catalog = index.catalog
    bad = unknown_ids(query.text, catalog.all_ids())
    if bad and not query.ids:
        return _abstain(f"The evaluation has no {bad[0]}: its IDs run from specific objective 1.1 to activity 1.4.4.5.", "unknown_id"), True
    evidence = Evidence(query, hits, index)
    if (early := _scope_check(query, hits, index, evidence)) is not None:
        return early, True
    search_text = f"{query.text} {query.context}".strip()
    d = Draft(intent=query.intent)
    intent = query.intent
    if intent in {"list", "count"}:
        answer_aggregate(d, query, index, hits)
        return d, False

    if MONEY_Q.search(query.text):  # the amounts themselves, from the sentences that state them
        money = _money_sentences(query, index, evidence)[:3]
        say_sentences(d, index, [(0.0, 0.0, s) for s in money])
        return d, False

    named = _named_subjects(query, index)
    if named:
        return _answer_named(d, query, named, hits, index, vector, search_text), False

    strict = bool(unknown_names(query, index))  # a name the corpus never uses: answer only on strong evidence
    floor_record = ABSTAIN_STRICT if strict else ABSTAIN_RECORD
    floor_free = ABSTAIN_STRICT if strict else ABSTAIN_FREE
    subject = None if strict else find_subject(index, search_text, vector)
    record = _record_answer(query, hits, index, search_text, subject)
    chosen = best_sentences(index, query, hits, vector, search_text=search_text)
    names = _entity_terms(query.text, index)
    if names and chosen and not _has_terms(names, [s.text + " " + s.chunk.text for _, _, s in chosen]):
        chosen = best_sentences(index, query, hits, vector, search_text=search_text, require=names) or chosen
    chosen = _cover_years(query, hits, index, vector, search_text, chosen)
    free_conf = 0.0
    if chosen:
        sim = max(c[1] for c in chosen)
        free_conf = 0.5 * sim + 0.5 * coverage(index, search_text, [s.text + " " + s.chunk.text.split("\n")[0] for _, _, s in chosen])
    if record is not None:
        rd, strength, evidence = record
        names_ok = not names or _has_terms(names, evidence + [rd.text])
        structured = intent in {"status", "why", "indicator", "responsible", "about", "compare"}
        if strength >= floor_record and names_ok and (structured or strength + RECORD_MARGIN >= free_conf):
            rd.confidence = strength
            _add_support(rd, index, chosen)
            if subject is not None:
                _name_subject(rd, subject, index, search_text)
            return rd, False
    if (not chosen or free_conf < floor_free) and subject is not None:
        about = _answer_subject(query, subject, index, vector)
        if about is not None:
            return about, False
    if not chosen or free_conf < floor_free:
        return _abstain("The evaluation does not answer this question: neither the report nor its Evaluation Matrix "
                        "says anything specific about it.", "not_in_evaluation"), True
    d.confidence = free_conf
    top = chosen[0][2].chunk
    if top.kind == "activity" and intent in {"status", "why", "free"}:
        a = catalog.record(top.record_id)
        if isinstance(a, Activity):
            answer_activity_status(d, a, query, index, detail=False)
    say_sentences(d, index, chosen)
    if subject is not None:
        _name_subject(d, subject, index, search_text)
    return d, False


def _answer_subject(query: Query, subject: Subject, index: Index, vector: np.ndarray) -> Draft | None:
    """An answer from what the evaluation says about the record the question's words name."""
    rec = subject.record
    scoped = _scoped_hits(index, [rec.id])
    chosen = best_sentences(index, query, scoped, vector, search_text=expand(query.text), top=len(scoped), everywhere=False)
    if not chosen:
        return None
    d = Draft(intent=query.intent, confidence=subject.score)
    if isinstance(rec, Activity):
        answer_activity_status(d, rec, query, index, detail=False)
    else:
        d.say(f"{_label(rec)} {rec.id} of the Evaluation Matrix is “{' '.join(rec.title.split())}”.")
        d.cite(cite_record(rec, index.catalog, " ".join(rec.title.split())))
    say_sentences(d, index, chosen[:3])
    return d


def _label(rec) -> str:
    return {"activity": "Activity", "measure": "Measure", "objective": "Specific objective"}[kind_of(rec.id)]


def _name_subject(d: Draft, subject: Subject, index: Index, question: str) -> None:
    """Cite the record the question names in plain words when the answer speaks of it."""
    rec = subject.record
    if any(c.id == rec.id for c in d.citations) or not mentions(index, subject, question, " ".join(c.quote for c in d.citations)):
        return
    title = " ".join(rec.title.split())
    d.say(f"The Evaluation Matrix covers this under {_label(rec).lower()} {rec.id} (“{title}”).")
    d.cite(cite_record(rec, index.catalog, title))


def _cover_years(query: Query, hits: list[Hit], index: Index, vector: np.ndarray, search_text: str,
                 chosen: list) -> list:
    """A question spanning years ("between 2021 and March 2022") gets a sentence for each year it names."""
    years = list(dict.fromkeys(YEAR.findall(query.text)))
    if len(years) < 2 or not chosen:
        return chosen
    shared = (content_terms(query.text) - set(years)) & chosen[0][2].tokens
    if not shared:
        return chosen
    key = max(shared, key=lambda t: index.idf.get(t, 0.0))  # what the first sentence counts: the other years' too
    out = list(chosen)
    for year in years:
        if any(year in s.tokens and key in s.tokens for _, _, s in out):
            continue
        extra = best_sentences(index, query, hits, vector, n=1, search_text=search_text, require={year, key})
        if extra and all(extra[0][2].text != s.text for _, _, s in out):
            out.append(extra[0])
    return out[:4]


def _add_support(d: Draft, index: Index, chosen: list) -> None:
    """Add to a record answer the best report sentence and the best sentence of another record, if new."""
    for kind_ok in (lambda c: c.kind == "section", lambda c: c.kind != "section"):
        for _, _, s in chosen[:3]:
            if kind_ok(s.chunk) and len(d.parts) < 5 and not any(s.text in part for part in d.parts):
                say_sentences(d, index, [(0.0, 0.0, s)], label="The report's text")
                break


def _name_words(name: str, index: Index) -> set[str]:
    """The words of a name that the corpus knows and that carry meaning."""
    return {t for t in tokenize(name) if t in index.idf and t not in GENERIC and "-" not in t}


def _name_terms(name: str, index: Index) -> set[str]:
    """The words that can stand for a name in the evidence: its own known words and its everyday synonyms."""
    words = _name_words(name, index)
    return words | (set(tokenize(expand(name)[len(name):])) if words else set())


def _entity_terms(question: str, index: Index) -> set[str]:
    """Word tokens of the names a question uses that the corpus knows (the evidence should carry them)."""
    return set().union(*(_name_words(name, index) for name in named_entities(question)))


def _has_terms(terms: set[str], texts: list[str]) -> bool:
    have: set[str] = set()
    for t in texts:
        have.update(tokenize(t))
    return terms <= have


def _record_answer(query: Query, hits: list[Hit], index: Index, search_text: str,
                   subject: Subject | None = None) -> tuple[Draft, float, list[str]] | None:
    """An answer from the best-matching record (indicator, activity, measure), its strength and evidence.

    An activity or measure the question clearly names in plain words (its subject) is the record for a
    status question: an activity's status, or a measure's activities and their statuses.
    """
    d = Draft(intent=query.intent)
    intent = query.intent
    if intent == "indicator" or intent == "free" and hits and hits[0].chunk.kind == "indicator":
        inds = _subject_indicators(query, hits, index, search_text)
        chunk = index.by_id.get(next(iter(index.record_chunks.get(inds[0].id, [])), "")) if inds else None
        if inds and chunk is not None:
            cosine = float(index.text_vectors([chunk.text])[0] @ index.embed_query(search_text))
            answer_indicator(d, inds, query, index)
            return d, 0.5 * cosine + 0.5 * coverage(index, search_text, [chunk.text]), [chunk.text]
    kinds = {"status": ("activity", "measure", "indicator"), "why": ("activity", "measure", "indicator"),
             "responsible": ("activity", "measure", "objective", "indicator"), "compare": ("activity", "measure"),
             "about": ("activity", "measure", "objective")}.get(intent)
    if kinds:
        rec, strength, hit = _hit_subject(query, hits, index, kinds, search_text)
        named = subject.record if subject is not None and intent in {"status", "why"} else None
        # the subject names the record, unless it is a measure and the hits found one of its activities
        if isinstance(named, Activity) or isinstance(named, Measure) and not (
                isinstance(rec, Activity) and rec.measure == named.id):
            _answer_record(d, query, named, index, search_text)
            return d, subject.score, [index.by_id[c].text for c in index.record_chunks.get(named.id, [])]
        if rec is not None and hit is not None:
            _answer_record(d, query, rec, index, search_text)
            return d, strength, [hit.chunk.text]
    return None


def _answer_record(d: Draft, query: Query, rec, index: Index, search_text: str) -> None:
    """Answer about one record according to the question's intent and the record's kind."""
    if isinstance(rec, Indicator):
        if query.intent == "responsible":
            owner = index.catalog.record(rec.owner)
            if owner is not None:
                answer_responsible(d, owner, index)
                return
        answer_indicator(d, [rec], query, index)
    elif query.intent == "responsible":
        answer_responsible(d, rec, index)
    elif isinstance(rec, Activity):
        answer_activity_status(d, rec, query, index)
        add_prose(d, index, [rec.id], search_text, topic=rec.title)
    else:
        answer_about(d, rec, query, index)


def _answer_named(d: Draft, query: Query, named: list, hits: list[Hit], index: Index, vector: np.ndarray,
                  search_text: str) -> Draft:
    """Answer about the records a question names (or a follow-up inherits)."""
    if query.intent == "indicator":
        inds = _subject_indicators(query, hits, index, search_text)
        if inds:
            answer_indicator(d, inds, query, index)
            return d
    if (query.intent == "why" and not isinstance(named[0], Activity)) or (query.intent == "free" and query.inherited):
        # "why so few?", "which measure should it move to?": the best sentences about the named records
        scoped = _scoped_hits(index, [r.id for r in named[:3]])
        chosen = best_sentences(index, query, scoped, vector, search_text=query.text, top=len(scoped), everywhere=False)
        if chosen:
            say_sentences(d, index, chosen[:3])
            for r in named[:1]:
                d.cite(cite_record(r, index.catalog, r.title))
            return d
    if query.intent == "free" and not query.inherited:
        chosen = best_sentences(index, query, hits, vector, search_text=search_text)
        if chosen and chosen[0][2].chunk.kind == "section":
            say_sentences(d, index, chosen[:2])
    for rec in named[:3]:
        _answer_record(d, query, rec, index, search_text)
    return d


def _scoped_hits(index: Index, ids: list[str]) -> list[Hit]:
    """Every chunk about the IDs (their records, the records under them, prose naming them) as hits."""
    wanted = set(ids)
    chunks = [c for c in index.chunks if wanted & set(c.ids) or c.record_id in wanted]
    chunks.sort(key=lambda c: (c.kind == "section", c.record_id not in wanted))
    return [Hit(c, 1.0 / (1 + n)) for n, c in enumerate(chunks)]


# Calibrated on the gold set (evals/README.md): below these the evidence is too weak to answer.
ABSTAIN_RECORD = 0.3
ABSTAIN_FREE = 0.3
ABSTAIN_STRICT = 0.55
RECORD_MARGIN = 0.05  # a record answer wins over loose sentences unless they match clearly better


def _ask_parts(parts: list[str], turns: list[Turn], flt: Filters | None, settings: Settings, k: int | None,
               answer_id: str) -> Answer:
    """Answer each part in turn, each later part as a follow-up of the earlier ones, and join the answers."""
    answers: list[Answer] = []
    history = list(turns)
    for part in parts:
        got = ask(part, history=history, filters=flt, settings=settings, k=k, split=False)
        answers.append(got)
        history += [Turn(role="user", content=part), Turn(role="assistant", content=got.answer)]
    said: list[str] = []
    for a in answers:
        if a.answer not in said:
            said.append(a.answer)
    joined = Draft()
    for a in answers:
        for c in a.citations:
            joined.cite(c)  # one citation per ID and kind, as within one answer
    sources = list({src.chunk_id: src for a in answers for src in a.sources}.values())  # in order of first retrieval
    answered = [a for a in answers if not a.abstained]
    confidences = [a.confidence for a in answered if a.confidence is not None]
    return Answer(answer=" ".join(said), abstained=not answered, citations=joined.citations, sources=sources,
                  mode=answers[0].mode, intent="multi" if answered else answers[0].intent, answer_id=answer_id,
                  notice=next((a.notice for a in answers if a.notice), None),
                  confidence=min(confidences) if confidences else None)


def _sources(hits: list[Hit]) -> list[Source]:
    out = []
    for h in hits:
        meta = h.chunk.metadata()
        meta["ids"] = h.chunk.ids
        out.append(Source(chunk_id=h.chunk.id, text=h.chunk.text, score=round(h.score, 6), metadata=meta))
    return out


def ask(question: str, history: list[Turn] | list[dict] | None = None, filters: Filters | dict | None = None,
        settings: Settings | None = None, k: int | None = None, split: bool = True) -> Answer:
    """Answer a question about the evaluation, citing the IDs it rests on, or abstain plainly.

    A question that asks two things is answered part by part (split=False answers it whole).
    """
    settings = settings or get_settings()
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in (history or [])]
    flt = filters if isinstance(filters, Filters) or filters is None else Filters.model_validate(filters)
    text = " ".join((question or "").split())[:MAX_QUESTION]
    text = "".join(ch for ch in text if ch.isprintable())
    answer_id = uuid.uuid4().hex[:12]
    if not text.strip(" ?!.,;:"):
        return Answer(answer="Please ask a question about the e-Government Programme evaluation.", abstained=True,
                      intent="empty", answer_id=answer_id)
    try:
        index = get_index(settings)
    except IndexMissing as exc:
        return Answer(answer=f"The index is not built yet ({exc}).", abstained=True, intent="no_index", answer_id=answer_id)
    parts = split_question(text) if split and not DRAFT.search(text) else [text]
    if len(parts) > 1:
        return _ask_parts(parts, turns, flt, settings, k, answer_id)
    query = understand(text, turns, index.catalog)
    if query.intent == "draft":
        try:
            from rag.draft import draft_answer
        except ImportError:
            pass
        else:
            return draft_answer(text, settings=settings, answer_id=answer_id)
    vector = index.embed_query(query.text)
    search_text = f"{query.text} {query.context}".strip()
    hits = retrieve(index, search_text, k=k or settings.top_k, filters=flt, ids=query.ids,
                    vector=vector if not query.context else index.embed_query(search_text))
    draft, abstained = _compose(query, hits, index, vector, settings)
    result = Answer(answer=draft.text, abstained=abstained, citations=[] if abstained else draft.citations,
                    sources=_sources(hits), intent=query.intent if not abstained else draft.intent, answer_id=answer_id,
                    confidence=None if draft.confidence is None else round(draft.confidence, 3))
    if settings.llm_provider != "none" and not abstained:
        from rag.llm import llm_answer

        result = llm_answer(query, result, turns, settings)
    return result
