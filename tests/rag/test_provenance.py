"""Notes and memos beside the evaluation are cited as what they are, and never outrank the evaluation."""

from __future__ import annotations

import re

from core.settings import Settings
from ingest.chunks import Chunk
from ingest.pipeline import ingest
from ingest.provenance import Standing, describe, standing
from rag.ask import ask

REPORT = """1. INTRODUCTION
The ex-post analysis reviews the e-Government Development Programme 2020-2022.

2. FINDINGS
The data centre in Kragujevac hosts 140 public services since the spring of 2021.
Training of local staff in cloud administration was delayed by the pandemic.
"""

NOTE = """Institution: Office for IT and eGovernment
Date: 2022-03-14
Role: Head of the User Support Group
---
# Interview notes 001

The interviewee said that the data centre in Kragujevac hosts 140 public services since the spring of 2021.
The help desk of the data centre answers about 900 calls a month from municipal clerks.
"""


def corpus(settings: Settings) -> None:
    (settings.corpus_dir / "interviews").mkdir(parents=True)
    (settings.corpus_dir / "report.txt").write_text(REPORT, encoding="utf-8")
    (settings.corpus_dir / "interviews" / "note_001.md").write_text(NOTE, encoding="utf-8")
    ingest(settings=settings, quiet=True)


def intro_of(answer: str, quote_start: str) -> str:
    """The words that introduce a quote: from the end of the previous quote (a closing mark before a
    new sentence) up to it."""
    at = answer.find(quote_start)
    assert at > 0, answer
    ends = [m.end() for m in re.finditer(r"”\s+(?=[A-Z])", answer[: at - 1])]
    return answer[(ends[-1] if ends else 0) : at]


def test_standing_and_names_of_sources() -> None:
    report = Chunk(
        id="r", text="t", document="report.txt", doc_type="report", kind="section", section="2. FINDINGS"
    )
    note = Chunk(
        id="n",
        text="t",
        document="interviews/a.md",
        doc_type="interview",
        kind="section",
        meta={"institution": "Office for IT", "role": "Head of Unit", "date": "2022-03-14"},
    )
    upload = Chunk(id="u", text="t", document="uploads/memo.txt", doc_type="report", kind="section")
    assert [standing(c) for c in (report, note, upload)] == [
        Standing.EVALUATION,
        Standing.SUPPLEMENTARY,
        Standing.SUPPLEMENTARY,
    ]
    assert describe(report) == "the report (2. FINDINGS)"
    assert describe(note) == "the interview notes “interviews/a.md” (Office for IT; Head of Unit; 2022-03-14)"
    assert describe(upload) == "the uploaded document “memo.txt”"


def test_a_note_is_quoted_as_a_note(tmp_settings: Settings) -> None:
    corpus(tmp_settings)
    answer = ask(
        "How many calls a month does the help desk of the data centre answer?", settings=tmp_settings
    )
    assert "900 calls" in answer.answer, answer.answer
    intro = intro_of(answer.answer, "The help desk of the data centre answers")
    assert "interview notes" in intro and "Office for IT and eGovernment" in intro
    assert not re.search(r"\breport\b", intro), intro
    assert any(c.source.startswith("interviews/note_001.md") for c in answer.citations)


def test_the_evaluation_comes_before_a_note_that_repeats_it(tmp_settings: Settings) -> None:
    corpus(tmp_settings)
    answer = ask("How many public services does the data centre in Kragujevac host?", settings=tmp_settings)
    assert "140 public services" in answer.answer, answer.answer
    assert "The interviewee said that" not in answer.answer, answer.answer  # the note's copy adds nothing
    assert re.search(r"report", intro_of(answer.answer, "The data centre in Kragujevac hosts"))


def test_notes_added_beside_the_evaluation_never_reorder_its_evidence(tmp_settings: Settings) -> None:
    """The evaluation's chunks rank among themselves: fifty memos on the same words, added later (more than
    retrieval's pool of candidates), leave their order as it was and the best of them first (a weak one may
    fall below the notes)."""
    from rag.index import get_index
    from rag.retrieve import retrieve

    corpus(tmp_settings)
    question = "Was training of local staff in cloud administration delayed?"

    def evaluation_order() -> tuple[list[str], list[str]]:
        index = get_index(tmp_settings)
        hits = retrieve(index, question, k=20)
        own = [h.chunk.id for h in hits if h.chunk.document == "report.txt"]
        return own, [h.chunk.document for h in hits]

    before, _ = evaluation_order()
    for n in range(50):
        memo = f"Role: Analyst {n}\n---\n# Memo {n:03}\n\n" + (
            f"Training of local staff in cloud administration was discussed at meeting {n}. " * 3
        )
        (tmp_settings.corpus_dir / "interviews" / f"memo_{n:03}.md").write_text(memo, encoding="utf-8")
    ingest(settings=tmp_settings, quiet=True)
    after, documents = evaluation_order()
    assert after and after == before[: len(after)], (before, after)  # the same order; the weakest may yield
    assert documents[0] == "report.txt", documents
