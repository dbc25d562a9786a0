"""manage.py personal_data export <person-key> [--out FILE] | erase <person-key> --yes:
a person's data as JSON, or their erasure (see accounts/gdpr.py)."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from accounts import audit, gdpr
from kiki.errors import InvalidInput


class Command(BaseCommand):
    help = "Export or erase everything Kiki stores about a person."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="print (or write) the person's data as JSON")
        export.add_argument("key")
        export.add_argument("--out", default=None, help="write to this file instead of standard output")
        erase = sub.add_parser("erase", help="erase the person (cannot be undone)")
        erase.add_argument("key")
        erase.add_argument("--yes", action="store_true", help="confirm the erasure")

    def handle(self, *args, action, key, **options):
        try:
            if action == "export":
                data = json.dumps(gdpr.export(key), indent=2, default=str, ensure_ascii=False)
                if options["out"]:
                    with open(options["out"], "w", encoding="utf-8") as f:
                        f.write(data)
                    audit.record("person.export", actor="manage.py", target=f"Person:{key}")
                    self.stdout.write(f"Wrote {options['out']}")
                else:
                    audit.record("person.export", actor="manage.py", target=f"Person:{key}")
                    sys.stdout.write(data + "\n")
            else:
                if not options["yes"]:
                    raise CommandError(f"erasing {key!r} cannot be undone; add --yes to confirm")
                done = gdpr.erase(key, actor="manage.py")
                self.stdout.write(f"Erased {key}: now {done['new_key']}; " +
                                  ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in done.items() if k != "new_key"))
        except InvalidInput as e:
            raise CommandError(e.message) from e
