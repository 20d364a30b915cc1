"""What the Streamlit pages talk to: one interface, two backends (in-process `rag`, or the HTTP API).

The pages never import `rag` or call the API themselves: they call `get_backend()` and use the
methods of `Backend`. Every failure surfaces as `BackendError` with a message fit to show a user;
a feature whose module has not landed yet raises `FeatureMissing` (a `BackendError`).
This module does not import Streamlit, so it can be used and tested on its own.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ingest.config import Settings, get_settings
from ingest.records import Activity, Catalog, Indicator, Measure, Objective
from rag.models import Answer, Citation, Source

log = logging.getLogger("egov.ui")


class BackendError(RuntimeError):
    """A failure with a message a user can act on (no traceback)."""


class FeatureMissing(BackendError):
    """A part of the assistant that is not available yet in this installation."""


@dataclass
class Mode:
    """An answer mode the user can pick: `key` is sent to the backend, `label` is shown."""

    key: str
    label: str


@dataclass
class Passage:
    """A stretch of a source document (a chunk) that holds a quote."""

    title: str
    location: str
    text: str


@dataclass
class DraftView:
    """A draft action-plan entry as the UI needs it: text to edit and files to download."""

    request: str
    title: str
    covered: bool
    message: str = ""
    markdown: str = ""
    docx: bytes | None = None
    citations: list[Citation] = field(default_factory=list)


class Backend(Protocol):
    """The calls a page makes; both backends implement all of them."""

    label: str

    def stats(self) -> dict: ...
    def catalog(self) -> Catalog: ...
    def modes(self) -> list[Mode]: ...
    def default_k(self) -> int: ...
    def ask(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Answer: ...
    def stream(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]: ...
    def draft(self, request: str) -> DraftView: ...
    def feedback(
        self, answer_id: str, rating: str, comment: str | None, question: str, answer: str
    ) -> None: ...
    def passage(self, quote: str, ids: list[str], section: str = "") -> Passage | None: ...
    def warm(self) -> None: ...


# ------------------------------------------------------------------------------------ helpers


def fold(text: str) -> str:
    """Whitespace folded to single spaces."""
    return " ".join((text or "").split())


def _section_of(source: str) -> str:
    """The section named in a citation's source string ('doc, section 3.2.4 ...' -> '3.2.4 ...')."""
    m = re.search(r",\s*section\s+(.+)$", source or "")
    return m.group(1).strip() if m else ""


def citation_section(citation: Citation) -> str:
    return _section_of(citation.source)


def _coerce_citations(items: Any) -> list[Citation]:
    out = []
    for c in items or []:
        try:
            out.append(
                c
                if isinstance(c, Citation)
                else Citation.model_validate(c if isinstance(c, dict) else vars(c))
            )
        except Exception:  # noqa: BLE001 - a malformed citation is left out, not fatal
            continue
    return out


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


# ------------------------------------------------------------------------------ in-process


class LocalBackend:
    """Calls the `rag` Python API in this process over the index in EGOV_DATA_DIR."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.label = f"In-process, index in {self.settings.data_dir}"
        self._memo: dict[str, tuple[tuple, Any]] = {}
        self._lock = threading.Lock()
        self._warming: threading.Thread | None = None

    # files on disk, re-read only when an ingest changed them
    def _files(self) -> Any:
        from ingest.store import IndexFiles

        return IndexFiles(self.settings.data_dir)

    def _cached(self, name: str, path: Path, load: Any) -> Any:
        try:
            st = path.stat()
            stamp: tuple = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = ()
        with self._lock:
            hit = self._memo.get(name)
            if hit is not None and hit[0] == stamp:
                return hit[1]
        value = load()
        with self._lock:
            self._memo[name] = (stamp, value)
        return value

    def catalog(self) -> Catalog:
        files = self._files()
        try:
            return self._cached("catalog", files.catalog, files.load_catalog)
        except Exception as exc:  # noqa: BLE001
            log.exception("catalog")
            raise BackendError(
                f"The record catalog could not be read ({exc.__class__.__name__}). "
                "Rebuild the index with `egov ingest --rebuild`."
            ) from exc

    def _chunks(self) -> list:
        files = self._files()
        return self._cached("chunks", files.chunks, files.load_chunks)

    def stats(self) -> dict:
        from ingest.stats import index_stats

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
        if self._warming is not None or not self._files().active_collection():
            return

        def run() -> None:
            try:
                from rag.index import get_index

                get_index(self.settings).embed_query("warm-up")  # loads the embedding model too
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
        from rag.ask import ask

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
        from rag.stream import stream_answer

        settings = mode_settings(self.settings, mode, k)
        try:
            yield from stream_answer(question, history, filters or None, settings, k=k)
        except Exception as exc:  # noqa: BLE001
            log.exception("stream")
            raise BackendError(f"The assistant could not answer ({exc.__class__.__name__}: {exc}).") from exc

    def draft(self, request: str) -> DraftView:
        try:
            from rag.draft import draft
        except ImportError as exc:
            raise FeatureMissing(
                "Drafting is not available yet in this installation (the drafter, rag.draft, "
                "has not been installed)."
            ) from exc
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
                citations=_coerce_citations(getattr(doc, "citations", [])),
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
        from app.feedback import record_feedback

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


def find_passage(chunks: list[tuple], quote: str, ids: list[str], section: str = "") -> Passage | None:
    """The chunk that holds the quote, preferring report text of the named section and IDs.

    `chunks` holds (text, section, document, ids, kind, line_start, line_end) tuples.
    """
    q = fold(quote)
    if not q:
        return None
    best, best_score = None, -1
    for text, sec, document, chunk_ids, kind, start, end in chunks:
        if q not in fold(text):
            continue
        score = 0
        if section and fold(section) and fold(section) in fold(sec):
            score += 4
        if kind == "section":
            score += 2
        if set(ids) & set(chunk_ids or []):
            score += 1
        if score > best_score:
            best, best_score = (text, sec, document, start, end), score
    if best is None:
        return None
    text, sec, document, start, end = best
    lines = f"line {start}" if start == end or not end else f"lines {start}-{end}"
    where = ", ".join(p for p in (document, lines if start else "") if p)
    return Passage(title=sec.split(" > ")[-1] if sec else document, location=where, text=text)


# ------------------------------------------------------------------------------------ HTTP


class HttpBackend:
    """Talks to the FastAPI service (app/api.py) at EGOV_API_URL."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.label = f"API at {self.base_url}"
        headers = {"X-API-Key": api_key} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)
        self._health: dict | None = None

    # -- plumbing
    def _error(self, exc: Exception) -> BackendError:
        import httpx

        if isinstance(exc, BackendError):
            return exc
        if isinstance(exc, httpx.HTTPStatusError):
            resp = exc.response
            detail: Any = ""
            try:
                body = resp.json()
                if isinstance(body, dict):
                    detail = body.get("detail") or body.get("message") or body.get("error") or ""
                if isinstance(detail, dict):
                    detail = detail.get("message") or detail.get("msg") or ""
                if isinstance(detail, list):
                    detail = "; ".join(
                        str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail
                    )
            except ValueError:
                detail = ""
            if resp.status_code in (401, 403):
                return BackendError(
                    "The assistant's API refused the request: check the API key (EGOV_API_KEY)."
                )
            if resp.status_code == 404 and not detail:
                return FeatureMissing(
                    f"The assistant's API at {self.base_url} does not offer {resp.request.url.path} yet."
                )
            if resp.status_code >= 500:
                return BackendError(
                    f"The assistant's API failed ({resp.status_code}). Try again in a moment."
                )
            return BackendError(
                str(detail) or f"The assistant's API rejected the request ({resp.status_code})."
            )
        if isinstance(exc, httpx.TimeoutException):
            return BackendError(f"The assistant's API at {self.base_url} did not answer in time.")
        if isinstance(exc, httpx.HTTPError):
            return BackendError(
                f"Cannot reach the assistant's API at {self.base_url}: is `egov serve` running?"
            )
        return BackendError(f"Unexpected reply from the assistant's API ({exc.__class__.__name__}).")

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = self._client.request(method, path, **kwargs)
            resp.raise_for_status()
            return resp
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from exc

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self._request(method, path, **kwargs)
        try:
            return resp.json()
        except ValueError as exc:
            raise BackendError("Unexpected reply from the assistant's API (not JSON).") from exc

    @staticmethod
    def _items(body: Any, *names: str) -> list:
        if isinstance(body, list):
            return body
        if isinstance(body, dict):
            for name in (*names, "items", "results", "data"):
                if isinstance(body.get(name), list):
                    return body[name]
        return []

    # -- interface
    def stats(self) -> dict:
        body = self._json("GET", "/stats")
        return body if isinstance(body, dict) else {}

    def catalog(self) -> Catalog:
        body = self._json("GET", "/objectives")
        objectives = [Objective.model_validate(o) for o in self._items(body, "objectives")]
        overall = next((o for o in objectives if o.id == "0"), None)
        if overall is None and isinstance(body, dict) and isinstance(body.get("overall"), dict):
            overall = Objective.model_validate(body["overall"])
        measures = [
            Measure.model_validate(m) for m in self._items(self._json("GET", "/measures"), "measures")
        ]
        activities = [
            Activity.model_validate(a) for a in self._items(self._json("GET", "/activities"), "activities")
        ]
        indicators = [
            Indicator.model_validate(i) for i in self._items(self._json("GET", "/indicators"), "indicators")
        ]
        return Catalog(
            overall=overall,
            objectives=[o for o in objectives if o.id != "0"],
            measures=measures,
            activities=activities,
            indicators=indicators,
            source=self.base_url,
        )

    def _health_info(self) -> dict:
        if self._health is None:
            try:
                body = self._json("GET", "/health")
                self._health = body if isinstance(body, dict) else {}
            except BackendError:
                self._health = {}
        return self._health

    def modes(self) -> list[Mode]:
        mode = str(self._health_info().get("mode") or "")
        if mode.startswith("llm"):
            m = re.search(r"\((.*)\)", mode)
            return [Mode("server", f"LLM: {m.group(1) if m else mode} (configured on the server)")]
        if mode == "extractive":
            return [Mode("server", "Extractive (quotes the evaluation, no LLM)")]
        return [Mode("server", "As configured on the server")]

    def default_k(self) -> int:
        return int(get_settings().top_k)

    def warm(self) -> None:
        return None

    @staticmethod
    def _body(question: str, history: list[dict], filters: dict | None, k: int | None) -> dict:
        body: dict[str, Any] = {"question": question, "history": history}
        if filters:
            body["filters"] = filters
        if k:
            body["k"] = int(k)
        return body

    def ask(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Answer:
        body = self._json("POST", "/ask", json=self._body(question, history, filters, k))
        try:
            return Answer.model_validate(body)
        except Exception as exc:  # noqa: BLE001
            raise BackendError("Unexpected reply from the assistant's API (not an answer).") from exc

    def stream(
        self,
        question: str,
        history: list[dict],
        filters: dict | None,
        k: int | None = None,
        mode: str | None = None,
    ) -> Iterator[str | Answer]:
        text: list[str] = []
        final: Answer | None = None
        try:
            with self._client.stream(
                "POST",
                "/ask/stream",
                json=self._body(question, history, filters, k),
                headers={"Accept": "text/event-stream"},
            ) as resp:
                if resp.status_code == 404:
                    yield self.ask(question, history, filters, k=k, mode=mode)
                    return
                if resp.status_code >= 400:
                    resp.read()
                    resp.raise_for_status()
                for event, data in sse_events(resp.iter_lines()):
                    piece = parse_stream_event(event, data)
                    if isinstance(piece, Answer):
                        final = piece
                    elif isinstance(piece, str) and piece:
                        text.append(piece)
                        yield piece
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from exc
        if final is None:
            final = Answer(answer="".join(text))
        yield final

    def draft(self, request: str) -> DraftView:
        body = self._json("POST", "/draft", json={"request": request})
        if not isinstance(body, dict):
            raise BackendError("Unexpected reply from the assistant's API (not a draft).")
        covered = bool(body.get("covered", True))
        markdown = body.get("markdown") or body.get("text") or ""
        docx = None
        if covered:
            if not markdown:
                markdown = self._request(
                    "POST", "/draft", params={"format": "md"}, json={"request": request}
                ).text
            docx = self._request(
                "POST", "/draft", params={"format": "docx"}, json={"request": request}
            ).content
        return DraftView(
            request=request,
            title=str(body.get("title") or request),
            covered=covered,
            message=str(body.get("message") or ""),
            markdown=markdown,
            docx=docx,
            citations=_coerce_citations(body.get("citations")),
        )

    def feedback(self, answer_id: str, rating: str, comment: str | None, question: str, answer: str) -> None:
        self._request(
            "POST",
            "/feedback",
            json={
                "answer_id": answer_id,
                "rating": rating,
                "comment": comment or None,
                "question": question,
                "answer": answer,
            },
        )

    def passage(self, quote: str, ids: list[str], section: str = "") -> Passage | None:
        try:
            body = self._json("POST", "/search", json={"question": fold(quote)[:1000], "k": 8})
        except BackendError:
            return None
        chunks = []
        for s in self._items(body, "sources"):
            try:
                src = Source.model_validate(s)
            except Exception:  # noqa: BLE001
                continue
            meta = src.metadata
            chunk_ids = meta.get("ids") or []
            if isinstance(chunk_ids, str):
                chunk_ids = chunk_ids.split()
            chunks.append(
                (
                    src.text,
                    str(meta.get("section", "")),
                    str(meta.get("document", "")),
                    chunk_ids,
                    str(meta.get("kind", "")),
                    int(meta.get("line_start", 0) or 0),
                    int(meta.get("line_end", 0) or 0),
                )
            )
        return find_passage(chunks, quote, ids, section)


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a Server-Sent Events stream."""
    event, data = "message", list[str]()
    for line in lines:
        line = line.rstrip("\r")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    if data:
        yield event, "\n".join(data)


def parse_stream_event(event: str, data: str) -> str | Answer | None:
    """A text piece, the final Answer, or None, from one SSE event of /ask/stream."""
    if data.strip() == "[DONE]":
        return None
    try:
        obj = json.loads(data)
    except ValueError:
        obj = data
    if event == "error":
        detail = obj.get("detail") or obj.get("message") if isinstance(obj, dict) else obj
        raise BackendError(str(detail or "The assistant's API failed while answering."))
    if isinstance(obj, dict):
        if "answer" in obj and (
            "citations" in obj or "abstained" in obj or event in {"final", "done", "answer", "end"}
        ):
            return Answer.model_validate(obj)
        for key in ("text", "delta", "token", "content", "piece"):
            if isinstance(obj.get(key), str):
                return obj[key]
        return None
    return obj if isinstance(obj, str) else None


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
