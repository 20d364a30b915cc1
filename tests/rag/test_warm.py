"""Warm-up: every answer path is taken once, so the tables it caches per index exist before a real question."""

from __future__ import annotations

from core.settings import Settings
from rag.ask import ask
from rag.draft import prose
from rag.index import get_index
from rag.models import Intent
from rag.warm import warm_questions, warm_up


def test_the_warm_up_questions_take_each_answer_path(indexed: Settings, index) -> None:
    a, m = index.catalog.activities[0].id, index.catalog.measures[0].id
    questions = warm_questions(a, m)
    answers = [ask(q, history=history, settings=indexed) for q, history in questions]
    assert not any(x.abstained for x in answers)
    assert {Intent.COUNT, Intent.LIST, Intent.INDICATOR, Intent.OVERVIEW, Intent.DRAFT} <= {
        x.intent for x in answers
    }
    assert any(x.language != "en" for x in answers)  # the Serbian reading
    assert any(history for _, history in questions)  # a follow-up
    assert any(a in q for q, _ in questions) and any(m in q for q, _ in questions)


def test_warm_up_builds_the_draft_tables_before_the_first_question(indexed: Settings) -> None:
    prose._prose_cache.clear()
    prose._vector_cache.clear()
    answered = warm_up(indexed)
    assert answered == len(warm_questions("1", "1"))
    index = get_index(indexed)
    assert prose._prose_cache.get(id(index), (None,))[0] is index
    assert prose._vector_cache.get(id(index), (None,))[0] is index


def test_warm_up_of_a_corpus_without_a_matrix_asks_nothing(tmp_settings: Settings) -> None:
    from ingest.pipeline import ingest

    (tmp_settings.corpus_dir / "notes.txt").write_text(
        "Interview notes. The team met twice and agreed on a plan.\n", encoding="utf-8"
    )
    ingest(settings=tmp_settings, quiet=True)
    assert warm_up(tmp_settings) == 0
