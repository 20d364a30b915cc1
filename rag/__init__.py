"""Answers with citations over the evaluation: `from rag import ask, search`."""
from __future__ import annotations

from typing import Any


def ask(question: str, history: Any = None, filters: Any = None, **kwargs: Any) -> Any:
    """Answer a question; see rag.ask.ask (imported lazily so `import rag` stays cheap)."""
    from rag.ask import ask as _ask

    return _ask(question, history=history, filters=filters, **kwargs)


def search(question: str, filters: Any = None, k: int = 8, **kwargs: Any) -> Any:
    """Ranked sources only; see rag.search.search."""
    from rag.search import search as _search

    return _search(question, filters=filters, k=k, **kwargs)


__all__ = ["ask", "search"]
