"""manage.py scim_token create <name> | revoke <prefix> | list — bearer tokens
for identity providers calling /scim/v2/. The raw token is printed once."""
from django.core.management.base import BaseCommand, CommandError

from ingest.models import ScimToken


class Command(BaseCommand):
    help = "Create, revoke or list SCIM bearer tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("name")
        revoke = sub.add_parser("revoke", help="revoke the active token starting with this prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list tokens (prefix, name, created, last used, state)")

    def handle(self, *args, action, **options):
        if action == "create":
            token, raw = ScimToken.issue(options["name"])
            self.stdout.write(f"Created SCIM token {token.prefix}… for {token.name!r}. "
                              f"Store it now, it is not shown again:\n{raw}")
        elif action == "revoke":
            prefix = options["prefix"].rstrip("…").strip()
            if len(prefix) < 8:
                raise CommandError("give at least 8 characters of the token prefix")
            matches = [t for t in ScimToken.objects.active() if t.prefix.startswith(prefix[:len(t.prefix)])
                       and prefix.startswith(t.prefix[:len(prefix)])]
            if not matches:
                raise CommandError(f"no active SCIM token with prefix {prefix!r}")
            if len(matches) > 1:
                raise CommandError(f"prefix {prefix!r} is ambiguous: {', '.join(t.prefix for t in matches)}")
            matches[0].revoke()
            self.stdout.write(f"Revoked SCIM token {matches[0].prefix}… ({matches[0].name}).")
        else:
            for t in ScimToken.objects.all():
                state = f"revoked {t.revoked:%Y-%m-%d %H:%M}" if t.revoked else "active"
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
                self.stdout.write(f"{t.prefix}…  {t.name:<30} created {t.created:%Y-%m-%d %H:%M}  "
                                  f"last used {used}  {state}")
