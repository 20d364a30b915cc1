"""rag.quantity: what a quantity question counts, and whether a text gives a figure for it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.tokenize import tokenize
from rag.quantity import (
    Counted,
    Passage,
    Row,
    asked,
    counted,
    counts_other_kind,
    counts_people,
    counts_things,
    counts_what,
    measured,
    measures_share,
    states_count,
)
from rag.serbian import asks_count

KNOWN = set(
    tokenize(
        "citizens civil servants trained women gender users datasets accounts one-stop shops served "
        "applications software solutions companies e-mailboxes local self-governments trainings napa"
    )
)


def words(found: list[Counted]) -> list[str]:
    return [c.word for c in found]


def say(*texts: str) -> list[Passage]:
    return [Passage(t) for t in texts]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("How many citizens were served at the Šabac one-stop shop in 2021?", ["citizen"]),
        ("How many official e-mail accounts are active?", ["account"]),
        ("How many apps or software solutions have been built on open data?", ["solut"]),
        ("What share of the civil servants trained by NAPA were women?", ["servant", "women"]),
        ("How many of the civil servants trained by NAPA were women?", ["servant", "women"]),
        ("What percentage of users rate the portal well?", ["user"]),
        ("how many datasets", ["dataset"]),
        # the counted noun phrase ends at a preposition: "among" the trainees is not what is counted
        ("How many women among the civil servants trained by NAPA?", ["women"]),
        # a spaced dash ends the clause: "is it going up" names no part of the users
        ("What share of users rate the portal well - is it going up?", ["user"]),
        ("How many of the civil servants were women - and why?", ["servant", "women"]),
        # a full stop or comma inside a number is part of the phrase, not the end of the clause
        ("How many of the 1.161 NAPA trainings in 2021 were for women?", ["train", "women"]),
        ("How many of the 2,600 civil servants were women?", ["servant", "women"]),
        ("How many datasets, and why?", ["dataset"]),
    ],
)
def test_counted_names_the_thing_counted(question: str, expected: list[str]) -> None:
    assert words(counted(question, KNOWN)) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Why was the open data portal upgrade dropped?",
        "Who is responsible for measure 1.3.5?",
        "What is the status of the contact centre?",
        "Did the analysis of how many IT specialists the administration needs ever get done?",  # embedded, not asked
    ],
)
def test_other_questions_count_nothing(question: str) -> None:
    assert counted(question, KNOWN) == []


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Number of active e-mail accounts of officials?", ["account"]),
        ("What is the total number of citizens served in 2021?", ["citizen"]),
        ("the number of the datasets published", ["dataset"]),
    ],
)
def test_the_number_of_x_counts_x(question: str, expected: list[str]) -> None:
    # "the number of X" asks what "how many X" asks
    assert words(counted(question, KNOWN)) == expected
    assert asked(question).startswith("how many")


def test_a_percentage_is_no_count_of_things() -> None:
    wanted = counted("How many requests did the contact centre receive?", KNOWN | {"request"})
    resolved = say("The share of user requests resolved was 85% against a target of 90 %.")
    assert not states_count(wanted, resolved)
    assert not states_count(wanted, say("Of all requests, 85 per cent were resolved."))
    assert states_count(wanted, resolved, share=True)  # a share question is answered by it
    assert states_count(wanted, say("The contact centre received 1.097 requests."))


def test_a_year_is_not_what_is_counted() -> None:
    # a Serbian question's reading drops prepositions: "koliko obučenih građana 2021" -> "trained citizens 2021"
    assert words(counted("how many trained citizens 2021?", KNOWN | {"2021"})) == ["citizen"]


def test_words_the_corpus_never_uses_are_left_to_other_checks() -> None:
    assert counted("How many zeppelins were built?", KNOWN) == []


def test_everyday_synonyms_name_the_same_thing() -> None:
    def expand(text: str) -> str:  # what the glossary does: the report's word for an everyday one
        return text + (" LSG local self-governments" if "local governments" in text else "")

    (local,) = counted("How many local governments use the data centre?", KNOWN | {"lsg"}, expand)
    assert "lsg" in local.names


def test_a_figure_next_to_the_counted_thing_counts() -> None:
    wanted = counted("How many citizens use e-mailboxes?", KNOWN)
    assert states_count(wanted, say("787.110 citizens use e-mailboxes, far above the target."))
    assert states_count(wanted, say("Citizens using e-mailboxes: 787.110 in 2021."))


def test_a_figure_for_something_else_does_not_count() -> None:
    wanted = counted("How many citizens were served at the one-stop shop?", KNOWN)
    assert not states_count(
        wanted, say("To date, 14 one-stop shops have been established, serving citizens of Šabac.")
    )
    assert not states_count(wanted, say("Citizens were served in 2021."))  # a year is not a figure
    assert states_count(wanted, say("In 2021 1900 citizens were served."))  # but a count before its noun is


def test_record_ids_are_not_figures() -> None:
    wanted = counted("How many citizens were served?", KNOWN)
    assert not states_count(wanted, say("Activity 1.3.5.2 served citizens."), ids={"1.3.5.2"})
    assert states_count(wanted, say("Activity 1.3.5.2 served 1.3 citizens."), ids={"1.3.5.2"})


def test_the_figure_must_be_on_the_question_topic() -> None:
    wanted = counted("How many citizens were served at the Šabac one-stop shop?", KNOWN)
    off_topic = say("787.110 citizens use e-mailboxes.")
    assert states_count(wanted, off_topic)
    assert not states_count(wanted, off_topic, topic={"šabac", "shop"})


def test_qualifiers_must_appear_around_the_figure() -> None:
    wanted = counted("How many datasets has the Ministry of Interior published?", KNOWN)
    interior = {"ministri", "interior"}
    general = Passage("1.643 datasets were available in 2021.", context="Open data in public administration.")
    assert not states_count(wanted, [general], qualifiers=[interior])
    assert states_count(
        wanted,
        [Passage(general.text, context="Datasets of the Ministry of Interior.")],
        qualifiers=[interior],
    )


def test_indicator_rows_count_what_their_name_says() -> None:
    wanted = counted("How many datasets are on the portal?", KNOWN)
    rows = [
        Row(
            "Indicator: Number of machine-readable datasets (Number)",
            "baseline (2019) 0; achieved in 2021 5196",
        )
    ]
    assert states_count(wanted, [], rows)
    assert not states_count(
        wanted,
        say("Datasets are published regularly."),
        [Row("Indicator: Number of users (Number)", "achieved in 2021 5196")],
    )


def test_a_row_that_measures_a_share_gives_no_count_unless_a_share_is_asked() -> None:
    """85% of help-desk requests resolved is no number of requests; it answers "what share of requests"."""
    wanted = counted("How many requests did the help desk receive in 2021?", KNOWN | {"request"})
    rows = [
        Row(
            "Indicator: Percentage of resolved help-desk requests compared to the number of submitted requests (%)",
            "target (2021) 90; achieved (2021) 85",
        )
    ]
    assert not states_count(wanted, [], rows)
    assert states_count(wanted, [], rows, share=True)
    counts = [Row("Indicator: Number of submitted help-desk requests (Number)", "achieved (2021) 1.240")]
    assert states_count(wanted, [], counts)


@pytest.mark.parametrize(
    "name, share",
    [
        ("Percentage of local self-governments connected to JIK networks (%)", True),
        ("Share of level-four services compared to the total number of services", True),
        ("The percentage of courts that receive briefs electronically", True),
        ("The percentage of courts that receive briefs electronically (Number)", False),  # its unit decides
        ("Number of users of the Portal (Number)", False),
        ("Number of bodies with a rate card", False),
    ],
)
def test_measures_share_reads_the_name(name: str, share: bool) -> None:
    assert measures_share(name) is share


def test_a_row_may_count_the_thing_under_another_name() -> None:
    """'employees certified for ITIL' answers 'civil servants who got ITIL certification'."""
    wanted = counted("How many civil servants got ITIL certification?", KNOWN)
    row = Row(
        "Indicator: Number of public administration employees certified for ITIL (Number)",
        "target 60; achieved 0",
    )
    named = say("Civil servants attended trainings.")
    assert states_count(wanted, named, [row], topic={"civil", "itil", "certif"}, qualifiers=[{"itil"}])
    events = Row(
        "Indicator: Number of ITIL weeks (Number)", "achieved 1"
    )  # names the qualifier, not what happened
    assert not states_count(wanted, named, [events], topic={"civil", "itil", "certif"}, qualifiers=[{"itil"}])


def test_a_share_needs_both_the_whole_and_the_part() -> None:
    wanted = counted("What share of the civil servants trained by NAPA were women?", KNOWN)
    named = "Trainings confirmed the participation of women."
    assert not states_count(wanted, say("1.161 civil servants took part in 48 trainings.", named), share=True)
    shares = say("Of 1.161 civil servants trained, 62% were women.", named)
    assert states_count(wanted, shares, share=True)
    assert not states_count(wanted, shares)  # a percentage answers a share, not a count


def test_a_thing_the_evidence_never_names_cannot_be_judged() -> None:
    """'legal acts' may be 'enactments' in the text: with no word for it in sight, the check stays out of the way."""
    wanted = counted("How many legal acts got an opinion?", KNOWN | {"act"})
    assert states_count(wanted, say("In 2021 the number of opinions on enactments issued was 64."))


def test_asked_quotes_the_question() -> None:
    assert (
        asked("And how many citizens were served in Šabac? Thanks.")
        == "how many citizens were served in Šabac"
    )
    assert asked("Why?") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_counted_never_raises_and_names_known_words(question: str) -> None:
    for c in counted(question, KNOWN):
        assert c.word in KNOWN and c.word in c.names


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=5), st.integers(min_value=2, max_value=999_999))
def test_a_plain_figure_before_the_noun_is_always_found(noise: list[str], n: int) -> None:
    wanted = counted("How many citizens were served?", KNOWN)
    assert states_count(wanted, say(*noise, f"In total {n} citizens were served."))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl")), max_size=120), max_size=5
    )
)
def test_texts_without_figures_never_state_a_count(texts: list[str]) -> None:
    wanted = counted("How many citizens were served?", KNOWN)
    texts = [
        t
        for t in texts
        if not set(tokenize(t))
        & {
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "fifteen",
            "twenty",
            "thirty",
            "fifty",
            "hundred",
            "thousand",
            "dozen",
            "half",
            "none",
        }
    ]
    assert not states_count(wanted, say(*texts, "Citizens were served well."))


@pytest.mark.parametrize(
    "phrase, head",
    [
        ("requests to fix wrong information held about people", "requests"),
        ("civil servants trained by NAPA", "servants"),
        ("average waiting time", "time"),
        ("backup network hubs had been set up", "hubs"),
        ("work email accounts for authorised officials", "accounts"),
    ],
)
def test_head_word_is_the_noun_counted(phrase: str, head: str) -> None:
    from rag.quantity import head_word

    assert head_word(phrase) == head


def test_people_are_counted_under_any_name_for_them() -> None:
    (people,) = counted("How many people were interviewed?", KNOWN | set(tokenize("people interviewees")))
    assert states_count([people], say("Interviews were held with 51 interviewees from 32 institutions."))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Number of active users of services at the Portal (Number)", "active users"),
        ("Percentage of users with positive experience using services (%)", "users"),
        (
            "The number of inspection controls carried out by the inspections",
            "inspection controls carried out",
        ),
        ("EU benchmark of the e-Government (%)", ""),
    ],
)
def test_an_indicator_measures_the_noun_phrase_its_name_counts(name: str, expected: str) -> None:
    assert measured(name) == set(tokenize(expected))


def test_the_indicator_that_counts_the_asked_thing_matches_best() -> None:
    q = "How many active users did the portal have in 2021, compared with the target?"
    active = counts_what(q, "Number of active users of services at the Portal (Number)")
    satisfied = counts_what(
        q, "Percentage of users with positive experience using services at the Portal (%)"
    )
    share = counts_what(q, "Share of level-four services available on the Portal compared to the total (%)")
    assert active == 1.0 and satisfied == 0.0 and share == 0.0  # a percentage of users is no count of them


def test_a_question_that_counts_nothing_matches_no_indicator_by_what_it_counts() -> None:
    assert counts_what("Who runs the portal?", "Number of users of the portal") == 0.0
    assert counts_what("What share of the users were satisfied?", "Number of users of the portal") == 1.0


@given(st.text(max_size=80), st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_counts_what_is_a_share(question: str, name: str) -> None:
    assert 0.0 <= counts_what(question, name) <= 1.0


def test_a_count_is_matched_by_no_share() -> None:
    share = "Percentage of users with positive experience using services through the Portal (%)"
    assert counts_what("How many users were active in 2021?", share) == 0.0
    assert counts_what("What share of users were satisfied?", share) == 1.0
    assert (
        counts_what("How many users were active in 2021?", "Number of active users of services (Number)")
        == 1.0
    )


def test_a_count_of_people_is_not_answered_by_figures_that_count_none() -> None:
    judges = set(tokenize("judges"))
    assert counts_other_kind(judges, ["Number of courts trained to work in a digital environment (Number)"])
    assert not counts_other_kind(judges, ["Number of judges and court staff trained (Number)"])
    assert not counts_other_kind(judges, [])  # no indicator answers: nothing to judge
    # a count of things is not judged by the kind of what the indicator counts
    assert not counts_other_kind(set(tokenize("services")), ["Number of courts trained (Number)"])
    # people under another word, and people after "of": the indicator counts people
    people = set(tokenize("people"))
    assert not counts_other_kind(people, ["Number of activated electronic mailboxes of citizens (Number)"])
    assert counts_other_kind(people, ["Number of organised hackathons and open data weeks (Number)"])


def test_a_figure_for_people_stands_next_to_a_word_for_people() -> None:
    assert counts_people(["Interviews were held with 51 interviewees from 32 institutions."])
    assert counts_people(["Users of the portal: 1.498 in 2021."])
    assert not counts_people(["170 local self-governments use the data centres."])
    assert not counts_people(["Under 1.2.3.4 staff were trained."], ids=["1.2.3.4"])  # an ID is no figure
    assert counts_people(["Under 1.2.3.4, 40 staff were trained."], ids=["1.2.3.4"])


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("Koliko je poziva primio kontakt centar?", True),
        ("Колико позива је примио контакт центар?", True),
        ("Koliko odsto zahteva je rešeno?", False),  # a share
        ("Koliki je procenat rešenih zahteva?", False),
        ("Kakav je udeo rešenih zahteva, koliko?", False),
        ("Šta je urađeno sa kontakt centrom?", False),  # no count asked
    ],
)
def test_a_serbian_koliko_asks_for_a_count_unless_it_names_a_share(question: str, count: bool) -> None:
    assert asks_count(question) is count


def test_a_count_of_things_is_a_figure_that_is_no_share_and_no_year() -> None:
    assert counts_things(["1.097 requests to correct data were submitted in 2021."])
    assert counts_things(["The centre answered four hundred calls."])
    assert not counts_things(["The target was 90%, and 85 % was achieved in 2021."])
    assert not counts_things(["Activity 1.3.3.1 was completed in 2021."], ids=["1.3.3.1"])
