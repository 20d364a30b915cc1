"""rag.details: a detail asked for by kind (a person, a phone number, an address, a company, a procedure's
steps) and whether the best evidence holds one."""

from __future__ import annotations

import pytest

from ingest.chunks import Chunk
from rag.details import (
    detail_missing,
    details_asked,
    instructions_missing,
    names_missing,
    person_missing,
    said_missing,
)
from rag.models import Intent
from rag.retrieve import Hit
from rag.understand import Query


def _hits(*texts: str) -> list[Hit]:
    return [
        Hit(Chunk(id=f"c{n}", text=t, document="d.txt", doc_type="report", kind="section"), score=1.0)
        for n, t in enumerate(texts)
    ]


def _q(text: str) -> Query:
    return Query(text=text, intent=Intent.FREE)


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("What is the phone number of the contact centre?", ["phone"]),
        ("which number telephone contact centre support?", ["phone"]),
        ("What is the e-mail address of the help desk?", ["email"]),
        ("What is the web address of the consultation portal?", ["web"]),
        ("Which company developed the registry software?", ["company"]),
        ("which firm built the data centre?", ["company"]),
        ("which construction company built the data centre?", ["company"]),
        ("Is there a phone line where citizens can get help?", []),
        ("How many e-mail accounts do officials have?", []),
        ("How many companies use the e-mailbox?", []),
        ("Where does the country rank in the UN e-government index?", ["rank"]),
        ("How did the country rank in the survey?", ["rank"]),
        ("What place does the country have in the regional ranking?", ["rank"]),
        ("in what place country UN rank list e-Government?", ["rank"]),  # "Na kom mestu je ... na rang listi"
        ("Where is the data centre?", []),
        ("How many measures were ranked as a priority?", []),
        ("What position does the head of the office hold?", []),
    ],
)
def test_the_kind_of_detail_a_question_asks_for(question: str, kinds: list[str]) -> None:
    assert details_asked(question) == kinds


def test_a_detail_no_evidence_holds_is_missing() -> None:
    hits = _hits("The contact centre was established in 2021 and resolves 85% of requests.")
    assert detail_missing(_q("What is the phone number of the contact centre?"), hits)
    assert detail_missing(_q("Which company built the contact centre?"), hits)


def test_a_detail_the_evidence_holds_is_not_missing() -> None:
    hits = _hits(
        "The contact centre can be reached at 011 735 8400 or at info@example.gov.rs.",
        "The project is carried out with the Example company in three towns.",
    )
    assert not detail_missing(_q("What is the phone number of the contact centre?"), hits)
    assert not detail_missing(_q("What is the e-mail address of the contact centre?"), hits)
    assert not detail_missing(_q("Which company carries out the project?"), hits)
    assert not detail_missing(_q("How many requests does the contact centre resolve?"), hits)


def test_a_rank_needs_a_rank_in_the_evidence_not_a_quarter() -> None:
    question = _q("Where does the country rank in the UN e-government index?")
    assert detail_missing(
        question, _hits("The country strengthened its position in the region.", "Due: 2nd quarter of 2022.")
    )
    assert not detail_missing(question, _hits("In the 2022 UN survey the country ranked 40th of 193."))
    assert not detail_missing(question, _hits("It moved up to place 40 on the index."))


def test_a_person_asked_for_by_office_needs_a_named_person_in_that_office() -> None:
    question = _q("Who is the director of the office?")
    assert person_missing(question, _hits("The office is responsible for the portal."))
    assert not person_missing(question, _hits("The office's director Ana Petrović opened the centre."))
    assert not person_missing(_q("Who is responsible for the portal?"), _hits("The office is responsible."))


def test_who_chaired_asks_for_a_person_also_as_a_serbian_reading_words_it() -> None:
    # "Ko je predsedavao sednicom?" reads "who is chaired session"
    for question in ("Who chaired the session?", "who is chaired session meeting council?"):
        assert person_missing(_q(question), _hits("The session was dedicated to e-Government."))
    assert not person_missing(_q("Who is in charge of the session?"), _hits("The council held a session."))


def test_what_only_a_person_does_asks_for_a_person_in_any_tense() -> None:
    for question in ("Who chairs the council?", "Who heads the office?", "Who presided over the session?"):
        assert person_missing(_q(question), _hits("The council took over the functions in 2021."))
    assert not person_missing(_q("Who runs the portal?"), _hits("The office runs the portal."))


def test_names_of_a_counted_set_need_a_list_of_names_in_the_evidence() -> None:
    counted = _hits("In 13 of 98 local self-governments there is no classified IT job.")
    named = _hits("The pilots run in Šid, Bečej and Petrovac na Mlavi.")
    assert names_missing(_q("Which 13 municipalities have no IT posts?"), counted)
    assert names_missing(_q("which municipality among 13 local self-government has no IT post?"), counted)
    assert names_missing(_q("Which towns are the 50 extra local governments joining?"), counted)
    assert not names_missing(_q("Which three municipalities pilot the smart city?"), named)
    title = _hits(
        "Assistant to the Head of the Sector for Analytics, Telecommunications and Information Technologies"
    )
    assert names_missing(_q("Which 35 local self-governments joined?"), title)  # one unit's name, not a list
    assert not names_missing(_q("Which 13 activities were abandoned?"), counted)  # the matrix's own records
    assert not names_missing(_q("What share of the 100 services was optimised?"), counted)  # not "which N"


def test_what_a_party_said_needs_a_passage_that_reports_their_words() -> None:
    meeting = _hits(
        "The second meeting of the Council held on 23 December 2021 was dedicated to e-Government."
    )
    assert said_missing(_q("What did the Council decide at its December meeting?"), meeting)
    assert said_missing(_q("What did the Prime Minister say about e-Government?"), meeting)
    decided = _hits("At its second meeting the Council decided to set up a working group on e-Government.")
    assert not said_missing(_q("What did the Council decide at its December meeting?"), decided)
    noted = _hits("During the interviews, the experts have noted a range of open data activities.")
    assert not said_missing(_q("What did the interviewees say about open data?"), noted)
    # the evaluation's own words are everything it says; a question that asks no party's words is not this
    assert not said_missing(_q("What did the evaluation say about open data?"), meeting)
    assert not said_missing(_q("What happened at the Council's December meeting?"), meeting)
    assert not said_missing(_q("The text and the annex differ. What does each one say?"), meeting)  # no party
    assert not said_missing(
        _q("What does the memo say about the helpdesk?"), meeting
    )  # a text says what it holds
    assert not said_missing(_q("What does the action plan say about the council?"), meeting)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how do i renew my passport?", True),
        ("How should we apply for a qualified certificate?", True),
        ("What do I need to bring to the one-stop shop?", True),
        ("which forms do i need for a building permit", True),
        ("Do I have to register my company again?", True),
        ("What should we have done differently in the programme?", False),  # a judgement, not steps
        (
            "how do we term identity card?",
            True,
        ),  # a Serbian reading of "kako da zakažem termin za ličnu kartu"
        ("How can citizens check who looked at their data?", False),  # what the service lets them do
        ("How did the contact centre do?", False),
        ("Where can I check the ministry's progress data online?", False),
    ],
)
def test_the_steps_of_a_procedure_are_missing_unless_a_passage_tells_its_reader_what_to_do(
    question: str, asked: bool
) -> None:
    plain = _hits(
        "Possible next steps: the register is to be completed in 2022.", "The portal has 196 services."
    )
    assert instructions_missing(_q(question), plain) is asked
    told = _hits("On the portal you can currently find information on more than 1,000 procedures.")
    assert not instructions_missing(_q(question), told)
