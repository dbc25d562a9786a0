"""Celery tasks of the ingest app: one `run_sync` per connector sync (the beat
schedule in settings queues it per source). Thin: the work and the SyncRun
record live in `ingest.runs`; this adds retries with backoff for transient
failures (graph, Redis or source unreachable). Safe to run twice: the merge
is idempotent and the per-source lock stops overlaps."""
from __future__ import annotations

from celery import shared_task

from kiki.errors import KikiError

from . import runs

MAX_RETRIES = 5


@shared_task(bind=True, name="ingest.tasks.run_sync", acks_late=True, max_retries=MAX_RETRIES)
def run_sync(self, source_name: str, dry_run: bool = False) -> dict:
    """Sync one source; returns {run_id, status, created, updated, ...}. A
    permanent failure (bad config, malformed export) is recorded and returned,
    not retried; a transient one is retried after 10 s, 20 s, 40 s… (max 10 min)."""
    try:
        run = runs.execute(source_name, dry_run=dry_run, trigger="task", task_id=self.request.id or "")
    except KikiError as e:
        if runs.is_transient(e) and self.request.retries < MAX_RETRIES:
            raise self.retry(exc=e, countdown=min(600, 10 * 2 ** self.request.retries))
        from .models import SyncRun
        run = SyncRun.objects.filter(source=source_name, task_id=self.request.id or "").first()
        return {"run_id": run.pk if run else None, "status": "failed", "error": str(e)}
    return {"run_id": run.pk, "status": run.status, "created": run.created, "updated": run.updated,
            "unchanged": run.unchanged, "retired": run.retired, "rejected": run.rejected, "error": run.error}
