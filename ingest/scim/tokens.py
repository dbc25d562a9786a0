"""SCIM credentials: API tokens (accounts.models.ApiToken) with the "scim"
scope, the only kind /scim/v2/ accepts. Hashed, expiring, revocable and
audited like every API token; this module only adds what an identity
provider's token needs on top: a user to act as.

An API token acts as a user, but an IdP is nobody in particular, so its
tokens belong to one service account, SERVICE_USER: active (a token of an
inactive user is refused) but with no usable password and no email, so
nobody signs in as it and no Person page is linked to it. Deactivating it
stops every SCIM token it holds at once.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import ApiToken

# Also written into ingest/migrations/0003 (a migration does not import app code).
SERVICE_USER = "scim-provisioning"


def service_user():
    """The account SCIM tokens act as, created on first use."""
    user, created = get_user_model().objects.get_or_create(username=SERVICE_USER)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def issue(name: str, days: int | None = None, created_by: str = "") -> tuple[ApiToken, str]:
    """A new SCIM token for an IdP; the raw value is returned once, never stored."""
    return ApiToken.issue(name, service_user(), [ApiToken.SCIM], days, created_by=created_by)


def scim_tokens():
    """Every token that may call /scim/v2/ (whoever it acts as), newest first.
    Filtered here, not in SQL: SQLite has no JSON `contains` lookup."""
    return [t for t in ApiToken.objects.select_related("user") if ApiToken.SCIM in t.scopes]


def matching(prefix: str) -> list[ApiToken]:
    """Unrevoked SCIM tokens whose prefix agrees with `prefix` over the shorter
    of the two: new prefixes are 13 characters, converted ones 16, and an
    administrator may paste either, or more of the raw token."""
    return [t for t in scim_tokens() if t.revoked is None
            and (t.prefix.startswith(prefix) or prefix.startswith(t.prefix))]
