"""OpenAI-compatible chat: `POST /v1/chat/completions` (streaming and not) and `GET /v1/models`.

The last user message is the question and the earlier messages its history. The reply text is the
assistant's answer followed by its citations ("[Activity 1.4.2.2] [Measure 1.3.5]") and a numbered
sources list, so any chat front end built for the OpenAI API shows where an answer comes from.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from app.api_models import MAX_HISTORY, MAX_QUESTION
from app.openai_models import (
    ChatChoice,
    ChatChoiceMessage,
    ChatCompletion,
    ChatRequest,
    EgovExtras,
    ModelCard,
    ModelList,
    OpenAIErrorResponse,
    Usage,
)
from app.security import require_api_key
from app.service import ApiError, answer_stream, app_settings, citations_text, current_index, log
from rag.ask import ask
from rag.models import Answer

MODEL_ID = "egov-assistant"
CREATED = 1_700_000_000


def _text(content: Any) -> str:
    """A message's text: the string itself, or its text parts joined."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(part.text for part in content if part.type in ("text", "input_text") and part.text)


def split_messages(body: ChatRequest) -> tuple[str, list[dict[str, str]]]:
    """(question, history): the last user message, and the turns before it (at most 20, roles mapped)."""
    last_user = max((i for i, m in enumerate(body.messages) if m.role == "user"), default=None)
    if last_user is None:
        return "", []
    question = _text(body.messages[last_user].content)
    if len(question) > MAX_QUESTION:
        raise ApiError(
            422,
            f"Invalid request: the question (last user message) has {len(question)} characters; "
            f"at most {MAX_QUESTION} are allowed.",
        )
    history = []
    for m in body.messages[:last_user]:
        text = _text(m.content)
        if not text.strip():
            continue
        role = m.role if m.role in ("user", "assistant") else "system"
        history.append({"role": role, "content": text})
    return question, history[-MAX_HISTORY:]


def unsupported(body: ChatRequest) -> tuple[str, str] | None:
    """(parameter, why) for a request this server cannot honour, which OpenAI's API would: one answer
    per request, no tools, text replies, no log-probabilities, sampling values in OpenAI's ranges.
    Other sampling parameters (max_tokens, stop, seed, penalties) are accepted and have no effect."""
    extra = body.model_extra or {}
    n = extra.get("n")
    if n is not None and n != 1:
        return "n", f"n={n!r} is not supported: this server gives one answer per request (n=1)."
    for key in ("tools", "functions"):
        if extra.get(key):
            return (
                key,
                f"`{key}` are not supported: the assistant answers from the evaluation and calls no tools.",
            )
    for key in ("tool_choice", "function_call"):
        if extra.get(key) not in (None, "none", "auto"):
            return key, f"`{key}` is not supported: the assistant calls no tools."
    fmt = extra.get("response_format")
    if fmt is not None and (not isinstance(fmt, dict) or fmt.get("type") != "text"):
        return "response_format", 'Only text replies are supported (response_format type "text").'
    if extra.get("logprobs") or extra.get("top_logprobs"):
        return (
            "logprobs",
            "Log-probabilities are not supported: the answers are extracted from the evaluation.",
        )
    for key, low, high in (("temperature", 0.0, 2.0), ("top_p", 0.0, 1.0)):
        value = extra.get(key)
        if value is not None and (
            not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high
        ):
            return key, f"{key} must be a number from {low:g} to {high:g} (got {value!r})."
    return None


def _tokens(text: str) -> int:
    return len(text.split())


def reply_text(answer: Answer) -> str:
    """The chat reply: the answer, then its citation labels and sources list."""
    return answer.answer + ("" if answer.abstained else citations_text(answer.citations))


def _extras(answer: Answer) -> EgovExtras:
    return EgovExtras(answer_id=answer.answer_id, abstained=answer.abstained, citations=answer.citations)


def _chunk(
    cid: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> str:
    payload = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def openai_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(require_api_key)])
    err: dict[int | str, dict[str, Any]] = {
        code: {"model": OpenAIErrorResponse} for code in (400, 401, 413, 422, 429, 500, 503)
    }

    @router.get(
        "/models",
        response_model=ModelList,
        summary="Models (OpenAI API)",
        responses={
            401: {"model": OpenAIErrorResponse},
            422: {"model": OpenAIErrorResponse},
            429: {"model": OpenAIErrorResponse},
            500: {"model": OpenAIErrorResponse},
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "object": "list",
                            "data": [
                                {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "egov"}
                            ],
                        }
                    }
                }
            },
        },
    )
    def models() -> ModelList:
        """The one model this server offers: the evaluation assistant."""
        return ModelList(data=[ModelCard(id=MODEL_ID, created=CREATED)])

    @router.post(
        "/chat/completions",
        response_model=ChatCompletion,
        summary="Chat completions (OpenAI API)",
        responses={
            **err,
            200: {
                "description": "A chat.completion object; with `stream: true`, `text/event-stream` of "
                "chat.completion.chunk objects ending with `data: [DONE]`.",
                "content": {
                    "text/event-stream": {
                        "itemSchema": {
                            "type": "object",
                            "properties": {
                                "data": {
                                    "type": "string",
                                    "description": "A chat.completion.chunk as JSON, or [DONE].",
                                }
                            },
                        }
                    }
                },
            },
        },
    )
    def chat_completions(body: ChatRequest, request: Request, _index: Any = Depends(current_index)) -> Any:
        """Answer the last user message, with the conversation before it as history. Any `model` name is
        accepted; what cannot be honoured (n > 1, tools, non-text formats, log-probabilities, sampling
        values out of range) is refused with 400; other sampling parameters have no effect (answers are
        grounded in the evaluation). Errors come in OpenAI's shape: {"error": {"message", "type", "param",
        "code"}}."""
        refused = unsupported(body)
        if refused is not None:
            raise ApiError(400, refused[1], param=refused[0])
        settings = app_settings(request)
        question, history = split_messages(body)
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        model = body.model or MODEL_ID
        if not body.stream:
            answer = ask(question, history=history, settings=settings)
            content = reply_text(answer)
            prompt = _tokens(question) + sum(_tokens(t["content"]) for t in history)
            return ChatCompletion(
                id=cid,
                created=created,
                model=model,
                choices=[ChatChoice(message=ChatChoiceMessage(content=content))],
                usage=Usage(
                    prompt_tokens=prompt,
                    completion_tokens=_tokens(content),
                    total_tokens=prompt + _tokens(content),
                ),
                egov=_extras(answer),
            )
        include_usage = bool(body.stream_options and body.stream_options.include_usage)

        def events() -> Iterator[str]:
            yield _chunk(cid, created, model, {"role": "assistant", "content": ""})
            produced = 0
            try:
                for item in answer_stream(question, history, None, settings):
                    if isinstance(item, Answer):
                        tail = "" if item.abstained else citations_text(item.citations)
                        if tail:
                            produced += _tokens(tail)
                            yield _chunk(cid, created, model, {"content": tail})
                        yield _chunk(
                            cid, created, model, {}, "stop", egov=_extras(item).model_dump(mode="json")
                        )
                    elif item:
                        produced += _tokens(item)
                        yield _chunk(cid, created, model, {"content": item})
            except Exception as exc:  # noqa: BLE001 - headers are sent: end the stream with a readable message
                log.exception("chat stream failed")
                yield _chunk(
                    cid,
                    created,
                    model,
                    {"content": f"\n\n[error: the answer could not be completed ({type(exc).__name__})]"},
                    "stop",
                )
            if include_usage:
                prompt = _tokens(question) + sum(_tokens(t["content"]) for t in history)
                usage = {
                    "prompt_tokens": prompt,
                    "completion_tokens": produced,
                    "total_tokens": prompt + produced,
                }
                yield f"data: {json.dumps({'id': cid, 'object': 'chat.completion.chunk', 'created': created, 'model': model, 'choices': [], 'usage': usage})}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router
