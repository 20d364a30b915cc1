"""Drafting 2023-2025 action-plan entries (rag.draft), over the session index of the real corpus."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from ingest.records import Activity, Catalog, Measure, Objective
from rag.draft import DraftDoc, draft, draft_answer, split_sentences, topic_of
from rag.draft.activities import _activity_item
from rag.draft.compose import in_turns
from rag.draft.refs import _Refs
from rag.draft.select import strong_enough

# the headers as the shipped report's matrix gives them (its statuses stand at 2021)
ACTIVITY_HEADER = ("ID", "Activity", "Responsible", "Status in 2021", "Proposal")
INDICATOR_HEADER = ("Indicator", "Baseline (latest achieved)", "Target (latest in the matrix)", "Proposal")

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "egov_expost_2020_2022.txt"
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
UNCOVERED = ["blockchain land registry for cryptocurrency mining", "space programme satellites"]


def _norm(text: str) -> str:
    return " ".join(BOOKMARK.sub("", text).split())


@pytest.fixture(scope="module")
def haystacks(index) -> list[str]:
    """The corpus and every chunk text, whitespace-normalised: where a quote must stand verbatim."""
    return [_norm(CORPUS.read_text(encoding="utf-8"))] + [_norm(c.text) for c in index.chunks]


@pytest.fixture(scope="module")
def d135(indexed) -> DraftDoc:
    return draft("1.3.5", settings=indexed)


@pytest.fixture(scope="module")
def d111(indexed) -> DraftDoc:
    return draft("1.1.1", settings=indexed)


def _activity(doc: DraftDoc, id_: str):
    e = doc.entries[0]
    return next((a for a in e.activities if a.id == id_), None)


# ---------------------------------------------------------------- the acceptance cases


def test_measure_135_carries_its_activities_and_indicator(d135: DraftDoc) -> None:
    assert d135.covered and [e.id for e in d135.entries] == ["1.3.5"]
    e = d135.entries[0]
    assert e.title == "Implementation of one stop shop" and e.responsible == "MPALSG"
    assert {a.id for a in e.activities} >= {"1.3.5.1", "1.3.5.2", "1.3.5.3"}
    study = _activity(d135, "1.3.5.1")
    assert study.status == "abandoned" and study.decision == "carry over"
    assert (
        study.proposal.startswith("Carry over")
        and "lack of funds" in study.proposal
        and "still relevant" in study.proposal
    )
    assert any("No funds have been secured." in n.text for n in study.notes)
    assert {_activity(d135, i).decision for i in ("1.3.5.2", "1.3.5.3")} == {"continue"}
    ind = next(i for i in e.indicators if i.name == "Number of services with one stop shops set")
    assert ind.baseline == "5" and ind.target == "8"
    md = d135.to_markdown()
    for needle in (
        "1.3.5.1",
        "1.3.5.2",
        "1.3.5.3",
        "Number of services with one stop shops set",
        "| 5 |",
        "Carry over",
    ):
        assert needle in md
    assert "19 one stop shops" in md and "14 one-stop shops" in md  # both sources, each cited
    assert e.rationale and all(s.refs for s in e.rationale)


def test_measure_135_recommendations_apply_for_funding_and_coordination(d135: DraftDoc) -> None:
    themes = {r.theme: r for r in d135.entries[0].recommendations}
    assert "Funding" in themes and "1.3.5.1" in themes["Funding"].applies_because
    assert "Co-ordination and management" in themes
    for r in themes.values():
        assert r.statements and all(s.refs for s in r.statements)


def test_measure_111_leaves_out_completed_activity_that_is_no_longer_relevant(d111: DraftDoc) -> None:
    e = d111.entries[0]
    left = {a.id: a for a in e.left_out}
    assert "1.1.1.2" in left and "1.1.1.2" not in {a.id for a in e.activities}
    assert left["1.1.1.2"].status == "completed" and "no longer relevant" in left["1.1.1.2"].reason
    assert {"1.1.1.4", "1.1.1.5", "1.1.1.6", "1.1.1.7"} <= {a.id for a in e.activities}
    md = d111.to_markdown()
    assert re.search(r"1\.1\.1\.2 is left out: completed and no longer relevant", md)


@pytest.mark.parametrize(
    "request_, measure",
    [
        ("information security", "1.1.9"),
        ("support for e-Government users", "1.3.3"),
        ("Draft the 2023-2025 entry for the one-stop-shop measure", "1.3.5"),
    ],
)
def test_topics_draft_the_right_measure(indexed, request_: str, measure: str) -> None:
    doc = draft(request_, settings=indexed)
    assert doc.covered and doc.entries and doc.entries[0].id == measure
    assert len(doc.entries) <= 3


@pytest.mark.parametrize(
    "cosine, coverage, drafted",
    [
        (0.54, 0.21, True),  # close in meaning, in everyday words the records seldom use
        (0.33, 0.59, True),  # far in meaning, but most of its words are the records' own
        (0.61, 0.0, True),
        (0.1, 0.6, True),
        (0.44, 0.2, False),  # neither: a topic the evaluation does not cover that shares a word or two
        (0.4, 0.23, False),
    ],
)
def test_meaning_and_words_together_decide_a_topics_measure(
    cosine: float, coverage: float, drafted: bool
) -> None:
    assert strong_enough(cosine, coverage) is drafted


@pytest.mark.parametrize("request_", UNCOVERED)
def test_topic_outside_the_evaluation_says_so(indexed, request_: str) -> None:
    doc = draft(request_, settings=indexed)
    assert not doc.covered and doc.entries == [] and doc.citations == []
    assert "does not cover" in (doc.message or "")
    assert doc.message in doc.to_markdown()
    assert doc.to_docx_bytes()[:2] == b"PK"


def test_unknown_measure_id_says_so(indexed) -> None:
    doc = draft("Draft measure 1.3.9 for the new AP", settings=indexed)
    assert not doc.covered and "1.3.9" in (doc.message or "")


@pytest.mark.parametrize(
    "request_",
    [
        "1.3.5",
        "1.1.1",
        "information security",
        "support for e-Government users",
        "1.1.6",
        "1.3.4",
        "Draft the human resources / IT staff measure for the 2023-2025 action plan.",
    ],
)
def test_every_citation_exists_and_every_quote_is_verbatim(indexed, index, haystacks, request_: str) -> None:
    doc = draft(request_, settings=indexed)
    known = index.catalog.all_ids()
    assert doc.citations
    for c in doc.citations:
        assert c.id in known, c
        quote = _norm(c.quote)
        assert quote and any(quote in h for h in haystacks), c
    n = len(doc.citations)
    statements = [s for e in doc.entries for s in e.rationale + e.open_points]
    statements += [s for e in doc.entries for a in e.activities + e.left_out for s in a.notes]
    statements += [s for e in doc.entries for r in e.recommendations for s in r.statements]
    refs = [r for s in statements for r in s.refs] + [
        r for e in doc.entries for a in e.activities + e.left_out for r in a.refs
    ]
    assert refs and all(1 <= r <= n for r in refs)
    assert all(s.refs for s in statements)


def test_cross_cutting_request_drafts_recommendations(indexed, index, haystacks) -> None:
    doc = draft(
        "Draft a recommendation on how the programme should be governed and co-ordinated from 2023.",
        settings=indexed,
    )
    assert doc.covered and not doc.entries and doc.general
    md = doc.to_markdown()
    assert "centralis" in md
    sections = {c.section.split(" > ")[-1].split(" ", 1)[0].rstrip(".") for c in index.chunks if c.section}
    for c in doc.citations:
        assert c.id in index.catalog.all_ids() or c.id in sections
        assert any(_norm(c.quote) in h for h in haystacks)


def test_moved_activity_is_proposed_in_its_new_measure(indexed) -> None:
    doc = draft("1.1.6", settings=indexed)
    moved = next(a for a in doc.entries[0].activities if a.id == "1.1.5.1")
    assert moved.decision == "move in" and moved.from_measure == "1.1.5"
    source = draft("1.1.5", settings=indexed).entries[0]
    assert any(a.id == "1.1.5.1" and "1.1.6" in a.reason for a in source.left_out)


def test_sources_that_disagree_become_an_open_point(indexed) -> None:
    e = draft("1.3.4", settings=indexed).entries[0]
    item = next(a for a in e.activities + e.left_out if a.id == "1.3.4.2")
    assert item.decision == "decide"  # matrix: "no relevant"; findings: still relevant for the next period
    assert any("1.3.4.2" in s.text for s in e.open_points)


# ---------------------------------------------------------------- export


def test_markdown_tables_are_well_formed(d135: DraftDoc, d111: DraftDoc) -> None:
    for doc in (d135, d111):
        md = doc.to_markdown()
        assert "| " + " | ".join(ACTIVITY_HEADER) + " |" in md
        assert "| " + " | ".join(INDICATOR_HEADER) + " |" in md
        blocks: list[list[str]] = [[]]
        for line in md.splitlines():
            if line.startswith("|"):
                blocks[-1].append(line)
            elif blocks[-1]:
                blocks.append([])
        tables = [b for b in blocks if b]
        assert len(tables) >= 2
        for table in tables:
            widths = {len(re.split(r"(?<!\\)\|", row)) - 2 for row in table}
            assert len(widths) == 1 and widths.pop() >= 4, table
            assert set(table[1]) <= set("|-")
        assert "## Sources" in md and re.search(r"^1\. \[1\.3\.5|^1\. \[1\.1\.1", md, re.M)


def test_docx_has_headings_tables_and_numbered_sources(d135: DraftDoc) -> None:
    import docx

    d = docx.Document(io.BytesIO(d135.to_docx_bytes()))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert any(h.startswith("Measure 1.3.5") for h in headings) and "Sources" in headings
    headers = [tuple(c.text for c in t.rows[0].cells) for t in d.tables]
    assert ACTIVITY_HEADER in headers and INDICATOR_HEADER in headers
    activity_table = d.tables[headers.index(ACTIVITY_HEADER)]
    assert {r.cells[0].text for r in activity_table.rows[1:]} >= {"1.3.5.1", "1.3.5.2", "1.3.5.3"}
    indicator_table = d.tables[headers.index(INDICATOR_HEADER)]
    assert indicator_table.rows[1].cells[0].text == "Number of services with one stop shops set"
    assert indicator_table.rows[1].cells[1].text == "5"
    texts = [p.text for p in d.paragraphs]
    assert any(t.startswith("[1] ") for t in texts) and any(
        t.startswith(f"[{len(d135.citations)}] ") for t in texts
    )


# ---------------------------------------------------------------- chat route and the optional LLM


def test_draft_answer_and_chat_route(indexed) -> None:
    from rag.ask import ask

    a = draft_answer(
        "Draft the 2023-2025 entry for the one-stop-shop measure", settings=indexed, answer_id="x1"
    )
    assert a.intent == "draft" and not a.abstained and a.answer_id == "x1"
    assert "1.3.5.1" in a.answer and a.citations and a.sources
    routed = ask("Draft the 2023-2025 entry for the one-stop-shop measure", settings=indexed)
    assert routed.intent == "draft" and "1.3.5.1" in routed.answer
    no = draft_answer("Draft an entry on space programme satellites", settings=indexed)
    assert no.abstained and no.intent == "draft" and not no.citations and "does not cover" in no.answer


@pytest.mark.parametrize(
    "request_, language, says",
    [
        ("Napiši nacrt stavke o svemirskim satelitima.", "sr-Latn", "ne obuhvata"),
        ("Напиши нацрт ставке о свемирским сателитима.", "sr-Cyrl", "не обухвата"),
        ("Draft an entry on space programme satellites.", "en", "does not cover"),
    ],
)
def test_a_topic_the_evaluation_does_not_cover_is_said_in_the_requests_language(
    indexed, request_: str, language: str, says: str
) -> None:
    from rag.ask import ask

    answer = ask(request_, settings=indexed)
    assert answer.intent == "draft" and answer.abstained and not answer.citations
    assert answer.language == language and says in answer.answer


def test_llm_rewrite_is_used_only_when_grounded(indexed, monkeypatch) -> None:
    import rag.llm

    settings = indexed.model_copy(update={"llm_provider": "openai"})
    plain = draft("1.3.5", settings=indexed).entries[0].summary
    seen = {}

    def grounded(text, sources, settings=None):
        seen["sources"] = sources
        return "Measure 1.3.5 keeps its one-stop-shop work: 1.3.5.1 is carried over, 1.3.5.2 and 1.3.5.3 continue."

    monkeypatch.setattr(rag.llm, "rewrite_prose", grounded)
    doc = draft("1.3.5", settings=settings)
    assert doc.mode == "llm" and doc.entries[0].summary.startswith("Measure 1.3.5 keeps")
    assert seen["sources"] and all(hasattr(s, "chunk_id") for s in seen["sources"])
    monkeypatch.setattr(
        rag.llm,
        "rewrite_prose",
        lambda text, sources, settings=None: "Measure 1.3.5 and activity 1.4.2.2 ...",
    )
    doc = draft("1.3.5", settings=settings)
    assert doc.mode == "extractive" and doc.entries[0].summary == plain

    def broken(text, sources, settings=None):
        raise RuntimeError("model down")

    monkeypatch.setattr(rag.llm, "rewrite_prose", broken)
    assert draft("1.3.5", settings=settings).entries[0].summary == plain


# ---------------------------------------------------------------- rules, without the index


def test_topic_of_strips_drafting_words() -> None:
    assert topic_of("Draft the 2023-2025 entry for the one-stop-shop measure") == "one-stop-shop"
    assert topic_of("information security") == "information security"
    assert topic_of("Please draft an entry on blockchain for the new AP") == "blockchain"
    # drafting verbs and an audience in other words
    assert (
        topic_of("Put together a short briefing paragraph for the minister on how open data did")
        == "open data"
    )
    assert topic_of("Could you sketch an entry on information security?") == "information security"
    assert topic_of("Draft the 2023-2025 action plan") == ""
    # an amount of text asked for ("a few lines", "some sentences") is no subject
    assert topic_of("Write me a few lines for the new plan about user satisfaction") == "user satisfaction"
    assert topic_of("Jot down some sentences on e-Delivery") == "e-Delivery"
    # what the text is for, and the request said again after the subject, are no part of it
    assert topic_of(
        "I need a short note on information security to feed into the new programme - can you draft it?"
    ) == ("information security")
    assert topic_of("need few sentences about open data progress for a report to the EU delegation") == (
        "open data progress"
    )
    assert topic_of("pls draft the 2023-25 action plan entry for the infosec measure") == "infosec"
    assert (
        topic_of("Could you sketch an action-plan entry for 2023-2025 on the e-Registry Office")
        == "e-Registry Office"
    )
    assert topic_of("draft a short para for the minister on IT staffing") == "IT staffing"  # IT is no "it"
    assert topic_of("a paragraph for the minister's briefing on the portal") == "portal"


def test_split_sentences_keeps_id_lists_together() -> None:
    text = (
        "Activities: 1.1.9.3. Establishment of a laboratory, 1.1.9.4. Development of a plan, and 1.1.9.5. "
        "Establishment of SOC are still relevant. Measure 1.4.1. Has established mechanisms."
    )
    assert split_sentences(text) == [
        "Activities: 1.1.9.3. Establishment of a laboratory, 1.1.9.4. Development of a plan, and 1.1.9.5. "
        "Establishment of SOC are still relevant.",
        "Measure 1.4.1. Has established mechanisms.",
    ]


CATALOG = Catalog(
    objectives=[Objective(id="1.4", title="Open data")],
    measures=[
        Measure(id="1.4.2", title="Portal", objective="1.4"),
        Measure(id="1.4.3", title="Use", objective="1.4"),
    ],
    period=(2020, 2022),
    next_period=(2023, 2025),
)  # as ingest reads them from the report


def _decide(**fields) -> tuple[str, str, str]:
    a = Activity(
        **{"id": "1.4.2.9", "title": "An activity", "measure": "1.4.2", "objective": "1.4", **fields}
    )
    item = _activity_item(a, _Refs(CATALOG), [])
    return item.decision, item.proposal, item.reason


@pytest.mark.parametrize(
    "fields, decision, words",
    [
        (
            dict(
                status="abandoned",
                reasoning="No funds have been secured.",
                relevance="The activity is relevant.",
                next_steps="Plan in the new 2023-2025 AP",
            ),
            "carry over",
            ["lack of funds", "still relevant", "2023-2025"],
        ),
        (
            dict(
                status="not initiated",
                reasoning="The activity was not realised as donor funds were not made available..",
                relevance="The activity is still relevant.",
            ),
            "carry over",
            ["not initiated", "lack of funds"],
        ),
        (
            dict(
                status="completed",
                relevance="Something.\nThe activity has been completed and is no longer relevant.",
            ),
            "leave out",
            ["no longer relevant"],
        ),
        (
            dict(status="completed", relevance="The activity in not relevant."),
            "leave out",
            ["no longer relevant"],
        ),
        (
            dict(
                status="completed",
                relevance="The activity has been completed, but is still relevant.",
                next_steps="Continue with training sessions",
            ),
            "continue",
            ["still relevant"],
        ),
        (dict(status="completed"), "leave out", ["no further step"]),
        (dict(status="ongoing", next_steps="Continue with further implementation."), "continue", []),
        (
            dict(
                status="ongoing",
                next_steps="The new deadline is the 2nd quarter of 2024. The activity is proposed in the revised AP 2023-25.",
            ),
            "plan",
            ["2023-2025 AP"],
        ),
        (
            dict(status="ongoing", reasoning="Funds have not been secured (70 million of RSD)"),
            "continue",
            ["lack of funds"],
        ),
        (
            dict(
                status="abandoned",
                reasoning="No funds were made available.",
                relevance="The activity is of great importance.",
                next_steps="In this situation, there is no plan to continue the activity.",
            ),
            "leave out",
            ["no plan to continue"],
        ),
        (dict(status="no data", reasoning="EDG project."), "verify", ["no data"]),
        (dict(status="unknown"), "verify", ["no status"]),
        (
            dict(
                status="ongoing",
                relevance="The activity is not relevant and it is proposed to move it to measure 1.4.3.",
            ),
            "leave out",
            ["1.4.3"],
        ),
    ],
)
def test_activity_decisions_follow_the_matrix_fields(fields, decision: str, words: list[str]) -> None:
    got, proposal, reason = _decide(**fields)
    assert got == decision, (proposal, reason)
    for w in words:
        assert w in proposal + " " + reason


def test_a_figure_the_findings_and_the_matrix_give_differently_is_an_open_point(d135: DraftDoc) -> None:
    """The findings count 19 one stop shops, the matrix's 1.3.5.2 reasoning 14: the draft says so, citing both."""
    point = next(p for p in d135.entries[0].open_points if "different figures" in p.text)
    assert "19" in point.text and "14" in point.text and len(point.refs) == 2
    quotes = [d135.citations[n - 1].quote for n in point.refs]
    assert any("19 one stop shops" in q for q in quotes) and any("14 one-stop shops" in q for q in quotes)


@pytest.mark.parametrize(
    "queues, expected",
    [
        ([["a1", "a2"], ["b1"], ["c1", "c2"]], ["a1", "b1", "c1", "a2", "c2"]),
        ([[], ["b1", "b2"]], ["b1", "b2"]),
        ([], []),
    ],
)
def test_sources_are_taken_one_of_each_kind_in_turn(queues: list[list[str]], expected: list[str]) -> None:
    assert in_turns(queues) == expected


def test_a_drafts_first_sources_show_every_kind_of_its_evidence(indexed) -> None:
    # its measure's row, then an activity's row, a passage of the report it quotes and an indicator's row: before,
    # all the matrix's rows came first and the report's passages after the first five
    a = draft_answer("Draft the 2023-2025 action plan entry for measure 1.1.9.", settings=indexed)
    kinds = [s.metadata["kind"] for s in a.sources[:5]]
    assert kinds[0] == "measure" and {"activity", "section", "indicator"} <= set(kinds), kinds
