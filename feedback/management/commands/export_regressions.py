"""manage.py export_regressions: write every review with a recorded answer into
the regression question file the evaluation runs (KIKI_REGRESSIONS_FILE)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from feedback.actions import export_regressions
from kiki.errors import InvalidInput


class Command(BaseCommand):
    help = "Add the recorded correct answers of the 👎 review queue to bench/eval/regressions.jsonl"

    def add_arguments(self, parser):
        parser.add_argument("--file", help=f"regression file (default {settings.KIKI_REGRESSIONS_FILE})")

    def handle(self, *args, **opts):
        path = opts.get("file") or settings.KIKI_REGRESSIONS_FILE
        try:
            n = export_regressions(path=path)
        except InvalidInput as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"{n} regression question(s) written to {path}")
