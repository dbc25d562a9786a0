"""A cap on concurrent LLM calls across every web and worker process
(KIKI_LLM_MAX_CONCURRENT).

A question that finds every slot busy for KIKI_LLM_QUEUE_SECONDS is answered
by the offline engine instead (LLMUnavailable, the usual fallback), so a
burst of questions cannot pile up unbounded calls, cost and latency.

The slots live in Redis (KIKI_LLM_SLOTS_STORE=redis, the default when the
rate limits use Redis): one sorted set whose members are the holders and
whose scores are their lease deadlines. Taking a slot is one Lua script, so
two processes can never both take the last one; a holder renews its lease on
every event of its run, and a process that died holding a slot loses it when
the lease runs out instead of shrinking the cap for good. Without Redis (a
laptop, or Redis down) the cap falls back to one semaphore per process.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Iterator

from django.conf import settings

log = logging.getLogger(__name__)

KEY = "kiki:llm-slots"

# KEYS[1] the set; ARGV: now, cap, holder, deadline. Drop expired leases,
# then take a slot if one is free. Returns 1 when taken.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
  return 1
end
return 0
"""

_lock = threading.Lock()
_sem: threading.BoundedSemaphore | None = None
_size = 0
_clients: dict[str, object] = {}


def _cap() -> int:
    return max(1, settings.KIKI_LLM_MAX_CONCURRENT)


def _semaphore() -> threading.BoundedSemaphore:
    """The per-process fallback."""
    global _sem, _size
    with _lock:
        wanted = _cap()
        if _sem is None or _size != wanted:  # settings changed (tests)
            _sem, _size = threading.BoundedSemaphore(wanted), wanted
        return _sem


def _redis():
    url = settings.KIKI_LLM_SLOTS_URL
    with _lock:
        client = _clients.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
            _clients[url] = client
        return client


class _RedisSlot:
    def __init__(self, client):
        self.client = client
        self.holder = secrets.token_hex(8)
        self.take = client.register_script(_TAKE)

    def _deadline(self) -> float:
        return time.time() + settings.KIKI_LLM_SLOT_LEASE_SECONDS

    def acquire(self, timeout: float) -> bool:
        give_up = time.monotonic() + timeout
        while True:
            if self.take(keys=[KEY], args=[time.time(), _cap(), self.holder, self._deadline()]):
                return True
            if time.monotonic() >= give_up:
                return False
            time.sleep(min(0.05, max(0.0, give_up - time.monotonic())))

    def renew(self) -> None:
        self.client.zadd(KEY, {self.holder: self._deadline()}, xx=True)

    def release(self) -> None:
        self.client.zrem(KEY, self.holder)


class _LocalSlot:
    def __init__(self):
        self.sem = _semaphore()

    def acquire(self, timeout: float) -> bool:
        return self.sem.acquire(timeout=timeout)

    def renew(self) -> None:
        pass

    def release(self) -> None:
        self.sem.release()


def _slot():
    if settings.KIKI_LLM_SLOTS_STORE == "redis":
        return _RedisSlot(_redis())
    return _LocalSlot()


def busy_slots() -> int:
    """How many slots are held right now (for the admin and tests)."""
    if settings.KIKI_LLM_SLOTS_STORE == "redis":
        client = _redis()
        client.zremrangebyscore(KEY, "-inf", time.time())
        return client.zcard(KEY)
    sem = _semaphore()
    return _size - sem._value


def limited(events: Iterator) -> Iterator:
    """Iterate an LLM run while holding a slot; LLMUnavailable if none frees up in time."""
    from .llm import LLMUnavailable

    slot = _slot()
    try:
        taken = slot.acquire(settings.KIKI_LLM_QUEUE_SECONDS)
    except Exception as e:  # Redis down: the cap still holds, per process
        log.warning("LLM slots in Redis unavailable (%s); capping this process only", e)
        slot = _LocalSlot()
        taken = slot.acquire(settings.KIKI_LLM_QUEUE_SECONDS)
    if not taken:
        events.close()
        raise LLMUnavailable(f"all {_cap()} language-model slots are busy")
    try:
        for event in events:
            try:
                slot.renew()
            except Exception:  # a lost renewal shortens the lease, never the answer
                log.warning("could not renew an LLM slot lease", exc_info=True)
            yield event
    finally:
        try:
            slot.release()
        except Exception:  # the lease runs out on its own
            log.warning("could not release an LLM slot", exc_info=True)
