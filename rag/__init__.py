"""Answers with citations over the evaluation: `from rag import ask, search`."""

from __future__ import annotations

from rag.ask import ask  # noqa: E402  (binds rag.ask to the function, not the submodule)
from rag.search import search

__all__ = ["ask", "search"]
