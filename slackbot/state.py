"""Kiki's Slack bookkeeping in Redis: delivery dedup, queued questions,
threads Kiki answered (thread -> conversation) and the identity cache.

Redis rather than the SQL database because every key here is short-lived,
written on the acknowledgement path (one SET NX is ~0.2 ms) and shared by
the web process, the Socket Mode process and the Celery workers.
"""
from __future__ import annotations

import json
import os
import threading

import redis
from django.conf import settings

PREFIX = "kiki:slack:"
# Slack retries an event up to three times within about five minutes; a day
# of memory is ample and cheap.
DELIVERY_TTL = 24 * 3600
REQUEST_TTL = 24 * 3600
# Threads stay "Kiki threads" for a month of follow-ups.
THREAD_TTL = 30 * 24 * 3600

_lock = threading.Lock()
_client: redis.Redis | None = None
_client_key: tuple | None = None


def client() -> redis.Redis:
    """One connection pool per process and Redis URL (re-created after a fork)."""
    global _client, _client_key
    key = (settings.REDIS_URL, os.getpid())
    with _lock:
        if _client is None or _client_key != key:
            _client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True,
                                           socket_connect_timeout=2, socket_timeout=5)
            _client_key = key
        return _client


def claim(name: str, ttl: int = DELIVERY_TTL, value: str = "1") -> bool:
    """True the first time `name` is claimed within `ttl`; False for repeats.
    This is what makes retries and duplicate deliveries harmless."""
    return bool(client().set(PREFIX + "claim:" + name, value, nx=True, ex=ttl))


def admit_question(event_id: str | None, request_id: str, payload: dict) -> bool:
    """Claim the delivery (event_id) and store the question in one round trip.
    True only if both are new: a retried or duplicated delivery, or a second
    event for the same Slack message (app_mention + message), is not queued."""
    pipe = client().pipeline(transaction=False)
    if event_id:
        pipe.set(PREFIX + "claim:event:" + event_id, "1", nx=True, ex=DELIVERY_TTL)
    pipe.set(PREFIX + "req:" + request_id, json.dumps(payload), nx=True, ex=REQUEST_TTL)
    return all(pipe.execute())


def release_question(event_id: str | None, request_id: str) -> None:
    """Undo admit_question when the task could not be queued, so that Slack's
    retry of the delivery (we answer 500) is admitted again."""
    keys = [PREFIX + "req:" + request_id] + ([PREFIX + "claim:event:" + event_id] if event_id else [])
    client().delete(*keys)


def load_request(request_id: str) -> dict | None:
    raw = client().get(PREFIX + "req:" + request_id)
    return json.loads(raw) if raw else None


def remember_thread(channel: str, thread_ts: str, conversation: str, question: str) -> None:
    """Mark a thread as one Kiki answered in, with its conversation id and the
    last question (the topic a human handoff is about)."""
    key = f"{PREFIX}thread:{channel}:{thread_ts}"
    pipe = client().pipeline()
    pipe.hset(key, mapping={"conversation": conversation or "", "topic": question[:500]})
    pipe.expire(key, THREAD_TTL)
    pipe.execute()


def thread_info(channel: str, thread_ts: str | None) -> dict | None:
    if not thread_ts:
        return None
    info = client().hgetall(f"{PREFIX}thread:{channel}:{thread_ts}")
    return info or None


def is_kiki_thread(channel: str, thread_ts: str | None) -> bool:
    return bool(thread_ts) and bool(client().exists(f"{PREFIX}thread:{channel}:{thread_ts}"))


def cache_get(name: str) -> str | None:
    return client().get(PREFIX + "cache:" + name)


def cache_set(name: str, value: str, ttl: int) -> None:
    client().set(PREFIX + "cache:" + name, value, ex=ttl)
