"""API tokens for scripts and admin tools, and the audit log."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "kiki_"
TOKEN_PREFIX_LEN = 13  # "kiki_" + 8 random characters: enough to name it in lists
# The prefix column is wider than new tokens need: SCIM tokens converted from
# the old ingest.ScimToken (ingest migration 0003) keep their "kiki_scim_" + 6
# prefix, so the prefix an administrator already knows still names them.
PREFIX_MAX_LEN = 16


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token acting as its user, limited to scopes, until it expires
    or is revoked. Only the sha256 is stored; the raw value is shown once."""

    READ, SYNC, SCIM = "read", "sync", "scim"
    SCOPES = [(READ, "read: search and ask over the JSON API"),
              (SYNC, "sync: start source syncs"),
              (SCIM, "scim: provision users and groups over SCIM 2.0")]

    name = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             help_text="the token acts as this user (their access rules apply)")
    scopes = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=PREFIX_MAX_LEN, db_index=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.CharField(max_length=150, blank=True, default="", editable=False)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.state})"

    @property
    def state(self) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if self.expires <= timezone.now() else "active"

    @classmethod
    def issue(cls, name: str, user, scopes: list[str], days: int | None = None,
              created_by: str = "") -> tuple["ApiToken", str]:
        """Create a token; returns the record and the raw token (never stored).
        Raises ValueError naming an unknown scope."""
        known = {s for s, _ in cls.SCOPES}
        bad = [s for s in scopes if s not in known]
        if bad or not scopes:
            raise ValueError(f"unknown scope {bad[0]!r}; expected some of {', '.join(sorted(known))}"
                             if bad else "a token needs at least one scope")
        days = days or settings.KIKI_API_TOKEN_DAYS
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, user=user, scopes=sorted(set(scopes)), token_hash=hash_token(raw),
                                   prefix=raw[:TOKEN_PREFIX_LEN], created_by=created_by,
                                   expires=timezone.now() + timedelta(days=days))
        return token, raw

    @classmethod
    def find(cls, raw: str) -> "ApiToken | None":
        """The token `raw` names, whatever its state (callers check `usable`)."""
        if not raw or not raw.startswith(TOKEN_PREFIX):
            return None
        return cls.objects.select_related("user").filter(token_hash=hash_token(raw)).first()

    @property
    def usable(self) -> bool:
        return self.state == "active" and self.user.is_active

    def revoke(self) -> bool:
        """Revoke; False when it already was."""
        if self.revoked is not None:
            return False
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])
        return True


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are never changed")

    def delete(self):
        raise PermissionError("audit entries are never deleted")


class AuditEntry(models.Model):
    """Who did what, when and from where. Written only through accounts.audit;
    the admin shows it read-only and nobody can change or delete an entry."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=200, db_index=True,
                             help_text="username, 'token:<prefix>', 'system', or 'former employee'")
    action = models.CharField(max_length=60, db_index=True)
    target = models.CharField(max_length=300, blank=True, default="", db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are never deleted")
