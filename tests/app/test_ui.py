"""The Streamlit front end under AppTest: chat with citations, explorer filters, drafts with downloads.

Every test runs the real app (app/ui.py, its pages) over the session index (`indexed`), in this process.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest.records import Indicator, IndicatorValue, ValueRole

UI = str(Path(__file__).resolve().parents[2] / "app" / "ui.py")
TIMEOUT = 240  # a cold first answer loads the embedding model; 2-CPU CI machines are slow


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(UI, default_timeout=TIMEOUT).run()
    if page:
        at.switch_page(page).run()
    _no_failure(at)
    return at


def _no_failure(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown] + [h.value for h in at.get("html")] + [c.value for c in at.caption]
    )


def _table(at: AppTest, *columns: str):
    """The dataframe whose columns start with these names."""
    for d in at.dataframe:
        df = d.value
        if list(df.columns[: len(columns)]) == list(columns):
            return df
    raise AssertionError(f"no table with columns {columns}: {[list(d.value.columns) for d in at.dataframe]}")


# ------------------------------------------------------------------------------------- chat


def test_chat_answers_with_a_citation_that_opens_its_source(indexed):
    at = _app()
    assert at.title[0].value == "Ask the evaluation"
    suggestions = [b for b in at.button if (b.key or "").startswith("suggest_")]
    assert len(suggestions) >= 3, "an empty chat offers suggested questions"

    at.chat_input[0].set_value("What is the status of Activity 1.4.2.2 and why?").run()
    _no_failure(at)
    assistant = [m for m in at.chat_message if m.name == "assistant"]
    assert assistant, "an answer appears"
    assert "abandoned" in assistant[-1].markdown[0].value.lower()
    chips = [b for b in at.button if (b.key or "").startswith("cite_")]
    assert any(b.label == "Activity 1.4.2.2" for b in chips), [b.label for b in chips]
    assert suggestions[0].key not in [b.key for b in at.button], "suggestions leave once the chat has started"

    next(b for b in chips if b.label == "Activity 1.4.2.2").click().run()
    _no_failure(at)
    source = [h.value for h in at.get("html") if "egov-source" in h.value and "<style>" not in h.value]
    assert source and "<mark>" in source[0], "the source opens with the quote highlighted"
    assert "Funds have not been secured" in source[0], "the whole record is shown"

    download = at.download_button(key="dl_chat")
    assert download.label.startswith("Save conversation")


def test_chat_feedback_is_stored(indexed):
    from app.feedback import list_feedback

    at = _app()
    at.chat_input[0].set_value("Who is responsible for measure 1.3.5?").run()
    _no_failure(at)
    before = len(list_feedback(limit=1000, settings=indexed))
    at.feedback[0].set_value(0).run()  # thumbs down: saved at once, no other click
    _no_failure(at)
    rows = list_feedback(limit=1000, settings=indexed)
    assert len(rows) == before + 1 and rows[0]["rating"] == "down" and rows[0]["comment"] is None
    assert rows[0]["question"] == "Who is responsible for measure 1.3.5?"
    assert "👎 was saved" in _texts(at)  # a visible confirmation
    at.text_input[0].set_value("Please name the ministry in full.").run()
    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("fbs_"))).click().run()
    _no_failure(at)
    rows = list_feedback(limit=5, settings=indexed)
    assert rows[0]["rating"] == "down" and rows[0]["comment"] == "Please name the ministry in full."
    assert "saved with your comment" in _texts(at)


def test_a_reload_keeps_the_conversation(indexed):
    at = _app()
    at.chat_input[0].set_value("Who is responsible for measure 1.3.5?").run()
    _no_failure(at)
    conversation = at.query_params["c"]
    conversation = conversation[0] if isinstance(conversation, list) else conversation
    assert conversation and len(conversation) == 16
    again = AppTest.from_file(UI, default_timeout=TIMEOUT)  # a reload: a new session, the same URL
    again.query_params["c"] = conversation
    again.run()
    _no_failure(again)
    turns = [m.name for m in again.chat_message]
    assert turns == ["user", "assistant"], turns
    assert "1.3.5" in "\n".join(m.value for m in again.chat_message[0].markdown)
    other = AppTest.from_file(UI, default_timeout=TIMEOUT)
    other.query_params["c"] = "../../etc/passwd"  # not an ID: a fresh chat, nothing read
    other.run()
    _no_failure(other)
    assert not other.chat_message


def test_an_over_long_question_gets_a_message_and_keeps_its_text(indexed):
    at = _app()
    pasted = "What happened to the portal? " + "Context pasted from a memo. " * 200  # about 5,600 characters
    at.chat_input[0].set_value(pasted).run()
    _no_failure(at)
    assert any(
        "at most 2,000" in w.value and f"{len(pasted.strip()):,} characters" in w.value for w in at.warning
    )
    assert any(c.value == pasted.strip() for c in at.code)  # nothing lost: the text is there to copy from
    assert not [m for m in at.chat_message if m.name == "assistant"]  # not sent, not cut silently


def test_chat_abstains_plainly_and_offers_nearest_sources(indexed):
    at = _app()
    at.chat_input[0].set_value("What was the total budget of the Programme in 2025?").run()
    _no_failure(at)
    answer = [m for m in at.chat_message if m.name == "assistant"][-1]
    assert answer.markdown[0].value.startswith("**Not in the evaluation.**")
    assert not [b for b in at.button if (b.key or "").startswith("cite_")]
    near = [b for b in at.button if (b.key or "").startswith("near_")]
    assert near, "the nearest sources are offered"
    near[0].click().run()
    _no_failure(at)
    assert any("egov-source" in h.value and "<style>" not in h.value for h in at.get("html"))


def test_chat_backend_failure_is_a_clear_message_not_a_traceback(indexed, monkeypatch):
    import app.ui_common as common
    from app.ui_client import BackendError, get_backend

    real = get_backend()

    class Broken:
        label = "broken"

        def __getattr__(self, name):
            return getattr(real, name)

        def stream(self, *args, **kwargs):
            raise BackendError(
                "Cannot reach the assistant's API at http://127.0.0.1:9: is `egov serve` running?"
            )
            yield  # pragma: no cover

    monkeypatch.setattr(common, "get_backend", lambda *a, **k: Broken())
    at = AppTest.from_file(UI, default_timeout=TIMEOUT).run()
    at.chat_input[0].set_value("What is the status of Activity 1.4.2.2?").run()
    assert not at.exception
    assert any("Cannot reach the assistant's API" in e.value for e in at.error)


# ---------------------------------------------------------------------------------- explorer


def test_explorer_status_filter_changes_the_rows(indexed):
    at = _app("ui_explorer.py")
    assert at.title[0].value == "Evaluation Matrix"
    activities = _table(at, "ID", "Activity", "Status", "Responsible", "Measure")
    assert len(activities) == 100
    assert len(at.get("vega_lite_chart")) >= 2, "status chart per objective and indicator charts"

    at.multiselect(key="ex_status").set_value(["abandoned"]).run()
    _no_failure(at)
    abandoned = _table(at, "ID", "Activity", "Status", "Responsible", "Measure")
    assert 0 < len(abandoned) < 100
    assert set(abandoned["Status"]) == {"Abandoned"}
    assert "1.4.2.2" in set(abandoned["ID"])

    at.selectbox(key="ex_activity").set_value("1.4.2.2").run()
    _no_failure(at)
    text = _texts(at)
    assert "Funds have not been secured" in text and "Possible next steps" in text, (
        "the whole record is shown"
    )
    assert "Indicators of measure 1.4.2" in text  # the activity shows how its measure is measured

    at.multiselect(key="ex_status").set_value([]).run()
    at.selectbox(key="ex_objective").set_value("1.4").run()
    at.text_input(key="ex_search").set_value("open data portal").run()
    _no_failure(at)
    found = _table(at, "ID", "Activity", "Status", "Responsible", "Measure")
    assert (
        "1.4.2.2" in set(found["ID"]) and len(found) < 16 and all(i.startswith("1.4.") for i in found["ID"])
    )


def test_explorer_has_no_raw_dicts(indexed):
    at = _app("ui_explorer.py")
    assert not at.json, "no raw JSON shown to a user"
    assert "{'" not in _texts(at) and '{"' not in _texts(at)


# ------------------------------------------------------------------------------------- draft


def test_draft_offers_docx_and_md_downloads(indexed):
    at = _app("ui_draft.py")
    assert at.title[0].value.startswith("Draft the 2023-2025 action plan")
    at.selectbox(key="draft_measure").set_value("1.3.5").run()
    at.button(key="draft_go").click().run()
    _no_failure(at)
    labels = [d.label for d in at.download_button]
    assert "Download .docx" in labels and "Download .md" in labels
    text = at.text_area(key="draft_text").value
    assert "1.3.5.1" in text and "1.3.5" in text

    at.text_area(key="draft_text").set_value(text + "\n\nAdded by the editor.").run()
    _no_failure(at)
    assert "Edited" in _texts(at)
    assert {"Download .docx", "Download .md"} <= {d.label for d in at.download_button}


def test_draft_of_an_uncovered_topic_says_so(indexed):
    at = _app("ui_draft.py")
    at.segmented_control(key="draft_how").set_value("A topic").run()
    at.text_input(key="draft_topic").set_value("space tourism").run()
    at.button(key="draft_go").click().run()
    assert not at.exception
    assert at.warning and "does not cover" in at.warning[0].value
    assert not at.download_button


# ------------------------------------------------------------------------------ sidebar, pieces


def test_sidebar_speaks_to_officials_and_keeps_settings_under_about(indexed):
    """What the tool covers, the language it answers in (in English and Serbian) and the matrix's size lead;
    the answer mode, the number of sources and the backend sit in the 'About' expander."""
    at = _app()
    side = " ".join(m.value for m in at.sidebar.markdown) + " ".join(c.value for c in at.sidebar.caption)
    assert "cites the measure and activity IDs" in side and "Serbian" in side and "srpskom" in side
    assert "24 measures, 100 activities" in side
    assert "Backend:" not in " ".join(c.value for c in at.sidebar.caption[:3])
    about = at.sidebar.expander[0]
    assert about.label == "About this tool" and any("Backend:" in c.value for c in about.caption)
    assert about.radio(key="answer_mode").value == "extractive"
    assert at.slider(key="answer_k").value == indexed.top_k
    assert {s.key for s in at.selectbox} >= {"flt_objective", "flt_measure", "flt_doc_type"}


def test_indicator_chart_uses_parsed_numbers_with_labelled_axes():
    from app.ui_charts import indicator_chart, missing_points, unit_of

    ind = Indicator(
        id="1.4/ind1",
        owner="1.4",
        name="Number of datasets available at the Open Data Portal (Number)",
        unit="number",
        values=[
            IndicatorValue(
                label="Baseline value (2019)", year=2019, role=ValueRole.BASELINE, raw="250", number=250
            ),
            IndicatorValue(
                label="Achieved value (2020)", year=2020, role=ValueRole.ACHIEVED, raw="306", number=306
            ),
            IndicatorValue(
                label="Target value (2021)", year=2021, role=ValueRole.TARGET, raw="500", number=500
            ),
            IndicatorValue(
                label="Achieved value (2021)", year=2021, role=ValueRole.ACHIEVED, raw="1.643", number=1643
            ),
            IndicatorValue(
                label="Target value for 2022 and the comment",
                year=2022,
                role=ValueRole.TARGET,
                raw="750 (comment)",
                number=None,
            ),
        ],
    )
    spec = indicator_chart(ind).to_dict()
    layer = spec["layer"][0]
    assert layer["encoding"]["y"]["title"] == unit_of(ind) == "Number"
    assert layer["encoding"]["x"]["title"]
    values = {row["Point"]: row["Value"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert values == {"Baseline 2019": 250, "Achieved 2020": 306, "Target 2021": 500, "Achieved 2021": 1643}
    assert missing_points(ind) == [("Target 2022", "750 (comment)")]
    shown = {row["Point"]: row["Shown"] for row in spec["datasets"][next(iter(spec["datasets"]))]}
    assert shown["Achieved 2021"] == "1,643"  # the matrix's "1.643", in the one format of the chart
    assert spec["layer"][1]["encoding"]["text"]["field"] == "Shown"


def test_chart_numbers_have_one_format():
    from app.ui_charts import number_text

    # the matrix writes "2.194", "5196", "4,000" and "96,55": parsed, they show alike
    assert [number_text(n) for n in (2194, 5196, 4000, 96.55, 0, 12.5, 1_000_000)] == [
        "2,194",
        "5,196",
        "4,000",
        "96.55",
        "0",
        "12.5",
        "1,000,000",
    ]


def test_markdown_to_docx_reads_underscores_in_words_hard_breaks_and_escapes_as_markdown_does():
    from docx import Document

    from app.ui_export import markdown_to_docx

    data = markdown_to_docx(
        "**Specific objective:** 1.3 Access  \n**Responsible entity:** MPALSG [1]\n\n"
        "1. [1.3.5] egov_expost_2020_2022.txt, line 3: “q” and _an emphasis_ and a\\_literal\\_one\n"
    )
    paragraphs = Document(io.BytesIO(data)).paragraphs
    labels, source = paragraphs[0], paragraphs[1]
    assert labels.text == "Specific objective: 1.3 Access\nResponsible entity: MPALSG [1]"
    assert "egov_expost_2020_2022.txt" in source.text and "a_literal_one" in source.text
    assert [r.text for r in source.runs if r.italic] == ["an emphasis"]


def test_an_edited_draft_exports_to_word_with_its_formatting(indexed):
    """The Word file of an edited draft keeps its line breaks, its file names and no stray italics."""
    from docx import Document

    from app.ui_export import markdown_to_docx
    from rag.draft import draft
    from rag.draft.export import render_docx, render_markdown

    doc = draft("1.3.5", settings=indexed)
    edited = render_markdown(doc).replace("remains relevant", "remains highly relevant")
    mine = Document(io.BytesIO(markdown_to_docx(edited, title=doc.title)))
    clean = Document(io.BytesIO(render_docx(doc)))
    text = "\n".join(p.text for p in mine.paragraphs)
    assert "highly relevant" in text and "egov_expost_2020_2022.txt" in text
    assert "\nResponsible entity:" in text  # its own line, as in the unedited export
    assert not [r.text for p in mine.paragraphs[2:] for r in p.runs if r.italic and "egov" in r.text]
    assert len(mine.tables) == len(clean.tables)


def test_markdown_to_docx_keeps_headings_lists_and_tables():
    from docx import Document

    from app.ui_export import conversation_markdown, markdown_to_docx

    data = markdown_to_docx(
        "# Title\n\nSome **bold** text.\n\n- one\n- two\n\n| ID | Status |\n|---|---|\n| 1.3.5.1 | abandoned |\n"
    )
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text == "Title"
    assert doc.tables and doc.tables[0].cell(1, 0).text == "1.3.5.1"
    md = conversation_markdown(
        [
            {"role": "user", "content": "Q?"},
            {
                "role": "assistant",
                "answer": {
                    "answer": "A.",
                    "citations": [
                        {"id": "1.4.2.2", "kind": "activity", "title": "T", "source": "S", "quote": "q"}
                    ],
                },
            },
        ]
    )
    assert "## Question" in md and "Activity 1.4.2.2" in md and "“q”" in md


def test_quote_highlighting_escapes_html_and_folds_whitespace():
    from app.ui_text import highlight_html

    html, found = highlight_html("Funds have not been\nsecured <2 million>.", "Funds have not been secured")
    assert (
        found
        and html.startswith("<mark>Funds have not been<br>secured</mark>")
        and "&lt;2 million&gt;" in html
    )


@pytest.mark.parametrize(
    "event,data,expected",
    [
        ("token", '{"text": "Activity 1.4.2.2 "}', "Activity 1.4.2.2 "),
        ("message", "plain piece", "plain piece"),
        ("message", "[DONE]", None),
    ],
)
def test_sse_pieces(event, data, expected):
    from app.ui_client import parse_stream_event

    assert parse_stream_event(event, data) == expected


def test_http_backend_speaks_the_api(indexed):
    """The HTTP backend against the real FastAPI app (in-process transport, same session index)."""
    from fastapi.testclient import TestClient

    from app.api import create_app
    from app.ui_client import HttpBackend
    from rag.models import Answer

    backend = HttpBackend("http://testserver")
    with TestClient(create_app(indexed)) as client:
        backend._client = client
        assert backend.stats()["activities"] == 100
        cat = backend.catalog()
        assert len(cat.activities) == 100 and len(cat.measures) == 24 and cat.overall is not None
        pieces = list(backend.stream("What is the status of Activity 1.4.2.2?", [], None, k=5))
        final = pieces[-1]
        assert isinstance(final, Answer) and any(c.id == "1.4.2.2" for c in final.citations)
        assert "".join(p for p in pieces[:-1] if isinstance(p, str)).strip()
        backend.feedback(final.answer_id, "up", None, "q", final.answer)
        view = backend.draft("1.3.5")
        assert view.covered and "1.3.5.1" in view.markdown and view.docx[:2] == b"PK"
        assert backend.passage(final.citations[0].quote, ["1.4.2.2"]) is not None
