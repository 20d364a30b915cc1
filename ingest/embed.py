"""Sentence-transformers embeddings, loaded once from a local path, never from the network."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

_lock = threading.Lock()


class Embedder:
    """Wraps a SentenceTransformer: normalised vectors, thread-safe, loaded on first use."""

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            with _lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: list[str], batch_size: int = 64) -> list[list[float]]:
        """Unit-length embeddings of texts, in order."""
        if not texts:
            return []
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return vectors.tolist()


class HashEmbedder(Embedder):
    """Deterministic bag-of-words hashing vectors ('hash:DIM'): for tests that do not care about meaning."""

    def __init__(self, model_path: str) -> None:
        super().__init__(model_path)
        self.dim = int(model_path.split(":", 1)[1] or 64)

    def embed(self, texts: list[str], batch_size: int = 64) -> list[list[float]]:
        import hashlib
        import math
        import re

        out = []
        for text in texts:
            vec = [0.0] * self.dim
            for word in re.findall(r"\w+", text.lower()):
                vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out


@lru_cache(maxsize=4)
def get_embedder(model_path: str) -> Embedder:
    """One embedder per model path per process; 'hash:DIM' gives the test embedder."""
    return HashEmbedder(model_path) if model_path.startswith("hash:") else Embedder(model_path)


@register_embedding_function
class EgovEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over our Embedder, so Chroma never reaches for its default model."""

    def __init__(self, model_path: str) -> None:
        self.model_path = model_path

    def __call__(self, input: Documents) -> Embeddings:
        import numpy as np

        return [np.asarray(v, dtype="float32") for v in get_embedder(self.model_path).embed(list(input))]

    @staticmethod
    def name() -> str:
        return "egov-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        return {"model_path": self.model_path}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> EgovEmbeddingFunction:
        return EgovEmbeddingFunction(config["model_path"])

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
