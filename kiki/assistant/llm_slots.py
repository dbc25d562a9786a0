"""A cap on concurrent LLM calls in this process (KIKI_LLM_MAX_CONCURRENT).

A question that finds every slot busy for KIKI_LLM_QUEUE_SECONDS is answered
by the offline planner instead (LLMUnavailable, the usual fallback), so a
burst of questions cannot pile up unbounded calls, cost and latency. The cap
is per process: with W web workers at most W x cap calls run at once."""
from __future__ import annotations

import threading
from typing import Iterator

from django.conf import settings

_lock = threading.Lock()
_sem: threading.BoundedSemaphore | None = None
_size = 0


def _semaphore() -> threading.BoundedSemaphore:
    global _sem, _size
    with _lock:
        wanted = max(1, settings.KIKI_LLM_MAX_CONCURRENT)
        if _sem is None or _size != wanted:  # settings changed (tests)
            _sem, _size = threading.BoundedSemaphore(wanted), wanted
        return _sem


def limited(events: Iterator) -> Iterator:
    """Iterate an LLM run while holding a slot; LLMUnavailable if none frees up in time."""
    from .llm import LLMUnavailable

    sem = _semaphore()
    if not sem.acquire(timeout=settings.KIKI_LLM_QUEUE_SECONDS):
        events.close()
        raise LLMUnavailable(f"all {_size} language-model slots are busy")
    try:
        yield from events
    finally:
        sem.release()
