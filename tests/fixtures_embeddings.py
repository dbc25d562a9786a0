"""Shared fixtures for tests that embed: the real all-MiniLM-L6-v2 model,
loaded once per test session, and a wrapper that counts what gets encoded."""
from __future__ import annotations

import pytest

from kiki.embeddings import Embedder, get_embedder


class CountingEmbedder:
    """Wraps a real Embedder and records every encode call (not a mock: the
    vectors come from the model)."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.inner.encode(texts)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The process-wide embedder with its model loaded (search uses the same one)."""
    emb = get_embedder()
    emb.encode(["warm up"])
    return emb


@pytest.fixture
def counting_embedder(embedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)
