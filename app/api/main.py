"""The app: `create_app(settings)` builds it; `app` is the default one (`uvicorn app.api:app`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from app.api.deps import VERSION
from app.api.routes import answers, documents, drafts, records, service
from app.docs import install_docs
from app.jobs import Jobs
from app.openai_compat import openai_router
from app.rate_limit import RateLimit
from app.security import install_security
from app.service import (
    NO_INDEX,
    ApiError,
    install_error_handlers,
    load_index,
    log,
    single_query_values,
)
from core.settings import Settings, get_settings
from rag.warm import warm_up

# ---------------------------------------------------------------- the app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the index, catalog and embedding model once, and warm every answer path, before the first request."""
    settings: Settings = app.state.settings
    try:
        index = await run_in_threadpool(load_index, settings)
        await run_in_threadpool(warm_up, settings)  # rag/warm.py
        app.state.startup_error = None
        log.info("index loaded: %d chunks", len(index.chunks))
    except ApiError as exc:
        app.state.startup_error = exc.detail
        log.warning(
            "%s", exc.detail if exc.detail != NO_INDEX else f"no index in {settings.data_dir}: {NO_INDEX}"
        )
    yield


DESCRIPTION = """Ask questions of the ex-post evaluation of Serbia's e-Government Development Programme 2020-2022,
browse the Evaluation Matrix, draft 2023-2025 action-plan entries, and manage uploaded documents.

* Answers cite the IDs they rest on (Measure 1.3.5, Activity 1.4.2.2) with verbatim quotes.
* When `EGOV_API_KEY` (the reader key) is set, every endpoint except `/health` needs it or the admin key
  (`X-API-Key` or `Authorization: Bearer`); uploads and deletes need the admin key (`EGOV_ADMIN_API_KEY`).
  Uploads and deletions are refused unless a key is set.
* Errors are JSON: `{"detail": "readable message"}`; unknown IDs get 404 with `closest`.
* `/v1/chat/completions` and `/v1/models` speak the OpenAI API, so its clients and chat front ends work unchanged.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over these settings (default: EGOV_* environment)."""

    settings = settings or get_settings()
    app = FastAPI(
        title="eGov Evaluation Assistant API",
        version=VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(single_query_values)],
        docs_url=None,  # served from local assets by app/docs.py
        redoc_url=None,
    )
    install_docs(app)
    app.state.settings = settings
    app.state.jobs = Jobs()
    app.state.startup_error = None
    install_error_handlers(app)
    app.add_middleware(RateLimit, settings=settings)  # inside the body guard and CORS (added after it)
    install_security(app, settings)
    for router in (
        answers.router(),
        records.router(),
        drafts.router(),
        documents.router(),
        service.router(),
        openai_router(),
    ):
        app.include_router(router)
    return app


logging.getLogger("egov.api").setLevel(logging.INFO)
app = create_app()
