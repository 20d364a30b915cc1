"""Answers with citations over the evaluation: `from rag.ask import ask`, `from rag.search import search`."""
