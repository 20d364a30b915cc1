"""The words the chat shows around an answer follow the answer's language: English, Serbian in Latin letters,
Serbian in Cyrillic letters (the Latin transliterated; IDs and the evaluation's English kept as written)."""

from __future__ import annotations

from string import Formatter
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app.ui_backend_http import answer_from_json, parse_stream_event
from app.ui_export import conversation_markdown
from app.ui_text import chip_groups, citation_label
from app.ui_words import WORDS, language_of, word
from core.text import CYRILLIC, to_cyrillic
from rag.language import Language


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


# ------------------------------------------------------------------------------------ the table


def test_every_key_has_english_and_serbian_with_the_same_fields() -> None:
    for key, (english, serbian) in WORDS.items():
        assert english.strip() and serbian.strip(), key
        assert serbian != english, f"{key}: the Serbian is the English"
        assert _fields(english) == _fields(serbian), key
        assert not any(ch in CYRILLIC for ch in serbian), f"{key}: the table's Serbian is in Latin letters"


def test_cyrillic_is_the_serbian_latin_transliterated_and_parameters_stay_as_given() -> None:
    for key in WORDS:
        params = {name: "1.4.2.2" for name in _fields(WORDS[key][0])}
        latin = word(key, "sr-Latn", **params)
        assert word(key, "sr-Cyrl", **params) == to_cyrillic(latin), key
    # a parameter is never transliterated: the evaluation's English title stays in Latin letters
    assert word("report", "sr-Cyrl", title="Executive summary") == "Извештај: Executive summary"
    assert word("feedback.failed", "sr-Cyrl", error="Timeout") == "Ваша оцена није сачувана. Timeout"


def test_english_is_what_the_chat_always_said() -> None:
    assert word("show_all", "en") == "Show all"
    assert word("cited.many", "en", n=3) == "3 sources cited · click one to open it"
    assert word("feedback.saved", "en", thumb="👎") == "Thanks, your 👎 was saved."
    assert word("show_all", "sr-Latn") == "Prikaži sve" and word("show_all", "sr-Cyrl") == "Прикажи све"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("en", Language.EN),
        ("sr-Latn", Language.SR_LATN),
        ("sr-Cyrl", Language.SR_CYRL),
        ("sr-cyrl", Language.SR_CYRL),
        ("sr", Language.SR_LATN),
        (None, Language.EN),
        ("", Language.EN),
        ("de", Language.EN),
        ({"answer": "…", "language": "sr-Cyrl"}, Language.SR_CYRL),
        ({"answer": "…"}, Language.EN),  # a conversation saved before answers had a language
    ],
)
def test_an_answers_language_field_is_read_leniently(value: Any, expected: Language) -> None:
    assert language_of(value) is expected


def test_chip_labels_and_groups_follow_the_language() -> None:
    assert citation_label({"kind": "activity", "id": "1.4.2.2"}) == "Activity 1.4.2.2"
    assert citation_label({"kind": "activity", "id": "1.4.2.2"}, "sr-Latn") == "Aktivnost 1.4.2.2"
    assert citation_label({"kind": "measure", "id": "1.3.5"}, "sr-Cyrl") == "Мера 1.3.5"
    assert citation_label({"kind": "indicator", "id": "1.3.1"}) == "Indicator of Measure 1.3.1"
    assert citation_label({"kind": "indicator", "id": "1.3.1"}, "sr-Latn") == "Pokazatelj mere 1.3.1"
    assert citation_label({"kind": "indicator", "id": "0"}, "sr-Latn") == "Pokazatelj opšteg cilja"
    assert citation_label({"kind": "section", "id": "Executive summary"}, "sr-Latn") == (
        "Izveštaj: Executive summary"
    )
    many = [{"id": f"1.{i % 2 + 1}.{i}.1", "kind": "activity"} for i in range(9)] + [
        {"id": "3.2", "kind": "section"}
    ]
    assert [label for label, _ in chip_groups(many, language="sr-Latn")] == [
        "U okviru 1.1 · 5",
        "U okviru 1.2 · 4",
        "Odlomci teksta · 1",
    ]


def test_the_exported_conversation_speaks_each_answers_language() -> None:
    cite = {"id": "1.4.2.2", "kind": "activity", "title": "T", "source": "S", "quote": "q"}
    md = conversation_markdown(
        [
            {"role": "user", "content": "Koji je status aktivnosti 1.4.2.2?"},
            {
                "role": "assistant",
                "answer": {"answer": "Napušteno.", "citations": [cite], "language": "sr-Latn"},
            },
            {"role": "user", "content": "Who is responsible?"},
            {"role": "assistant", "answer": {"answer": "ITE.", "citations": [cite]}},
        ]
    )
    assert "## Pitanje" in md and "**Odgovor:** Napušteno." in md and "**Izvori:**" in md
    assert "1. Aktivnost 1.4.2.2: T (S)" in md
    assert "## Question" in md and "**Answer:** ITE." in md and "1. Activity 1.4.2.2: T (S)" in md


# ------------------------------------------------------------------------------- the HTTP backend


def test_the_http_backend_keeps_the_answers_language() -> None:
    assert answer_from_json({"answer": "Napušteno.", "language": "sr-Latn"}).language == "sr-Latn"
    assert answer_from_json({"answer": "A.", "language": None}).language == "en"  # null: English
    assert answer_from_json({"answer": "A."}).language == "en"  # an API from before the field
    final = parse_stream_event("answer", '{"answer": "Напуштено.", "citations": [], "language": "sr-Cyrl"}')
    assert final is not None and not isinstance(final, str) and final.language == "sr-Cyrl"


# ------------------------------------------------------------------------------------ the chat


def _render(msg: dict[str, Any]) -> AppTest:
    """One assistant turn drawn by the chat's own code (app/ui_chat.py render_answer)."""

    def script() -> None:
        import streamlit as st

        from app.ui_chat import render_answer

        with st.chat_message("assistant"):
            render_answer(1, st.session_state["msg"])

    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["msg"] = msg
    return at.run()


class _Backend:
    """What the chat turn asks of a backend: somewhere to save feedback."""

    label = "fake"

    def __init__(self) -> None:
        self.saved: list[tuple[str, str]] = []

    def feedback(self, answer_id: str, rating: str, comment: str | None, question: str, answer: str) -> None:
        self.saved.append((answer_id, rating))


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> _Backend:
    import app.ui_common as common

    backend = _Backend()
    monkeypatch.setattr(common, "get_backend", lambda *a, **k: backend)
    return backend


def _turn(language: str | None) -> dict[str, Any]:
    listing = "; ".join(f"1.4.2.{i} Aktivnost broj {i}" for i in range(1, 40))
    answer: dict[str, Any] = {
        "answer": f"U matrici 39 aktivnosti ima status „napušteno”.\n\n{listing}.",
        "answer_id": f"a-{language}",
        "citations": [
            {"id": "1.4.2.2", "kind": "activity", "title": "Portal", "source": "matrix", "quote": "Funds"},
            {"id": "1.3.5", "kind": "measure", "title": "IT staff", "source": "matrix", "quote": "staff"},
        ],
        "notice": "Navodi iz izveštaja ostaju na engleskom.",
    }
    if language is not None:
        answer["language"] = language
    return {"role": "assistant", "question": "q", "answer": answer}


def _labels(at: AppTest) -> dict[str, Any]:
    return {
        "expanders": [e.label for e in at.expander],
        "chips": sorted(b.label for b in at.button if (b.key or "").startswith("cite_")),
        "captions": [c.value for c in at.caption],
    }


def test_the_chat_shows_serbian_words_around_a_serbian_answer(fake_backend: _Backend) -> None:
    at = _render(_turn("sr-Latn"))
    assert not at.exception, [e.value for e in at.exception]
    seen = _labels(at)
    assert seen["expanders"] == ["Prikaži sve"]
    assert seen["chips"] == ["Aktivnost 1.4.2.2", "Mera 1.3.5"]
    assert "Citirani izvori: 2 · kliknite na izvor da ga otvorite" in seen["captions"]
    assert not any("cited" in c or "Show all" in c for c in seen["captions"])

    at.feedback[0].set_value(1).run()  # thumbs up: saved, thanked in Serbian, a comment offered in Serbian
    assert fake_backend.saved == [("a-sr-Latn", "up")]
    assert "Hvala, vaša ocena 👍 je sačuvana." in [c.value for c in at.caption]
    assert at.text_input[0].label == "Dodajte komentar (nije obavezno)"
    assert at.text_input[0].placeholder == "Šta je bilo dobro, a šta pogrešno?"
    assert any(b.label == "Pošalji komentar" for b in at.button)


def test_the_chat_shows_cyrillic_words_around_a_cyrillic_answer(fake_backend: _Backend) -> None:
    seen = _labels(_render(_turn("sr-Cyrl")))
    assert seen["expanders"] == ["Прикажи све"]
    assert seen["chips"] == ["Активност 1.4.2.2", "Мера 1.3.5"]
    assert "Цитирани извори: 2 · кликните на извор да га отворите" in seen["captions"]


@pytest.mark.parametrize("language", ["en", None])
def test_the_chat_keeps_english_words_around_an_english_answer(fake_backend: _Backend, language) -> None:
    at = _render(_turn(language))
    seen = _labels(at)
    assert seen["expanders"] == ["Show all"]
    assert seen["chips"] == ["Activity 1.4.2.2", "Measure 1.3.5"]
    assert "2 sources cited · click one to open it" in seen["captions"]
    at.feedback[0].set_value(0).run()
    assert "Thanks, your 👎 was saved." in [c.value for c in at.caption]
    assert at.text_input[0].label == "Add a comment (optional)"


def test_a_serbian_abstention_is_introduced_in_serbian(fake_backend: _Backend) -> None:
    def turn(language: str) -> dict[str, Any]:
        answer = {"answer": "Evaluacija ne navodi taj iznos.", "abstained": True, "language": language}
        return {"role": "assistant", "question": "q", "answer": answer}

    assert (
        _render(turn("sr-Latn")).markdown[0].value.startswith("**Nije u evaluaciji.** Evaluacija ne navodi")
    )
    assert _render(turn("en")).markdown[0].value.startswith("**Not in the evaluation.**")


def test_a_serbian_question_gets_serbian_words_in_the_whole_app(indexed) -> None:
    """The real app and engine: a question in Serbian, the words around its answer in Serbian."""
    from pathlib import Path

    ui = str(Path(__file__).resolve().parents[2] / "app" / "ui.py")
    at = AppTest.from_file(ui, default_timeout=240).run()
    at.chat_input[0].set_value("Koji je status aktivnosti 1.4.2.2?").run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    chips = [b.label for b in at.button if (b.key or "").startswith("cite_")]
    assert "Aktivnost 1.4.2.2" in chips, chips
    captions = [c.value for c in at.caption]
    assert any(c.startswith(("Citirani izvori", "Citiran izvor")) for c in captions), captions
    assert not any("cited · click" in c for c in captions)
