"""What the Streamlit pages talk to: one interface, two backends (in-process `rag`, or the HTTP API).

The pages never import `rag` or call the API themselves: they call `get_backend()` and use the
methods of `Backend`. Every failure surfaces as `BackendError` with a message fit to show a user;
a feature whose module has not landed yet raises `FeatureMissing` (a `BackendError`).
This module does not import Streamlit, so it can be used and tested on its own.

The parts live in their own modules: the interface, view models and errors in `app.ui_backend_base`,
the in-process backend in `app.ui_backend_local`, the HTTP backend in `app.ui_backend_http`. This
module chooses one (`get_backend`) and re-exports the names the pages and tests import from here.
"""

from __future__ import annotations

import threading

from app.ui_backend_base import (
    Backend,
    BackendError,
    DraftView,
    FeatureMissing,
    Mode,
    Passage,
    citation_section,
    coerce_citations,
    find_passage,
    fold,
)
from app.ui_backend_http import HttpBackend, parse_stream_event, sse_events
from app.ui_backend_local import LocalBackend, llm_label, mode_settings
from core.settings import Settings, get_settings

__all__ = [
    "Backend",
    "BackendError",
    "DraftView",
    "FeatureMissing",
    "HttpBackend",
    "LocalBackend",
    "Mode",
    "Passage",
    "citation_section",
    "coerce_citations",
    "find_passage",
    "fold",
    "get_backend",
    "llm_label",
    "mode_settings",
    "parse_stream_event",
    "sse_events",
]

# ---------------------------------------------------------------------------- selection

_backends: dict[tuple, Backend] = {}
_backends_lock = threading.Lock()


def get_backend(settings: Settings | None = None) -> Backend:
    """The backend for these settings: the HTTP API when EGOV_API_URL is set, else in-process."""
    settings = settings or get_settings()
    key = (settings.api_url or "", str(settings.data_dir), settings.llm_provider, settings.llm_model)
    with _backends_lock:
        backend = _backends.get(key)
        if backend is None:
            backend = (
                HttpBackend(settings.api_url, settings.api_key)
                if settings.api_url
                else LocalBackend(settings)
            )
            _backends[key] = backend
        return backend
