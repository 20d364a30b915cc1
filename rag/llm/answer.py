"""The model's answer to a question: condensed, written from the sources, guarded, else the extractive one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from core.settings import Settings
from rag.llm.citation_guard import Guarded, GuardStream, _catalog
from rag.llm.client import content_text, error_notice, make_chat_model
from rag.llm.prompts import build_messages, condense
from rag.models import Answer, Intent, Turn

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The evaluation does not answer this question."


UNGROUNDED = (
    "The language model's answer could not be checked against the sources (none of its citations "
    "or figures were found in them); showing the extractive answer."
)


def _fallback(extractive: Answer, notice: str) -> Answer:
    return extractive.model_copy(update={"notice": notice, "mode": "extractive"})


def _guard_notice(g: Guarded) -> str | None:
    parts = []
    if g.removed_citations:
        parts.append(
            f"removed {len(g.removed_citations)} citation(s) not found in the sources "
            f"({', '.join(dict.fromkeys(g.removed_citations))})"
        )
    if g.dropped_sentences:
        parts.append(f"dropped {len(g.dropped_sentences)} sentence(s) the sources do not support")
    return ("The citation guard " + " and ".join(parts) + ".") if parts else None


def _finish(stream: GuardStream, extractive: Answer, settings: Settings) -> Answer:
    """The Answer of a guarded reply: abstention, the model's answer, or the extractive fallback."""
    g = stream.result()
    mode = f"llm:{settings.llm_provider}:{settings.llm_model}"
    if g is None:
        if stream.abstained:
            return extractive.model_copy(
                update={
                    "answer": ABSTAIN_TEXT,
                    "abstained": True,
                    "citations": [],
                    "mode": mode,
                    "intent": Intent.NOT_IN_EVALUATION,
                    "notice": None,
                }
            )
        log.info("LLM reply not grounded; removed %s, dropped %s", stream.removed, stream.dropped)
        return _fallback(extractive, UNGROUNDED)
    return extractive.model_copy(
        update={
            "answer": g.text,
            "abstained": False,
            "citations": g.citations,
            "mode": mode,
            "notice": _guard_notice(g),
        }
    )


def _question_text(query: Any) -> str:
    return " ".join(str(getattr(query, "text", query) or "").split())


def llm_answer(query: Any, extractive: Answer, turns: Sequence[Turn] | None, settings: Settings) -> Answer:
    """The model's answer from the extractive answer's sources, guarded; the extractive answer with a
    notice on any failure, an abstention when the model says the sources do not answer."""
    if settings.llm_provider == "none" or not extractive.sources:
        return extractive
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in (turns or [])]
    try:
        model = make_chat_model(settings)
        question = condense(_question_text(query), turns, model)
        reply = content_text(model.invoke(build_messages(question, extractive.sources, turns)))
        stream = GuardStream(extractive.sources, _catalog(settings))
        stream.feed(reply)
        stream.finish()
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the extractive answer
        log.warning(
            "LLM answer failed (%s: %s); falling back to the extractive answer", type(exc).__name__, exc
        )
        return _fallback(extractive, error_notice(exc, settings))
    return _finish(stream, extractive, settings)
