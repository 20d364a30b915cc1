"""Answers as a stream of text pieces, then the full Answer: extractive sentences, or an LLM's reply through
the citation guard. It sits above both rag.ask and rag.llm, so neither imports the other back."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from core.settings import Settings, get_settings
from rag.ask import ask
from rag.llm import (
    GuardStream,
    _catalog,
    _fallback,
    _finish,
    _question_text,
    build_messages,
    condense,
    content_text,
    error_notice,
    make_chat_model,
)
from rag.models import Answer, Intent, Turn

log = logging.getLogger(__name__)


SENTENCE_PIECE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z0-9“\"(])")


def sentence_pieces(text: str) -> list[str]:
    """Text cut into sentence pieces that join back to it exactly (each after the first keeps its space)."""
    pieces, prev = [], 0
    for m in SENTENCE_PIECE.finditer(text):
        pieces.append(text[prev : m.start()])
        prev = m.start()
    pieces.append(text[prev:])
    return [p for p in pieces if p]


def stream_answer(
    question: str,
    history: Sequence[Turn] | Sequence[dict] | None = None,
    filters: Any = None,
    settings: Settings | None = None,
    k: int | None = None,
    language: str | None = None,
) -> Iterator[str | Answer]:
    """Text pieces of the answer as they are produced, then the full Answer (always last).

    Extractive mode: the answer's sentences. LLM mode: the model's reply streamed token by token through
    the citation guard, yielding each sentence once it is complete and checked (none before the first
    grounded one). When the model fails, abstains or proves ungrounded before any piece was sent, the
    extractive answer's (or the abstention's) sentences are sent instead, so the pieces join to the final
    Answer's text; only a failure in mid-reply leaves them different, and the final Answer is authoritative.
    """
    settings = settings or get_settings()
    turns = [t if isinstance(t, Turn) else Turn.model_validate(t) for t in (history or [])]
    base = ask(
        question,
        history=turns,
        filters=filters,
        settings=settings.model_copy(update={"llm_provider": "none"}),
        k=k,
        language=language,
    )
    if settings.llm_provider == "none" or base.abstained or not base.sources or base.intent == Intent.DRAFT:
        yield from sentence_pieces(base.answer)
        yield base
        return
    sent = False
    try:
        model = make_chat_model(settings)
        standalone = condense(_question_text(question), turns, model)
        stream = GuardStream(base.sources, _catalog(settings))
        for chunk in model.stream(build_messages(standalone, base.sources, turns)):
            for piece in stream.feed(content_text(chunk)):
                sent = True
                yield piece
        for piece in stream.finish():
            sent = True
            yield piece
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the extractive answer
        log.warning(
            "LLM stream failed (%s: %s); falling back to the extractive answer", type(exc).__name__, exc
        )
        final = _fallback(base, error_notice(exc, settings))
        if not sent:
            yield from sentence_pieces(final.answer)
        yield final
        return
    final = _finish(stream, base, settings)
    if not sent:
        yield from sentence_pieces(final.answer)
    yield final
