"""rag.understand (intent, IDs, follow-ups), rag.vocabulary (statuses_named) and rag.names (expand, bodies_named), on a tiny catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.glossary import load_glossary
from ingest.records import Activity, Catalog, Measure, Objective
from rag.models import Turn
from rag.names import Names
from rag.understand import Query, understand
from rag.vocabulary import statuses_named

# Two objectives, three measures, five activities, in document order (the order "next measure" follows).
CATALOG = Catalog(
    objectives=[
        Objective(
            id="1.3",
            title="Increase of e-Government accessibility to citizens and businesses",
            responsible="ITE Office",
        ),
        Objective(id="1.4", title="Data opening in the public administration", responsible="ITE Office"),
    ],
    measures=[
        Measure(id="1.3.5", title="Implementation of one stop shop", objective="1.3", responsible="MPALSG"),
        Measure(
            id="1.4.1",
            title="Ensuring the implementation of the legal framework for open data",
            objective="1.4",
            responsible="ITE Office",
        ),
        Measure(
            id="1.4.2", title="Improvement of Open Data Portal", objective="1.4", responsible="ITE Office"
        ),
    ],
    activities=[
        Activity(
            id="1.3.5.1",
            title="Draw up a study on the possibilities of setting up one-stop-shop",
            measure="1.3.5",
            objective="1.3",
            responsible="MPALSG",
            status="abandoned",
        ),
        Activity(
            id="1.3.5.2",
            title="Implementation of a pilot project for a one-stop-shop for LSGs",
            measure="1.3.5",
            objective="1.3",
            responsible="MPALSG",
            status="ongoing",
        ),
        Activity(
            id="1.4.1.1",
            title="Establish a special organizational unit in ITE for open data",
            measure="1.4.1",
            objective="1.4",
            responsible="ITE",
            status="completed",
        ),
        Activity(
            id="1.4.2.1",
            title="Development and publication of guidelines to improve the quality of open data",
            measure="1.4.2",
            objective="1.4",
            responsible="ITE",
            status="abandoned",
        ),
        Activity(
            id="1.4.2.2",
            title="Improvement of the Open Data Portal software solution",
            measure="1.4.2",
            objective="1.4",
            responsible="ITE",
            status="abandoned",
        ),
    ],
)


def q(question: str, history: list[Turn] | None = None) -> Query:
    return understand(question, history, CATALOG)


def conversation(*contents: str) -> list[Turn]:
    """Alternating user / assistant turns, starting with the user."""
    return [Turn(role="user" if i % 2 == 0 else "assistant", content=c) for i, c in enumerate(contents)]


ABOUT_1422 = conversation(
    "What is the status of activity 1.4.2.2?",
    "Activity 1.4.2.2 (Improvement of the Open Data Portal software solution) was abandoned.",
)


# --- IDs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, ids",
    [
        ("1.3.5", ["1.3.5"]),
        ("What is the status of 1.3.5?", ["1.3.5"]),
        ("measure 1.3.5", ["1.3.5"]),
        ("Measure 1.3.5.", ["1.3.5"]),
        ("1. 3. 5", ["1.3.5"]),
        ("activity 1.4.2.2", ["1.4.2.2"]),
        ("Why was Activity 1.4.2.2 abandoned?", ["1.4.2.2"]),
        ("objective 1.4", ["1.4"]),
        ("Specific objective 1.4", ["1.4"]),
        ("SO 1.3", ["1.3"]),
        ("so 1.4?", ["1.4"]),
        ("Compare measure 1.4.2 and measure 1.3.5", ["1.4.2", "1.3.5"]),  # order of mention
        ("1.3.5 and again 1.3.5", ["1.3.5"]),  # no duplicates
    ],
)
def test_id_forms_map_to_catalog_ids(question: str, ids: list[str]) -> None:
    """The ways people write IDs resolve to the canonical IDs, in order of mention."""
    assert q(question).ids == ids


@pytest.mark.parametrize(
    "question",
    [
        "1.4",  # a bare two-part number is a number, not an objective
        "measure 1.4",  # a two-part ID called a measure is not an objective either
        "SO 1.2",  # a well-formed objective ID that this catalog does not hold
        "activity 1.4.9.9",
        "What is the value 1.643?",
    ],
)
def test_numbers_and_ids_outside_the_catalog_name_nothing(question: str) -> None:
    """Bare numbers and IDs the catalog does not know give no IDs."""
    assert q(question).ids == []


def test_spaced_activity_id_is_the_activity() -> None:
    """'activity 1. 4. 2. 2' (spaces after the dots, as the 3-part form allows) names activity 1.4.2.2."""
    assert q("activity 1. 4. 2. 2").ids == ["1.4.2.2"]


def test_list_of_objectives_names_each() -> None:
    """'objectives 1.3 and 1.4' names both objectives."""
    assert q("Compare objectives 1.3 and 1.4").ids == ["1.3", "1.4"]


def test_query_text_is_whitespace_normalised() -> None:
    """Runs of spaces and newlines collapse to single spaces."""
    assert q("  What is\n the   status of 1.3.5?  ").text == "What is the status of 1.3.5?"


# --- intents --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, intent",
    [
        ("What is the status of activity 1.4.2.2?", "status"),
        ("Was activity 1.3.5.1 completed?", "status"),
        ("Were the trainings for judges held?", "status"),
        ("How far has measure 1.3.5 come?", "status"),
        ("Where is activity 1.3.5.2?", "status"),
        ("Why was activity 1.4.2.2 abandoned?", "why"),
        ("What prevented activity 1.4.2.1 from going ahead?", "why"),
        ("Who is responsible for measure 1.4.1?", "responsible"),
        ("Which institution implements activity 1.3.5.2?", "responsible"),
        ("Who is behind activity 1.3.5.2?", "responsible"),  # any "who" about a record asks for its body
        ("Who is setting up measure 1.1.9, and when is it due?", "responsible"),
        ("What was the baseline for measure 1.4.2?", "indicator"),
        ("What is the target for 2022 for 1.4.2?", "indicator"),
        ("Which activities were abandoned?", "list"),
        ("What was abandoned?", "list"),  # a status and no unit: a list of activities
        (
            "What happened to the e-democracy study, is it completed?",
            "status",
        ),  # ... unless it asks about one
        ("What is the status of the e-democracy study, is it completed?", "status"),  # named in words
        ("what status e-democracy study, was ' completed?", "status"),  # a Serbian reading of the same
        ("List the measures of objective 1.4", "list"),
        ("Which activities did MPALSG lead?", "list"),
        ("What does MPALSG have on its plate?", "list"),  # a body's tasks in everyday words
        ("What does MPALSG own in the action plan, and how far are they?", "list"),
        ("What was MPALSG on the hook for?", "list"),
        ("Which activities fall under MPALSG?", "list"),
        ("What does MPALSG run on its own servers?", "free"),  # "its own" is no owning verb
        ("What are the responsibilities of MPALSG?", "list"),
        ("How many activities were completed?", "count"),
        ("How many measures does each objective have?", "count"),
        ("What is measure 1.3.5 about?", "about"),
        ("Describe activity 1.3.5.2", "about"),
        ("Compare measure 1.4.1 and measure 1.4.2", "compare"),
        ("What is the difference between 1.4.1 and 1.4.2?", "compare"),
        ("Draft an action plan entry for measure 1.3.5", "draft"),
        ("Please write the action plan text for activities on open data", "draft"),
        ("Could you sketch an action plan entry on open data quality?", "draft"),
        ("Can you outline a section of the new plan on e-Delivery?", "draft"),
        # a text asked for in everyday words: a note, a para, a briefing; "draft" as the request's verb
        ("put together a short briefing note on where e-Delivery stands", "draft"),
        ("draft a short para for the minister on IT staffing", "draft"),
        ("Can you knock together a para on the portal?", "draft"),
        ("I need a short note on e-Delivery for the new programme - can you draft it?", "draft"),
        ("pls draft the entry for the infosec measure", "draft"),
        (
            "Write a recommendation on how the programme should be steered",
            "draft",
        ),  # a recommendation is a text
        ("What did the evaluation recommend for open data?", "free"),
        ("What recommendations does the report make on open data?", "free"),
        ("Can you put together a short recommendation on e-seals?", "draft"),  # one made, not the report's
        ("Give me the recommendations on open data", "free"),
        ("Tell me a joke about cats", "free"),
        # a "how many" inside a noun phrase is not what the question asks; one that opens it, or its clause, is
        ("Was the study on how many IT people the administration needs ever done?", "status"),
        ("In how many courts were the trainings held?", "indicator"),
        ("Can you tell me how many datasets there are?", "indicator"),
        # shorthand that asks for the figure last, also where a status word describes the thing
        ("inspections done with electronic tools in 2021, number?", "indicator"),
        ("registers migrated - figures?", "indicator"),
        # a stage or phase asked for, or "... yet?" after a state, asks where a thing stands
        ("At what stage is the network operation centre?", "status"),
        ("Which phase is the e-payment work in?", "status"),
        ("Security centre - set up yet?", "status"),
        ("Is the e-payment function working yet?", "status"),
        # a topic put first, then where it stands asked after a dash or a colon
        ("The decree on service points - where is it at?", "status"),
        ("e-payments: where are we?", "status"),
    ],
)
def test_intent_of_typical_questions(question: str, intent: str) -> None:
    """Each kind of question gets the intent the answerer dispatches on."""
    assert q(question).intent == intent


@pytest.mark.parametrize(
    "question",
    ["Is there a draft law on e-Delivery?", "What should we note about e-Delivery?", "Who drafted the law?"],
)
def test_a_question_about_a_draft_or_a_note_is_no_drafting_request(question: str) -> None:
    assert q(question).intent != "draft"


def test_a_person_asked_by_office_is_not_the_responsible_body() -> None:
    assert q("Who was the director of the office in 2021?").intent != "responsible"


def test_compare_needs_two_ids() -> None:
    """'compare' with a single ID is not a comparison (it falls through to a free question)."""
    assert q("Compare measure 1.4.1 with the plan").intent == "free"


def test_about_needs_an_id() -> None:
    """'Describe' without any ID is a free question, not 'about'."""
    assert q("Describe the programme").intent == "free"


def test_list_of_one_named_activity_is_its_status() -> None:
    """'Which activities ... 1.4.2.2 ... abandoned' about a single activity asks that activity's status, not a list."""
    query = q("Which activities, like 1.4.2.2, were abandoned?")
    assert query.ids == ["1.4.2.2"] and query.intent == "status"


@pytest.mark.parametrize(
    "question, unit, group_by",
    [
        ("How many activities were completed?", "activities", ""),
        ("How many measures does each objective have?", "measures", "objective"),
        ("How many activities are there per measure?", "activities", "measure"),
        ("Which indicators reached their target?", "indicators", ""),
        ("List the objectives", "objectives", ""),
        ("Why was activity 1.4.2.2 abandoned?", "", ""),
    ],
)
def test_unit_and_group_by(question: str, unit: str, group_by: str) -> None:
    """List and count questions carry what they count and how they group it."""
    query = q(question)
    assert (query.unit, query.group_by) == (unit, group_by)


def test_list_question_carries_status_scope_and_entity() -> None:
    """A list question keeps its status, its scope ID and the entity it names."""
    query = q("Which activities under measure 1.3.5 led by MPALSG are ongoing?")
    assert query.intent == "list"
    assert query.ids == ["1.3.5"]
    assert query.statuses == ["ongoing"]
    assert query.entities == ["MPALSG"]


@pytest.mark.parametrize(
    ("question", "left_out"),
    [
        ("which measures are NOT run by the ITE Office?", True),
        ("which measures is the ITE Office not responsible for?", True),
        ("which activities are led by bodies other than MPALSG?", True),
        ("which activities does MPALSG run that have not been initiated?", False),
        ("which activities of the ITE Office were not completed, and who is responsible?", False),
        ("which activities is MPALSG responsible for?", False),
    ],
)
def test_a_listing_may_leave_out_the_bodies_it_names(question: str, left_out: bool) -> None:
    query = q(question)
    assert query.entities and query.intent == "list"
    assert query.other_bodies is left_out


@pytest.mark.parametrize(
    ("question", "ids", "statuses"),
    [
        ("what's marked 'abandoned' under objective 1.4?", ["1.4"], ["abandoned"]),
        ("what is flagged as ongoing in measure 1.3.5?", ["1.3.5"], ["ongoing"]),
        ("what got dropped under 1.4.2?", ["1.4.2"], ["abandoned"]),
    ],
)
def test_a_status_listed_within_a_named_objective_or_measure(
    question: str, ids: list[str], statuses: list[str]
) -> None:
    """'what's marked X under objective 1.4' lists that objective's activities of that status, with no unit named."""
    query = q(question)
    assert (query.intent, query.unit, query.ids, query.statuses) == ("list", "activities", ids, statuses)


@pytest.mark.parametrize(
    "question",
    [
        "what is the status of measure 1.4.2, is it completed?",
        "is measure 1.4.2 abandoned?",
        "What happened to activity 1.4.2.2, was it abandoned?",
    ],
)
def test_a_status_asked_of_one_named_record_is_no_listing(question: str) -> None:
    assert q(question).intent != "list"


def test_an_inherited_measure_is_no_scope_to_list_in() -> None:
    """A follow-up's status word ('what should be done with it') asks about the record of the last turn."""
    history = conversation("What is measure 1.4.2 about?", "Measure 1.4.2 improves the Open Data Portal.")
    assert q("what does the evaluation say should be done with it next?", history).intent != "list"


@pytest.mark.parametrize(
    "question",
    [
        "What date did the portal start operating?",
        "On what date was the register set up?",
        "which day did the office open?",
    ],
)
def test_what_date_asks_when(question: str) -> None:
    """'What date did X start' asks for a date, not for X's status."""
    assert q(question).intent != "status"


# --- follow-ups -----------------------------------------------------------------------------------------


def test_followup_inherits_the_activity_of_the_history() -> None:
    """'and why was it abandoned?' after a turn about 1.4.2.2 is about 1.4.2.2, with the earlier question as context."""
    query = q("and why was it abandoned?", ABOUT_1422)
    assert query.ids == ["1.4.2.2"]
    assert query.inherited is True
    assert query.intent == "why"
    assert query.statuses == ["abandoned"]
    assert query.context == "What is the status of activity 1.4.2.2?"


def test_short_followup_without_pronoun_inherits() -> None:
    """A short question ('Who is responsible?') leans on the history too."""
    query = q("Who is responsible?", ABOUT_1422)
    assert (query.ids, query.inherited, query.intent) == (["1.4.2.2"], True, "responsible")


def test_an_elliptical_followup_may_name_its_own_subject() -> None:
    """'and the X?' asks the last question of another thing: ask() checks whether X names a record."""
    assert q("And the plan for cyber exercises?", ABOUT_1422).inherited_by_length
    assert q("What about the farm register?", ABOUT_1422).inherited_by_length
    assert not q("And why was it abandoned?", ABOUT_1422).inherited_by_length  # "it" points back


def test_an_elliptical_followup_asks_the_last_question_s_kind_of_the_thing_it_names() -> None:
    """'and the X?' after a status question asks X's status; after a free question it stays free."""
    assert q("And the plan for cyber exercises?", ABOUT_1422).intent == "status"
    assert q(
        "What about the farm register?", conversation("Who runs the e-democracy study?", "MPALSG.")
    ).intent == ("responsible")
    assert q("And the farm register?", conversation("Tell me about open data.", "...")).intent == "free"
    assert q("And the farm register?").intent == "free"  # no earlier question
    # a follow-up with a question word of its own asks its own question
    assert q("And in which towns were contracts signed?", ABOUT_1422).intent != "status"


def test_followup_takes_the_latest_turn_naming_ids() -> None:
    """With two subjects in the history, the most recent one is inherited."""
    history = conversation(
        "Status of 1.4.2.2?",
        "Activity 1.4.2.2 was abandoned.",
        "and 1.3.5.1?",
        "Activity 1.3.5.1 was abandoned too.",
    )
    query = q("and why?", history)
    assert query.ids == ["1.3.5.1"]
    assert query.context == "and 1.3.5.1?"


def test_followup_skips_turns_naming_only_unknown_ids() -> None:
    """A turn that names only IDs outside the catalog is passed over for the earlier known one."""
    history = conversation(
        "Status of 1.4.2.2?",
        "Activity 1.4.2.2 was abandoned.",
        "and 1.4.9.9?",
        "There is no activity 1.4.9.9 in the evaluation.",
    )
    assert q("and why?", history).ids == ["1.4.2.2"]


def test_followup_inherits_at_most_three_ids() -> None:
    """A turn naming four IDs passes on the first three."""
    history = conversation("Compare 1.4.1.1, 1.4.2.1, 1.4.2.2 and 1.3.5.1", "They differ as follows ...")
    query = q("And who is responsible?", history)
    assert query.ids == ["1.4.1.1", "1.4.2.1", "1.4.2.2"]


def test_question_naming_its_own_id_does_not_inherit() -> None:
    """'What about activity 1.3.5.1?' is about 1.3.5.1, not the 1.4.2.2 of the history."""
    query = q("What about activity 1.3.5.1?", ABOUT_1422)
    assert query.ids == ["1.3.5.1"]
    assert query.inherited is False
    assert query.context == ""


def test_long_standalone_question_does_not_inherit() -> None:
    """A question of more than seven words with no follow-up cue stands alone."""
    query = q("How many activities were completed across the whole programme in total?", ABOUT_1422)
    assert query.ids == [] and query.inherited is False
    assert query.intent == "count"


def test_followup_without_history_has_nothing_to_inherit() -> None:
    """With no history, or a history naming no IDs, a follow-up has no IDs and is not marked inherited."""
    for history in (None, [], conversation("hi", "Hello, ask me about the evaluation.")):
        query = q("and why was it abandoned?", history)
        assert query.ids == [] and query.inherited is False


@pytest.mark.parametrize(
    "history_ids, question, expected",
    [
        ("measure 1.3.5", "what about the next measure?", ["1.4.1"]),  # crosses into the next objective
        ("measure 1.4.1", "And the previous measure?", ["1.3.5"]),
        ("measure 1.4.1", "what about the following measure?", ["1.4.2"]),
        (
            "activity 1.3.5.2",
            "what about the next measure?",
            ["1.4.1"],
        ),  # the activity's measure, then the next
        ("activity 1.3.5.2", "what about the next activity?", ["1.4.1.1"]),
        ("activity 1.3.5.2", "and the preceding activity?", ["1.3.5.1"]),
        ("measure 1.4.2", "what about the next objective?", []),  # 1.4 is the last objective
        ("objective 1.3", "what about the next objective?", ["1.4"]),
        ("measure 1.4.2", "what about the next measure?", []),  # no measure after the last one
        ("measure 1.3.5", "what about the previous measure?", []),  # none before the first one
    ],
)
def test_next_and_previous_move_in_document_order(
    history_ids: str, question: str, expected: list[str]
) -> None:
    """'the next measure' and friends step from the inherited ID through the catalog in document order."""
    history = conversation(f"Tell me about {history_ids}", f"{history_ids.capitalize()} is ...")
    query = q(question, history)
    assert query.ids == expected
    assert query.inherited is True


def test_next_measure_ignores_the_history_when_the_question_names_an_id() -> None:
    """'the next measure after 1.3.5' with an ID of its own does not step from the history."""
    query = q("What comes in the next measure after measure 1.3.5?", ABOUT_1422)
    assert query.ids == ["1.3.5"] and query.inherited is False


def test_followup_naming_an_unknown_id_does_not_inherit() -> None:
    """'What about activity 1.4.9.9?' after a turn about 1.4.2.2 must not become a question about 1.4.2.2."""
    query = q("What about activity 1.4.9.9?", ABOUT_1422)
    assert query.ids == [] and query.inherited is False


def test_general_list_question_after_an_activity_stays_a_list() -> None:
    """'Which activities were abandoned?' after a turn about 1.4.2.2 still lists activities."""
    assert q("Which activities were abandoned?", ABOUT_1422).intent == "list"


# --- synonyms: statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, statuses",
    [
        ("Which activities were dropped?", ["abandoned"]),
        ("Which were scrapped or cancelled?", ["abandoned"]),
        ("Which activities were discontinued?", ["abandoned"]),  # not also 'ongoing' for 'continu'
        ("Which activities were not initiated?", ["not initiated"]),
        ("Which activities never started?", ["not initiated"]),
        ("Where has there been no progress?", ["not initiated"]),
        ("What is still in progress?", ["ongoing"]),
        ("Which activities are not yet finished?", ["ongoing"]),  # not also 'completed' for 'finish'
        ("What was completed?", ["completed"]),
        ("Which activities have a blank status?", ["unknown"]),
        ("Which activities have no data?", ["no data"]),
        ("Which activities have no implementation data at all?", ["no data"]),
        # the event a date is asked for is no status of a record
        ("What's the legal deadline for finishing the list?", []),
        ("What is the target date for completion of the register?", []),
        ("What is the budget of measure 1.3.5?", []),
        # what is being done, or has been done about something, asks what is done, not what is finished
        ("What's being done to stop IT staff from leaving?", []),
        ("Is the government short of IT people, and what has been done about it?", []),
        ("Which of them is done?", ["completed"]),
    ],
)
def test_statuses_named(question: str, statuses: list[str]) -> None:
    """Everyday status words map to the matrix's canonical statuses, negated phrases to their own status only."""
    assert statuses_named(question) == statuses


def test_statuses_named_finds_several_once_each() -> None:
    """Two statuses in one question are both found, each once (in the table's order, not the question's)."""
    assert statuses_named("Which were completed and which were dropped, and which completed late?") == [
        "abandoned",
        "completed",
    ]
    assert statuses_named("not started and not finished") == ["not initiated", "ongoing"]


@pytest.mark.parametrize(
    "question",
    [
        "Which activities were not implemented?",
        "Which activities are incomplete?",
        "Which targets were not achieved?",
    ],
)
def test_negated_completion_is_not_completed(question: str) -> None:
    """A question asking what was NOT done must not be read as asking for completed activities."""
    assert "completed" not in statuses_named(question)


def test_status_words_reach_the_query() -> None:
    """understand() carries the named statuses, and 'dropped' counts as a status question."""
    query = q("Was activity 1.4.2.2 dropped?")
    assert query.statuses == ["abandoned"] and query.intent == "status"


# --- names: the shipped glossary's everyday names and bodies ---------------------------------------------

GLOSSARY = load_glossary(Path(__file__).resolve().parents[2] / "corpus")


def expand(question: str) -> str:
    return Names(GLOSSARY, CATALOG).expand(question)


def entities_named(question: str) -> list[str]:
    """Bodies of a catalog whose responsible column names every body of the shipped matrix."""
    bodies = ["ITE", "MPALSG", "JA", "MJ", "RGA", "Ministry of Agriculture"]
    catalog = Catalog(
        activities=[
            Activity(id=f"1.1.1.{n}", title="t", measure="1.1.1", objective="1.1", responsible=b)
            for n, b in enumerate(bodies, 1)
        ]
    )
    return Names(GLOSSARY, catalog).bodies_named(question)


@pytest.mark.parametrize(
    "question, added",
    [
        ("Is there a call center for citizens?", "contact centre"),
        ("Who runs the helpdesk?", "contact centre"),
        ("What happened to the farmers' register?", "e-Agrar Register of Agricultural Farms"),
        ("Is there a catalogue of all registers?", "Metaregister"),
        ("Where are the server rooms?", "Data Centre Kragujevac"),
        ("Was there a one-stop shop?", "one stop shop"),
    ],
)
def test_expand_adds_the_reports_terms(question: str, added: str) -> None:
    """Everyday names get the corpus's own terms appended; the question itself is kept as the prefix."""
    expanded = expand(question)
    assert expanded.startswith(question)
    assert added in expanded[len(question) :]


def test_expand_leaves_unrelated_questions_alone() -> None:
    """A question using none of the everyday names is returned unchanged."""
    question = "What is the status of activity 1.4.2.2?"
    assert expand(question) == question


@pytest.mark.parametrize(
    "question, entities",
    [
        ("What does the Office for IT and eGovernment do?", ["ITE"]),
        ("Which activities does the ministry of public administration lead?", ["MPALSG"]),
        ("What did the Ministry of Justice and the Judicial Academy do?", ["JA", "MJ"]),
        ("What did MJ deliver?", ["MJ"]),
        ("What did the geodetic authority deliver?", ["RGA"]),
        ("What is the agriculture ministry responsible for?", ["Ministry of Agriculture"]),
        ("What is the status of activity 1.4.2.2?", []),
    ],
)
def test_entities_named(question: str, entities: list[str]) -> None:
    """Responsible entities are recognised by abbreviation or full name, as the matrix abbreviates them."""
    assert entities_named(question) == entities


# --- added with the synonym map and date questions -------------------------------------------------------


def test_synonym_map_links_everyday_words_to_the_report_terms() -> None:
    """'help line' maps to the report's 'contact centre'; words outside any everyday name map to nothing."""
    from core.tokenize import tokenize

    found = Names(GLOSSARY, CATALOG).synonym_map("Was a help line set up for people?")
    assert set(tokenize("contact centre")) <= found[tokenize("line")[0]]
    assert tokenize("people")[0] not in found


@pytest.mark.parametrize(
    "question",
    ["When was the National Open Data Portal launched?", "Since when has the working group existed?"],
)
def test_when_questions_ask_for_a_date_not_a_status(question: str) -> None:
    """'When was X launched' wants the date, not the status of X."""
    assert q(question).intent != "status"


@pytest.mark.parametrize(
    "question",
    [
        "What became of the plan for a communication strategy?",
        "Did the analysis of how many IT specialists are needed ever get done?",
        "Is the contact centre up and running?",
    ],
)
def test_fate_questions_are_status_questions(question: str) -> None:
    """'What became of X', 'did X ever get done' ask for a status, even with 'how many' inside."""
    assert q(question).intent == "status"


@pytest.mark.parametrize(
    "question",
    [
        "moving the systems into the cloud - how is it going?",
        "the online tool the inspectors use, is it working?",
        "what is the situation with the open data portal?",
        "what's going on with the one stop shops?",
        "SOC and CERT - are they set up?",  # a plural subject asks with "are"
        "where's the new register at?",  # "where's" is "where is"
        "the new register - started or not?",  # a topic, then a bare status word
        "the contact centre: done?",
        # everyday ways to ask where a thing stands
        "whatever happened to that study?",
        "the document system for the army - any news?",
        "what's the latest on the social card register?",
        "the shared platform with the municipalities - is that still on?",
        "training for court staff - is it happening?",
        "what's happening with the portal?",
    ],
)
def test_everyday_status_phrasings_are_status_questions(question: str) -> None:
    assert q(question).intent == "status"


def test_the_next_measure_is_asked_about_as_a_whole() -> None:
    history = conversation("Tell me about measure 1.3.5", "Measure 1.3.5 is ...")
    query = q("and the next measure?", history)
    assert query.ids == ["1.4.1"] and query.intent == "about"


@pytest.mark.parametrize(
    "question, expected", [("the first one - who runs it?", "1.3.5.1"), ("and the last of them?", "1.4.2.1")]
)
def test_an_ordinal_picks_that_one_of_the_ids_just_named(question: str, expected: str) -> None:
    history = conversation("Which activities were abandoned?", "1.3.5.1, 1.4.1.1 and 1.4.2.1 were abandoned.")
    assert q(question, history).ids == [expected]


def test_a_status_asked_with_a_contraction_or_got_reads_as_asked() -> None:
    assert statuses_named("Give me every activity that hasn't been started at all.") == ["not initiated"]
    assert statuses_named("what never even got started?") == ["not initiated"]
    assert statuses_named("what isn't finished yet?") == ["ongoing"]
    assert statuses_named("what was finished?") == ["completed"]


def test_the_one_after_it_is_the_next_record_of_the_same_kind() -> None:
    history = conversation("What is activity 1.3.5.2 about?", "Activity 1.3.5.2 is ...")
    after = q("what about the one after it?", history).ids
    before = q("and the previous one?", history).ids
    assert after and before and after[0] != before[0] and after[0] != "1.3.5.2"
    assert [CATALOG.kind_of(i) for i in (after[0], before[0])] == ["activity", "activity"]


def test_a_figure_asked_before_why_is_an_indicator_question() -> None:
    # "how many ..., and why so few?" asks the figure first; the indicator's reasoning says why
    assert q("How many e-seals were issued in 2021, and why was the target missed?").intent == "indicator"
    assert q("Why was the target missed, and how many e-seals were issued?").intent == "why"


@pytest.mark.parametrize(
    "question",
    [
        "Open data: did we ever get the methodology?",  # a yes/no question after its topic
        "the cloud migration - is that funded?",
        "Did the register get done?",
    ],
)
def test_a_yes_no_question_after_its_topic_asks_where_the_thing_stands(question: str) -> None:
    assert q(question).intent == "status"


def test_a_topic_with_a_colon_is_no_yes_no_question_by_itself() -> None:
    assert q("Open data: which datasets were published?").intent != "status"
