"""The fixed sentences of answers built from records (statuses, bodies, indicator values, lists, counts, unknown
IDs, abstentions) in every answer language, and how they are rendered.

A composer says a `Msg` (a key of TEMPLATES and its parameters) instead of an English f-string: the English
template gives exactly the sentence it always gave, the Serbian one the same facts in simple Serbian. Cyrillic is
the Serbian Latin template transliterated (core.text.to_cyrillic); parameters (IDs, numbers, titles, bodies,
quotes: the evaluation's English) are never translated or transliterated, and Serbian words derived from them
(a kind of record, a status, a numeral's noun) follow the template's script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from core.text import to_cyrillic
from rag.language import Language

# ---------------------------------------------------------------- general Serbian of evaluations

STATUS_SR = {
    "completed": "završeno",
    "ongoing": "u toku",
    "abandoned": "napušteno",
    "not initiated": "nije pokrenuto",
    "no data": "nema podataka",
    "unknown": "nema podataka",
}
# kind: nominative, genitive, and the noun after a numeral (1, 2-4, 5 and more)
KIND_SR = {
    "objective": ("cilj", "cilja", ("cilj", "cilja", "ciljeva")),
    "measure": ("mera", "mere", ("mera", "mere", "mera")),
    "activity": ("aktivnost", "aktivnosti", ("aktivnost", "aktivnosti", "aktivnosti")),
    "indicator": ("pokazatelj", "pokazatelja", ("pokazatelj", "pokazatelja", "pokazatelja")),
}
ROLE_SR = {"baseline": "polazna vrednost", "achieved": "ostvarena vrednost", "target": "ciljna vrednost"}
SECTION_KIND_SR = {
    "recommend": "Preporuke",
    "find": "Nalazi",
    "conclusion": "Zaključci",
    "lesson": "Naučene lekcije",
    "limitation": "Ograničenja",
    "challeng": "Izazovi",
}

# key: (English, Serbian in Latin letters)
TEMPLATES: dict[str, tuple[str, str]] = {
    "and": (" and ", " i "),
    "or": (" or ", " ili "),
    "count": ("{n} {plural}", "{n} {noun}"),
    "listing": ("{items}.", "{items}."),
    # quotes: introduced in the answer's language, quoted as written
    "says.report": ("{who}: “{text}”", "U izveštaju ({section}) se navodi: “{text}”"),
    "says.document": ("{who}: “{text}”", "U dokumentu “{document}” se navodi: “{text}”"),
    "says.note": ("{who}: “{text}”", "U dopunskom izvoru ({name}) se navodi: “{text}”"),
    "according.report": ("According to {label}: “{text}”", "U izveštaju se navodi ({section}): “{text}”"),
    "according.matrix": ("According to {label}: “{text}”", "U matrici se navodi – {label}: “{text}”"),
    "according.note": ("According to {label}: “{text}”", "U dopunskom izvoru se navodi – {label}: “{text}”"),
    # statuses and bodies
    "yes": ("Yes. ", "Da. "),
    "no": ("No. ", "Ne. "),
    "status.marked": (
        "{lead}{label} ({title}){under} is marked “{raw}” in {matrix}.",
        "{lead}Status aktivnosti {id} ({title}){under}: {status_sr} (u matrici: “{raw}”).",
    ),
    "status.blank": (
        "{lead}{label} ({title}){under} has no status in {matrix} (the status cell is blank).",
        "{lead}Status aktivnosti {id} ({title}){under}: nema podataka (polje statusa u matrici je prazno).",
    ),
    "status.under": (", under {label_lower} ({title}),", ", u okviru {kind_gen} {id} ({title})"),
    "status.restated": (
        "{Document} marks it “{raw}”; this answer follows {matrix}, the evaluation's own record.",
        "{Document} navodi status “{raw}”; ovaj odgovor sledi matricu ({matrix}), zapis same evaluacije.",
    ),
    "responsible": ("Responsible: {body}.", "Nosilac: {body}."),
    "reasoning.given": ("Reasoning given: {text}", "Obrazloženje u matrici: {text}"),
    "reasoning": ("Reasoning: {text}", "Obrazloženje: {text}"),
    "relevance": ("Relevance: {text}", "Relevantnost: {text}"),
    # how each objective did on its indicators: the matrix's achievement line of each
    "achievement.worst": (
        "{label} did worst on its indicators: {achievement}.",
        "Najslabije ostvarenje pokazatelja ima {kind_nom} {id} (u matrici: “{achievement}”).",
    ),
    "achievement.best": (
        "{label} did best on its indicators: {achievement}.",
        "Najbolje ostvarenje pokazatelja ima {kind_nom} {id} (u matrici: “{achievement}”).",
    ),
    "achievement.line": ("{label} ({title}): {achievement}.", "{Kind_nom} {id} ({title}): “{achievement}”."),
    "achievement.overall": (
        "The overall objective: {achievement}.",
        "Opšti cilj (u matrici): “{achievement}”.",
    ),
    "next_steps": ("Possible next steps: {text}", "Mogući sledeći koraci: {text}"),
    "responsible.named": (
        "{label} {id} ({title}) is the responsibility of {body}, according to {matrix}.",
        "Nosilac {kind_gen} {id} ({title}) je {body}, prema matrici ({matrix}).",
    ),
    "responsible.none": (
        "{Matrix} does not name a responsible entity for {label_lower} {id}.",
        "Matrica ({matrix}) ne navodi nosioca {kind_gen} {id}.",
    ),
    "responsible.parent": ("Its {label_lower} is led by {body}.", "Nosilac {kind_gen} {id} je {body}."),
    # indicators
    "indicator": (
        "For the indicator “{name}” ({owner}), {matrix} gives: {values}.",
        "Za pokazatelj “{name}” ({owner}) matrica ({matrix}) daje: {values}.",
    ),
    "owner.overall": ("the overall objective", "opšti cilj"),
    "owner.record": ("{label_lower}", "{kind_nom} {id}"),
    "indicator.value": ("{label} {raw}{none}", "{role_sr} {raw}{none}"),
    "indicator.none": (" (none)", " (nijedan)"),
    # one record
    "measure.about": (
        "{label} ({title}){under} the responsible entity is {body}.",
        "Mera {id} ({title}){under} nosilac je {body}.",
    ),
    "measure.under": (" falls under {label_lower}{title};", " je u okviru {kind_gen} {id}{title};"),
    "measure.top": (":", ":"),
    "body.unnamed": ("not named", "nije naveden"),
    "objective.about": (
        "{label} ({title}) is led by {body}{achievement}.",
        "Nosilac {kind_gen} {id} ({title}) je {body}{achievement}.",
    ),
    "objective.unnamed": ("an entity the matrix does not name", "subjekt koji matrica ne navodi"),
    "objective.achievement": ("; indicator achievement: {text}", "; ostvarenost pokazatelja: {text}"),
    "children": ("It has {count}: {items}.", "Ima {count}: {items}."),
    "item.status": ("{id} {title} ({raw})", "{id} {title} ({status_sr})"),
    "record.is": (
        "{label} {id} of {matrix} is “{title}”.",
        "{Kind_nom} {id} u matrici ({matrix}) glasi: “{title}”.",
    ),
    "record.covers": (
        "{Matrix} covers this under {label_lower} {id} (“{title}”).",
        "Matrica ({matrix}) ovo obuhvata u okviru {kind_gen} {id} (“{title}”).",
    ),
    "record.covers_status": (
        "{Matrix} covers this under {label_lower} {id} (“{title}”), marked “{raw}”.",
        "Matrica ({matrix}) ovo obuhvata u okviru {kind_gen} {id} (“{title}”), sa statusom {status_sr} (u matrici: “{raw}”).",
    ),
    # lists and counts
    "programme": (
        "The Programme has {objectives}, {measures} and {activities}. Per {level_lower}: {rows}.",
        "Program ima {objectives}, {measures} i {activities}. Po cilju: {rows}.",
    ),
    "programme.row": (
        "{id} ({title}): {measures}, {activities}{statuses}",
        "{id} ({title}): {measures}, {activities}{statuses}",
    ),
    "statuses": (" {joined}", " {statuses_sr}"),
    "where": (" under {scopes}", " u okviru {scopes}"),
    "scope": ("{label_lower}", "{kind_gen} {id}"),
    "where.responsible": (" for which {bodies} is responsible", " za koje je odgovoran {bodies}"),
    "where.not_responsible": (" for which {bodies} is not responsible", " za koje nije odgovoran {bodies}"),
    "under": ("{n} under {parent}", "{n} u okviru {parent}"),
    "status.n": ("{n} {word}", "{n} {word}"),
    "due": (" with a deadline in {when}", " sa rokom u {when}"),
    "when.quarter": ("quarter {q} of {year}", "{q}. kvartalu {year}."),
    "measures.split": ("There are {count}{where}: {split}.", "Ima {count}{where}: {split}."),
    "measures.count": ("There are {count}{where}.", "Ima {count}{where}."),
    "measures.list": ("There are {count}{where}: {items}.", "Ima {count}{where}: {items}."),
    "indicators.list": (
        "{Matrix} lists {n} indicators{where}: {names}.",
        "Matrica ({matrix}) navodi {n} {noun}{where}: {names}.",
    ),
    "status.word": ("“{status}”", "“{status_sr}”"),
    "status.blank_word": ("with a blank status", "“nema podataka”"),
    "marked": (" {is_are} marked {words}", " {has} status {words}"),
    "activities.none": (
        "No {plural}{where} are marked {words} in {matrix}.",
        "U matrici ({matrix}) nijedna aktivnost{where} nema status {words}.",
    ),
    "activities.none_any": (
        "No {plural}{where} are marked that way in {matrix}.",
        "U matrici ({matrix}) nijedna aktivnost{where} nema takav status.",
    ),
    "activities.desc": ("{count}{where}{marked}", "{count}{where}{marked}"),
    "activities.split": ("In {matrix}, {desc}: {split}.", "U matrici ({matrix}), {desc}: {split}."),
    "activities.count": ("In {matrix}, {desc}.", "U matrici ({matrix}), {desc}."),
    "activities.list": ("In {matrix}, {desc}: {items}.", "U matrici ({matrix}), {desc}: {items}."),
    "activities.noted": (
        "{label} has a blank status cell, but its text reads “{text}”.",
        "{Kind_nom} {id} ima prazno polje statusa, ali se u njenom tekstu navodi: “{text}”.",
    ),
    "per": ("Per {level_lower}: {per}.", "Po cilju: {per}."),
    "overview": (
        "The evaluation's {kinds} ({heading}), in its own words:",
        "{kinds_sr} evaluacije ({heading}), njenim rečima:",
    ),
    "disagreement": (
        "The sources give different figures: {where_a} says {a}, {where_b} says {b}.",
        "Izvori navode različite brojke: {where_a} navodi {a}, {where_b} navodi {b}.",
    ),
    # abstentions
    "empty": ("Please ask a question about the evaluation.", "Postavite pitanje o evaluaciji."),
    "no_index": ("The index is not built yet ({error}).", "Indeks još nije izgrađen ({error})."),
    "no_id.no_matrix": (
        "The evaluation has no {id}: no matrix of objectives, measures and activities was found in its documents.",
        "Evaluacija nema {id}: u njenim dokumentima nije pronađena matrica ciljeva, mera i aktivnosti.",
    ),
    "no_id": (
        "The evaluation has no {id}: its IDs run from {range}.",
        "Evaluacija nema {id}: njene oznake idu od {first} do {last}.",
    ),
    "no_matrix": (
        "The evaluation's documents hold no matrix of objectives, measures and activities (no table of numbered "
        "records with statuses was found), so they cannot be listed or counted.",
        "Dokumenti evaluacije ne sadrže matricu ciljeva, mera i aktivnosti (nije pronađena tabela numerisanih "
        "zapisa sa statusima), pa se ne mogu nabrojati ni prebrojati.",
    ),
    "out_of_period": (
        "The evaluation covers the Programme's implementation in {start}-{end} and does not report results for {year}.",
        "Evaluacija obuhvata sprovođenje Programa u periodu {start}-{end} i ne navodi rezultate za {year}. godinu.",
    ),
    "no.amount": (
        "The evaluation does not give that amount: it states no budget, cost or other money figure for it.",
        "Evaluacija ne navodi taj iznos: za to ne daje budžet, trošak niti drugi novčani podatak.",
    ),
    "no.person": ("The evaluation does not name that person.", "Evaluacija ne navodi ime te osobe."),
    "no.detail": (
        "The evaluation does not give that detail: no passage about it states one.",
        "Evaluacija ne navodi taj podatak: nijedan deo o tome ga ne sadrži.",
    ),
    "no.instructions": (
        "The evaluation does not say how to do that: it assesses the programme and gives no steps for using a "
        "service.",
        "Evaluacija ne objašnjava kako se to radi: ona ocenjuje program i ne daje uputstva za korišćenje usluga.",
    ),
    "no.said": (
        "The evaluation does not report what they said or decided: no passage sums up their words.",
        "Evaluacija ne navodi šta su rekli ili odlučili: nijedan deo ne prenosi njihove reči.",
    ),
    "no.names": (
        "The evaluation does not name them: it gives how many there are, not which.",
        "Evaluacija ih ne navodi poimence: daje njihov broj, a ne koji su.",
    ),
    "no.figure": (
        "The evaluation does not give that figure: neither the report nor its matrix states it.",
        "Evaluacija ne navodi taj podatak: ne navode ga ni izveštaj ni njegova matrica.",
    ),
    "no.year": (
        "The evaluation does not report that for the year or the occasion asked: its matrix and text give no result"
        " for it.",
        "Evaluacija to ne navodi za traženu godinu ili priliku: ni matrica ni tekst ne daju rezultat za nju.",
    ),
    "no.date": (
        "The evaluation does not give that date: the passages that name it give no date for it.",
        "Evaluacija ne navodi taj datum: delovi koji ga pominju ne daju datum.",
    ),
    "no.name": (
        "The evaluation does not mention what the question names.",
        "Evaluacija ne pominje ono što se u pitanju navodi.",
    ),
    "no.answer": (
        "The evaluation does not answer this question: neither the report nor its matrix says anything specific "
        "about it.",
        "Evaluacija ne odgovara na ovo pitanje: ni izveštaj ni njegova matrica o tome ne govore ništa određeno.",
    ),
    # a drafting request on a topic the evaluation does not cover
    "draft.not_covered": (
        "The evaluation does not cover this topic: none of its measures, activities or findings deal with it, so no "
        "action-plan entry can be drafted from it without inventing one.",
        "Evaluacija ne obuhvata ovu temu: nijedna njena mera, aktivnost ni nalaz se njome ne bavi, pa se iz nje ne "
        "može sastaviti stavka akcionog plana bez izmišljanja.",
    ),
    # the note beside an answer in another language than the evaluation's
    "notice": (
        "Odgovor je na engleskom, jeziku evaluacije (the answer is in English, the evaluation's language).",
        "Odgovor je sastavljen na srpskom iz zapisa evaluacije; navodi iz izveštaja i matrice ostaju na engleskom, "
        "kako ih je evaluacija napisala.",
    ),
}


@dataclass(frozen=True)
class Msg:
    """A sentence (or piece) of the catalogue and its parameters: str, int, Msg or Seq."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: Language = Language.EN) -> str:
        return render(self, language)

    def __str__(self) -> str:
        return self.render()


def msg(key: str, **params: Any) -> Msg:
    return Msg(key, params)


@dataclass(frozen=True)
class Seq:
    """Pieces joined by a separator (a Msg such as "and" is said in the answer's language), and optionally a
    different joiner before the last piece ("17 under 1.1, 12 under 1.2 and 9 under 1.3")."""

    items: tuple[Any, ...]
    sep: str | Msg = "; "
    last: str | Msg | None = None


_FORMATTER = Formatter()


def _numeral(n: int) -> int:
    """Which noun form a Serbian numeral takes: 0 (1, 21 ...), 1 (2-4, 22-24 ...) or 2 (the rest)."""
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


def _serbian_words(params: dict[str, Any]) -> dict[str, str]:
    """The Serbian words a template may use that follow from its parameters (kind, status, role, count)."""
    out: dict[str, str] = {}
    n = params.get("n")
    if (kind := params.get("kind")) in KIND_SR:
        nom, gen, forms = KIND_SR[kind]
        out.update(kind_nom=nom, kind_gen=gen, Kind_nom=nom[:1].upper() + nom[1:])
        if isinstance(n, int):
            out["noun"] = forms[_numeral(n)]
    if isinstance(n, int):
        out["has"] = "imaju" if _numeral(n) == 1 else "ima"
    if "status" in params:
        out["status_sr"] = STATUS_SR.get(str(params["status"]), "nema podataka")
    if "statuses" in params:
        out["statuses_sr"] = "/".join(STATUS_SR.get(s, s) for s in params["statuses"])
    if "role" in params:
        word = ROLE_SR.get(str(params["role"]))
        year = params.get("year")
        out["role_sr"] = (f"{word} ({year})" if year else word) if word else str(params.get("label", ""))
    if (stem := params.get("stem")) in SECTION_KIND_SR:
        out["kinds_sr"] = SECTION_KIND_SR[stem]
    return out


def render(value: Any, language: Language = Language.EN) -> str:
    """A message, sequence or plain value as text in the language (plain values verbatim)."""
    if isinstance(value, Seq):
        parts = [render(v, language) for v in value.items]
        sep = render(value.sep, language)
        if value.last is not None and len(parts) > 1:
            return sep.join(parts[:-1]) + render(value.last, language) + parts[-1]
        return sep.join(parts)
    if not isinstance(value, Msg):
        return str(value)
    english, serbian = TEMPLATES[value.key]
    cyrillic = language is Language.SR_CYRL
    params = {k: render(v, language) for k, v in value.params.items()}
    if language.serbian:
        derived = _serbian_words(value.params)
        params.update({k: to_cyrillic(v) if cyrillic and k != "role_sr" else v for k, v in derived.items()})
        if cyrillic and "role_sr" in derived and str(value.params.get("role")) in ROLE_SR:
            params["role_sr"] = to_cyrillic(derived["role_sr"])
    out: list[str] = []
    for literal, name, spec, _ in _FORMATTER.parse(serbian if language.serbian else english):
        out.append(to_cyrillic(literal) if cyrillic else literal)
        if name is not None:
            out.append(format(params[name], spec or ""))
    return "".join(out)


def notice(language: Language, serbian_question: bool) -> str | None:
    """The note beside an answer: a Serbian answer says what stays English; a Serbian question answered in
    English says why; none for an English question answered in English."""
    if language.serbian:
        return render(msg("notice"), language)
    return TEMPLATES["notice"][0] if serbian_question else None
