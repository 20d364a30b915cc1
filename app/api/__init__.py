"""The HTTP API: `create_app(settings)` builds the FastAPI app; `app` is the default one (`uvicorn app.api:app`).

Routers stay thin: answers come from rag.ask / rag.search / rag.draft, records from the index's catalog,
ingestion from ingest.pipeline. The index (model, chunks, catalog) loads once at start-up; rag.index
swaps in a fresh immutable Index when an ingest changes the files, so answers in flight keep working.

    deps.py      what every route shares (error docs, ID checks against the catalog)
    uploads.py   uploaded files: names, content check, staging, ingest, put back on failure
    routes/      answers, records, drafts, documents, service: a router per file
    main.py      create_app: middleware, error handlers, docs, routers, the OpenAI-compatible router
"""

from app.api.main import app, create_app

__all__ = ["app", "create_app"]
