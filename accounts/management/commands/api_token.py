"""manage.py api_token create <name> --user U --scope read [--scope sync] [--days N]
| revoke <prefix> | list — scoped API tokens. The raw token is printed once."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import audit
from accounts.models import ApiToken


class Command(BaseCommand):
    help = "Create, revoke or list scoped API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("name")
        create.add_argument("--user", required=True, help="the token acts as this user")
        create.add_argument("--scope", action="append", required=True, choices=[s for s, _ in ApiToken.SCOPES])
        create.add_argument("--days", type=int, default=None, help="lifetime (default KIKI_API_TOKEN_DAYS)")
        revoke = sub.add_parser("revoke", help="revoke the token with this prefix")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="list tokens (prefix, name, user, scopes, expiry, state)")

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {options['user']!r}") from None
            if options["days"] is not None and options["days"] < 1:
                raise CommandError("--days must be at least 1")
            token, raw = ApiToken.issue(options["name"], user, options["scope"], options["days"],
                                        created_by="manage.py")
            audit.record("token.create", actor="manage.py", target=f"token {token.prefix}…", name=token.name,
                         user=user.get_username(), scopes=token.scopes, expires=token.expires.isoformat())
            self.stdout.write(f"Created API token {token.prefix}… for {token.name!r} (user {user.get_username()}, "
                              f"scopes {', '.join(token.scopes)}, expires {token.expires:%Y-%m-%d}). "
                              f"Store it now, it is not shown again:\n{raw}")
        elif action == "revoke":
            prefix = options["prefix"].rstrip("…").strip()
            matches = list(ApiToken.objects.filter(prefix__startswith=prefix[:13])) if len(prefix) >= 9 else []
            if not matches:
                raise CommandError(f"no API token with prefix {prefix!r} (give at least 9 characters)")
            if len(matches) > 1:
                raise CommandError(f"prefix {prefix!r} is ambiguous: {', '.join(t.prefix for t in matches)}")
            token = matches[0]
            if token.revoke():
                audit.record("token.revoke", actor="manage.py", target=f"token {token.prefix}…", name=token.name)
            self.stdout.write(f"Revoked API token {token.prefix}… ({token.name}).")
        else:
            for t in ApiToken.objects.select_related("user"):
                used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
                self.stdout.write(f"{t.prefix}…  {t.name:<24} {t.user.get_username():<16} {','.join(t.scopes):<15} "
                                  f"expires {t.expires:%Y-%m-%d}  last used {used}  {t.state}")
