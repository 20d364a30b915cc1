"""rag.serbian and the script utilities of core.text: Serbian questions in either script, with or without
diacritics, read into the engine's English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.settings import Settings
from core.text import fold, to_latin
from core.tokenize import tokenize
from rag.ask import ask
from rag.decompose import split_question
from rag.index import get_index
from rag.scope import unknown_word
from rag.serbian import counted_noun, is_serbian, to_english


def test_scripts_and_diacritics() -> None:
    assert (
        to_latin("Шта је са мером 1.3.5? Љубав, њива, џеп, ђак")
        == "Šta je sa merom 1.3.5? Ljubav, njiva, džep, đak"
    )
    assert fold("Zašto je odustano? Đak, čas, ćup, žaba") == "Zasto je odustano? Djak, cas, cup, zaba"


@pytest.mark.parametrize(
    "question, serbian",
    [
        ("Шта је са активношћу 1.4.2.2?", True),
        ("Zašto je odustano od aktivnosti 1.4.2.2?", True),
        ("zasto je odustano od aktivnosti 1.4.2.2", True),
        ("What is the status of activity 1.4.2.2?", False),
        ("Why was the e-Paper programme dropped, and who ran it?", False),
        ("Ko je bio nosilac mere 1.3.5?", True),  # "ko", "bio": function words of Serbian grammar
        ("Kakav je rezultat u 2021?", True),
        ("A zašto?", True),  # one question word, and a Serbian letter
        ("What happened to the centres in Čačak and Niš?", False),  # place names alone are not Serbian
        ("Which pilots ran in Šid, Bečej and Petrovac na Mlavi?", False),
        # one question word without diacritics, and a word the word list reads as English spelt otherwise
        ("Koliko kosta uspostavljanje registra?", True),
        ("zasto tako malo?", True),
        ("What is the status of the portal and its pilots?", False),
        # a request's imperative or need, without diacritics
        ("napisi mi preporuku o prevenciji pozara", True),
        ("treba mi kratak tekst o registrima", True),
        ("Write a recommendation on fire prevention", False),
    ],
)
def test_serbian_is_told_from_english(question: str, serbian: bool) -> None:
    assert is_serbian(question) is serbian


@pytest.mark.parametrize(
    "question, english",
    [
        ("Шта је са активношћу 1.4.2.2?", "what happened to activity 1.4.2.2?"),
        ("koliko aktivnosti je napusteno ukupno?", "how many activities abandoned in total?"),
        (
            "Које активности под мером 1.3.5 нису ни започете?",
            "which activities measure 1.3.5 not initiated?",
        ),
        ("Ko je odgovoran za meru 1.3.5?", "who is responsible for measure 1.3.5?"),
        ("Koliko mera ima cilj 1.2?", "how many measures target 1.2?"),  # a plural after a plural word
        ("Koje mere su završene?", "which measures completed?"),
        # a specific or overall "cilj" is an objective; superlatives read as the English ones
        ("Koji specifični cilj je imao najslabije rezultate?", "which specific objective imao worst result?"),
        ("Šta je opšti cilj?", "what overall objective?"),
        ("Koji cilj je najbolje ostvaren, a koji najlošije?", "which target best achieved, and which worst?"),
        ("Koja mera ima najviše aktivnosti?", "which measure most activities?"),
        ("Šta se dešava sa obukama?", "what is happening with training?"),  # "what is happening with"
        # "kako da" before a verb in the first person asks how to go about it oneself
        ("Kako da zakažem termin za ličnu kartu?", "how do we zakazem termin identity card?"),
        ("kako mogu da prijavim prebivaliste?", "how do we application registration login residence?"),
    ],
)
def test_question_words_statuses_and_kinds_are_read(question: str, english: str) -> None:
    """Serbian function words ("je", "pod", "za") are dropped: they search for nothing."""
    assert to_english(question) == english


@pytest.mark.parametrize(
    "question, english",
    [
        # vocabulary from rag/sr_en.tsv, any inflection, either script, with or without diacritics
        ("Šta je sa obukama u pravosuđu?", "what happened to training judiciary?"),
        ("sta je sa obukama u pravosudju?", "what happened to training judiciary?"),
        ("Шта је са обукама у правосуђу?", "what happened to training judiciary?"),
        # "what has been done with" asks what became of it, as "šta je sa" does
        ("Šta je urađeno sa obukama u pravosuđu?", "what happened to training judiciary?"),
        ("sta je radjeno sa obukama u pravosudju?", "what happened to training judiciary?"),
        # a phrase of the list, and a capitalised first word that is not a name
        ("U upravnom sudu?", "Administrative Court?"),
    ],
)
def test_the_word_list_reads_words_in_any_form(question: str, english: str) -> None:
    assert to_english(question) == english


def test_a_yes_no_question_reads_as_one_about_a_fact() -> None:
    """'Jesu li održane obuke?' asks whether something happened: a status question, as 'Were ... held?' is."""
    assert to_english("Jesu li održane obuke?") == "was held training?"
    assert to_english("Da li građani mogu da vide podatke?") == "citizen citizens see data?"  # "da": no word


def test_an_electronic_service_named_with_e_is_read_as_its_english() -> None:
    """'eDostava' is e + 'dostava' (delivery): kept as written for the glossary, and read as 'e-delivery'."""
    assert "eDostava e-delivery" in to_english("Koliko korisnika ima eDostava?")
    assert "e-paper" in to_english("Šta je sa programom ePapir?")
    assert "e-" not in to_english("Šta je sa evaluacijom?")  # an ordinary word that starts with e


@pytest.mark.parametrize(
    "question, id_, status",
    [
        ("Шта је са активношћу 1.4.2.2?", "1.4.2.2", "abandoned"),
        ("Zašto je odustano od aktivnosti 1.3.5.1?", "1.3.5.1", "abandoned"),
        ("da li je zavrsena aktivnost 1.1.1.1?", "1.1.1.1", "completed"),
    ],
)
def test_a_serbian_question_is_answered_from_the_english_record(
    indexed: Settings, question: str, id_: str, status: str
) -> None:
    answer = ask(question, settings=indexed)
    assert not answer.abstained and answer.citations[0].id == id_ and status in answer.answer.lower()
    assert answer.notice and "engleskom" in to_latin(
        answer.notice
    )  # in the question's script (rag/language.py)


def test_open_data_in_serbian_is_open_data_and_the_portal_only_when_named(indexed: Settings) -> None:
    # the glossary had read every "otvoreni podaci" as the Open Data Portal, which led an Open Data Week question to
    # the portal's measure and abstained for the years the portal's row does not give
    from rag.index import get_index
    from rag.reading import read

    index = get_index(indexed)
    assert "Portal" not in read("Da li je održana Nedelja otvorenih podataka?", [], index).text
    assert "Open Data Portal" in read("Koliko skupova je na Portalu otvorenih podataka?", [], index).text
    answer = ask("Da li je Nedelja otvorenih podataka održana 2021. i 2022?", settings=indexed)
    assert not answer.abstained and "1.4.3.4" in {c.id for c in answer.citations}, answer.answer


def test_a_body_named_in_serbian_lists_its_activities(indexed: Settings) -> None:
    """'Republički geodetski zavod' is the matrix's RGA through the glossary's Serbian alias, in either script."""
    for question in (
        "Koje aktivnosti je imao Republički geodetski zavod?",
        "Које активности је имао Републички геодетски завод?",
    ):
        answer = ask(question, settings=indexed)
        assert {"1.1.6.2", "1.1.6.5"} <= {c.id for c in answer.citations}, answer.answer


def test_a_serbian_word_is_read_as_the_corpus_word_it_spells_nearly_alike() -> None:
    from rag.serbian import Cognates

    corpus = Cognates(
        ["The Metaregister and the electronic concept of a pilot portal.", "Registrar of data."]
    )
    assert corpus.find("metaregistra") == "metaregister"  # inflected, Latin
    assert corpus.find("elektronski") == "electronic"  # k for c
    assert corpus.find("koncept") == "concept"
    assert corpus.find("Пилотира") == "pilot"  # Cyrillic
    assert corpus.find("jednošalterskih") is None  # nothing in the corpus spells like it
    assert corpus.find("sto") is None  # too short to tell


def test_a_declined_serbian_name_is_read_as_the_corpus_writes_it() -> None:
    from rag.serbian import Cognates

    corpus = Cognates(["Pilots in Šid, Bečej and Petrovac na Mlavi; a one-stop shop in Užice and Kraljevo."])
    assert (
        corpus.name("Šidu") == "Šid" and corpus.name("Sidu") == "Šid"
    )  # locative, and typed without diacritics
    assert corpus.name("Бечеју") == "Bečej"  # Cyrillic
    assert corpus.name("Petrovcu") == "Petrovac"  # the "a" a last syllable drops when declined
    assert Cognates(["A one-stop shop in Šabac."]).name("Šapcu") == "Šabac"  # and the consonant it unvoiced
    assert corpus.name("Užicu") == "Užice" and corpus.name("Kraljeva") == "Kraljevo"
    assert corpus.name("Beogradu") is None  # a name the corpus does not write
    assert corpus.name("pilotu") is None  # only the corpus's capitalised words are names
    known = dict.fromkeys(tokenize("pilots in one-stop shop"), 1.0)
    reading = to_english("Ko radi pilot u Šidu i Bečeju?", known, tokenize, corpus.find, corpus.name)
    assert "Šid" in reading and "Bečej" in reading and "Šidu" not in reading


@given(st.text(alphabet="abcdeščćžđuoiLMŠ", min_size=1, max_size=12))
def test_a_names_forms_begin_with_the_word_folded(word: str) -> None:
    from rag.serbian import _name_forms

    forms = _name_forms(word)
    assert forms[0] == fold(to_latin(word)).lower()
    assert all(f == f.lower() and len(f) >= 3 for f in forms[1:])


@pytest.mark.parametrize(
    ("question", "reading"),
    [
        ("Kog datuma je potpisan ugovor?", "on what date"),
        ("Do kada će biti završeno?", "by when"),
        ("Од када ради портал?", "since when"),
        ("Kako stojimo u odnosu na Hrvatsku?", "how stand compared to"),
        ("Da li smo bolji od Slovenije?", "more than"),
        ("A ko to sprovodi?", "and who it"),
        ("Da li je to završeno?", "was it completed"),
        ("Ko je predsedavao sednicom?", "who chaired"),
        ("Kakav je rezultat Srbije?", "what result"),
        ("Može li se portalu pristupiti telefonom?", "can"),
        ("Ima li portal aplikaciju?", "is there"),
        ("Је ли завршено пребацивање података?", "was completed"),
        ("Ko je izradio studiju?", "who "),
        ("Ko je bio zadužen za portal?", "who is responsible"),
        ("Zbog čega je odustano od strategije?", "why abandoned"),
        ("Iz kog razloga nije završeno?", "why not"),
        ("Kako to da nije završeno?", "why not"),
        ("Koliko je koštala izgradnja?", "how much"),
        ("Колико је трајала изградња?", "how long"),
        (
            "Koliko je pečata izdato zaključno sa 2021?",
            "how many seal stamp issued by 2021",
        ),  # up to and including
        ("Koga su intervjuisali?", "who interview"),
        ("Kome je dodeljen ugovor?", "who"),
    ],
)
def test_serbian_date_comparison_and_follow_up_words_read_as_english_ones(
    question: str, reading: str
) -> None:
    assert to_english(question).startswith(reading), to_english(question)


def test_a_serbian_comparison_with_a_country_the_evaluation_never_names_abstains(indexed: Settings) -> None:
    answer = ask("Kako stojimo u odnosu na Mađarsku po broju elektronskih usluga?", settings=indexed)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Koliko je sajber napada zabeleženo tokom 2021?", "napada"),
        ("Колико је корисника имао портал?", "korisnika"),
        ("Koliko je otvorenih skupova podataka objavljeno?", "podataka"),
        ("Koliko košta projekat?", ""),
    ],
)
def test_the_noun_a_koliko_counts(question: str, noun: str) -> None:
    assert counted_noun(question) == noun


def test_a_word_written_solid_is_the_corpus_word_written_with_a_hyphen(indexed: Settings) -> None:
    # "imejl" reads "email"; the report writes "e-mail"
    index = get_index(indexed)
    assert not unknown_word("email", index) and not unknown_word("mailboxes", index)
    assert unknown_word("emailx", index)


def test_a_koliko_counting_a_thing_the_evaluation_never_names_is_flagged(indexed: Settings) -> None:
    open_gate = indexed.model_copy(update={"answer_gate": "open"})
    unknown = ask("Koliko je sajber napada zabeleženo u 2021?", settings=open_gate)
    known = ask("Koliko je korisnika imao portal otvorenih podataka u 2021?", settings=open_gate)
    assert (unknown.signals or {}).get("thing_unknown") == 1.0
    assert not (known.signals or {}).get("thing_unknown")


def test_a_koliko_is_judged_by_its_own_noun_not_by_the_last_word_of_its_english_reading(
    indexed: Settings,
) -> None:
    # "e-sandučić" reads "e-mailbox box": the evaluation never says "box", but it counts mailboxes
    answer = ask(
        "Koliko građana ima aktiviran e-sandučić?",
        settings=indexed.model_copy(update={"answer_gate": "open"}),
    )
    assert not (answer.signals or {}).get("thing_unknown"), answer.signals


def test_a_koliko_count_is_not_answered_with_a_share(indexed: Settings) -> None:
    # the contact centre's one figure is the share of requests resolved: no count of calls
    calls = ask("Колико су позива добили у контакт центру за грађане?", settings=indexed)
    assert calls.abstained, calls.answer
    share = ask("Koliki procenat zahteva korisnika je rešio kontakt centar?", settings=indexed)
    assert not share.abstained and "85" in share.answer, share.answer


@pytest.mark.parametrize(
    "question",
    [
        "Koliko je aktiviranih sandučića građana, a koliko privrede u 2021?",
        "Колико органа власти, а колико локалних самоуправа користи центре?",
        "Ko vodi portal, i kada je pokrenut?",
        "Koliko registara i koliko softverskih rešenja je prebačeno u data centre?",  # no comma needed
        "Kada je otvoren portal otvorenih podataka i koliko skupova podataka ima?",
    ],
)
def test_a_serbian_question_that_asks_two_things_is_split_like_an_english_one(question: str) -> None:
    # ", a koliko ..." opens a second question: read as ", and how many ...", which the splitter knows
    assert len(split_question(to_english(question))) == 2, to_english(question)


def test_a_comma_before_a_word_that_asks_nothing_new_joins_nothing() -> None:
    assert " and " not in to_english("Građani, a i privreda, koriste sanduče?")


def test_when_with_the_future_clitic_reads_when_will() -> None:
    assert "when will" in to_english("Kada će biti usvojen novi akcioni plan?")
    assert "when will" in to_english("Do kada ce biti gotov portal?")


def test_two_question_words_joined_by_i_are_one_question() -> None:
    # "ko je i kako koristio" (who and how used): "i" joins the question words, it opens no second question
    assert len(split_question(to_english("Da li građanin vidi ko je i kako koristio njegove podatke?"))) == 1


def test_karta_in_any_case_reads_as_card() -> None:
    # "Registar socijalnih karata": the genitive plural is not the stem with an ending
    assert "card" in to_english("registar socijalnih karata")
    assert "card" in to_english("Zakon o socijalnoj karti")


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Koliko je građana aktiviralo sanduče?", "activated"),
        ("Koliko je službenika NAJU obučila?", "trained"),
        ("Da li je gotov registar?", "completed"),
        ("Da li je premašen cilj?", "exceeded"),
        ("Koliko je službenika prošlo sajber vežbe?", "exercises"),
        ("Ko je preuzeo ulogu saveta?", "role"),
        ("Koliki je zajam Svetske banke?", "world bank"),
        ("Koliko je polaznika završilo kurseve?", "participant"),  # not "baseline" (polazna vrednost)
        ("Koliko je polaznika završilo kurseve?", "course"),
        ("Da li je rok pomeren?", "deadline postponed"),
        ("Koliko je građana usluženo?", "served"),
        ("Koliko opština uopšte nema sistematizovano radno mesto?", "at all none classified"),
        ("Koliko je žena bilo među polaznicima?", "women among participants"),
        ("A koliko je para za to trebalo?", "budget funds"),  # "pare", everyday for money
        # every form of "koliki"; "novčan" (monetary) is money
        ("Kolike su bile novčane nagrade?", "how much budget funds"),
        ("Koliku je ocenu dobila Srbija?", "how much"),
        ("Koja tri grada su izabrana?", "which three"),  # numbers written as words
        ("Treba mi tačno ime i funkcija.", "name function"),
        ("Kako glasi naziv sistema?", "name"),
    ],
)
def test_everyday_words_of_questions_about_a_programme_are_read(question: str, word: str) -> None:
    assert word in to_english(question), to_english(question)


def test_vlast_reads_as_authority_in_a_public_body_s_name() -> None:
    # "organ (javne) vlasti" is a public authority; read "power", its last word was taken for the thing counted
    reading = to_english("Koliko organa javne vlasti koristi data centre?")
    assert "public authority" in reading and "power" not in reading, reading


@pytest.mark.parametrize(
    "question",
    [
        "Na kom mestu je zemlja na rang listi UN?",
        "На ком месту је земља?",
        "Kako je zemlja rangirana u anketi UN?",
    ],
)
def test_a_place_on_a_list_is_asked_as_a_rank(question: str) -> None:
    english = to_english(question)
    assert "in what place" in english or "ranked" in english, english


def test_words_nothing_reads_are_told_apart() -> None:
    unread: list[str] = []
    english = to_english("koliko je putarina naplaćeno", {"how"}, lambda w: [w.lower()], unread=unread)
    assert "putarina" not in english and unread == ["putarina", "naplaceno"]


@pytest.mark.parametrize(
    "request_, covered",
    [
        # what is left of the subject once the reading drops the words it cannot read ("electronic") is covered
        ("Napiši pasus o uvođenju elektronske naplate putarine bez zaustavljanja.", False),
        ("Napiši kratak pasus o otvorenim podacima.", True),
    ],
)
def test_a_serbian_draft_keeps_the_words_its_reading_could_not_read(
    indexed: Settings, request_: str, covered: bool
) -> None:
    answer = ask(request_, settings=indexed)
    assert answer.intent == "draft" and answer.abstained is not covered
