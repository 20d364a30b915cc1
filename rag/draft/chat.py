"""The chat route for drafting requests: the draft as an Answer with its citations and sources."""

from __future__ import annotations

from core.settings import Settings, get_settings
from rag.draft.compose import draft
from rag.draft.rewrite import _sources
from rag.index import IndexMissing, get_index
from rag.language import Language
from rag.messages import msg
from rag.models import Answer, Intent


def draft_answer(
    question: str, settings: Settings | None = None, answer_id: str = "", language: Language = Language.EN
) -> Answer:
    """The chat route for drafting requests: the draft as Markdown, with its citations and sources. A topic the
    evaluation does not cover is said in the request's `language`; the draft itself is in the evaluation's."""
    settings = settings or get_settings()
    try:
        doc = draft(question, settings=settings)
        index = get_index(settings)
    except IndexMissing as exc:
        return Answer(
            answer=f"The index is not built yet ({exc}).",
            abstained=True,
            intent=Intent.NO_INDEX,
            answer_id=answer_id,
        )
    sources = _sources(index, doc.chunk_ids[:20])
    if not doc.covered:
        uncovered = doc.off_topic and language is not Language.EN
        return Answer(
            answer=msg("draft.not_covered").render(language)
            if uncovered
            else doc.message or "The evaluation does not cover this.",
            language=language.value if uncovered else Language.EN.value,
            abstained=True,
            citations=[],
            sources=sources,
            intent=Intent.DRAFT,
            answer_id=answer_id,
            mode=doc.mode,
        )
    return Answer(
        answer=doc.to_markdown(),
        abstained=False,
        citations=doc.citations,
        sources=sources,
        intent=Intent.DRAFT,
        answer_id=answer_id,
        mode=doc.mode,
    )
