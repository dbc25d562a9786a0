"""The jobs layer: run one source's sync end to end — lock, read, merge,
record a SyncRun — used alike by the Celery task, `manage.py sync` and the
admin's preview. Nothing here writes Cypher; the merge engine does.

One sync per source at a time: a Redis lock `kiki:sync-lock:<source>` with a
short TTL renewed after every written chunk, so a killed worker's lock
expires within `KIKI_SYNC_LOCK_TTL` seconds and the next run can proceed.
Dry runs write nothing and take no lock.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import datetime

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kiki.errors import GraphUnavailable, IngestError, KikiError

from . import actions, merge, registry
from .models import Conflict, RejectedRecord, SyncRun

log = logging.getLogger(__name__)

TRANSIENT_CODES = {"source_unreachable", "source_unavailable", "graph_unavailable", "lock_unavailable"}
MAX_TEXT = 2000


def is_transient(error: Exception) -> bool:
    """Worth retrying later: the graph, Redis or the source was unreachable."""
    return isinstance(error, GraphUnavailable) or getattr(error, "code", "") in TRANSIENT_CODES


class SourceBusy(IngestError):
    code = "source_busy"


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3, socket_timeout=5)


def lock_name(source: str) -> str:
    return f"kiki:sync-lock:{source}"


@contextmanager
def source_lock(source: str):
    """Hold the per-source lock; yields a `check()` callable that raises if the
    lock was lost. A heartbeat thread renews the TTL every third of it, so a
    slow read or plan keeps the lock while a killed process loses it quickly.
    Raises SourceBusy when another sync of the source holds it."""
    ttl = settings.KIKI_SYNC_LOCK_TTL
    try:
        # thread_local=False: the heartbeat thread renews with the same token.
        lock = _redis().lock(lock_name(source), timeout=ttl, blocking=False, thread_local=False)
        acquired = lock.acquire()
    except redis.RedisError as e:
        raise IngestError(f"cannot take the sync lock for {source!r}: Redis unavailable ({e})",
                          code="lock_unavailable") from e
    if not acquired:
        raise SourceBusy(f"another sync of {source!r} is running; skipped")
    stop = threading.Event()
    lost: list[str] = []

    def heartbeat():
        while not stop.wait(max(ttl / 3, 0.2)):
            try:
                lock.reacquire()
            except redis.RedisError as e:
                lost.append(str(e))
                return

    thread = threading.Thread(target=heartbeat, name=f"sync-lock-{source}", daemon=True)
    thread.start()

    def check():
        if lost:  # stop before writing more: another sync may own the source now
            raise IngestError(f"lost the sync lock for {source!r}: {lost[0]}", code="lock_unavailable")
    try:
        yield check
    finally:
        stop.set()
        thread.join(5)
        try:
            lock.release()
        except redis.RedisError:
            pass  # expired or Redis gone: the TTL cleans up


def execute(source: str, *, dry_run: bool = False, trigger: str = "manual", task_id: str = "",
            progress: merge.Progress | None = None, now: datetime | None = None) -> SyncRun:
    """Run one sync of `source` and return its SyncRun. A failure (unknown
    source, unreachable source, graph down) is recorded on the run and then
    re-raised as a KikiError; a busy source gives a 'skipped' run."""
    run = SyncRun.objects.create(source=source, dry_run=dry_run, trigger=trigger, task_id=task_id or "")
    try:
        connector = registry.get(source)
        run.full = connector.full
        if dry_run:
            report = _sync(connector, dry_run=True, progress=progress, now=now, renew=None)
        else:
            with source_lock(source) as renew:
                # Whoever held the lock before us is gone: its 'running' rows are dead.
                SyncRun.objects.filter(source=source, status=SyncRun.RUNNING, dry_run=False) \
                    .exclude(pk=run.pk).update(status=SyncRun.FAILED, finished=timezone.now(),
                                               error="interrupted: the worker stopped before the sync finished")
                report = _sync(connector, dry_run=False, progress=progress, now=now, renew=renew)
    except SourceBusy as e:
        _finish(run, SyncRun.SKIPPED, str(e))
        return run
    except KikiError as e:
        _finish(run, SyncRun.FAILED, f"{e.code}: {e}")
        raise
    except Exception as e:  # a connector bug: record it, then let the task fail loudly
        _finish(run, SyncRun.FAILED, f"unexpected {type(e).__name__}: {e}")
        raise
    _record(run, report)
    if (report.changed_keys or report.restricted_keys) and not dry_run:
        actions.refresh_embeddings(report.changed_keys, restricted=report.restricted_keys,
                                   after_django=True)  # the run record commits first
    return run


def _sync(connector, *, dry_run, progress, now, renew) -> merge.SyncReport:
    batch = connector.read()  # IngestError before anything is written

    def on_progress(phase, done, total):
        if renew:
            renew()
        if progress:
            progress(phase, done, total)
    return merge.sync(batch, full=connector.full, dry_run=dry_run, now=now, progress=on_progress)


def _finish(run: SyncRun, status: str, error: str = "") -> None:
    run.status, run.error, run.finished = status, error[:MAX_TEXT * 5], timezone.now()
    run.save(update_fields=["status", "error", "finished", "full"])


def _text(value) -> str:
    return str(value)[:MAX_TEXT] if value is not None else ""


@transaction.atomic
def _record(run: SyncRun, report: merge.SyncReport) -> None:
    for f in ("created", "updated", "unchanged", "stale", "retired", "rejected", "edges_created", "edges_closed"):
        setattr(run, f, getattr(report, f))
    run.conflict_count = len(report.conflicts)
    run.samples = dict(report.samples)
    run.counters = dict(report.counters, **{f"inferred_{k}": v for k, v in report.inference_counters.items() if v})
    run.status, run.finished = SyncRun.SUCCEEDED, timezone.now()
    run.save()
    RejectedRecord.objects.bulk_create(
        RejectedRecord(run=run, source_id=_text(p.where)[:300], item=_text(p.item)[:300], reason=_text(p.message))
        for p in report.rejected_records)
    Conflict.objects.bulk_create(
        Conflict(run=run, label=c.label, key=c.key[:200], field=c.field[:100], kept_value=_text(c.kept_value),
                 kept_source=c.kept_source or "", other_value=_text(c.other_value), other_source=c.other_source or "")
        for c in report.conflicts)
