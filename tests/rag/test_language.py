"""rag.language and rag.messages: a question's language and script detected (or asked for), and the answers built
from records said in it, IDs, numbers and the evaluation's English quotes untouched."""

from __future__ import annotations

import re

import pytest

from core.settings import Settings
from core.text import CYRILLIC, to_cyrillic, to_latin
from rag.ask import SERBIAN_NOTICE, ask
from rag.language import Language, detect, resolve
from rag.messages import TEMPLATES, Seq, msg, render


@pytest.mark.parametrize(
    "question, language",
    [
        ("Šta je sa aktivnošću 1.4.2.2?", Language.SR_LATN),
        ("Sta je sa aktivnoscu 1.4.2.2?", Language.SR_LATN),  # without diacritics
        ("zasto je odustano od aktivnosti 1.3.5.1", Language.SR_LATN),
        ("Шта је са активношћу 1.4.2.2?", Language.SR_CYRL),
        ("Колико активности је напуштено?", Language.SR_CYRL),
        ("What is the status of activity 1.4.2.2?", Language.EN),
        ("How many gov.rs and упр.срб domains are in use?", Language.EN),  # English quoting a Cyrillic name
    ],
)
def test_the_language_and_script_of_a_question_are_detected(question: str, language: Language) -> None:
    assert detect(question) is language


def test_the_language_asked_for_wins_and_a_bare_follow_up_keeps_the_conversations() -> None:
    assert resolve("en", "Šta je sa merom 1.3.5?") is Language.EN
    assert resolve("sr-Cyrl", "What about 1.3.5?") is Language.SR_CYRL
    assert resolve("auto", "Šta je sa merom 1.3.5?") is Language.SR_LATN
    assert resolve(None, "1.3.5.2?", ["Šta je sa merom 1.3.5?"]) is Language.SR_LATN
    with pytest.raises(ValueError):
        resolve("de", "Was ist mit 1.3.5?")


def test_cyrillic_is_the_latin_transliterated_and_back() -> None:
    latin = "Status aktivnosti: završeno, u toku, napušteno, nije pokrenuto, nema podataka. Ljubav, njiva, džep, đak"
    assert to_cyrillic(latin) == (
        "Статус активности: завршено, у току, напуштено, није покренуто, нема података. Љубав, њива, џеп, ђак"
    )
    assert to_latin(to_cyrillic(latin)) == latin


def test_a_message_keeps_its_parameters_verbatim_in_every_script() -> None:
    said = msg(
        "status.marked",
        lead=msg("yes"),
        label="Activity 1.1.5.1",
        id="1.1.5.1",
        title="Establish Metaregister",
        under="",
        raw="Completed",
        status="completed",
        matrix="Annex 7: Evaluation Matrix",
    )
    assert (
        said.render()
        == "Yes. Activity 1.1.5.1 (Establish Metaregister) is marked “Completed” in Annex 7: Evaluation Matrix."
    )
    assert said.render(Language.SR_LATN) == (
        "Da. Status aktivnosti 1.1.5.1 (Establish Metaregister): završeno (u matrici: “Completed”)."
    )
    assert said.render(Language.SR_CYRL) == (
        "Да. Статус активности 1.1.5.1 (Establish Metaregister): завршено (у матрици: “Completed”)."
    )
    joined = Seq(
        (msg("under", n=17, parent="1.1"), msg("under", n=3, parent="1.2")), sep=", ", last=msg("and")
    )
    assert render(joined) == "17 under 1.1 and 3 under 1.2"
    assert render(joined, Language.SR_CYRL) == "17 у оквиру 1.1 и 3 у оквиру 1.2"


@pytest.mark.parametrize(
    "n, noun", [(1, "aktivnost"), (3, "aktivnosti"), (21, "aktivnost"), (12, "aktivnosti")]
)
def test_serbian_counts_agree_with_their_numeral(n: int, noun: str) -> None:
    assert render(msg("count", n=n, plural="activities", kind="activity"), Language.SR_LATN) == f"{n} {noun}"
    assert render(msg("count", n=5, plural="measures", kind="measure"), Language.SR_LATN) == "5 mera"
    assert render(msg("count", n=2, plural="measures", kind="measure"), Language.SR_LATN) == "2 mere"


def test_every_template_renders_in_every_language_and_is_written_in_latin() -> None:
    for key, (english, serbian) in TEMPLATES.items():
        assert not any(ch in CYRILLIC for ch in serbian), key  # Cyrillic is made from the Latin
        fields = set(re.findall(r"{(\w+)}", english + serbian))
        params = {f: "X" for f in fields} | {"kind": "activity", "n": 2, "status": "completed"}
        params |= {"statuses": ("completed",), "role": "baseline", "stem": "recommend"}
        for language in Language:
            assert render(msg(key, **params), language), key


def _has_cyrillic(text: str) -> bool:
    return any(ch in CYRILLIC for ch in text)


@pytest.mark.parametrize(
    "question, language, wanted",
    [
        ("Šta je sa aktivnošću 1.4.2.2?", "sr-Latn", "Status aktivnosti 1.4.2.2"),
        ("Шта је са активношћу 1.4.2.2?", "sr-Cyrl", "Статус активности 1.4.2.2"),
    ],
)
def test_a_status_answer_in_serbian(indexed: Settings, question: str, language: str, wanted: str) -> None:
    english = ask("What is the status of activity 1.4.2.2?", settings=indexed)
    got = ask(question, settings=indexed)
    assert got.language == language and wanted in got.answer, got.answer
    assert ("napušteno" if language == "sr-Latn" else "напуштено") in got.answer
    assert "“abandoned”" in got.answer.lower() or "“abandoned”" in got.answer  # the matrix's word, quoted
    assert [c.model_dump() for c in got.citations] == [
        c.model_dump() for c in english.citations
    ]  # as written
    assert got.notice and "engleskom" in to_latin(got.notice) and got.notice != SERBIAN_NOTICE
    assert _has_cyrillic(got.notice) is (language == "sr-Cyrl")


@pytest.mark.parametrize("question", ["Koliko aktivnosti je napušteno?", "Колико активности је напуштено?"])
def test_a_count_answer_in_serbian(indexed: Settings, question: str) -> None:
    english = ask("How many activities were abandoned?", settings=indexed)
    got = ask(question, settings=indexed)
    count = re.search(r"(\d+) activities", english.answer)
    assert count, english.answer
    latin = to_latin(got.answer)
    assert "U matrici (Annex 7" in latin and f"{count.group(1)} aktivnosti" in latin and "napušteno" in latin
    assert {c.id for c in got.citations} == {c.id for c in english.citations}
    ids = re.findall(r"\d+(?:\.\d+){1,3}", english.answer)
    assert ids == re.findall(r"\d+(?:\.\d+){1,3}", got.answer)  # IDs and numbers untouched, in order
    assert _has_cyrillic(got.answer) is _has_cyrillic(question)


@pytest.mark.parametrize(
    "question, text",
    [
        ("Šta je sa aktivnošću 9.9.9.9?", "Evaluacija nema 9.9.9.9: njene oznake idu od 1.1 do 1.4.4.5."),
        ("Шта је са активношћу 9.9.9.9?", "Евалуација нема 9.9.9.9: њене ознаке иду од 1.1 до 1.4.4.5."),
    ],
)
def test_no_such_id_in_serbian(indexed: Settings, question: str, text: str) -> None:
    got = ask(question, settings=indexed)
    assert got.abstained and got.answer == text


@pytest.mark.parametrize(
    "question",
    [
        "koliko je kostala izgradnja data centra u Kragujevcu?",
        "Колико је коштала изградња дата центра у Крагујевцу?",
    ],
)
def test_an_abstention_in_serbian(indexed: Settings, question: str) -> None:
    got = ask(question, settings=indexed)
    assert got.abstained and to_latin(got.answer).startswith("Evaluacija ne navodi taj iznos"), got.answer
    assert _has_cyrillic(got.answer) is _has_cyrillic(question)


def test_english_asked_for_a_serbian_question_answers_in_english(indexed: Settings) -> None:
    got = ask("Šta je sa aktivnošću 1.4.2.2?", settings=indexed, language="en")
    english = ask("What is the status of activity 1.4.2.2?", settings=indexed)
    assert got.language == "en" and got.notice == SERBIAN_NOTICE
    assert (
        "is marked “" in got.answer
        and got.answer.split(" Responsible")[0] == english.answer.split(" Responsible")[0]
    )
    assert ask("What is the status of activity 1.4.2.2?", settings=indexed).notice is None
