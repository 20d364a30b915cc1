"""Warm-up: one question down each answer path, so no lazy work is left for the first real questions.

The first question after start-up would otherwise load the embedding model, and the first draft, list,
figure or Serbian question would build the tables its path caches per index (the report's sentences and
their vectors, the vocabulary, the names, the answerability model). The questions are made from the
index's own records (its first activity and measure), so this knows no evaluation in particular.
"""

from __future__ import annotations

import logging
import time

from core.settings import Settings, get_settings
from rag.ask import ask
from rag.index import get_index
from rag.retrieve import SENTENCE_SHARE
from rag.spelling import dictionary

log = logging.getLogger(__name__)


def warm_questions(activity: str, measure: str) -> list[tuple[str, list[dict] | None]]:
    """One question per answer path, about the given record IDs (history for the follow-up)."""
    return [
        (f"What is the status of activity {activity}, and who is responsible?", None),
        ("How many activities were abandoned?", None),
        ("Which activities are still ongoing?", None),
        ("Who was interviewed for the evaluation, and what did they find hardest?", None),
        (f"How far did the indicators of measure {measure} get?", None),
        ("What does the evaluation recommend for the next programme?", None),
        (f"Draft the action plan entry for measure {measure}.", None),
        (f"Koji je status aktivnosti {activity}?", None),
        (
            "And why?",
            [
                {"role": "user", "content": f"What happened to activity {activity}?"},
                {"role": "assistant", "content": f"Activity {activity}."},
            ],
        ),
    ]


def warm_up(settings: Settings | None = None) -> int:
    """Load the index and the model, then ask the warm-up questions; how many were answered.

    Loading errors (no index, a broken one) are raised for the caller to report; a question that fails
    is logged and skipped, since the first real question will meet and report the same problem.
    """
    settings = settings or get_settings()
    started = time.perf_counter()
    index = get_index(settings)
    vector = index.embed_query("warm-up")  # loads the embedding model
    index.dense_evaluation(vector, 1, sentence_share=SENTENCE_SHARE)  # the sentences' vectors, read once
    dictionary()  # loads the English word list a typo is read against
    catalog = index.catalog
    if not catalog.activities or not catalog.measures:
        return 0
    answered = 0
    for question, history in warm_questions(catalog.activities[0].id, catalog.measures[0].id):
        try:
            ask(question, history=history, settings=settings)
            answered += 1
        except Exception:  # noqa: BLE001 - a warm-up problem must not stop start-up
            log.warning("warm-up question failed: %s", question, exc_info=True)
    log.info("warm-up: %d questions in %.2f s", answered, time.perf_counter() - started)
    return answered
