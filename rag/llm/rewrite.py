"""The drafter's prose rewritten by the model, held to the draft's sources and IDs."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.ids import find_ids
from core.settings import Settings, get_settings
from rag.llm.citation_guard import GuardStream, _catalog
from rag.llm.client import content_text, make_chat_model
from rag.llm.prompts import PROMPT_FACTS, REWRITE_PROMPT, format_sources
from rag.models import Source

log = logging.getLogger(__name__)


def rewrite_prose(
    text: str, sources: Sequence[Source] | Sequence[dict], settings: Settings | None = None
) -> str | None:
    """The draft's prose rewritten by the model and guarded; None when no model is configured, on any
    failure, when nothing grounded survives, or when the rewrite loses an ID the draft names."""
    settings = settings or get_settings()
    if settings.llm_provider == "none" or not text.strip():
        return None
    srcs = [s if isinstance(s, Source) else Source.model_validate(s) for s in sources]
    try:
        from langchain_core.messages import HumanMessage, SystemMessage

        model = make_chat_model(settings)
        reply = content_text(
            model.invoke(
                [SystemMessage(REWRITE_PROMPT.format(sources=format_sources(srcs))), HumanMessage(text)]
            )
        )
    except Exception as exc:  # noqa: BLE001
        log.warning("LLM rewrite failed (%s: %s); keeping the draft", type(exc).__name__, exc)
        return None
    catalog = _catalog(settings)
    period = f"action plan {catalog.plan_period()}" if catalog is not None else ""
    stream = GuardStream(srcs, catalog, extra_support=[*PROMPT_FACTS, period, text])
    stream.feed(reply)
    stream.finish()
    out = stream.text.strip()
    if not out or stream.abstained:
        return None
    known = catalog.all_ids() if catalog is not None else None
    wanted = [i for i in find_ids(text) if known is None or i in known]
    if any(i not in find_ids(out) for i in wanted):
        log.info("LLM rewrite lost IDs %s; keeping the draft", [i for i in wanted if i not in find_ids(out)])
        return None
    return out
