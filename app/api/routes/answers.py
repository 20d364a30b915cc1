"""/ask, /ask/stream and /search: answers and ranked sources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from app.api.deps import BODY, check_filters, checked_ask, errors, examples
from app.api_models import (
    AskRequest,
    SearchRequest,
    SearchResponse,
)
from app.security import require_api_key
from app.service import (
    answer_stream,
    app_settings,
    current_index,
    log,
)
from rag.ask import ask
from rag.models import Answer
from rag.search import search


def router() -> APIRouter:
    router = APIRouter(tags=["answers"], dependencies=[Depends(require_api_key)])

    @router.post(
        "/ask",
        response_model=Answer,
        summary="Answer a question with citations",
        responses={
            **errors(*BODY, 404, 503),
            **examples(
                {
                    "answer": "Activity 1.4.2.2 (Improvement of the Open Data Portal software solution …) is marked "
                    "“abandoned” in the Evaluation Matrix (Annex 7). Reasoning given: Funds have not been "
                    "secured …",
                    "abstained": False,
                    "citations": [
                        {
                            "id": "1.4.2.2",
                            "kind": "activity",
                            "title": "Improvement of the Open Data Portal software solution …",
                            "source": "egov_expost_2020_2022.txt, Annex 7: Evaluation Matrix, line 3341",
                            "quote": "Funds have not been secured 2 million dinars",
                        }
                    ],
                    "sources": [
                        {
                            "chunk_id": "egov_expost_2020_2022.txt#activity-1.4.2.2",
                            "text": "…",
                            "score": 0.05,
                            "metadata": {"kind": "activity", "record_id": "1.4.2.2"},
                        }
                    ],
                    "mode": "extractive",
                    "intent": "status",
                    "answer_id": "3f2a9c1b7d4e",
                    "notice": None,
                }
            ),
        },
    )
    def ask_route(request: Request, body: AskRequest = Depends(checked_ask)) -> Answer:
        """The DESIGN.md contract: the answer, whether it abstained, its citations (ID, kind, title, source,
        verbatim quote) and the ranked sources. `answer_id` identifies the answer for /feedback."""

        return ask(
            body.question,
            history=[t.model_dump() for t in body.history],
            filters=body.filters,
            settings=app_settings(request),
            k=body.k,
            language=body.language,
        )

    @router.post(
        "/ask/stream",
        response_class=EventSourceResponse,
        summary="Answer as Server-Sent Events",
        responses={
            **errors(*BODY, 404, 503),
            200: {
                "description": (
                    '`event: token` events carry `{"text": piece}` as the answer is produced; then one '
                    "`event: answer` carries the whole Answer (citations and sources), as from /ask. A failure "
                    'mid-stream ends with `event: error` and `{"detail": message}`.'
                )
            },
        },
    )
    def ask_stream(request: Request, body: AskRequest = Depends(checked_ask)) -> Iterator[ServerSentEvent]:
        """Same request as /ask; the answer text streams first, citations and sources come in the final event."""
        settings = app_settings(request)
        try:
            for item in answer_stream(
                body.question,
                [t.model_dump() for t in body.history],
                body.filters,
                settings,
                k=body.k,
                language=body.language,
            ):
                if isinstance(item, Answer):
                    yield ServerSentEvent(event="answer", data=item.model_dump(mode="json"))
                else:
                    yield ServerSentEvent(event="token", data={"text": item})
        except Exception as exc:  # noqa: BLE001 - the status line is sent already: report in-band
            log.exception("stream failed")
            yield ServerSentEvent(
                event="error", data={"detail": f"The answer could not be completed ({type(exc).__name__})."}
            )

    @router.post(
        "/search",
        response_model=SearchResponse,
        summary="Ranked sources only",
        responses={
            **errors(*BODY, 404, 503),
            **examples(
                {
                    "question": "open data portal",
                    "sources": [
                        {
                            "chunk_id": "egov_expost_2020_2022.txt#activity-1.4.2.2",
                            "text": "…",
                            "score": 0.05,
                            "metadata": {"kind": "activity"},
                        }
                    ],
                }
            ),
        },
    )
    def search_route(
        body: SearchRequest, request: Request, index: Any = Depends(current_index)
    ) -> SearchResponse:
        """The k best sources for a query (dense + BM25 + exact IDs, fused), with optional filters."""

        filters = check_filters(body.filters, index)
        sources = search(body.question, filters=filters, k=body.k, settings=app_settings(request))
        return SearchResponse(question=body.question, sources=[s.model_dump() for s in sources])

    return router
