"""Warm-up for web processes: load on a background thread what the first
requests would otherwise wait for — every URL module (SCIM's schema models
take seconds to import) and the embedding model behind search — so a fresh
worker answers its first Slack event within Slack's 3 seconds and its first
search in milliseconds. `/healthz?warm=1` answers 503 until it is done."""
from __future__ import annotations

import logging
import threading

from django.conf import settings

log = logging.getLogger(__name__)

_done = threading.Event()
_lock = threading.Lock()
_started = False


def start() -> None:
    """Start warming once per process (kiki/wsgi.py calls it)."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_warm, name="kiki-warm-up", daemon=True).start()


def _warm() -> None:
    try:
        from django.urls import get_resolver

        get_resolver().url_patterns  # imports every app's URLconf and views
        if settings.KIKI_WARM_EMBEDDINGS:
            from kiki.embeddings import EmbeddingUnavailable, get_embedder
            try:
                get_embedder().encode(["warm up"])
            except EmbeddingUnavailable as e:
                log.warning("search stays full-text only: %s", e)
    except Exception:  # never take the web process down; requests load lazily instead
        log.exception("warm-up failed")
    finally:
        _done.set()


def ready() -> bool:
    return _done.is_set()
