"""Every SCIM token (ingest.ScimToken) becomes an API token with the "scim"
scope, so scoped API tokens are the only SCIM credential (0004 then drops
the old table).

The raw token an identity provider holds keeps working unchanged: both
models store the sha256 hex digest of the raw token, and ApiToken.find takes
any token starting "kiki_", which "kiki_scim_…" does. Name, hash, prefix
(16 characters; accounts 0002 widened the column), created, last use and
revocation are kept. What a ScimToken did not have:

- a user to act as: the SCIM service account (ingest.scim.tokens), created
  here with no usable password if it does not exist yet;
- an expiry: KIKI_API_TOKEN_DAYS from the upgrade, not from `created`, or
  every old token would be dead on arrival. Administrators replace them
  before then (`manage.py scim_token list` shows the date).

Each conversion is an audit entry (`token.convert`). Reversible: going back
moves the converted tokens into ScimToken again.
"""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations
from django.utils import timezone

# ingest.scim.tokens.SERVICE_USER, copied: a migration must not import app code that may change.
SERVICE_USER = "scim-provisioning"
# created_by of a converted token: what the reverse looks for, and what the admin shows.
CONVERTED = "ingest.ScimToken"


def convert(apps, schema_editor):
    ScimToken = apps.get_model("ingest", "ScimToken")
    legacy = list(ScimToken.objects.order_by("created", "pk"))
    if not legacy:
        return  # a fresh install gets no service account until a token needs one
    ApiToken = apps.get_model("accounts", "ApiToken")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    user, _ = User.objects.get_or_create(username=SERVICE_USER, defaults={"password": make_password(None)})
    expires = timezone.now() + timedelta(days=settings.KIKI_API_TOKEN_DAYS)
    for old in legacy:
        if ApiToken.objects.filter(token_hash=old.token_hash).exists():
            continue
        ApiToken.objects.create(name=old.name, user=user, scopes=["scim"], token_hash=old.token_hash,
                                prefix=old.prefix, created=old.created, created_by=CONVERTED, expires=expires,
                                last_used=old.last_used, revoked=old.revoked)
        AuditEntry.objects.create(actor="system", action="token.convert", target=f"token {old.prefix}…",
                                  details={"name": old.name, "from": CONVERTED, "user": SERVICE_USER,
                                           "scopes": ["scim"], "expires": expires.isoformat(),
                                           "revoked": old.revoked.isoformat() if old.revoked else None})


def convert_back(apps, schema_editor):
    ScimToken = apps.get_model("ingest", "ScimToken")
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(created_by=CONVERTED):
        ScimToken.objects.create(name=token.name, token_hash=token.token_hash, prefix=token.prefix,
                                 created=token.created, last_used=token.last_used, revoked=token.revoked)
        token.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("ingest", "0002_syncrun_rejectedrecord_conflict"),
        ("accounts", "0002_apitoken_prefix_fits_legacy_scim"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(convert, convert_back)]
