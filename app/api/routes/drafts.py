"""/draft: action-plan entries drafted from the evaluation."""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.api.deps import BODY, errors
from app.api_models import (
    DraftRequest,
    DraftResponse,
)
from app.security import require_api_key
from app.service import (
    ApiError,
    app_settings,
    current_index,
)
from rag.draft import draft


def router() -> APIRouter:
    router = APIRouter(tags=["drafts"], dependencies=[Depends(require_api_key)])
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    @router.post(
        "/draft",
        response_model=DraftResponse,
        summary="Draft a 2023-2025 action-plan entry",
        responses={
            **errors(*BODY, 404, 503),
            200: {
                "description": "JSON by default; `?format=md` a Markdown file, `?format=docx` a Word file.",
                "content": {
                    "text/markdown": {"schema": {"type": "string"}},
                    docx_type: {"schema": {"type": "string", "format": "binary"}},
                },
            },
        },
    )
    def draft_route(
        body: DraftRequest,
        request: Request,
        format: Literal["json", "md", "docx"] = Query("json", description="json, md or docx (a download)."),
        index: Any = Depends(current_index),
    ) -> Any:
        """A grounded draft entry for a measure, topic or free request. When the evaluation does not cover the
        request, JSON says so (`covered: false`); the md/docx downloads answer 404 with the reason."""
        doc = draft(body.request, settings=app_settings(request))
        if format == "json":

            def plain(items: Any) -> list[dict[str, Any]]:
                return [
                    x.model_dump(mode="json") if hasattr(x, "model_dump") else dict(x) for x in (items or [])
                ]

            return DraftResponse(
                covered=bool(doc.covered),
                message=doc.message or "",
                title=doc.title or "",
                request=body.request,
                topic=getattr(doc, "topic", "") or "",
                mode=getattr(doc, "mode", "extractive") or "extractive",
                entries=plain(doc.entries),
                general=plain(getattr(doc, "general", [])),
                citations=list(doc.citations),
                markdown=doc.to_markdown(),
            )
        if not doc.covered:
            raise ApiError(404, doc.message or "The evaluation does not cover this request.")
        slug = re.sub(r"[^a-z0-9]+", "-", (doc.title or body.request).lower()).strip("-")[:60] or "draft"
        if format == "md":
            return Response(
                doc.to_markdown(),
                media_type="text/markdown; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{slug}.md"'},
            )
        return Response(
            doc.to_docx_bytes(),
            media_type=docx_type,
            headers={"Content-Disposition": f'attachment; filename="{slug}.docx"'},
        )

    return router
