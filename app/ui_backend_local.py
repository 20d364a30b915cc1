"""The in-process UI backend: calls the `rag` Python API over the index in EGOV_DATA_DIR."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

from app.feedback import record_feedback
from app.ui_backend_base import BackendError, DraftView, Mode, Passage, coerce_citations, find_passage
from core.settings import Settings, get_settings
from ingest.records import Catalog
from ingest.stats import index_stats
from rag.ask import ask
from rag.draft import draft
from rag.index import IndexMissing, get_index
from rag.models import Answer
from rag.stream import stream_answer
from rag.warm import warm_up

log = logging.getLogger("egov.ui")


def mode_settings(settings: Settings, mode: str | None, k: int | None) -> Settings:
    """Settings for one request: the answer mode and the number of sources chosen in the sidebar."""
    update: dict[str, Any] = {}
    if mode == "extractive" and settings.llm_provider != "none":
        update["llm_provider"] = "none"
    if k:
        update["top_k"] = int(k)
    return settings.model_copy(update=update) if update else settings


def llm_label(settings: Settings) -> str:
    """'LLM: <model> (<provider>)' for a configured LLM."""
    model = settings.llm_model or "default model"
    where = f" at {settings.llm_base_url}" if settings.llm_base_url else ""
    return f"LLM: {model} ({settings.llm_provider}{where})"


class LocalBackend:
    """Calls the `rag` Python API in this process over the index in EGOV_DATA_DIR."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.label = f"In-process, index in {self.settings.data_dir}"
        self._warming: threading.Thread | None = None

    # the index this process has loaded (rag.index keeps it in step with the live version in the store)
    def catalog(self) -> Catalog:
        try:
            return get_index(self.settings).catalog
        except IndexMissing:
            return Catalog()
        except Exception as exc:  # noqa: BLE001
            log.exception("catalog")
            raise BackendError(
                f"The record catalog could not be read ({exc.__class__.__name__}). "
                "Rebuild the index with `egov ingest --rebuild`."
            ) from exc

    def _chunks(self) -> list:
        try:
            return get_index(self.settings).chunks
        except IndexMissing:
            return []

    def stats(self) -> dict:
        try:
            return index_stats(self.settings)
        except Exception as exc:  # noqa: BLE001
            log.exception("stats")
            raise BackendError(f"Index statistics are not available ({exc.__class__.__name__}).") from exc

    def modes(self) -> list[Mode]:
        out = [Mode("extractive", "Extractive (quotes the evaluation, no LLM)")]
        if self.settings.llm_provider != "none":
            out.insert(0, Mode("llm", llm_label(self.settings)))
        return out

    def default_k(self) -> int:
        return int(self.settings.top_k)

    def warm(self) -> None:
        """Load the index and embedding model in the background so the first question is quick."""
        if self._warming is not None:
            return

        def run() -> None:
            try:
                warm_up(self.settings)  # the index, the embedding model and every answer path's tables
            except Exception:  # noqa: BLE001 - the first question reports any real problem
                log.warning("warm-up failed", exc_info=True)

        self._warming = threading.Thread(target=run, name="egov-warm", daemon=True)
        self._warming.start()

    def ask(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Answer:
        settings = mode_settings(self.settings, mode, k)
        try:
            return ask(question, history=history, filters=filters or None, settings=settings, k=k)
        except Exception as exc:  # noqa: BLE001
            log.exception("ask")
            raise BackendError(f"The assistant could not answer ({exc.__class__.__name__}: {exc}).") from exc

    def stream(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        settings = mode_settings(self.settings, mode, k)
        try:
            yield from stream_answer(question, history, filters or None, settings, k=k)
        except Exception as exc:  # noqa: BLE001
            log.exception("stream")
            raise BackendError(f"The assistant could not answer ({exc.__class__.__name__}: {exc}).") from exc

    def draft(self, request: str) -> DraftView:
        try:
            doc = draft(request, settings=self.settings)
            covered = bool(getattr(doc, "covered", True))
            return DraftView(
                request=request,
                title=str(getattr(doc, "title", "") or request),
                covered=covered,
                message=str(getattr(doc, "message", "") or ""),
                markdown=doc.to_markdown() if covered else "",
                docx=doc.to_docx_bytes() if covered else None,
                citations=coerce_citations(getattr(doc, "citations", [])),
            )
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001
            if exc.__class__.__name__ == "IndexMissing":
                raise BackendError(
                    "There is no index to draft from yet: build it with `egov ingest`."
                ) from exc
            log.exception("draft")
            raise BackendError(f"The draft could not be made ({exc.__class__.__name__}: {exc}).") from exc

    def feedback(self, answer_id: str, rating: str, comment: str | None, question: str, answer: str) -> None:
        try:
            record_feedback(
                answer_id,
                "up" if rating == "up" else "down",
                comment or None,
                question=question,
                answer=answer,
                settings=self.settings,
            )
        except Exception as exc:  # noqa: BLE001
            log.exception("feedback")
            raise BackendError(f"Your feedback could not be saved ({exc.__class__.__name__}).") from exc

    def passage(self, quote: str, ids: list[str], section: str = "") -> Passage | None:
        try:
            chunks = self._chunks()
        except Exception:  # noqa: BLE001
            log.exception("chunks")
            return None
        return find_passage(
            [(c.text, c.section, c.document, c.ids, c.kind, c.line_start, c.line_end) for c in chunks],
            quote,
            ids,
            section,
        )
