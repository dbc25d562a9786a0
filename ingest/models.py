"""Django-side records of the ingest app: SCIM bearer tokens (and sync runs)."""
from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

SCIM_TOKEN_PREFIX_LEN = 16  # "kiki_scim_" + 6 random characters


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ScimTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked__isnull=True)


class ScimToken(models.Model):
    """A bearer token an identity provider (Okta, Entra ID) uses on /scim/v2/.

    Only the sha256 of the token is stored; the raw value is shown once, when
    it is created. `prefix` (the first characters) identifies it in lists."""

    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=SCIM_TOKEN_PREFIX_LEN, db_index=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = "SCIM token"

    def __str__(self) -> str:
        state = "revoked" if self.revoked else "active"
        return f"{self.name} ({self.prefix}…, {state})"

    @property
    def is_active(self) -> bool:
        return self.revoked is None

    @classmethod
    def issue(cls, name: str) -> tuple["ScimToken", str]:
        """Create a token; returns the record and the raw token (never stored)."""
        raw = "kiki_scim_" + secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, token_hash=hash_token(raw), prefix=raw[:SCIM_TOKEN_PREFIX_LEN])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> "ScimToken | None":
        """The active token matching `raw`, stamping last_used (at most once a minute)."""
        if not raw:
            return None
        token = cls.objects.active().filter(token_hash=hash_token(raw)).first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
        return token

    def revoke(self) -> None:
        if self.revoked is None:
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])


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
