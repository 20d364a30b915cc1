"""The words the chat shows around an answer (labels, captions, the feedback row, chip and group labels), in the
answer's language: English, Serbian in Latin letters, or Serbian in Cyrillic letters (the Latin transliterated by
core.text.to_cyrillic). No Streamlit here.

`word(key, language, **params)` fills a template's fields after choosing its language: only the template's own
words are transliterated, never its parameters (IDs, numbers, the evaluation's English titles, error texts).
"""

from __future__ import annotations

from string import Formatter
from typing import Any

from core.text import to_cyrillic
from rag.language import Language

# key: (English, Serbian in Latin letters)
WORDS: dict[str, tuple[str, str]] = {
    # an answer and what follows it
    "not_in_evaluation": ("Not in the evaluation.", "Nije u evaluaciji."),
    "nearest_sources": (
        "The nearest sources it has, in case they help:",
        "Najbliži izvori, ako mogu da pomognu:",
    ),
    "show_all": ("Show all", "Prikaži sve"),
    "written_by": ("Answer written by {mode}", "Odgovor je napisao {mode}"),
    "cited.one": (
        "{n} source cited · click one to open it",
        "Citiran izvor: {n} · kliknite na njega da ga otvorite",
    ),
    "cited.many": (
        "{n} sources cited · click one to open it",
        "Citirani izvori: {n} · kliknite na izvor da ga otvorite",
    ),
    # citation chips and their groups
    "kind.activity": ("Activity {id}", "Aktivnost {id}"),
    "kind.measure": ("Measure {id}", "Mera {id}"),
    "kind.objective": ("Objective {id}", "Cilj {id}"),
    "kind.section": ("Section {id}", "Odeljak {id}"),
    "indicator": ("Indicator", "Pokazatelj"),
    "indicator.named": ("Indicator: {title}", "Pokazatelj: {title}"),
    "indicator.of_objective": ("Indicator of Objective {id}", "Pokazatelj cilja {id}"),
    "indicator.of_measure": ("Indicator of Measure {id}", "Pokazatelj mere {id}"),
    "indicator.of": ("Indicator of {id}", "Pokazatelj za {id}"),
    "indicator.overall": ("Indicator of the overall objective", "Pokazatelj opšteg cilja"),
    "report": ("Report: {title}", "Izveštaj: {title}"),
    "group.under": ("Under {id} · {n}", "U okviru {id} · {n}"),
    "group.text": ("Passages of the text · {n}", "Odlomci teksta · {n}"),
    # the feedback row
    "feedback.saved": ("Thanks, your {thumb} was saved.", "Hvala, vaša ocena {thumb} je sačuvana."),
    "feedback.saved_comment": (
        "Thanks, your {thumb} was saved with your comment.",
        "Hvala, vaša ocena {thumb} je sačuvana zajedno sa komentarom.",
    ),
    "feedback.thanks": ("Thanks for your feedback: it was saved.", "Hvala na oceni: sačuvana je."),
    "feedback.comment": ("Add a comment (optional)", "Dodajte komentar (nije obavezno)"),
    "feedback.placeholder": ("What was right or wrong?", "Šta je bilo dobro, a šta pogrešno?"),
    "feedback.send": ("Send comment", "Pošalji komentar"),
    "feedback.comment_saved": ("Thanks: your comment was saved.", "Hvala: vaš komentar je sačuvan."),
    "feedback.failed": ("Your feedback could not be saved. {error}", "Vaša ocena nije sačuvana. {error}"),
    # while asking, and when no answer came
    "searching": ("Searching the evaluation…", "Pretražujem evaluaciju…"),
    "no_answer": ("The assistant returned no answer.", "Asistent nije vratio odgovor."),
    "failed": (
        "The assistant failed to answer ({error}). Please try again.",
        "Asistent nije uspeo da odgovori ({error}). Pokušajte ponovo.",
    ),
    # the conversation exported as Markdown
    "export.question": ("Question", "Pitanje"),
    "export.answer": ("Answer:", "Odgovor:"),
    "export.answer_abstained": ("Answer (not in the evaluation):", "Odgovor (nije u evaluaciji):"),
    "export.unavailable": ("not available: {error}", "nije dostupan: {error}"),
    "export.sources": ("Sources:", "Izvori:"),
}

_FORMATTER = Formatter()


def language_of(value: Any) -> Language:
    """An answer's `language` field (or an answer dict, or a Language) as a Language: English when absent or
    unknown; a bare "sr" is Serbian in Latin letters, and the tag's case does not matter ("sr-cyrl")."""
    if isinstance(value, dict):
        value = value.get("language")
    if isinstance(value, Language):
        return value
    tag = str(value or "").strip().lower().replace("_", "-")
    if tag in {"sr-cyrl", "sr-cyrillic"}:
        return Language.SR_CYRL
    if tag in {"sr", "sr-latn", "sr-latin"}:
        return Language.SR_LATN
    return Language.EN


def word(key: str, language: Any = Language.EN, **params: Any) -> str:
    """The UI's words for `key` in the language (see language_of), its fields filled with `params` as given."""
    english, latin = WORDS[key]
    lang = language_of(language)
    cyrillic = lang is Language.SR_CYRL
    out: list[str] = []
    for literal, name, spec, conversion in _FORMATTER.parse(latin if lang.serbian else english):
        out.append(to_cyrillic(literal) if cyrillic else literal)
        if name is not None:
            value = _FORMATTER.convert_field(params[name], conversion)
            out.append(format(value, spec or ""))
    return "".join(out)
