"""Django-side records of the ingest app: sync runs, their rejected records and conflicts."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

# SCIM's bearer tokens are accounts.models.ApiToken with the "scim" scope
# (ingest/scim/tokens.py); the old ScimToken rows were converted by migration 0003.


class SyncRun(models.Model):
    """One run of one connector (real or dry): when, outcome, counts, and the
    plan's samples. Rejected records and conflicts hang off it."""

    RUNNING, SUCCEEDED, FAILED, SKIPPED = "running", "succeeded", "failed", "skipped"
    STATUSES = [(RUNNING, "Running"), (SUCCEEDED, "Succeeded"), (FAILED, "Failed"), (SKIPPED, "Skipped")]

    source = models.CharField(max_length=50, db_index=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=RUNNING, db_index=True)
    dry_run = models.BooleanField(default=False)
    full = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, default="manual", help_text="manual, schedule, task, admin")
    task_id = models.CharField(max_length=64, blank=True, default="")
    started = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    edges_created = models.PositiveIntegerField(default=0)
    edges_closed = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    samples = models.JSONField(default=dict, blank=True)
    counters = models.JSONField(default=dict, blank=True, help_text="Neo4j write counters")

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.source} {self.started:%Y-%m-%d %H:%M} {self.status}{' (dry run)' if self.dry_run else ''}"

    @property
    def duration(self):
        return (self.finished - self.started) if self.finished else None


class RejectedRecord(models.Model):
    """A source record the sync could not use, with its source id and why."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="rejected_records")
    source_id = models.CharField(max_length=300)
    item = models.CharField(max_length=300, blank=True, default="")
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.source_id}: {self.reason}"


class Conflict(models.Model):
    """Two sources disagreed on a field; priority kept one value."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="conflicts")
    label = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    field = models.CharField(max_length=100)
    kept_value = models.TextField(blank=True, default="")
    kept_source = models.CharField(max_length=50)
    other_value = models.TextField(blank=True, default="")
    other_source = models.CharField(max_length=50)

    def __str__(self) -> str:
        return f"{self.label} {self.key} {self.field}: {self.kept_source} over {self.other_source}"
