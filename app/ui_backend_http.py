"""The HTTP UI backend: talks to the FastAPI service (app/api.py) at EGOV_API_URL, SSE streaming included."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from app.ui_backend_base import (
    BackendError,
    DraftView,
    FeatureMissing,
    Mode,
    Passage,
    coerce_citations,
    find_passage,
    fold,
)
from app.ui_words import language_of
from core.settings import get_settings
from ingest.records import Activity, Catalog, Indicator, Measure, Objective
from rag.language import resolve
from rag.models import Answer, Source


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
            return answer_from_json(body)
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
        if final is None:  # no final event: the text as the answer, in the language the engine answers in
            earlier = [t.get("content", "") for t in reversed(history) if t.get("role") == "user"]
            final = Answer(answer="".join(text), language=resolve(None, question, earlier).value)
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
            citations=coerce_citations(body.get("citations")),
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


def answer_from_json(obj: Any) -> Answer:
    """An Answer from the API's JSON; its `language` one of en, sr-Latn, sr-Cyrl ("en" when absent or null, as
    from an API that predates it)."""
    if not isinstance(obj, dict):
        raise ValueError("an answer is a JSON object")
    return Answer.model_validate({**obj, "language": language_of(obj.get("language")).value})


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
            return answer_from_json(obj)
        for key in ("text", "delta", "token", "content", "piece"):
            if isinstance(obj.get(key), str):
                return obj[key]
        return None
    return obj if isinstance(obj, str) else None
