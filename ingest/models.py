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
