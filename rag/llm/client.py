"""The chat model: building it from the settings, reading its replies, and saying why it failed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

OLLAMA_DEFAULT_URL = "http://localhost:11434"


class LLMConfigError(ValueError):
    """The LLM settings cannot work (no model name, no server address, unknown provider)."""


def llm_url(settings: Settings) -> str:
    """The server address the settings point at (Ollama's default when none is given)."""
    if settings.llm_provider == "ollama":
        return settings.llm_base_url or OLLAMA_DEFAULT_URL
    return settings.llm_base_url or "(no EGOV_LLM_BASE_URL)"


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model the settings configure: ChatOpenAI (any OpenAI-compatible server) or ChatOllama."""
    provider = settings.llm_provider
    if provider == "none":
        raise LLMConfigError("no language model is configured (EGOV_LLM_PROVIDER is 'none')")
    if not settings.llm_model.strip():
        raise LLMConfigError(f"EGOV_LLM_MODEL is not set: name the model the {provider} server should run")
    base_url = (settings.llm_base_url or "").strip()
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        raise LLMConfigError(f"EGOV_LLM_BASE_URL must be an http(s) URL, not {base_url!r}")
    if settings.llm_timeout <= 0:
        raise LLMConfigError("EGOV_LLM_TIMEOUT must be a positive number of seconds")
    if provider == "openai":
        if not base_url:
            raise LLMConfigError(
                "EGOV_LLM_BASE_URL is not set: give the OpenAI-compatible server's address, "
                "e.g. http://localhost:8000/v1 (vLLM) or http://localhost:8080/v1 (llama.cpp)"
            )
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        return ChatOpenAI(
            base_url=base_url,
            api_key=SecretStr(settings.llm_api_key or "none"),
            model=settings.llm_model,
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=0,
            use_responses_api=False,
        )
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=base_url or OLLAMA_DEFAULT_URL,
            model=settings.llm_model,
            temperature=0,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    raise LLMConfigError(f"unknown EGOV_LLM_PROVIDER {provider!r}: use none, openai or ollama")


def content_text(message: Any) -> str:
    """The text of a chat model's message or chunk; anything else is an unusable reply."""
    content = getattr(message, "content", None)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    raise TypeError(f"the model returned {type(message).__name__} without text content")


# ---------------------------------------------------------------- errors


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out and len(out) < 8:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return out


def error_notice(exc: BaseException, settings: Settings) -> str:
    """A plain message saying why the language model's answer is not shown."""
    url = llm_url(settings)
    tail = "; showing the extractive answer."
    if isinstance(exc, LLMConfigError):
        return f"The language model is not configured correctly ({exc}){tail}"
    import httpx

    try:
        import openai

        timeouts: tuple[type, ...] = (openai.APITimeoutError, httpx.TimeoutException, TimeoutError)
        connects: tuple[type, ...] = (openai.APIConnectionError, httpx.TransportError, ConnectionError)
        statuses: tuple[type, ...] = (openai.APIStatusError,)
    except ImportError:  # pragma: no cover
        timeouts, connects, statuses = (
            (httpx.TimeoutException, TimeoutError),
            (httpx.TransportError, ConnectionError),
            (),
        )
    chain = _chain(exc)
    if any(isinstance(e, timeouts) for e in chain):
        return f"The language model at {url} did not answer within {settings.llm_timeout:g} s{tail}"
    for e in chain:
        code = getattr(e, "status_code", None)
        if isinstance(e, statuses) or (isinstance(code, int) and code >= 400):
            return f"The language model at {url} answered with an error (HTTP {code}){tail}"
    if any(isinstance(e, connects) for e in chain):
        return f"The language model at {url} could not be reached{tail}"
    return f"The language model at {url} gave an unusable reply ({type(exc).__name__}){tail}"
