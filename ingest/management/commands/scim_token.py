"""manage.py scim_token create <name> [--days N] | revoke <prefix> | list —
bearer tokens for identity providers calling /scim/v2/. A thin convenience
over `manage.py api_token` (docs/scim.md has IdP admins use this one): the
tokens are API tokens with the "scim" scope, acting as the SCIM service
account (ingest.scim.tokens). The raw token is printed once."""
from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from ingest.scim import tokens


class Command(BaseCommand):
    help = "Create, revoke or list SCIM bearer tokens (API tokens with the scim scope)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("name")
        create.add_argument("--days", type=int, default=None, help="lifetime (default KIKI_API_TOKEN_DAYS)")
        revoke = sub.add_parser("revoke", help="revoke the unrevoked SCIM token starting with this prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list SCIM tokens (prefix, name, user, created, expiry, last use, state)")

    def handle(self, *args, action, **options):
        if action == "create":
            if options["days"] is not None and options["days"] < 1:
                raise CommandError("--days must be at least 1")
            token, raw = tokens.issue(options["name"], options["days"], created_by="manage.py")
            audit.record("token.create", actor="manage.py", target=f"token {token.prefix}…", name=token.name,
                         user=token.user.get_username(), scopes=token.scopes, expires=token.expires.isoformat())
            self.stdout.write(f"Created SCIM token {token.prefix}… for {token.name!r} "
                              f"(expires {token.expires:%Y-%m-%d}). Store it now, it is not shown again:\n{raw}")
        elif action == "revoke":
            prefix = options["prefix"].rstrip("…").strip()
            # "kiki_" and a few characters: shorter would match nearly anything.
            if len(prefix) < 8:
                raise CommandError("give at least 8 characters of the token prefix")
            matches = tokens.matching(prefix)
            if not matches:
                raise CommandError(f"no unrevoked SCIM token with prefix {prefix!r}")
            if len(matches) > 1:
                raise CommandError(f"prefix {prefix!r} is ambiguous: {', '.join(t.prefix for t in matches)}")
            token = matches[0]
            token.revoke()
            audit.record("token.revoke", actor="manage.py", target=f"token {token.prefix}…", name=token.name)
            self.stdout.write(f"Revoked SCIM token {token.prefix}… ({token.name}).")
        else:
            for t in tokens.scim_tokens():
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
                self.stdout.write(f"{t.prefix}…  {t.name:<24} {t.user.get_username():<18} "
                                  f"created {t.created:%Y-%m-%d}  expires {t.expires:%Y-%m-%d}  "
                                  f"last used {used}  {t.state}")
